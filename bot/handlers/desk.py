"""The staff desk in the staff Telegram group (settings.staff_chat_id).

- Ticket cards arrive through the outbox with buttons Ambil / Jawab / Tutup / Jadikan FAQ.
- A staff member answers by replying to the card (or to a reminder / follow-up about the
  ticket): the reply is stored in the transcript and relayed to the citizen through the outbox,
  signed with settings.staff_role, never the staff member's name.
- The first claim wins (an atomic UPDATE); a second claimer is told who has it.
- Staff: settings.staff_ids, or members of the staff group (getChatMember, cached a few
  minutes). Everyone else is refused.
- /antrian: open tickets by age. /tiket N: one ticket with its transcript. /tarikfaq N.
"""
from __future__ import annotations

import logging
import re
import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from .. import desk_messages as dm
from ..crash import AFTER_STAFF_REPLY, crash_point
from ..escalation import Desk, desk
from ..outbox import enqueue, sent_message_purpose, sent_message_ticket
from ..render import TELEGRAM_MAX
from ..text import utf16_len
from ..tickets import (
    DITUTUP,
    PETUGAS,
    SISTEM,
    Ticket,
    add_note,
    claim,
    close,
    mark_answered,
)

log = logging.getLogger(__name__)

TICKET_BUTTON = re.compile(r"^tk:([ajtf]):(\d{1,19})$")
FAQ_BUTTON = re.compile(r"^fq:([wp]):(\d{1,19})$")
STAFF_CACHE_S = 300.0
MEMBER_STATUSES = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}


async def is_staff(context: ContextTypes.DEFAULT_TYPE, user_id: int, *, fresh: bool = False) -> bool:
    """fresh: ask Telegram now (claims and relays: a removed member loses access at once)."""
    d = desk(context)
    if user_id in d.settings.staff_ids:
        return True
    if d.staff_chat_id is None:
        return False
    cached = d.staff_cache.get(user_id)
    if not fresh and cached is not None and cached[1] > time.monotonic():
        return cached[0]
    try:
        member = await context.bot.get_chat_member(d.staff_chat_id, user_id)
        ok = member.status in MEMBER_STATUSES or (
            member.status == ChatMemberStatus.RESTRICTED and bool(getattr(member, "is_member", False))
        )
    except TelegramError as exc:
        log.warning("getChatMember failed: %s", exc)
        return False  # not cached: ask again next time
    d.staff_cache[user_id] = (ok, time.monotonic() + STAFF_CACHE_S)
    return ok


def staff_name(user: User) -> str:
    """Shown to other staff only (who has a ticket); citizens see the role."""
    return user.full_name + (f" (@{user.username})" if user.username else "")


async def refresh_card(d: Desk, ticket_id: int) -> None:
    """Queue an edit of the card so it shows the current status and assignee."""
    ticket = await d.tickets.get(ticket_id)
    if ticket is None or ticket.card_message_id is None or d.staff_chat_id is None:
        return
    async with d.db.sessions.begin() as s:
        await enqueue(
            s, f"t{ticket.id}:edit:{time.time_ns()}", d.staff_chat_id, dm.card(ticket), method="editMessageText",
            purpose="card-edit", ticket_id=ticket.id, message_id=ticket.card_message_id,
            reply_markup=dm.card_keyboard(ticket),
        )
    d.outbox.wake()


async def to_staff(d: Desk, key: str, text: str, *, ticket_id: int | None = None, reply_to: int | None = None,
                   markup: InlineKeyboardMarkup | None = None) -> None:
    """One message to the staff group through the outbox."""
    if d.staff_chat_id is None:
        return
    async with d.db.sessions.begin() as s:
        payload = {"reply_to": reply_to} if reply_to else ({"reply_to_card": ticket_id} if ticket_id else {})
        await enqueue(s, key, d.staff_chat_id, text, purpose="staff", ticket_id=ticket_id, reply_markup=markup, **payload)
    d.outbox.wake()


# ------------------------------------------------------------------ buttons


async def on_ticket_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action, n = TICKET_BUTTON.match(query.data or "").groups()
    n = int(n)
    if not await is_staff(context, query.from_user.id, fresh=action in ("a", "j")):
        await query.answer(dm.STAFF_ONLY, show_alert=True)
        return
    d = desk(context)
    if action in ("a", "j"):
        result = await d.tickets.claim(n, query.from_user.id, staff_name(query.from_user))
        if result.ticket is None:
            await query.answer(dm.NO_TICKET.format(n=n), show_alert=True)
        elif result.ticket.status == DITUTUP:
            await query.answer(dm.ALREADY_CLOSED.format(n=n), show_alert=True)
        elif not result.won:
            await query.answer(dm.CLAIMED_BY.format(n=n, name=result.ticket.assignee_name or "petugas lain"),
                               show_alert=True)
        elif action == "a":
            await query.answer(dm.CLAIMED.format(n=n))
            await refresh_card(d, n)
        else:
            await query.answer(dm.ANSWER_HOW.format(n=n), show_alert=True)
            await refresh_card(d, n)
    elif action == "t":
        await close_ticket(context, n)
        await query.answer(dm.CLOSED.format(n=n))
    elif action == "f":
        await query.answer(await make_faq(context, n), show_alert=True)


async def close_ticket(context: ContextTypes.DEFAULT_TYPE, n: int, *, notify_citizen: bool = True) -> bool:
    d = desk(context)
    async with d.db.sessions.begin() as s:
        ticket = await s.get(Ticket, n)
        if ticket is None or not await close(s, n):
            return False
        await add_note(s, n, SISTEM, "ditutup")
        if notify_citizen:
            await enqueue(s, f"t{n}:closed", ticket.chat_id, dm.closed_notice(ticket, d.settings.staff_role),
                          purpose="notice", ticket_id=n)
    d.outbox.wake()
    await refresh_card(d, n)
    return True


async def make_faq(context: ContextTypes.DEFAULT_TYPE, n: int) -> str:
    """«Jadikan FAQ»: the latest staff answer becomes a draft FAQ entry, posted for review.

    Nothing goes live until staff reply to the review message with the FAQ question (or press
    «Terbitkan» on the proposal). Proposals never carry the citizen's name or numbers."""
    d = desk(context)
    ticket = await d.tickets.get(n)
    if ticket is None:
        return dm.NO_TICKET.format(n=n)
    answers = [e for e in await d.tickets.transcript(n) if e.author == PETUGAS]
    if not answers:
        return dm.FAQ_NEEDS_ANSWER.format(n=n)
    question = dm.faq_scrub(ticket.question, ticket.report)
    answer = dm.faq_scrub(answers[-1].text, ticket.report)
    entry = await d.tickets.draft_faq(ticket_id=n, question=question, answer=answer, role=d.settings.staff_role)
    if d.faq is not None:
        await d.faq.withdraw(entry.id)  # a re-review of a live entry takes it down meanwhile
    if d.staff_chat_id is not None:
        async with d.db.sessions.begin() as s:
            await enqueue(s, f"t{n}:faq-review:{time.time_ns()}", d.staff_chat_id,
                          dm.faq_review(n, entry.id, question, answer), purpose="faq-review", ticket_id=n,
                          reply_to_card=n, reply_markup=dm.faq_review_keyboard(entry.id))
        d.outbox.wake()
    return dm.FAQ_REVIEW_TOAST.format(faq=entry.id)[:200]


async def publish_faq(context: ContextTypes.DEFAULT_TYPE, faq_id: int, question: str | None = None) -> str:
    d = desk(context)
    entry = await d.tickets.publish_faq(faq_id, question)
    if entry is None:
        return dm.FAQ_ALREADY_LIVE.format(faq=faq_id)
    return await announce_faq(d, entry)


async def announce_faq(d: Desk, entry) -> str:
    """A reviewed FAQ entry goes live: indexed, and staff told (with the withdraw button)."""
    if d.faq is not None:
        await d.faq.add(entry)
    n = entry.ticket_id
    text = dm.FAQ_DONE.format(n=n, faq=entry.id, date=dm.local_time(entry.created_at)[:10], role=d.settings.staff_role)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(dm.BTN_WITHDRAW_FAQ, callback_data=f"fq:w:{entry.id}")]])
    await to_staff(d, f"t{n}:faq:{entry.id}:{time.time_ns()}", text, ticket_id=n, markup=markup)
    return text[:200]


async def on_faq_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action, faq_id = FAQ_BUTTON.match(query.data or "").groups()
    if not await is_staff(context, query.from_user.id):
        await query.answer(dm.STAFF_ONLY, show_alert=True)
        return
    text = await (withdraw_faq(context, int(faq_id)) if action == "w" else publish_faq(context, int(faq_id)))
    await query.answer(text)
    if isinstance(query.message, Message):
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest as exc:
            log.debug("could not drop the FAQ button: %s", exc)


async def withdraw_faq(context: ContextTypes.DEFAULT_TYPE, faq_id: int) -> str:
    d = desk(context)
    if not await d.tickets.withdraw_faq(faq_id):
        return dm.FAQ_NOT_FOUND.format(faq=faq_id)
    if d.faq is not None:
        await d.faq.withdraw(faq_id)
    return dm.FAQ_WITHDRAWN.format(faq=faq_id)


# ------------------------------------------------------------------ replies = answers


async def ticket_of_reply(d: Desk, msg: Message) -> Ticket | None:
    target = msg.reply_to_message
    if target is None or d.staff_chat_id is None:
        return None
    ticket = await d.tickets.by_card(target.message_id)
    if ticket is None:
        ticket_id = await sent_message_ticket(d.db, d.staff_chat_id, target.message_id)
        ticket = await d.tickets.get(ticket_id) if ticket_id else None
    return ticket


async def on_staff_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reply in the staff group. To a ticket message: an answer for the citizen."""
    d = desk(context)
    msg = update.effective_message
    ticket = await ticket_of_reply(d, msg)
    if ticket is None:
        from .questions import on_group_text  # a reply to some other bot message: a question as usual

        await on_group_text(update, context)
        return
    user = update.effective_user
    if not await is_staff(context, user.id, fresh=True):
        await msg.reply_text(dm.STAFF_ONLY)
        return
    if update.edited_message is not None:  # the citizen already has the first version
        await msg.reply_text(dm.EDIT_NOT_RELAYED.format(n=ticket.id))
        return
    n = ticket.id
    text = (msg.text or "").strip()
    if not text:
        return
    if await sent_message_purpose(d.db, msg.chat_id, msg.reply_to_message.message_id) == "faq-review":
        entry = await d.tickets.faq_for_ticket(n)  # the FAQ question staff wrote: not for the citizen
        if entry is None or await d.tickets.publish_faq(entry.id, text[:500]) is None:
            await msg.reply_text(dm.FAQ_ALREADY_LIVE.format(faq=entry.id) if entry else dm.NO_TICKET.format(n=n))
            return
        await announce_faq(d, await d.tickets.faq_for_ticket(n))
        return
    async with d.db.sessions.begin() as s:
        ticket = await s.get(Ticket, n)
        if ticket.status == DITUTUP:
            answer_back = dm.CLOSED_TICKET_REPLY.format(n=n)
        elif ticket.assignee_id not in (None, user.id):
            answer_back = dm.NOT_ASSIGNEE.format(n=n, name=ticket.assignee_name or "petugas lain")
        else:
            answer_back = None
            if ticket.assignee_id is None:
                await claim(s, n, user.id, staff_name(user))
            key = f"staff:{msg.chat_id}:{msg.message_id}"
            if await add_note(s, n, PETUGAS, text, source_key=key):
                await mark_answered(s, ticket)
                # staff hear "relayed" once the last part is sent, or that it failed (bot/outbox.py)
                parts = dm.relay_parts(ticket, text, d.settings.staff_role)
                for i, part in enumerate(parts):
                    report = {"confirm": {"chat_id": msg.chat_id, "reply_to": msg.message_id,
                                          "sent": dm.RELAYED.format(n=n) if i == len(parts) - 1 else "",
                                          "failed": dm.RELAY_FAILED.format(n=n)}}
                    await enqueue(s, f"t{n}:relay:{msg.message_id}" + (f":{i}" if i else ""), ticket.chat_id,
                                  part, purpose="relay", ticket_id=n, **report)
    if answer_back is not None:
        await msg.reply_text(answer_back)
        return
    log.info("staff answer for ticket #%d stored", n)
    crash_point(AFTER_STAFF_REPLY)
    d.outbox.wake()
    await refresh_card(d, n)


# ------------------------------------------------------------------ commands


async def _staff_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Staff only, and only where no citizen reads along: the staff group or a private chat."""
    if not await is_staff(context, update.effective_user.id):
        await update.effective_message.reply_text(dm.STAFF_ONLY)
        return False
    chat = update.effective_chat
    if chat.type != ChatType.PRIVATE and chat.id != desk(context).staff_chat_id:
        await update.effective_message.reply_text(dm.STAFF_CHAT_ONLY)
        return False
    return True


async def on_queue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/antrian: open tickets, oldest first."""
    if not await _staff_command(update, context):
        return
    tickets = await desk(context).tickets.open_tickets()
    await update.effective_message.reply_text(dm.queue(tickets))


def _number(text: str | None) -> int | None:
    parts = (text or "").split(maxsplit=1)
    arg = parts[1].strip().lstrip("#") if len(parts) > 1 else ""
    return int(arg) if arg.isdigit() and len(arg) <= 18 else None


async def on_ticket(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/tiket N: the card and transcript of one ticket (with the buttons)."""
    if not await _staff_command(update, context):
        return
    msg = update.effective_message
    n = _number(msg.text)
    if n is None:
        await msg.reply_text(dm.TICKET_USAGE)
        return
    d = desk(context)
    ticket = await d.tickets.get(n)
    if ticket is None:
        await msg.reply_text(dm.NO_TICKET.format(n=n))
        return
    history = dm.transcript(await d.tickets.transcript(n))
    text = dm.card(ticket) + ("\n\n" + history if history else "")
    if utf16_len(text) > TELEGRAM_MAX:
        text = dm.card(ticket)
    if msg.chat_id == d.staff_chat_id:  # through the outbox: a reply to it answers the ticket
        await to_staff(d, f"t{n}:show:{msg.message_id}", text, ticket_id=n, reply_to=msg.message_id,
                       markup=dm.card_keyboard(ticket))
    else:
        await msg.reply_text(text, reply_markup=dm.card_keyboard(ticket))


async def on_withdraw_faq(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/tarikfaq N"""
    if not await _staff_command(update, context):
        return
    n = _number(update.effective_message.text)
    if n is None:
        await update.effective_message.reply_text(dm.TARIKFAQ_USAGE)
        return
    await update.effective_message.reply_text(await withdraw_faq(context, n))

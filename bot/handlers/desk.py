"""The staff desk in the staff Telegram group (settings.staff_chat_id): a thin adapter over
bot/application/desk/.

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

import asyncio

import logging
import time

from telegram import Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, filters

from ..buttons import FAQ, TICKET
from ..context import BotContext, services_of
from ..keyboards import markup
from ..texts import desk as dm
from ..tickets import DITUTUP

log = logging.getLogger(__name__)

STAFF_CACHE_S = 300.0
MEMBER_STATUSES = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}


async def is_staff(context: BotContext, user_id: int, *, fresh: bool = False) -> bool:
    """fresh: ask Telegram now (claims and relays: a removed member loses access at once)."""
    svc = context.services
    if user_id in svc.settings.staff_ids:
        return True
    staff_chat = svc.desk.staff_chat_id
    if staff_chat is None:
        return False
    cached = svc.staff_cache.get(user_id)
    if not fresh and cached is not None and cached[1] > time.monotonic():
        return cached[0]
    try:
        member = await context.bot.get_chat_member(staff_chat, user_id)
        ok = member.status in MEMBER_STATUSES or (
            member.status == ChatMemberStatus.RESTRICTED and bool(getattr(member, "is_member", False))
        )
    except TelegramError as exc:
        log.warning("getChatMember failed: %s", exc)
        return False  # not cached: ask again next time
    svc.staff_cache[user_id] = (ok, time.monotonic() + STAFF_CACHE_S)
    return ok


def staff_name(user: User) -> str:
    """Shown to other staff only (who has a ticket); citizens see the role."""
    return user.full_name + (f" (@{user.username})" if user.username else "")


class StaffChat(filters.MessageFilter):
    """Messages in the staff group: the configured one, or where Telegram migrated it to."""

    def __init__(self, app: Application) -> None:
        super().__init__(name="StaffChat")
        self.app = app

    def filter(self, message: Message) -> bool:
        return message.chat_id == services_of(self.app).desk.staff_chat_id


async def on_chat_migrated(update: Update, context: BotContext) -> None:
    """migrate_to_chat_id (in the old group) / migrate_from_chat_id (in the new supergroup)."""
    msg = update.effective_message
    if msg.migrate_to_chat_id:
        old, new = msg.chat_id, msg.migrate_to_chat_id
    elif msg.migrate_from_chat_id:
        old, new = msg.migrate_from_chat_id, msg.chat_id
    else:
        return
    await context.services.desk.follow_chat(int(old), int(new))


# ------------------------------------------------------------------ buttons


async def _claim_text(context: BotContext, action: str, n: int, user: User) -> tuple[str, bool]:
    result = await context.services.desk.claim(n, user.id, staff_name(user))
    if result.ticket is None:
        return dm.NO_TICKET.format(n=n), True
    if result.ticket.status == DITUTUP:
        return dm.ALREADY_CLOSED.format(n=n), True
    if not result.won:
        return dm.CLAIMED_BY.format(n=n, name=result.ticket.assignee_name or "petugas lain"), True
    return (dm.CLAIMED.format(n=n), False) if action == "a" else (dm.ANSWER_HOW.format(n=n), True)


async def on_ticket_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    action, n = TICKET.match(query.data).groups()
    n = int(n)
    if not await is_staff(context, query.from_user.id, fresh=action in ("a", "j")):
        await query.answer(dm.STAFF_ONLY, show_alert=True)
        return
    desk = context.services.desk
    if action in ("a", "j"):
        text, alert = await _claim_text(context, action, n, query.from_user)
        await query.answer(text, show_alert=alert)
    elif action == "t":
        await desk.close(n)
        await query.answer(dm.CLOSED.format(n=n))
    elif action == "f":
        await query.answer(await desk.make_faq(n), show_alert=True)


async def on_faq_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    action, faq_id = FAQ.match(query.data).groups()
    if not await is_staff(context, query.from_user.id):
        await query.answer(dm.STAFF_ONLY, show_alert=True)
        return
    desk = context.services.desk
    await query.answer(await (desk.withdraw_faq(int(faq_id)) if action == "w" else desk.publish_faq(int(faq_id))))
    if isinstance(query.message, Message):
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest as exc:
            log.debug("could not drop the FAQ button: %s", exc)


# ------------------------------------------------------------------ replies = answers


REPLY_LOOKUP_RETRIES, REPLY_LOOKUP_WAIT_S = 5, 0.2


async def on_staff_reply(update: Update, context: BotContext) -> None:
    """A reply in the staff group. To a ticket message: an answer for the citizen."""
    msg = update.effective_message
    desk = context.services.desk
    ticket = await desk.ticket_for_reply(msg.reply_to_message.message_id, msg.chat_id) if msg.reply_to_message else None
    if ticket is None and msg.reply_to_message is not None and msg.reply_to_message.from_user is not None \
            and msg.reply_to_message.from_user.id == context.bot.id:
        # a reply to a card Telegram has delivered whose message id the outbox (this replica or
        # another) has not committed yet: a moment later it has
        for _ in range(REPLY_LOOKUP_RETRIES):
            await asyncio.sleep(REPLY_LOOKUP_WAIT_S)
            ticket = await desk.ticket_for_reply(msg.reply_to_message.message_id, msg.chat_id)
            if ticket is not None:
                break
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
    text = (msg.text or "").strip()
    if not text:
        return
    if await desk.is_faq_review(msg.reply_to_message.message_id, msg.chat_id):  # the FAQ question: not for the citizen
        refused = await desk.publish_reviewed(ticket.id, text)
        if refused is not None:
            await msg.reply_text(refused)
        return
    refused = await desk.relay(ticket.id, staff_id=user.id, staff_name=staff_name(user), text=text,
                               chat_id=msg.chat_id, message_id=msg.message_id)
    if refused is not None:
        await msg.reply_text(refused)


# ------------------------------------------------------------------ commands


async def _staff_command(update: Update, context: BotContext) -> bool:
    """Staff only, and only where no citizen reads along: the staff group or a private chat."""
    if not await is_staff(context, update.effective_user.id):
        await update.effective_message.reply_text(dm.STAFF_ONLY)
        return False
    chat = update.effective_chat
    if chat.type != ChatType.PRIVATE and chat.id != context.services.desk.staff_chat_id:
        await update.effective_message.reply_text(dm.STAFF_CHAT_ONLY)
        return False
    return True


def _number(text: str | None) -> int | None:
    parts = (text or "").split(maxsplit=1)
    arg = parts[1].strip().lstrip("#") if len(parts) > 1 else ""
    return int(arg) if arg.isdigit() and len(arg) <= 18 else None


async def on_queue(update: Update, context: BotContext) -> None:
    """/antrian: open tickets, oldest first."""
    if await _staff_command(update, context):
        await update.effective_message.reply_text(await context.services.desk.queue())


async def on_ticket(update: Update, context: BotContext) -> None:
    """/tiket N: the card and transcript of one ticket (with the buttons)."""
    if not await _staff_command(update, context):
        return
    msg = update.effective_message
    n = _number(msg.text)
    if n is None:
        await msg.reply_text(dm.TICKET_USAGE)
        return
    shown = await context.services.desk.show(n, chat_id=msg.chat_id, message_id=msg.message_id)
    if shown is None:
        await msg.reply_text(dm.NO_TICKET.format(n=n))
    elif not shown.queued:
        await msg.reply_text(shown.text, reply_markup=markup(shown.keyboard))


async def on_withdraw_faq(update: Update, context: BotContext) -> None:
    """/tarikfaq N"""
    if not await _staff_command(update, context):
        return
    n = _number(update.effective_message.text)
    if n is None:
        await update.effective_message.reply_text(dm.TARIKFAQ_USAGE)
        return
    await update.effective_message.reply_text(await context.services.desk.withdraw_faq(n))

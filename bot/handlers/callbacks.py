"""Inline buttons: 👍/👎 feedback, «Lihat pasal lengkap», «Tanya petugas», /hapusdata Ya/Batal.

Every callback query is answered (Telegram shows a spinner until it is).
"""
from __future__ import annotations

import logging
import re

from telegram import Message, ReplyParameters, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from .. import desk_messages as dm
from .. import messages as m
from ..escalation import desk
from ..keyboards import DELETE, FEEDBACK, PASSAGE, STAFF, without_feedback
from ..render import render_passage
from ..services import services
from ..tickets import PERMINTAAN, PERTANYAAN
from .staff import request_staff

ESCALATE_QUESTION = re.compile(r"^hq:(\d{1,19})$")  # «Teruskan ke petugas» offered after 👎

log = logging.getLogger(__name__)


def _message(update: Update) -> Message | None:
    msg = update.callback_query.message
    return msg if isinstance(msg, Message) else None


async def on_feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    match = FEEDBACK.match(query.data or "")
    conversation_id, sign = int(match.group(1)), match.group(2)
    db = services(context).db
    stored = await db.set_feedback(conversation_id, services(context).pseudonym(query.from_user.id), 1 if sign == "+" else -1)
    if not stored:
        gone = await db.get_conversation(conversation_id) is None
        await query.answer(m.GONE if gone else m.FEEDBACK_NOT_YOURS, show_alert=gone)
        return
    await query.answer(m.FEEDBACK_THANKS)
    msg = _message(update)
    if msg is not None:
        try:
            await query.edit_message_reply_markup(reply_markup=without_feedback(msg.reply_markup))
        except BadRequest as exc:  # e.g. "message is not modified" after a double tap
            log.debug("could not update the keyboard: %s", exc)
    if sign == "-":  # 👎: offer to pass the question to staff
        chat_id = msg.chat_id if msg is not None else query.from_user.id
        await context.bot.send_message(chat_id, dm.ESCALATE_FEEDBACK, reply_markup=dm.escalate_keyboard(conversation_id))


async def on_passage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    match = PASSAGE.match(query.data or "")
    conversation_id, n = int(match.group(1)), int(match.group(2))
    svc = services(context)
    verdict = await svc.rate_check(query.from_user.id)  # each view sends messages: same budget as questions
    if not verdict.allowed:
        await query.answer(m.RATE_LIMITED_BUTTON.format(seconds=verdict.wait_seconds), show_alert=True)
        return
    conversation = await svc.db.get_conversation(conversation_id)
    row = next((s for s in (conversation.sources if conversation else []) if s.get("n") == n), None)
    if row is None:
        await query.answer(m.GONE, show_alert=True)
        return
    passage = await svc.passage(row["passage_id"])
    if passage is None:
        await query.answer(m.PASSAGE_NOT_FOUND, show_alert=True)
        return
    await query.answer()
    msg = _message(update)
    chat_id = msg.chat_id if msg is not None else query.from_user.id
    chain = await svc.article_chain(passage.id)  # issue 11: amended / given a new meaning / void by …
    for i, chunk in enumerate(render_passage(passage, label=row.get("label"), url=row.get("url"), chain=chain)):
        reply = (
            ReplyParameters(msg.message_id, allow_sending_without_reply=True) if msg is not None and i == 0 else None
        )
        await context.bot.send_message(chat_id, chunk, reply_parameters=reply)


async def on_staff_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """«Tanya petugas» (hp:<id>, a «permintaan petugas») or «Teruskan ke petugas» after 👎 (hq:<id>)."""
    query = update.callback_query
    data = query.data or ""
    match = STAFF.match(data) or ESCALATE_QUESTION.match(data)
    conversation_id = int(match.group(1)) or None
    kind = PERTANYAAN if data.startswith("hq:") else PERMINTAAN
    svc = services(context)
    conversation = await svc.db.get_conversation(conversation_id) if conversation_id else None
    if conversation is not None and conversation.user_pseudonym != svc.pseudonym(query.from_user.id):
        conversation = None  # someone else's answer (in a group): a request of one's own, without it
    msg = _message(update)
    chat_id = msg.chat_id if msg is not None else query.from_user.id
    ticket, created = await request_staff(
        context,
        kind=kind,
        user_id=query.from_user.id,
        chat_id=chat_id,
        chat_type=msg.chat.type if msg is not None else "private",
        conversation_id=conversation.id if conversation else None,
        question=conversation.question if conversation else "",
        origin=f"petugas:{conversation.id}" if conversation else f"cb:{query.id}",
    )
    await query.answer(dm.TOAST_TICKET)
    if not created:
        await context.bot.send_message(chat_id, dm.already_open(ticket))


async def on_delete_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    choice = DELETE.match(query.data or "").group(1)
    if choice == "y":
        svc = services(context)
        pseudonym = svc.pseudonym(query.from_user.id)
        tickets = await desk(context).tickets.delete_for_user(pseudonym)
        deleted = await svc.db.delete_user_data(pseudonym)
        text = m.DELETE_DONE.format(conversations=deleted.conversations, requests=deleted.staff_requests + tickets)
    else:
        text = m.DELETE_CANCELLED
    await query.answer()
    if _message(update) is not None:
        await query.edit_message_text(text)
    else:
        await context.bot.send_message(query.from_user.id, text)


async def on_stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Buttons from an older version of the bot, or forged data."""
    await update.callback_query.answer(m.GONE)

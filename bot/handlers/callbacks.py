"""Inline buttons: 👍/👎 feedback, «Lihat pasal lengkap», «Tanya petugas», /hapusdata Ya/Batal.

Every callback query is answered (Telegram shows a spinner until it is).
"""
from __future__ import annotations

import logging

from telegram import Message, ReplyParameters, Update
from telegram.error import BadRequest

from ..buttons import DELETE, ESCALATE, FEEDBACK, PASSAGE, STAFF, escalate_keyboard
from ..context import BotContext
from .budget import budgeted
from ..conversation_sync import forget as forget_conversations
from ..keyboards import markup, without_feedback
from ..render import render_passage
from ..texts import citizen as m
from ..texts import desk as dm

log = logging.getLogger(__name__)


def _message(update: Update) -> Message | None:
    msg = update.callback_query.message
    return msg if isinstance(msg, Message) else None


def _chat_id(update: Update) -> int:
    msg = _message(update)
    return msg.chat_id if msg is not None else update.callback_query.from_user.id


@budgeted
async def on_feedback(update: Update, context: BotContext) -> None:
    query = update.callback_query
    conversation_id, sign = FEEDBACK.match(query.data).groups()
    refused = await context.services.ask.feedback(int(conversation_id), query.from_user.id, sign == "+")
    if refused is not None:
        await query.answer(refused, show_alert=refused == m.GONE)
        return
    await query.answer(m.FEEDBACK_THANKS)
    msg = _message(update)
    if msg is not None:
        try:
            await query.edit_message_reply_markup(reply_markup=without_feedback(msg.reply_markup))
        except BadRequest as exc:  # e.g. "message is not modified" after a double tap
            log.debug("could not update the keyboard: %s", exc)
    if sign == "-":  # 👎: offer to pass the question to staff
        await context.bot.send_message(_chat_id(update), dm.ESCALATE_FEEDBACK,
                                       reply_markup=markup(escalate_keyboard(int(conversation_id))))


@budgeted
async def on_passage(update: Update, context: BotContext) -> None:
    query = update.callback_query
    conversation_id, n = (int(g) for g in PASSAGE.match(query.data).groups())
    ask = context.services.ask
    verdict = await ask.rate_check(query.from_user.id)  # each view sends messages: same budget as questions
    if not verdict.allowed:
        await query.answer(m.RATE_LIMITED_BUTTON.format(seconds=verdict.wait_seconds), show_alert=True)
        return
    msg = _message(update)
    on_message = msg is not None and any(
        b.callback_data == query.data for row_ in (msg.reply_markup.inline_keyboard if msg.reply_markup else ())
        for b in row_)
    row, passage = await ask.source(conversation_id, n, user_id=query.from_user.id, on_message=on_message)
    if row is None or passage is None:
        await query.answer(m.GONE if row is None else m.PASSAGE_NOT_FOUND, show_alert=True)
        return
    await query.answer()
    chain = await context.services.knowledge.article_chain(passage.id)  # issue 11: amended / new meaning / void
    for i, chunk in enumerate(render_passage(passage, label=row.get("label"), url=row.get("url"), chain=chain)):
        reply = ReplyParameters(msg.message_id, allow_sending_without_reply=True) if msg is not None and i == 0 else None
        await context.bot.send_message(_chat_id(update), chunk, reply_parameters=reply)


@budgeted
async def on_staff_button(update: Update, context: BotContext) -> None:
    """«Tanya petugas» (hp:<id>, a «permintaan petugas») or «Teruskan ke petugas» after 👎 (hq:<id>)."""
    query = update.callback_query
    after_feedback = ESCALATE.match(query.data) is not None
    match = ESCALATE.match(query.data) or STAFF.match(query.data)
    msg = _message(update)
    ticket, created = await context.services.ask.staff_from_button(
        after_feedback=after_feedback, conversation_id=int(match.group(1)) or None, user_id=query.from_user.id,
        chat_id=_chat_id(update), chat_type=msg.chat.type if msg is not None else "private", query_id=query.id,
    )
    await query.answer(dm.TOAST_TICKET)
    if not created:
        await context.bot.send_message(_chat_id(update), dm.already_open(ticket))


@budgeted
async def on_delete_choice(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if DELETE.match(query.data).group(1) == "y":
        text = await context.services.ask.forget(query.from_user.id)
        forget_conversations(context.application, query.from_user.id)  # a later flush cannot write them back
    else:
        text = m.DELETE_CANCELLED
    await query.answer()
    if _message(update) is not None:
        await query.edit_message_text(text)
    else:
        await context.bot.send_message(query.from_user.id, text)


async def on_stale_button(update: Update, context: BotContext) -> None:
    """Buttons from an older version of the bot, or forged data."""
    await update.callback_query.answer(m.GONE)

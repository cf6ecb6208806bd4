"""`budgeted`: the per-user budget (bot/application/budget.py) in front of a handler.

A refused update gets the wait notice once per window (as a reply, or as the alert of a button
tap) and nothing after that; a conversation step stays where it was (None).
"""
from __future__ import annotations

import functools
import logging

from telegram import Update
from telegram.error import TelegramError

from ..context import BotContext

log = logging.getLogger(__name__)


async def admitted(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    if user is None:
        return True
    verdict = await context.services.ask.admit(user.id)
    if verdict.allowed:
        return True
    query = update.callback_query
    try:
        if query is not None:
            await query.answer(verdict.notice or None, show_alert=verdict.notice is not None)
        elif verdict.notice is not None and update.effective_message is not None:
            await update.effective_message.reply_text(verdict.notice)
    except TelegramError as exc:
        log.debug("could not tell a user over budget: %s", exc)
    return False


def budgeted(handler):
    @functools.wraps(handler)
    async def wrapper(update: Update, context: BotContext):
        if not await admitted(update, context):
            return None
        return await handler(update, context)

    return wrapper

"""The error handler: log the traceback (secrets are redacted by bot.logs), tell the user."""
from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, RetryAfter, TelegramError

from ..context import BotContext
from ..texts import citizen as m
from ..faults import temporary_dependency

log = logging.getLogger(__name__)

REPLIED_MAX = 1_000


def _first_reply(update: Update, context: BotContext) -> bool:
    """True once per update: an update failing in several handler groups gets one error reply."""
    seen = context.services.error_replies
    if update.update_id in seen:
        return False
    seen[update.update_id] = True
    while len(seen) > REPLIED_MAX:
        seen.popitem(last=False)
    return True


async def on_error(update: object, context: BotContext) -> None:
    # No user content in the log line: only ids needed to find the update.
    where = ""
    if isinstance(update, Update):
        chat = update.effective_chat
        where = f" (update {update.update_id}, chat type {chat.type if chat else '-'})"
    down = temporary_dependency(context.error)
    if down is not None:  # a dependency is down for a while: no traceback, a clear reply
        log.warning("%s unavailable while handling an update%s: %s", down, where, context.error)
        context.services.metrics.temporary_errors.labels(dependency=down).inc()
    else:
        log.error("Exception while handling an update%s", where, exc_info=context.error)

    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, (Forbidden, RetryAfter)):
        return  # the user blocked us / Telegram asks us to slow down: do not send more
    if not _first_reply(update, context):
        return
    if update.callback_query is not None:
        try:
            await update.callback_query.answer(m.BUSY_RETRY)
        except TelegramError:
            pass
    try:
        await context.bot.send_message(update.effective_chat.id, m.TEMPORARY if down else m.ERROR)
    except TelegramError as exc:
        log.warning("could not tell the user about the error: %s", exc)

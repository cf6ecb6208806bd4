"""Questions: private text, group mentions/replies, /tanya, edited and forwarded messages.

The use case (bot/application/ask.py) does the work: the engine runs in the thread pool while a
"typing…" chat action is shown here; the reply's parts are sent with the feedback / passage /
staff buttons under the last one.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError

from ..application.ask import Question
from ..context import BotContext
from ..keyboards import markup
from ..text import clean_question, strip_mention
from ..texts import citizen as m
from ..tickets import Ticket
from .budget import admitted, budgeted

log = logging.getLogger(__name__)

TYPING_REFRESH_S = 4.5  # Telegram shows a chat action for ~5 s


@contextlib.asynccontextmanager
async def typing(bot, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" in `chat_id` until the block ends (refreshed every few seconds).

    On exit it waits (briefly) for the first chat action to have been sent, so "typing…"
    never arrives after the answer and lingers.
    """
    first_sent = asyncio.Event()

    async def keep_typing() -> None:
        while True:
            try:
                await bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
            except TelegramError as exc:
                log.debug("chat action failed: %s", exc)
            finally:
                first_sent.set()
            await asyncio.sleep(TYPING_REFRESH_S)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        # asyncio.timeout and asyncio.wait, not wait_for and a suppressed CancelledError: either
        # could drop a cancellation of this handler (bot/outbox.py `_idle` says how)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2.0):
                await first_sent.wait()
        task.cancel()
        await asyncio.wait({task})


async def answer_question(update: Update, context: BotContext, raw_text: str | None, *,
                          notices: Sequence[str] = (), quote: bool = False) -> Ticket | None:
    """Answer `raw_text` as a question from the update's user, in the update's chat.

    Returns the ticket when the engine escalated the message (its reply then goes through the
    outbox with the ticket's acknowledgement), else None.
    """
    msg, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if msg is None or chat is None or user is None:
        return None
    quote = quote or chat.type != ChatType.PRIVATE
    question = Question(user_id=user.id, chat_id=chat.id, chat_type=chat.type, message_id=msg.message_id,
                        text=raw_text, edited=update.edited_message is not None, notices=notices, quote=quote)
    reply = await context.services.ask.ask(question, thinking=lambda: typing(context.bot, chat.id))
    if reply is None or reply.ticket is not None:
        return reply.ticket if reply is not None else None
    last = len(reply.messages) - 1
    for i, chunk in enumerate(reply.messages):
        await msg.reply_text(chunk, reply_markup=markup(reply.keyboard) if i == last else None,
                             do_quote=quote and i == 0)
    return None


def _notices(update: Update) -> list[str]:
    msg = update.effective_message
    notices = [m.EDITED] if update.edited_message is not None else []
    if msg.forward_origin is not None:
        notices.append(m.FORWARDED)
    return notices


# ------------------------------------------------------------------ entry points


async def on_private_text(update: Update, context: BotContext) -> Ticket | None:
    return await answer_question(update, context, update.effective_message.text, notices=_notices(update),
                                 quote=update.edited_message is not None)


def _addressed_to_bot(msg: Message, bot) -> bool:
    reply = msg.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot.id:
        return True
    username = (bot.username or "").lower()
    for entity, text in msg.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        if entity.type == MessageEntity.MENTION and text.lower() == f"@{username}":
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
            return True
    return False


async def on_group_text(update: Update, context: BotContext) -> None:
    """In groups: answer only when mentioned or replied to (or via /tanya)."""
    msg = update.effective_message
    if not _addressed_to_bot(msg, context.bot) or not await admitted(update, context):
        return
    await answer_question(update, context, strip_mention(msg.text, context.bot.username), notices=_notices(update),
                          quote=True)


@budgeted
async def on_tanya(update: Update, context: BotContext) -> None:
    """/tanya <pertanyaan> (the way to ask in groups; works in private chats too)."""
    msg = update.effective_message
    parts = (msg.text or "").split(maxsplit=1)
    text = parts[1] if len(parts) > 1 else ""
    if not clean_question(text):
        await msg.reply_text(m.ASK_USAGE)
        return
    notices = [m.EDITED] if update.edited_message is not None else []
    await answer_question(update, context, text, notices=notices)

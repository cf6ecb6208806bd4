"""Questions: private text, group mentions/replies, /tanya, edited and forwarded messages.

The engine runs in the services' thread pool (never on the event loop) while a "typing…"
chat action is shown; the answer is logged, rendered to HTML, split under Telegram's limit
and sent with the feedback / passage / staff buttons under its last part.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Sequence

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from knowledge.model import Decision

from .. import desk_messages as dm
from .. import messages as m
from ..escalation import DESK_KEY, kind_for, open_ticket, sources_of
from ..keyboards import answer_keyboard
from ..render import answer_messages, esc, render_plain
from ..services import services
from ..text import clean_question, strip_mention, truncate_question
from ..tickets import LAPORAN, Ticket

log = logging.getLogger(__name__)

try:  # the engine's "bad input" error carries an Indonesian message meant for the citizen
    from knowledge.engine import QuestionError
except ImportError:  # pragma: no cover - engine not installed

    class QuestionError(ValueError):
        pass

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
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(first_sent.wait(), timeout=2.0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _source_rows(answer) -> list[dict]:
    return [
        {
            "n": i,
            "label": s.citation.label,
            "passage_id": s.citation.passage_id or s.passage.id,
            "doc_id": s.citation.doc_id,
            "url": s.citation.url,
            "status": s.citation.status,
        }
        for i, s in enumerate(answer.sources, 1)
    ]


async def answer_question(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    raw_text: str | None,
    *,
    notices: Sequence[str] = (),
    quote: bool = False,
) -> Ticket | None:
    """Answer `raw_text` as a question from the update's user, in the update's chat.

    Returns the ticket when the engine escalated the message (its reply then goes through the
    outbox with the ticket's acknowledgement), else None.
    """
    started = time.perf_counter()
    svc = services(context)
    settings = svc.settings
    msg = update.effective_message
    chat = update.effective_chat
    user = update.effective_user
    if msg is None or chat is None or user is None:
        return
    quote = quote or chat.type != ChatType.PRIVATE

    question = clean_question(raw_text)
    if not question:
        await msg.reply_text(m.EMPTY, do_quote=quote)
        return
    if update.edited_message is not None and svc.already_answered(chat.id, msg.message_id, question):
        return  # same text as already answered (e.g. an edit that changed nothing we read)

    verdict = await svc.rate_check(user.id)
    if not verdict.allowed:
        if verdict.notify:
            await msg.reply_text(
                m.RATE_LIMITED.format(limit=settings.rate_limit_per_minute, seconds=verdict.wait_seconds),
                do_quote=quote,
            )
        return

    svc.remember_answer(chat.id, msg.message_id, question)
    notices = list(notices)
    asked, truncated = truncate_question(question, settings.max_question_chars)
    if truncated:
        notices.append(m.TOO_LONG.format(length=len(question), limit=settings.max_question_chars))

    try:
        async with typing(context.bot, chat.id):
            t0 = time.perf_counter()
            answer = await svc.answer(asked)
            engine_ms = (time.perf_counter() - t0) * 1000
    except QuestionError as exc:
        await msg.reply_text(esc(str(exc)), do_quote=quote)
        return
    except BaseException:
        svc.answered.pop((chat.id, msg.message_id), None)  # a retry (or re-edit) gets answered
        raise

    chunks = answer_messages(answer, notices=notices)
    conversation_id: int | None = None
    try:
        conversation_id = await svc.db.log_conversation(
            user_pseudonym=svc.pseudonym(user.id),
            chat_type=chat.type,
            question=asked,
            question_truncated=truncated,
            decision=getattr(answer.decision, "value", str(answer.decision)),
            reason=answer.reason or "",
            confidence=answer.confidence,
            sources=_source_rows(answer),
            engine_ms=engine_ms,
            latency_ms=(time.perf_counter() - started) * 1000,
        )
    except Exception:  # the citizen still gets the answer, without the log-backed buttons
        log.exception("could not write the conversation log")
    answered = answer.decision == Decision.ANSWER
    if answer.decision == Decision.ESCALATE:
        # the engine tells the citizen the message goes to staff: make that true (a ticket)
        ticket = await _escalate(update, context, answer, asked, conversation_id, chunks, quote)
        if ticket is not None:
            return ticket
    markup = answer_keyboard(conversation_id, len(answer.sources) if answered else 0)

    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        await msg.reply_text(chunk, reply_markup=markup if last else None, do_quote=quote and i == 0)
    return None


async def _escalate(update: Update, context, answer, asked: str, conversation_id: int | None,
                    chunks: list[str], quote: bool) -> Ticket | None:
    """Open the ticket for an escalated message; its reply, acknowledgement and card go through
    the outbox (in order, after the ticket is stored). None: reply the usual way instead."""
    d = context.application.bot_data.get(DESK_KEY)
    if d is None:
        return None
    chat, user, msg = update.effective_chat, update.effective_user, update.effective_message
    kind = kind_for(answer.reason or "", asked)
    private = chat.type == ChatType.PRIVATE
    after: list = []
    report = None
    if kind == LAPORAN:
        if private:
            after = [dm.intake_start()]
            report = {"account": asked, "state": "berjalan"}
        else:
            after = [(dm.REPORT_IN_GROUP, None)]
    try:
        ticket, created = await open_ticket(
            d, kind=kind, chat_id=chat.id, chat_type=chat.type, pseudonym=services(context).pseudonym(user.id),
            question=asked, draft=render_plain(answer), sources=sources_of(answer), confidence=answer.confidence,
            reason=answer.reason or "", conversation_id=conversation_id, origin=f"msg:{chat.id}:{msg.message_id}",
            report=report, before=chunks, after=after, reply_to=msg.message_id if quote else None,
        )
    except Exception:
        log.exception("could not open a ticket")
        return None
    return ticket if created else None


# ------------------------------------------------------------------ entry points


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Ticket | None:
    msg = update.effective_message
    notices: list[str] = []
    if update.edited_message is not None:
        notices.append(m.EDITED)
    if msg.forward_origin is not None:
        notices.append(m.FORWARDED)
    return await answer_question(update, context, msg.text, notices=notices, quote=update.edited_message is not None)


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


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups: answer only when mentioned or replied to (or via /tanya)."""
    msg = update.effective_message
    if not _addressed_to_bot(msg, context.bot):
        return
    notices: list[str] = []
    if update.edited_message is not None:
        notices.append(m.EDITED)
    if msg.forward_origin is not None:
        notices.append(m.FORWARDED)
    await answer_question(update, context, strip_mention(msg.text, context.bot.username), notices=notices, quote=True)


async def on_tanya(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/tanya <pertanyaan> (the way to ask in groups; works in private chats too)."""
    msg = update.effective_message
    parts = (msg.text or "").split(maxsplit=1)
    text = parts[1] if len(parts) > 1 else ""
    if not clean_question(text):
        await msg.reply_text(m.ASK_USAGE)
        return
    notices = [m.EDITED] if update.edited_message is not None else []
    await answer_question(update, context, text, notices=notices)

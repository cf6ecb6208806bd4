"""A database outbox: messages to the staff group and relays to citizens, retried until sent.

Handlers never send these messages themselves. They `enqueue` rows in the same transaction
that stores the ticket / the staff reply, commit, and wake the `OutboxWorker`. The worker
sends due rows in id order (per chat: a row waits while an earlier row of its chat waits),
and marks a row sent in the database right after Telegram accepts it.

- 429 Too Many Requests: the row waits `retry_after` seconds (PTB's rate limiter has already
  honoured it once), then is tried again. Network errors / 5xx: exponential backoff.
- 400/403 that cannot succeed (chat not found, bot blocked): the row is marked failed after
  MAX_PERMANENT_FAILURES tries and logged. Every other error is retried until the row is
  MAX_PENDING_AGE old: no row holds its chat's queue without bound.
- A row that replies to a ticket's card ("reply_to_card") waits while the card is still pending
  in the outbox, at most `orphan_wait_s`; when the card failed for good, is missing, or the wait
  is over, it is sent without reply-to (counted in `attempts`, noted in `last_error`).
- Each row has a unique `key` (e.g. "card:12", "relay:12:345"): enqueueing the same thing twice
  (a redelivered update, a double tap, a re-run after a crash) stores it once.
- A crash (kill -9) before commit: nothing was promised. After commit: the rows are sent on
  restart. The one window left is between Telegram accepting a message and the "sent" commit
  (milliseconds); a crash exactly there re-sends that one message (Telegram has no
  idempotency key for sendMessage). If the database is unreachable at that moment (a
  PostgreSQL restart), the worker keeps the "sent" mark in memory and writes it first when the
  database is back, so an outage does not re-send anything either.
- Several replicas (one worker each) share the outbox: a worker first CLAIMS rows with one
  conditional UPDATE (`claimed_by`, `claimed_until`; migration 0005) and sends only what it
  claimed, so each row is sent by one replica. Only the head of each chat's queue (its oldest
  pending row) can be claimed, so one chat's messages never race each other across replicas
  and keep their order. A claim left by a dead replica expires after CLAIM_SECONDS (more than
  PTB's own retries of one send); then another replica sends the row. On SQLite (one process)
  every worker is the same holder, so a restarted bot takes its rows back at once.

The worker's writes to its rows (the claim, sent / rescheduled / failed, a relay's confirmation)
are bot/outbox_rows.py; the table and `enqueue` are bot/outbox_store.py.

Payload (JSON): {"reply_markup": {...}, "reply_to": message id, "reply_to_card": ticket id,
"file_id": "...", "message_id": id (editMessageText), "caption": "..."}.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from telegram import InlineKeyboardMarkup, InputMediaDocument, InputMediaPhoto, ReplyParameters
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from .db import Database, utcnow
from .outbox_rows import claim_due, give_up, reschedule, write_sent
from .outbox_store import (
    PENDING,
    OutboxMessage,
    enqueue,
    move_chat_rows,
    pending_count,
    sent_message_ticket,
)
from .tickets import Ticket

log = logging.getLogger(__name__)


MAX_PERMANENT_FAILURES = 5
MAX_BACKOFF_S = 300.0
MAX_PENDING_AGE = timedelta(hours=24)  # a row still failing after this is marked failed
ORPHAN_WAIT_S = 60.0  # how long a reply waits for its ticket's card (still pending elsewhere)
NO_CARD = "dikirim tanpa balasan: kartu tiket tidak ada"
CLAIM_SECONDS = 90.0  # > bot.flood's retries of one send (45 s)
RESTART_DELAY_S = 1.0  # the supervisor's pause before it starts an ended worker again
STOP_WAIT_S = 10.0  # how long a stop waits for the cancelled worker to unwind


class OutboxWorker:
    """Sends due outbox rows; one per process (started in post_init, stopped in post_shutdown)."""

    def __init__(self, db: Database, bot, *, poll_seconds: float = 1.0, batch: int = 50,
                 holder: str | None = None, claim_seconds: float = CLAIM_SECONDS,
                 orphan_wait_s: float = ORPHAN_WAIT_S) -> None:
        self.db = db
        self.bot = bot
        self.poll_seconds = poll_seconds
        self.batch = batch
        # who claims rows: one name for the single SQLite process (a restart takes its claims
        # back at once), a per-process id with a shared database
        if holder is None:
            holder = "local" if db.is_sqlite else _process_id()
        self.holder = holder
        self.claim = timedelta(seconds=claim_seconds)
        self.orphan_wait = timedelta(seconds=orphan_wait_s)
        self.sent_without_card = 0  # replies to a card sent without reply-to (since start)
        self.on_chat_moved = None  # async (old chat id, new chat id): set by the desk (composition)
        self.restarts = 0  # times the supervisor started the worker again
        self._stopping = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._lock = asyncio.Lock()
        # rows Telegram accepted whose "sent" mark could not be written yet (database down)
        self._unrecorded: dict[int, tuple[OutboxMessage, int | None]] = {}

    # -------------------------------------------------------------- lifecycle

    def start(self) -> None:
        """Start the worker, supervised: if its task ever ends (a bug, a BaseException that
        escaped a round), it is logged and started again after a short pause (`restarts`)."""
        if self._task is None:
            self._stopping = False
            self._spawn()

    def _spawn(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-worker")
        self._task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task) -> None:
        if self._stopping or task is not self._task:
            return
        exc = None if task.cancelled() else task.exception()
        self.restarts += 1
        log.error("outbox worker ended (%s): restarting it", "cancelled" if exc is None else repr(exc),
                  exc_info=exc)
        self._task = None
        asyncio.get_running_loop().call_later(RESTART_DELAY_S, self._restart)

    def _restart(self) -> None:
        if not self._stopping and self._task is None:
            self._spawn()
            self._wake.set()

    @property
    def alive(self) -> bool:
        """Started, and its task still running (/readyz reports it)."""
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        """Cancel the worker and wait (at most STOP_WAIT_S) for it to end. A cancellation the
        worker's wait drops (see `_idle`) cannot keep it running: it also checks `_stopping`."""
        self._stopping = True
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        self._wake.set()
        done, _ = await asyncio.wait({task}, timeout=STOP_WAIT_S)
        if not done:
            log.error("outbox worker did not end within %.0f s of the stop", STOP_WAIT_S)
        elif not task.cancelled() and task.exception() is not None:
            log.error("outbox worker ended with an error", exc_info=task.exception())

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self.deliver_due()
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup: try again on the next round
                log.exception("outbox round failed")
            await self._idle()

    async def _idle(self) -> None:
        """Wait for a wake-up or the next poll. asyncio.timeout, not asyncio.wait_for: on Python
        3.11 a wait_for whose inner wait has just finished returns and drops a cancellation that
        arrives at that moment (a wake-up right before the stop kept the worker polling, and the
        bot's shutdown waiting for it, for ever)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.poll_seconds):
                await self._wake.wait()
        self._wake.clear()

    # -------------------------------------------------------------- delivery

    async def deliver_due(self) -> int:
        """Claim the due head row of every chat and send it. Returns how many were sent."""
        async with self._lock:
            await self._record_unrecorded()
            rows = await self._claim_due()
            sent = 0
            for row in rows:
                if await self._deliver(row):
                    sent += 1
            if sent:
                self._wake.set()  # the next row of those chats may be due now
            return sent

    async def _claim_due(self) -> list[OutboxMessage]:
        """Claim the oldest pending row of each chat that is due (bot/outbox_rows.py `claim_due`)."""
        return await claim_due(self.db, self.holder, self.claim, self.batch)

    async def _record_unrecorded(self) -> None:
        for row_id, (row, message_id) in list(self._unrecorded.items()):
            await self._write_sent(row, message_id)  # raises while the database is still down
            del self._unrecorded[row_id]

    async def _reply_to(self, row: OutboxMessage) -> int | None | bool:
        """The message id to reply to; False while the ticket's card is still pending in the
        outbox (for at most `orphan_wait`). A card that failed or never existed: None, and the
        row is marked as sent without its card."""
        if row.payload.get("reply_to"):
            return int(row.payload["reply_to"])
        ticket_id = row.payload.get("reply_to_card")
        if not ticket_id:
            return None
        async with self.db.sessions() as s:
            ticket = await s.get(Ticket, int(ticket_id))
            if ticket is not None and ticket.card_message_id and ticket.card_chat_id in (None, row.chat_id):
                return ticket.card_message_id  # the card is in this chat (message ids are per chat)
            card_pending = ticket is not None and not ticket.card_message_id and (
                await s.execute(
                    select(OutboxMessage.id).where(
                        OutboxMessage.purpose == "card", OutboxMessage.ticket_id == ticket.id,
                        OutboxMessage.status == PENDING,
                    )
                )
            ).first() is not None
        if card_pending and utcnow() - _aware(row.created_at) < self.orphan_wait:
            return False
        row.last_error = NO_CARD
        return None

    async def _send(self, row: OutboxMessage):
        p = row.payload or {}
        markup = InlineKeyboardMarkup.de_json(p["reply_markup"], self.bot) if p.get("reply_markup") else None
        if row.method == "editMessageText":
            return await self.bot.edit_message_text(
                row.text, chat_id=row.chat_id, message_id=int(p["message_id"]), reply_markup=markup
            )
        if row.method == "deleteMessage":
            return await self._delete_or_redact(row.chat_id, int(p["message_id"]), row.text)
        reply_to = await self._reply_to(row)
        if reply_to is False:
            raise _NotYet()
        reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        if row.method == "sendMediaGroup":  # an album (evidence): Telegram takes 2-10 items
            media = [
                InputMediaPhoto(item["file_id"], caption=item.get("caption") or None) if item["type"] == "photo"
                else InputMediaDocument(item["file_id"], caption=item.get("caption") or None)
                for item in p["media"]
            ]
            return await self.bot.send_media_group(row.chat_id, media, reply_parameters=reply)
        if row.method == "sendPhoto":
            return await self.bot.send_photo(row.chat_id, p["file_id"], caption=row.text or None, reply_parameters=reply)
        if row.method == "sendDocument":
            return await self.bot.send_document(
                row.chat_id, p["file_id"], caption=row.text or None, reply_parameters=reply
            )
        return await self.bot.send_message(row.chat_id, row.text, reply_markup=markup, reply_parameters=reply)

    async def _delete_or_redact(self, chat_id: int, message_id: int, notice: str) -> bool:
        try:
            return await self.bot.delete_message(chat_id, message_id)
        except BadRequest as exc:
            if "not found" in str(exc).lower():
                return True  # gone already
            log.info("outbox: message %s in %s cannot be deleted (%s): redacting it", message_id, chat_id, exc)
        try:
            await self.bot.edit_message_text(notice, chat_id=chat_id, message_id=message_id, reply_markup=None)
        except BadRequest as exc:  # a photo or document: its caption is what can be edited
            if "not modified" in str(exc).lower():
                return True
            await self.bot.edit_message_caption(chat_id=chat_id, message_id=message_id, caption=notice,
                                                reply_markup=None)
        return True

    async def _deliver(self, row: OutboxMessage) -> bool:
        try:
            result = await self._send(row)
        except _NotYet:  # counted like a try, and bounded by orphan_wait
            await self._retry(row, min(MAX_BACKOFF_S, 1.0 + row.attempts), "waiting for the ticket's card")
            return False
        except ChatMigrated as exc:  # the group became a supergroup: follow it, send there
            await self._moved(row, int(exc.new_chat_id))
            return False
        except RetryAfter as exc:
            wait = exc.retry_after.total_seconds() if isinstance(exc.retry_after, timedelta) else float(exc.retry_after)
            await self._retry(row, wait, f"429 retry after {wait:g}s")
            return False
        except BadRequest as exc:
            if row.method == "editMessageText" and "not modified" in str(exc).lower():
                await self._mark_sent(row, None)
                return True
            await self._failed_or_retry(row, exc)
            return False
        except Forbidden as exc:
            await self._failed_or_retry(row, exc)
            return False
        except TelegramError as exc:  # network errors, timeouts, 5xx
            await self._retry(row, min(MAX_BACKOFF_S, 2.0 ** min(row.attempts, 8)), str(exc))
            return False
        if isinstance(result, (tuple, list)):  # an album: every message's id is kept (/hapusdata deletes them)
            ids = [m.message_id for m in result]
            row.payload = dict(row.payload or {}, message_ids=ids)
            message_id = ids[0] if ids else None
        else:
            message_id = getattr(result, "message_id", None)
        if row.last_error == NO_CARD:
            self.sent_without_card += 1
            log.warning("outbox %s (%s): the ticket's card is missing; sent without reply-to", row.id, row.key)
        await self._mark_sent(row, message_id)
        return True

    async def _moved(self, row: OutboxMessage, new_chat_id: int) -> None:
        """Telegram answered "group chat was upgraded to a supergroup": every pending row of the
        old chat moves to the new id (an edit of a message in the old chat cannot: it is dropped),
        and `on_chat_moved` (the desk) follows its staff group there and tells the admins."""
        log.warning("outbox: chat %s migrated to %s", row.chat_id, new_chat_id)
        if self.on_chat_moved is not None:
            await self.on_chat_moved(row.chat_id, new_chat_id)
        else:
            await move_chat_rows(self.db, row.chat_id, new_chat_id)
        self._wake.set()

    async def _mark_sent(self, row: OutboxMessage, message_id: int | None) -> None:
        try:
            await self._write_sent(row, message_id)
        except Exception:
            # Telegram has the message: never send it again. Keep the mark and write it first
            # on the next round (the claim keeps other replicas off the row meanwhile).
            self._unrecorded[row.id] = (row, message_id)
            raise

    async def _write_sent(self, row: OutboxMessage, message_id: int | None) -> None:
        await write_sent(self.db, row, message_id)
        self._wake.set()

    async def _retry(self, row: OutboxMessage, wait_s: float, error: str) -> None:
        if utcnow() - _aware(row.created_at) > MAX_PENDING_AGE:  # never hold the chat's queue for good
            await self._give_up(row, f"still failing after {MAX_PENDING_AGE}: {error}")
            return
        log.warning("outbox %s (%s): retry in %.1fs: %s", row.id, row.key, wait_s, error[:120])
        await reschedule(self.db, row, wait_s, error)

    async def _failed_or_retry(self, row: OutboxMessage, exc: TelegramError) -> None:
        if row.attempts + 1 >= MAX_PERMANENT_FAILURES:
            await self._give_up(row, str(exc))
            return
        await self._retry(row, min(MAX_BACKOFF_S, 2.0 ** row.attempts), str(exc))

    async def _give_up(self, row: OutboxMessage, error: str) -> None:
        log.error("outbox %s (%s): giving up after %d tries: %s", row.id, row.key, row.attempts + 1, error[:160])
        await give_up(self.db, row, error)
        self._wake.set()


def _process_id() -> str:
    from .shared import replica_id  # bot.shared imports bot.db only; imported late all the same

    return replica_id()


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=timezone.utc)


class _NotYet(Exception):
    """The row depends on a message not sent yet (a reply to a card still in the outbox)."""


__all__ = ["OutboxMessage", "OutboxWorker", "enqueue", "pending_count", "sent_message_ticket"]

"""The outbox's rows, and how a use case adds one inside its own transaction (no telegram).

bot/outbox.py's worker sends them; see its docstring for the delivery rules.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, Integer, String, Text, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from .buttons import Keyboard
from .db import Base, BigId, Database, utcnow

PENDING = "pending"
SENT = "sent"
FAILED = "failed"


class OutboxMessage(Base):
    __tablename__ = "outbox"
    # a bot message is found by (chat id, message id): ids are per chat (migration 0007_message_refs)
    __table_args__ = (Index("ix_outbox_chat_message", "chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    method: Mapped[str] = mapped_column(String(24), default="sendMessage")
    text: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    purpose: Mapped[str] = mapped_column(String(24), default="")  # card | relay | ack | notice | reminder ...
    ticket_id: Mapped[int | None] = mapped_column(BigId, nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(12), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # Telegram's, once sent
    last_error: Mapped[str] = mapped_column(String(200), default="")
    # which worker is sending it (several replicas), until when (migration 0005)
    claimed_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


async def enqueue(
    s: AsyncSession,
    key: str,
    chat_id: int,
    text: str = "",
    *,
    purpose: str = "",
    ticket_id: int | None = None,
    method: str = "sendMessage",
    reply_markup: Keyboard | dict | None = None,
    **payload: Any,
) -> bool:
    """Add a message to the outbox inside the caller's transaction. False: that key exists already."""
    seen = (await s.execute(select(OutboxMessage.id).where(OutboxMessage.key == key))).first()
    if seen:
        return False
    if isinstance(reply_markup, Keyboard):
        reply_markup = reply_markup.to_dict()
    if reply_markup is not None:
        payload["reply_markup"] = reply_markup
    s.add(
        OutboxMessage(
            key=key, created_at=utcnow(), chat_id=chat_id, method=method, text=text, payload=payload,
            purpose=purpose, ticket_id=ticket_id, status=PENDING, attempts=0, next_attempt_at=utcnow(),
        )
    )
    await s.flush()
    return True


async def pending_count(db: Database) -> int:
    async with db.sessions() as s:
        q = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == PENDING)
        return int((await s.execute(q)).scalar_one())


async def sent_message_ticket(db: Database, chat_id: int, message_id: int) -> int | None:
    """The ticket a bot message (card, reminder, follow-up) in `chat_id` belongs to."""
    async with db.sessions() as s:
        res = await s.execute(
            select(OutboxMessage.ticket_id).where(
                OutboxMessage.chat_id == chat_id, OutboxMessage.message_id == message_id, OutboxMessage.status == SENT
            )
        )
        row = res.first()
    return row[0] if row else None


async def sent_message_purpose(db: Database, chat_id: int, message_id: int) -> str | None:
    """What a bot message in `chat_id` was for ("card", "faq-review", ...)."""
    async with db.sessions() as s:
        row = (await s.execute(
            select(OutboxMessage.purpose).where(
                OutboxMessage.chat_id == chat_id, OutboxMessage.message_id == message_id, OutboxMessage.status == SENT
            )
        )).first()
    return row[0] if row else None


async def redact(s: AsyncSession, chat_id: int, message_id: int, notice: str) -> bool:
    """Queue the deletion of a bot message (edited to `notice` where Telegram no longer lets it
    be deleted: after 48 hours)."""
    return await enqueue(s, f"redact:{chat_id}:{message_id}", chat_id, notice, method="deleteMessage",
                         purpose="redact", message_id=message_id)


async def erase_for(s: AsyncSession, *, ticket_ids: list[int], chat_id: int, notice: str) -> int:
    """/hapusdata, in the caller's transaction: delete every row about these tickets or to the
    citizen's own chat (pending ones are so cancelled: never sent), and queue the deletion of
    the bot's messages about them in other chats (the staff group), see `redact`.
    Returns how many rows were deleted."""
    about = or_(OutboxMessage.ticket_id.in_(ticket_ids), OutboxMessage.chat_id == chat_id)
    rows = (await s.execute(
        select(OutboxMessage.chat_id, OutboxMessage.message_id, OutboxMessage.status, OutboxMessage.payload)
        .where(about, OutboxMessage.chat_id != chat_id)
    )).all()
    sent: set[tuple[int, int]] = set()
    for chat, message_id, status, payload in rows:
        if status == SENT and message_id:
            sent.add((chat, int(message_id)))
        edited = (payload or {}).get("message_id")
        if edited:
            sent.add((chat, int(edited)))
        for album_item in (payload or {}).get("message_ids") or []:  # every message of an album
            sent.add((chat, int(album_item)))
    res = await s.execute(delete(OutboxMessage).where(about))
    for chat, message_id in sorted(sent):
        await redact(s, chat, message_id, notice)
    return res.rowcount or 0


async def purge_before(s: AsyncSession, cutoff: datetime) -> int:
    """Retention: rows (any status) created before `cutoff`."""
    res = await s.execute(delete(OutboxMessage).where(OutboxMessage.created_at < cutoff))
    return res.rowcount or 0


async def move_chat_rows(db: Database, old_chat_id: int, new_chat_id: int, *, s: AsyncSession | None = None) -> int:
    """A group Telegram migrated: its pending rows go to the new id. Edits and deletions of
    messages in the old chat cannot follow (message ids are per chat): they are dropped."""
    from sqlalchemy import update

    async def run(s: AsyncSession) -> int:
        pending = (OutboxMessage.chat_id == old_chat_id) & (OutboxMessage.status == PENDING)
        edits = pending & OutboxMessage.method.in_(("editMessageText", "deleteMessage"))
        await s.execute(update(OutboxMessage).where(edits).values(status=FAILED, last_error="chat migrated"))
        rows = list((await s.execute(select(OutboxMessage).where(pending))).scalars())
        for row in rows:
            payload = dict(row.payload or {})
            payload.pop("reply_to", None)  # a message id of the old chat: not one in the new chat
            row.payload, row.chat_id = payload, new_chat_id
            row.next_attempt_at, row.claimed_by, row.claimed_until = utcnow(), None, None
        await s.flush()
        return len(rows)

    if s is not None:
        return await run(s)
    async with db.sessions.begin() as session:
        return await run(session)

"""The ticket desk's store: tickets, their transcript, staff FAQ entries (SQLAlchemy async).

Same engine and session style as bot/db.py (the `Database` object owns the engine); the schema
is created by the Alembic migration 0002_tickets. Every function that changes state takes an
open session so callers can put a ticket, its transcript line and its outbox messages in ONE
transaction ("persist before telling"; see bot/application/desk/ and bot/outbox.py).

A ticket:  number (id) · citizen chat + pseudonym · kind · status · question · the bot's draft
answer + sources + confidence · assignee · timestamps · transcript (ticket_messages) ·
report facts (violation reports, UU 1/2015 Pasal 134 ayat (3)) · the card's message id in
the staff group.

Status: baru → diambil → dijawab → ditutup. Claims are atomic (UPDATE ... WHERE assignee IS
NULL): the first claim wins on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    String,
    Text,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, BigId, Database, utcnow

# Kinds (what staff see on the card; Indonesian as in the spec)
PERTANYAAN = "pertanyaan"
LAPORAN = "laporan pelanggaran"
PERMINTAAN = "permintaan petugas"
KINDS = (PERTANYAAN, LAPORAN, PERMINTAAN)

# Status
BARU = "baru"
DIAMBIL = "diambil"
DIJAWAB = "dijawab"
DITUTUP = "ditutup"
OPEN = (BARU, DIAMBIL)

# Transcript authors
WARGA = "warga"
PETUGAS = "petugas"
BOT = "bot"
SISTEM = "sistem"


def aware(dt: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (stored as UTC): make them aware again."""
    if dt is None:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default=BARU, index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    chat_type: Mapped[str] = mapped_column(String(16), default="private")
    user_pseudonym: Mapped[str] = mapped_column(String(64), index=True)
    # what opened it, unique: a redelivered update or a double tap opens one ticket
    origin: Mapped[str | None] = mapped_column(String(96), unique=True, nullable=True)
    conversation_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("conversations.id", ondelete="SET NULL"), nullable=True
    )
    question: Mapped[str] = mapped_column(Text, default="")
    draft_answer: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str] = mapped_column(String(64), default="")
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    assignee_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    assignee_name: Mapped[str | None] = mapped_column(String(128), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # the chat card_message_id belongs to: message ids are per chat (migration 0007_message_refs)
    card_chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def age(self, now: datetime | None = None) -> timedelta:
        return (now or utcnow()) - aware(self.created_at)


class TicketMessage(Base):
    """The transcript: who said what about a ticket, in order."""

    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(BigId, ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    author: Mapped[str] = mapped_column(String(16))  # warga | petugas | bot | sistem
    text: Mapped[str] = mapped_column(Text, default="")
    # for staff replies: the reply's message id in the staff group (unique per ticket: relayed once)
    source_key: Mapped[str | None] = mapped_column(String(96), unique=True, nullable=True)


class FaqEntry(Base):
    """A staff answer made into knowledge ("Jadikan FAQ"): indexed as doc type «jawaban petugas»."""

    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ticket_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("tickets.id", ondelete="SET NULL"), nullable=True, unique=True
    )
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ChatMove(Base):
    """A group Telegram upgraded to a supergroup (migrate_to_chat_id): the desk follows it."""

    __tablename__ = "chat_moves"

    old_chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    new_chat_id: Mapped[int] = mapped_column(BigInteger)
    moved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@dataclass(frozen=True)
class Claim:
    won: bool  # the ticket is (now) the claimer's
    ticket: Ticket | None  # None: no such ticket
    fresh: bool = False  # this call took it (not a re-claim of one's own ticket)


# --------------------------------------------------------------------------- writes (in a session)


async def add_ticket(s: AsyncSession, **values: Any) -> tuple[Ticket, bool]:
    """Insert a ticket (and its first transcript line); an existing `origin` returns that one."""
    origin = values.get("origin")
    if origin:
        existing = (await s.execute(select(Ticket).where(Ticket.origin == origin))).scalar_one_or_none()
        if existing is not None:
            return existing, False
    now = utcnow()
    ticket = Ticket(created_at=now, updated_at=now, status=BARU, **values)
    s.add(ticket)
    await s.flush()
    if ticket.question:
        s.add(TicketMessage(ticket_id=ticket.id, at=now, author=WARGA, text=ticket.question))
    return ticket, True


async def origin_exists(s: AsyncSession, origin: str | None) -> bool:
    if not origin:
        return False
    return (await s.execute(select(Ticket.id).where(Ticket.origin == origin))).first() is not None


async def held_ticket(s: AsyncSession, user_pseudonym: str, *, max_open: int, max_per_hour: int) -> Ticket | None:
    """The ticket a citizen gets back instead of a new one (the cap per citizen), or None.

    With `max_open` open tickets: the newest open one. With `max_per_hour` tickets opened in the
    last hour (open or not: a /lapor → /batal loop closes each one): the newest open one, else
    the newest. 0 turns a cap off."""
    mine = select(Ticket).where(Ticket.user_pseudonym == user_pseudonym).order_by(Ticket.id.desc())
    open_ = list((await s.execute(mine.where(Ticket.status.in_(OPEN)).limit(max(max_open, 1)))).scalars())
    if max_open > 0 and len(open_) >= max_open:
        return open_[0]
    if max_per_hour > 0:
        recent = list((await s.execute(
            mine.where(Ticket.created_at >= utcnow() - timedelta(hours=1)).limit(max_per_hour)
        )).scalars())
        if len(recent) >= max_per_hour:
            return open_[0] if open_ else recent[0]
    return None


async def add_note(s: AsyncSession, ticket_id: int, author: str, text: str, *, source_key: str | None = None) -> bool:
    """Append to the transcript. With a source_key already stored: nothing (False)."""
    if source_key:
        seen = (await s.execute(select(TicketMessage.id).where(TicketMessage.source_key == source_key))).first()
        if seen:
            return False
    s.add(TicketMessage(ticket_id=ticket_id, at=utcnow(), author=author, text=text, source_key=source_key))
    await s.flush()
    return True


async def claim(s: AsyncSession, ticket_id: int, staff_id: int, staff_name: str) -> Claim:
    """Atomically take an unassigned open ticket. Re-claiming your own ticket counts as a win."""
    now = utcnow()
    res = await s.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.assignee_id.is_(None), Ticket.status.in_(OPEN))
        .values(assignee_id=staff_id, assignee_name=staff_name[:128], status=DIAMBIL, claimed_at=now, updated_at=now)
    )
    ticket = await s.get(Ticket, ticket_id, populate_existing=True)
    if ticket is None:
        return Claim(False, None)
    fresh = res.rowcount == 1
    return Claim(fresh or ticket.assignee_id == staff_id, ticket, fresh)


async def mark_answered(s: AsyncSession, ticket: Ticket) -> None:
    now = utcnow()
    await s.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.status != DITUTUP)
        .values(status=DIJAWAB, answered_at=now, updated_at=now)
    )


async def close(s: AsyncSession, ticket_id: int) -> bool:
    """Close an open/answered ticket; False when it was closed already."""
    now = utcnow()
    res = await s.execute(
        update(Ticket).where(Ticket.id == ticket_id, Ticket.status != DITUTUP).values(
            status=DITUTUP, closed_at=now, updated_at=now
        )
    )
    return res.rowcount == 1


async def set_report(s: AsyncSession, ticket_id: int, report: dict[str, Any]) -> None:
    await s.execute(update(Ticket).where(Ticket.id == ticket_id).values(report=report, updated_at=utcnow()))


async def add_faq(s: AsyncSession, *, ticket_id: int | None, question: str, answer: str,
                  role: str) -> tuple[FaqEntry, bool]:
    """A ticket's answer as a FAQ entry; (entry, created). One per ticket: a second press returns
    the first, re-activated (created again when it had been withdrawn)."""
    if ticket_id is not None:
        old = (await s.execute(select(FaqEntry).where(FaqEntry.ticket_id == ticket_id))).scalar_one_or_none()
        if old is not None:
            created = old.withdrawn_at is not None
            old.withdrawn_at = None
            old.question, old.answer = question, answer
            return old, created
    entry = FaqEntry(created_at=utcnow(), ticket_id=ticket_id, question=question, answer=answer, role=role)
    s.add(entry)
    await s.flush()
    return entry, True


# --------------------------------------------------------------------------- the store (own sessions)


class TicketStore:
    """Reads and one-shot writes; multi-step transactions use the functions above."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, ticket_id: int) -> Ticket | None:
        async with self.db.sessions() as s:
            return await s.get(Ticket, ticket_id)

    async def open_tickets(self) -> list[Ticket]:
        """Open tickets, oldest first (the queue)."""
        async with self.db.sessions() as s:
            res = await s.execute(select(Ticket).where(Ticket.status.in_(OPEN)).order_by(Ticket.created_at, Ticket.id))
            return list(res.scalars())

    async def open_created_at(self) -> list[datetime]:
        """When each open ticket was created (for the open-tickets-by-age gauge)."""
        async with self.db.sessions() as s:
            res = await s.execute(select(Ticket.created_at).where(Ticket.status.in_(OPEN)))
            return list(res.scalars())

    async def for_user(self, user_pseudonym: str) -> list[Ticket]:
        async with self.db.sessions() as s:
            res = await s.execute(select(Ticket).where(Ticket.user_pseudonym == user_pseudonym).order_by(Ticket.id))
            return list(res.scalars())

    async def transcript(self, ticket_id: int) -> list[TicketMessage]:
        async with self.db.sessions() as s:
            res = await s.execute(
                select(TicketMessage).where(TicketMessage.ticket_id == ticket_id).order_by(TicketMessage.id)
            )
            return list(res.scalars())

    async def claim(self, ticket_id: int, staff_id: int, staff_name: str) -> Claim:
        async with self.db.sessions.begin() as s:
            result = await claim(s, ticket_id, staff_id, staff_name)
            if result.fresh:
                await add_note(s, ticket_id, SISTEM, "diambil oleh petugas")
            return result

    async def overdue(self, *, older_than: timedelta, remind_every: timedelta, now: datetime | None = None) -> list[Ticket]:
        """Open tickets older than `older_than` not reminded within `remind_every`."""
        now = now or utcnow()
        async with self.db.sessions() as s:
            res = await s.execute(
                select(Ticket)
                .where(
                    Ticket.status.in_(OPEN),
                    Ticket.created_at < now - older_than,
                    (Ticket.last_reminded_at.is_(None)) | (Ticket.last_reminded_at < now - remind_every),
                )
                .order_by(Ticket.created_at, Ticket.id)
            )
            return list(res.scalars())

    async def count(self, **where: Any) -> int:
        async with self.db.sessions() as s:
            q = select(func.count()).select_from(Ticket)
            for k, v in where.items():
                q = q.where(getattr(Ticket, k) == v)
            return int((await s.execute(q)).scalar_one())

    # -------------------------------------------------------------- FAQ

    async def faq_entries(self, *, active_only: bool = True) -> list[FaqEntry]:
        async with self.db.sessions() as s:
            q = select(FaqEntry).order_by(FaqEntry.id)
            if active_only:
                q = q.where(FaqEntry.withdrawn_at.is_(None))
            return list((await s.execute(q)).scalars())

    async def add_faq(self, *, ticket_id: int | None, question: str, answer: str, role: str) -> tuple[FaqEntry, bool]:
        """Store a FAQ entry (one per ticket: a second press returns the first, re-activated)."""
        async with self.db.sessions.begin() as s:
            return await add_faq(s, ticket_id=ticket_id, question=question, answer=answer, role=role)

    async def draft_faq(self, *, ticket_id: int, question: str, answer: str, role: str) -> FaqEntry:
        """A FAQ entry awaiting staff review: stored withdrawn (never indexed) until `publish_faq`."""
        entry, _ = await self.add_faq(ticket_id=ticket_id, question=question, answer=answer, role=role)
        async with self.db.sessions.begin() as s:
            await s.execute(update(FaqEntry).where(FaqEntry.id == entry.id).values(withdrawn_at=utcnow()))
        entry.withdrawn_at = utcnow()
        return entry

    async def publish_faq(self, faq_id: int, question: str | None = None) -> FaqEntry | None:
        """Staff reviewed it: it goes live (with the question they wrote). None: no such entry
        or live already."""
        async with self.db.sessions.begin() as s:
            entry = await s.get(FaqEntry, faq_id)
            if entry is None or entry.withdrawn_at is None:
                return None
            if question:
                entry.question = question
            entry.withdrawn_at = None
            entry.created_at = utcnow()
            return entry

    async def faq_for_ticket(self, ticket_id: int) -> FaqEntry | None:
        async with self.db.sessions() as s:
            return (await s.execute(select(FaqEntry).where(FaqEntry.ticket_id == ticket_id))).scalar_one_or_none()

    async def withdraw_faq(self, faq_id: int) -> bool:
        async with self.db.sessions.begin() as s:
            res = await s.execute(
                update(FaqEntry).where(FaqEntry.id == faq_id, FaqEntry.withdrawn_at.is_(None)).values(withdrawn_at=utcnow())
            )
            return res.rowcount == 1

    # -------------------------------------------------------------- privacy

    async def delete_for_user(self, user_pseudonym: str) -> int:
        async with self.db.sessions.begin() as s:
            ids = list((await s.execute(select(Ticket.id).where(Ticket.user_pseudonym == user_pseudonym))).scalars())
            if not ids:
                return 0
            await s.execute(delete(TicketMessage).where(TicketMessage.ticket_id.in_(ids)))
            await s.execute(delete(Ticket).where(Ticket.id.in_(ids)))
            return len(ids)

    async def purge_closed_before(self, cutoff: datetime) -> int:
        async with self.db.sessions.begin() as s:
            ids = list(
                (await s.execute(select(Ticket.id).where(Ticket.status == DITUTUP, Ticket.closed_at < cutoff))).scalars()
            )
            if ids:
                await s.execute(delete(TicketMessage).where(TicketMessage.ticket_id.in_(ids)))
                await s.execute(update(FaqEntry).where(FaqEntry.ticket_id.in_(ids)).values(ticket_id=None))
                await s.execute(delete(Ticket).where(Ticket.id.in_(ids)))
            return len(ids)

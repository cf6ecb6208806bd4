"""The console's inbox: the desk's tickets, filtered and searched, one ticket with its transcript
and the relays' delivery states, the open queue (read only; changes go through the Desk)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from ...db import Database, utcnow
from ...outbox_store import OutboxMessage
from ...tickets import OPEN, SISTEM, FaqEntry, Ticket, TicketMessage, aware

PAGE = 50

AGES = {"1j": timedelta(hours=1), "4j": timedelta(hours=4), "24j": timedelta(hours=24), "3h": timedelta(days=3)}


@dataclass(frozen=True)
class Filters:
    """The inbox's filters. status: a status or "terbuka" (baru + diambil) or "" (all);
    age: older than one of AGES; assignee: "saya" (me), "kosong" (nobody) or ""; q: search text."""

    status: str = "terbuka"
    kind: str = ""
    age: str = ""
    assignee: str = ""
    q: str = ""
    page: int = 0


@dataclass(frozen=True)
class Queue:
    open: int
    oldest_minutes: int | None


@dataclass
class TicketView:
    ticket: Ticket
    transcript: list[TicketMessage]
    faq: FaqEntry | None
    relays: list[dict[str, Any]] = field(default_factory=list)  # the relays' delivery states


def age_minutes(ticket: Ticket, now: datetime | None = None) -> int:
    return max(0, int(ticket.age(now).total_seconds() // 60))


_LIKE_ESCAPE = str.maketrans({"%": r"\%", "_": r"\_", "\\": r"\\"})


class Inbox:
    """The console's reads of the desk (same tables as bot/tickets.py, read only)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def tickets(self, f: Filters, *, user_id: int | None = None, limit: int = PAGE) -> tuple[list[Ticket], int]:
        """(a page of tickets, how many match), newest first; open queues oldest first."""
        conds = []
        if f.status == "terbuka":
            conds.append(Ticket.status.in_(OPEN))
        elif f.status:
            conds.append(Ticket.status == f.status)
        if f.kind:
            conds.append(Ticket.kind == f.kind)
        if f.age in AGES:
            conds.append(Ticket.created_at < utcnow() - AGES[f.age])
        if f.assignee == "saya" and user_id is not None:
            conds.append(Ticket.assignee_id == user_id)
        elif f.assignee == "kosong":
            conds.append(Ticket.assignee_id.is_(None))
        q = " ".join(f.q.split())[:200]
        if q:
            number = q.lstrip("#")
            pattern = f"%{q.lower().translate(_LIKE_ESCAPE)}%"
            text_match = or_(
                func.lower(Ticket.question).like(pattern, escape="\\"),
                Ticket.id.in_(select(TicketMessage.ticket_id)  # what citizens and staff wrote, not system notes
                              .where(TicketMessage.author != SISTEM,
                                     func.lower(TicketMessage.text).like(pattern, escape="\\"))),
            )
            conds.append(or_(Ticket.id == int(number), text_match) if number.isdigit() and len(number) < 18
                         else text_match)
        order = (Ticket.created_at, Ticket.id) if f.status == "terbuka" else (Ticket.id.desc(),)
        async with self.db.sessions() as s:
            total = int((await s.execute(select(func.count()).select_from(Ticket).where(*conds))).scalar_one())
            rows = await s.execute(select(Ticket).where(*conds).order_by(*order)
                                   .limit(limit).offset(max(0, f.page) * limit))
            return list(rows.scalars()), total

    async def queue(self) -> Queue:
        async with self.db.sessions() as s:
            n, oldest = (await s.execute(
                select(func.count(), func.min(Ticket.created_at)).where(Ticket.status.in_(OPEN)))).one()
        minutes = None if oldest is None else max(0, int((utcnow() - aware(oldest)).total_seconds() // 60))
        return Queue(int(n), minutes)

    async def view(self, n: int) -> TicketView | None:
        async with self.db.sessions() as s:
            ticket = await s.get(Ticket, n)
            if ticket is None:
                return None
            transcript = list((await s.execute(
                select(TicketMessage).where(TicketMessage.ticket_id == n).order_by(TicketMessage.id))).scalars())
            faq = (await s.execute(select(FaqEntry).where(FaqEntry.ticket_id == n))).scalar_one_or_none()
            relays = (await s.execute(
                select(OutboxMessage.key, OutboxMessage.status, OutboxMessage.sent_at)
                .where(OutboxMessage.ticket_id == n, OutboxMessage.purpose == "relay").order_by(OutboxMessage.id)
            )).all()
        states = [{"key": k, "status": st, "sent_at": aware(at)} for k, st, at in relays]
        return TicketView(ticket, transcript, faq, states)


def ticket_json(t: Ticket, now: datetime | None = None) -> dict[str, Any]:
    """The API's row: what the issue's interface names (no chat id)."""
    return {"number": t.id, "kind": t.kind, "status": t.status, "question": t.question,
            "assignee": t.assignee_name, "age_minutes": age_minutes(t, now)}

"""The outbox worker's writes to its rows (bot/outbox.py sends them): the claim of each chat's
due head row, and a row marked sent, rescheduled or failed, with a relay's confirmation to the
staff member queued in the same transaction."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .db import Database, utcnow
from .outbox_store import FAILED, PENDING, SENT, OutboxMessage, enqueue, redact
from .texts import desk as dm
from .tickets import Ticket


async def claim_due(db: Database, holder: str, claim: timedelta, batch: int) -> list[OutboxMessage]:
    """Claim for `holder` (atomically, against other replicas) up to `batch` rows: the oldest
    pending row of each chat, if it is due and not claimed by a live claim of another worker."""
    now = utcnow()
    heads = (
        select(func.min(OutboxMessage.id)).where(OutboxMessage.status == PENDING).group_by(OutboxMessage.chat_id)
    )
    claimable = or_(
        OutboxMessage.claimed_until.is_(None),
        OutboxMessage.claimed_until < now,
        # this worker's own claim: deliver_due runs one at a time per worker, so a claim of
        # ours seen here was left by a round that failed half-way (database down)
        OutboxMessage.claimed_by == holder,
    )
    async with db.sessions.begin() as s:
        ids = list(
            (
                await s.execute(
                    select(OutboxMessage.id)
                    .where(OutboxMessage.id.in_(heads), OutboxMessage.next_attempt_at <= now, claimable)
                    .order_by(OutboxMessage.id)
                    .limit(batch)
                )
            ).scalars()
        )
        if not ids:
            return []
        # the conditional UPDATE is the claim: of two workers racing for a row, the second
        # finds it claimed (PostgreSQL re-checks the WHERE after the first one's commit)
        claimed = list(
            (
                await s.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(ids), OutboxMessage.status == PENDING, claimable)
                    .values(claimed_by=holder, claimed_until=now + claim)
                    .returning(OutboxMessage.id)
                    .execution_options(synchronize_session=False)
                )
            ).scalars()
        )
        if not claimed:
            return []
        rows = (
            await s.execute(select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id))
        ).scalars()
        return list(rows)


async def write_sent(db: Database, row: OutboxMessage, message_id: int | None) -> None:
    """Mark the row sent (and a card's message id on its ticket), or, when the row was erased
    meanwhile (/hapusdata), take the message back at once."""
    async with db.sessions.begin() as s:
        marked = await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(status=SENT, sent_at=utcnow(), message_id=message_id, attempts=row.attempts + 1,
                    claimed_by=None, claimed_until=None, last_error=row.last_error or "",
                    **({"payload": row.payload} if row.method == "sendMediaGroup" else {}))
        )
        if marked.rowcount == 0 and message_id and row.method != "deleteMessage":
            # erased (/hapusdata) while it was being sent: take the message back at once
            await redact(s, row.chat_id, message_id, dm.REDACTED)
            return
        await confirm(s, row, "sent")
        if row.purpose == "card" and row.ticket_id is not None and message_id:
            await s.execute(update(Ticket).where(Ticket.id == row.ticket_id)
                            .values(card_message_id=message_id, card_chat_id=row.chat_id))


async def reschedule(db: Database, row: OutboxMessage, wait_s: float, error: str) -> None:
    """Try the row again in `wait_s` seconds (its claim released)."""
    async with db.sessions.begin() as s:
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(
                attempts=row.attempts + 1,
                next_attempt_at=utcnow() + timedelta(seconds=wait_s),
                last_error=error[:200],
                claimed_by=None,
                claimed_until=None,
            )
        )


async def give_up(db: Database, row: OutboxMessage, error: str) -> None:
    """The row failed for good (a relay's staff member is told)."""
    async with db.sessions.begin() as s:
        await confirm(s, row, "failed")
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(status=FAILED, attempts=row.attempts + 1, last_error=error[:200],
                    claimed_by=None, claimed_until=None)
        )


async def confirm(s: AsyncSession, row: OutboxMessage, outcome: str) -> None:
    """A relay's "confirm" payload: tell the staff member how it went, once it is known."""
    wanted = (row.payload or {}).get("confirm") or {}
    text = wanted.get(outcome)
    if text:
        await enqueue(s, f"{row.key}:{outcome}", int(wanted["chat_id"]), text, purpose="staff",
                      ticket_id=row.ticket_id, reply_to=wanted.get("reply_to"))
        # the caller wakes the worker once this transaction is committed: woken before, it
        # could look, find nothing yet, and sleep past the confirmation

"""Handle each Telegram update once, even when it is delivered twice.

Telegram redelivers an update when its receipt was not confirmed (a crash before the next
getUpdates offset, a webhook answer that never arrived); several replicas behind one webhook
may receive the same update. `claim(update_id)` is an atomic INSERT into `processed_updates`
(primary key update_id): exactly one caller wins, on SQLite and PostgreSQL alike.

A claim is a lease until `done(update_id)` marks it finished: if the process that claimed an
update died while handling it (kill -9), a redelivery after LEASE_SECONDS may claim it again,
so a crash mid-handling does not lose the update. Handlers whose effects must happen once
on such a retry store them with unique keys (ticket origin, outbox key).

In the Application: `register(app)` adds a TypeHandler in group -100 that claims (and stops a
duplicate) and one in group 100 that marks the update done.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, DateTime, delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from .db import Base, Database, utcnow

log = logging.getLogger(__name__)

LEASE_SECONDS = 120.0
KEEP_DAYS = 7
CLAIM_GROUP = -100
DONE_GROUP = 100


class ProcessedUpdate(Base):
    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class UpdateDeduper:
    def __init__(self, db: Database, *, lease_seconds: float = LEASE_SECONDS) -> None:
        self.db = db
        self.lease = timedelta(seconds=lease_seconds)

    async def claim(self, update_id: int) -> bool:
        """True for the one caller that may handle this update now."""
        now = utcnow()
        try:
            async with self.db.engine.begin() as conn:
                await conn.execute(insert(ProcessedUpdate).values(update_id=update_id, claimed_at=now))
            return True
        except IntegrityError:
            pass
        # Seen before: take it over only if the earlier claim was never finished and has expired.
        async with self.db.engine.begin() as conn:
            res = await conn.execute(
                update(ProcessedUpdate)
                .where(
                    ProcessedUpdate.update_id == update_id,
                    ProcessedUpdate.done_at.is_(None),
                    ProcessedUpdate.claimed_at < now - self.lease,
                )
                .values(claimed_at=now)
            )
        return res.rowcount == 1

    async def done(self, update_id: int) -> None:
        async with self.db.engine.begin() as conn:
            await conn.execute(
                update(ProcessedUpdate).where(ProcessedUpdate.update_id == update_id).values(done_at=utcnow())
            )

    async def purge(self, days: int = KEEP_DAYS) -> int:
        async with self.db.engine.begin() as conn:
            res = await conn.execute(delete(ProcessedUpdate).where(ProcessedUpdate.claimed_at < utcnow() - timedelta(days=days)))
        return res.rowcount or 0


def register(app: Application, db: Database, *, lease_seconds: float = LEASE_SECONDS) -> UpdateDeduper:
    deduper = UpdateDeduper(db, lease_seconds=lease_seconds)

    async def claim(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            claimed = await deduper.claim(update.update_id)
        except Exception as exc:
            # The database is unreachable (or broken): the update cannot be handled once-only, and
            # every later step needs the database too. Report it once (the error handler tells the
            # citizen to try again) and stop here instead of failing in every handler group.
            await context.application.process_error(update, exc)
            raise ApplicationHandlerStop from exc
        if not claimed:
            log.info("update %s was delivered again: handled once already, skipped", update.update_id)
            raise ApplicationHandlerStop

    async def done(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await deduper.done(update.update_id)

    app.add_handler(TypeHandler(Update, claim), group=CLAIM_GROUP)
    app.add_handler(TypeHandler(Update, done), group=DONE_GROUP)
    return deduper

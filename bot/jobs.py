"""The ticket desk inside the Application: install it, start/stop it, and its JobQueue jobs.

    install_desk(app, settings, db, engine, executor)   # in build_application
    await desk_startup(app)  /  await desk_shutdown(app) # in post_init / post_shutdown

Jobs:
- «ticket-reminders» every settings.reminder_interval_minutes: open tickets older than
  settings.ticket_overdue_minutes are posted in the staff group (through the outbox). The
  last reminder time is stored on each ticket, so a restart neither forgets nor repeats them:
  a ticket is reminded at most once per interval.
- «desk-housekeeping» daily: old processed_updates rows and closed tickets past the
  retention period are deleted.

With several replicas both jobs run on one replica at a time (`bot.shared.leader_only`: the
holder of a lease in the shared database; another replica takes over when it expires). The
reminder's conditional update makes a double run harmless anyway. The outbox worker runs on
every replica; its rows are claimed one by one (bot/outbox.py).

The ticket store also feeds /metrics: `kepemiluan_open_tickets{age}` (`open_tickets_by_age`).
"""
from __future__ import annotations

import datetime as dtm
import logging
from datetime import timedelta

from sqlalchemy import update
from telegram.ext import Application, ContextTypes

from . import dedupe
from . import desk_messages as dm
from .db import Database, utcnow
from .escalation import DESK_KEY, Desk, desk
from .faq import FaqIndex
from .metrics import ticket_age_bucket
from .outbox import OutboxWorker, enqueue
from .services import KEY
from .settings import Settings
from .shared import leader_only
from .tickets import Ticket, TicketStore, aware

log = logging.getLogger(__name__)

HOUSEKEEPING_AT = dtm.time(3, 30)


def install_desk(app: Application, settings: Settings, db: Database, engine, executor=None) -> Desk:
    store = TicketStore(db)
    d = Desk(
        settings=settings,
        db=db,
        tickets=store,
        # with a shared database the outbox claims rows under this replica's id (as its leases do)
        outbox=OutboxWorker(db, app.bot, poll_seconds=settings.outbox_poll_seconds,
                            holder=_holder(app, db), orphan_wait_s=settings.outbox_orphan_wait_seconds),
        faq=FaqIndex(engine, store, executor) if FaqIndex.supported(engine) else None,
    )
    app.bot_data[DESK_KEY] = d
    dedupe.register(app, db)
    interval = max(1.0, settings.reminder_interval_minutes * 60)
    reminders = leader_only("ticket-reminders", ttl=2.5 * interval)(remind_overdue)
    app.job_queue.run_repeating(reminders, interval=interval, first=min(60.0, interval), name="ticket-reminders")
    housekeeping = leader_only("desk-housekeeping", ttl=2.5 * 86400)(desk_housekeeping)
    app.job_queue.run_daily(housekeeping, time=HOUSEKEEPING_AT, name="desk-housekeeping")  # bot's timezone
    metrics = getattr(app.bot_data.get(KEY), "metrics", None)
    if metrics is not None:
        metrics.register_open_tickets(lambda: open_tickets_by_age(store))
    return d


def _holder(app: Application, db: Database) -> str | None:
    replica = getattr(app.bot_data.get(KEY), "replica", None)
    return None if db.is_sqlite or replica in (None, "-") else replica


async def open_tickets_by_age(store: TicketStore) -> dict[str, int]:
    """Open tickets (baru, diambil) counted by age bucket, for /metrics."""
    now = utcnow()
    counts: dict[str, int] = {}
    for created_at in await store.open_created_at():
        bucket = ticket_age_bucket((now - aware(created_at)).total_seconds())
        counts[bucket] = counts.get(bucket, 0) + 1
    return counts


async def desk_startup(app: Application) -> None:
    """After the migrations: index the FAQ entries, start delivering the outbox."""
    d: Desk = app.bot_data[DESK_KEY]
    if d.faq is not None:
        await d.faq.sync()
    d.outbox.start()
    d.outbox.wake()


async def desk_shutdown(app: Application) -> None:
    d: Desk | None = app.bot_data.get(DESK_KEY)
    if d is not None:
        await d.outbox.stop()


async def remind_overdue(context: ContextTypes.DEFAULT_TYPE) -> int:
    """Post overdue open tickets in the staff group; returns how many were included."""
    d = desk(context)
    s_ = d.settings
    every = timedelta(minutes=s_.reminder_interval_minutes)
    due = await d.tickets.overdue(older_than=timedelta(minutes=s_.ticket_overdue_minutes), remind_every=every)
    if not due or d.staff_chat_id is None:
        return 0
    now = utcnow()
    reminded: list[Ticket] = []
    async with d.db.sessions.begin() as s:
        for t in due:  # conditional update: two replicas (or a re-run) do not remind twice
            res = await s.execute(
                update(Ticket)
                .where(Ticket.id == t.id, (Ticket.last_reminded_at.is_(None)) | (Ticket.last_reminded_at < now - every))
                .values(last_reminded_at=now)
            )
            if res.rowcount == 1:
                reminded.append(t)
        if reminded:
            await enqueue(s, f"remind:{now.isoformat()}:{reminded[0].id}", d.staff_chat_id, dm.reminder(reminded, now=now),
                          purpose="reminder")
    if reminded:
        log.info("reminder: %d overdue tickets", len(reminded))
        d.outbox.wake()
    return len(reminded)


async def desk_housekeeping(context: ContextTypes.DEFAULT_TYPE) -> None:
    d = desk(context)
    deduper: dedupe.UpdateDeduper = context.application.bot_data[dedupe.DEDUPER_KEY]
    updates = await deduper.purge()
    closed = await d.tickets.purge_closed_before(utcnow() - timedelta(days=d.settings.log_retention_days))
    log.info("housekeeping: %d processed updates, %d closed tickets deleted", updates, closed)

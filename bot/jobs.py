"""The JobQueue jobs, scheduled in one place (`schedule_jobs`, called by build_application).

- «retention-purge» daily (and once a minute after start): conversations older than
  settings.log_retention_days are deleted.
- «ticket-reminders» every settings.reminder_interval_minutes: open tickets older than
  settings.ticket_overdue_minutes are posted in the staff group (through the outbox). The last
  reminder time is stored on each ticket, so a restart neither forgets nor repeats them.
- «desk-housekeeping» daily: old processed_updates rows and closed tickets past the retention
  period are deleted.
- «news» every settings.news_interval_minutes when KEPEMILUAN_NEWS_SOURCES is set: new articles
  are ingested through the knowledge base.
- «catalog-sync» every settings.catalog_refresh_s on EVERY replica (each has its own catalog):
  the engine follows the shared index and the FAQ entries other processes changed.

With several replicas the other jobs run on one replica at a time (`bot.shared.leader_only`:
the holder of a lease in the shared database; another replica takes over when it expires).
The outbox worker runs on every replica; its rows are claimed one by one (bot/outbox_rows.py `claim_due`).
"""
from __future__ import annotations

import datetime as dtm
import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram.ext import Application

from .composition import BotServices
from .context import BotContext
from .db import utcnow
from .metrics import ticket_age_bucket
from .privacy import purge_older_than
from .shared import leader_only
from .tickets import TicketStore, aware

log = logging.getLogger(__name__)

JAKARTA = ZoneInfo("Asia/Jakarta")
PURGE_AT = dtm.time(3, 0, tzinfo=JAKARTA)
HOUSEKEEPING_AT = dtm.time(3, 30)
NEWS_JOB = "news"
NEWS_ACTOR = "news-job"


async def purge_old_conversations(context: BotContext) -> None:
    """The retention purge (settings.log_retention_days) of everything personal (bot/privacy.py)."""
    svc = context.services
    days = svc.settings.log_retention_days
    purged = await purge_older_than(svc.db, days, data_dir=svc.settings.data_dir)
    if svc.ask.shared_limiter is not None:
        await svc.ask.shared_limiter.purge()
    log.info("retention purge (%d days): %d conversations, %d tickets, %d outbox rows, %d conversation states, "
             "%d inbox files deleted", days, purged.conversations, purged.tickets, purged.outbox, purged.states,
             purged.files)


async def remind_overdue(context: BotContext) -> int:
    return await context.services.desk.remind_overdue()


async def desk_housekeeping(context: BotContext) -> None:
    svc = context.services
    updates = await svc.deduper.purge()
    closed = await svc.desk.tickets.purge_closed_before(utcnow() - timedelta(days=svc.settings.log_retention_days))
    log.info("housekeeping: %d processed updates, %d closed tickets deleted", updates, closed)


async def known_urls(kb) -> set[str]:
    """The URLs already in the index, read while no ingest changes them (issue 13 §11): an
    ingest runs its index writes in a worker thread under the knowledge base's lock, and reading
    `writer.by_doc` meanwhile raises "dictionary changed size during iteration" (or sees half a
    document). So the snapshot is taken under the same lock."""
    lock = getattr(kb, "_lock", None)
    if lock is None:
        return set(kb.known_urls())
    async with lock:
        return set(kb.known_urls())


async def news_job(context: BotContext):
    """Poll the news listings, ingest new articles through the knowledge base, log each one."""
    svc = context.services
    if svc.news is None:
        return None
    kb = svc.knowledge

    async def ingest(loaded):
        return await kb.ingest(loaded, actor=NEWS_ACTOR)

    result = await svc.news.poll(ingest, known_urls=await known_urls(kb))
    for url, reason in result.failed:
        await kb.record_failure(NEWS_ACTOR, url, reason)
    log.info("news job: %d listings (%d not modified), %d new articles, %d ingested, %d failed",
             result.listings, result.not_modified, len(result.found), len(result.ingested), len(result.failed))
    return result


async def sync_catalog(context: BotContext) -> bool:
    return await context.services.knowledge.sync()


async def open_tickets_by_age(store: TicketStore) -> dict[str, int]:
    """Open tickets (baru, diambil) counted by age bucket, for /metrics."""
    now = utcnow()
    counts: dict[str, int] = {}
    for created_at in await store.open_created_at():
        bucket = ticket_age_bucket((now - aware(created_at)).total_seconds())
        counts[bucket] = counts.get(bucket, 0) + 1
    return counts


def schedule_jobs(app: Application, svc: BotServices) -> None:
    s, jq, leases = svc.settings, app.job_queue, svc.leases
    # one replica purges (leader lease, renewed daily; another takes over if it dies)
    jq.run_daily(leader_only("retention-purge", 2.5 * 86400, leases)(purge_old_conversations), time=PURGE_AT,
                 name="retention-purge")
    jq.run_once(purge_old_conversations, when=60, name="retention-purge-startup")
    interval = max(1.0, s.reminder_interval_minutes * 60)
    jq.run_repeating(leader_only("ticket-reminders", 2.5 * interval, leases)(remind_overdue), interval=interval,
                     first=min(60.0, interval), name="ticket-reminders")
    jq.run_daily(leader_only("desk-housekeeping", 2.5 * 86400, leases)(desk_housekeeping), time=HOUSEKEEPING_AT,
                 name="desk-housekeeping")  # the bot's timezone
    if svc.news is not None:
        every = s.news_interval_minutes * 60
        # one replica polls and ingests into the shared index (the others follow by catalog sync)
        jq.run_repeating(leader_only(NEWS_JOB, 2.5 * every, leases)(news_job), interval=every, first=60, name=NEWS_JOB)
    if s.catalog_refresh_s > 0 and svc.store is not None:
        jq.run_repeating(sync_catalog, interval=s.catalog_refresh_s, first=s.catalog_refresh_s, name="catalog-sync")
    svc.metrics.register_open_tickets(lambda: open_tickets_by_age(svc.desk.tickets))


async def startup(svc: BotServices) -> None:
    """After the migrations: legal-status corrections, the FAQ entries, the outbox."""
    await svc.knowledge.apply_stored_statuses()
    await svc.knowledge.sync_faq()
    await svc.desk.load_moves()  # a staff group Telegram migrated earlier
    svc.outbox.start()
    svc.outbox.wake()


async def shutdown(svc: BotServices) -> None:
    await svc.outbox.stop()
    svc.executor.shutdown(wait=False, cancel_futures=True)
    await svc.db.close()

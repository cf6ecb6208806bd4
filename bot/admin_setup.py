"""Wiring for the admin side: live re-ingestion, the audit log, the news job.

`setup_admin(app, settings, engine)` is called by `bot.app.build_application`; it attaches
an `ingest.live.LiveIndex` (when the engine has a store, i.e. the real engine from
`bot.wiring.build_engine`), an `AdminLog`, and schedules the news job when
KEPEMILUAN_NEWS_SOURCES is set. `admin_post_init` applies the stored legal-status
corrections once the database is migrated.
"""
from __future__ import annotations

import asyncio
import logging

from telegram.ext import Application, ContextTypes

from .audit import AdminLog
from .services import KEY, Services
from .settings import Settings
from .shared import leader_only

log = logging.getLogger(__name__)

NEWS_JOB = "news"
NEWS_ACTOR = "news-job"
FEED_KEY = "news_feed"


def setup_admin(app: Application, settings: Settings, engine, *, live=None) -> None:
    svc: Services = app.bot_data[KEY]
    svc.admin_log = AdminLog(svc.db)
    store = getattr(engine, "store", None)
    if live is None and store is not None and hasattr(engine, "replace_document"):
        from ingest.live import LiveIndex

        live = LiveIndex(engine, store, max_bytes=settings.ingest_max_bytes,
                         fetch_timeout=settings.fetch_timeout_seconds, max_redirects=settings.fetch_max_redirects)
    svc.live = live
    if settings.news_sources and live is not None:
        from ingest.newsfeed import NewsFeed

        app.bot_data[FEED_KEY] = NewsFeed(
            settings.news_sources, state_path=settings.data_dir / "news_state.json",
            delay=settings.news_delay_seconds, timeout=settings.fetch_timeout_seconds,
            max_bytes=settings.ingest_max_bytes, max_redirects=settings.fetch_max_redirects)
        interval = settings.news_interval_minutes * 60
        # one replica polls and ingests into the shared index (the others follow by catalog sync)
        app.job_queue.run_repeating(leader_only(NEWS_JOB, ttl=2.5 * interval)(news_job), interval=interval,
                                    first=60, name=NEWS_JOB)


async def admin_post_init(app: Application) -> None:
    svc: Services = app.bot_data[KEY]
    if svc.live is None or svc.admin_log is None:
        return
    overrides = await svc.admin_log.overrides()
    if overrides:
        for doc_id, (status, by) in overrides.items():
            if svc.live.has(doc_id):
                await asyncio.to_thread(svc.live.set_status, doc_id, status, by)
            else:
                svc.live.overrides[doc_id] = (status, by)
        log.info("applied %d legal-status corrections", len(overrides))
    effects = await svc.admin_log.article_effects()  # issue 11: /status … pasal N … dimaknai oleh …
    if effects:
        await asyncio.to_thread(svc.live.engine.set_article_effects, effects)
        log.info("applied %d article effects recorded by admins", len(effects))


async def news_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue job: poll the news listings, ingest new articles, log each one."""
    svc: Services = context.application.bot_data[KEY]
    feed = context.application.bot_data.get(FEED_KEY)
    if feed is None or svc.live is None:
        return
    live = svc.live

    async def ingest(loaded):
        report = await asyncio.to_thread(live.ingest_loaded, loaded)
        await svc.admin_log.record_ingest(NEWS_ACTOR, report)
        return report

    known = {p.url for ps in live.writer.by_doc.values() for p in ps[:1] if p.url}
    result = await feed.poll(ingest, known_urls=known)
    for url, reason in result.failed:
        await svc.admin_log.record(NEWS_ACTOR, "ingest-failed", url[:200], reason)
    log.info("news job: %d listings (%d not modified), %d new articles, %d ingested, %d failed",
             result.listings, result.not_modified, len(result.found), len(result.ingested), len(result.failed))
    return result

"""The composition root: every service the bot uses, built once, typed, in one object.

`compose` is called by `bot.app.build_application` once the PTB Application exists (the
outbox worker needs its bot); the result is installed in `application.bot_data` (a
`bot.context.BotData`) and reached by handlers and jobs as `context.services`.

The engine comes with its Chroma store when there is one (`bot.wiring.build_engine`); without a
store (tests with a stand-in engine, an engine over passages in memory) the knowledge base
cannot ingest documents, and admins are told so.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.ext import Application

from . import dedupe
from .application.ask import Ask
from .application.console import Console
from .application.desk import Desk
from .application.knowledge_base import KnowledgeBase
from .application.ports import Engine
from .audit import AdminLog
from .db import Database
from .metrics import Metrics
from .outbox import OutboxWorker
from .render import answer_messages
from .settings import Settings
from .shared import DbRateLimiter, IngestRuns, Leases, replica_id
from .tickets import TicketStore

if TYPE_CHECKING:
    from ingest.live import LiveIndex
    from ingest.newsfeed import NewsFeed
    from knowledge.store import ChromaStore


@dataclass
class BotServices:
    settings: Settings
    db: Database
    engine: Engine
    store: ChromaStore | None  # the shared vector index (None: the engine has none)
    executor: ThreadPoolExecutor
    metrics: Metrics
    replica: str  # this process's id (lease holder)
    leases: Leases | None  # several replicas: job leases in the shared database
    outbox: OutboxWorker
    deduper: dedupe.UpdateDeduper
    admin_log: AdminLog
    knowledge: KnowledgeBase
    desk: Desk
    ask: Ask
    news: NewsFeed | None
    console: Console  # the web console's sessions and reads (bot/console/ serves it)
    # Telegram-side state of the handlers (per process)
    staff_cache: dict[int, tuple[bool, float]] = field(default_factory=dict)  # user id -> (is staff, until)
    pending_removals: dict[str, str] = field(default_factory=dict)  # /hapus confirmation token -> doc id
    error_replies: OrderedDict[int, bool] = field(default_factory=OrderedDict)  # updates told about an error


def _live_index(settings: Settings, engine: Engine, store: ChromaStore) -> LiveIndex:
    from ingest.live import LiveIndex

    return LiveIndex(engine, store, max_bytes=settings.ingest_max_bytes, fetch_timeout=settings.fetch_timeout_seconds,
                     max_redirects=settings.fetch_max_redirects)


def _news_feed(settings: Settings) -> NewsFeed:
    from ingest.newsfeed import NewsFeed

    return NewsFeed(settings.news_sources, state_path=settings.data_dir / "news_state.json",
                    delay=settings.news_delay_seconds, timeout=settings.fetch_timeout_seconds,
                    max_bytes=settings.ingest_max_bytes, max_redirects=settings.fetch_max_redirects,
                    allow=settings.fetch_allow)


def compose(app: Application, settings: Settings, engine: Engine, *, bot: Bot, store: ChromaStore | None, db: Database,
            metrics: Metrics, engine_workers: int) -> BotServices:
    workers = engine_workers or min(4, os.cpu_count() or 2)
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="engine")
    replica = replica_id()
    shared = settings.use_shared_state  # several replicas: limits and job leases live in the database
    tickets = TicketStore(db)
    # with a shared database the outbox claims rows under this replica's id (as its leases do)
    outbox = OutboxWorker(db, bot, poll_seconds=settings.outbox_poll_seconds,
                          holder=None if db.is_sqlite else replica, orphan_wait_s=settings.outbox_orphan_wait_seconds)
    admin_log = AdminLog(db)
    knowledge = KnowledgeBase(engine, live=_live_index(settings, engine, store) if store is not None else None,
                              shared=store, faq_entries=tickets.faq_entries, audit=admin_log, executor=executor)
    desk = Desk(settings, db, tickets, outbox, knowledge)
    outbox.on_chat_moved = desk.follow_chat  # a send refused with migrate_to_chat_id
    shared_limiter = DbRateLimiter(db, settings.rate_limit_per_minute) if shared else None
    shared_budget = DbRateLimiter(db, settings.user_budget_per_minute) if shared else None
    ask = Ask(settings, engine, db, desk, answer_messages, executor=executor, metrics=metrics,
              shared_limiter=shared_limiter, shared_budget=shared_budget)
    metrics.register_ingest_runs(IngestRuns(db).totals)
    return BotServices(
        settings=settings, db=db, engine=engine, store=store, executor=executor, metrics=metrics, replica=replica,
        leases=Leases(db, replica) if shared else None, outbox=outbox, deduper=dedupe.register(app, db),
        admin_log=admin_log, knowledge=knowledge, desk=desk, ask=ask,
        news=_news_feed(settings) if settings.news_sources and knowledge.can_ingest else None,
        console=Console.build(db, session_hours=settings.console_session_hours),
    )

"""The Telegram application, wired in one place.

    app = build_application(settings, engine, store=store)   # Application.builder() ... .build()

The blocking entry points (long polling, webhook) are in bot/main.py.

`start_application` / `stop_application` run the same start-up and shut-down sequence as
`Application.run_polling` (initialize, post_init, polling, start … and back) inside an
already running event loop: the tests and the load benchmark use them.
"""
from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import FloodLimit, ParseMode
from telegram.ext import Application, Defaults

from . import jobs
from .application.ports import Engine
from .composition import compose
from .context import CONTEXT_TYPES, BotData, services_of
from .conversation_sync import install as install_conversation_sync
from .db import Database
from .flood import FloodControl
from .handlers import ALLOWED_UPDATES, register
from .jobs import JAKARTA, purge_old_conversations  # noqa: F401  (re-exported: tests, operators)
from .logs import protect_secrets, quiet_http_loggers
from .metrics import Metrics
from .observability import register_request_ids
from .persistence import DbPersistence
from .settings import Settings
from .texts.citizen import COMMANDS

if TYPE_CHECKING:
    from knowledge.store import ChromaStore

log = logging.getLogger(__name__)

POOL_TIMEOUT_S = 10.0


def bot_commands() -> list[BotCommand]:
    return [BotCommand(c, d) for c, d in COMMANDS]


def _token(settings: Settings) -> str:
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value().strip():
        raise RuntimeError("KEPEMILUAN_TELEGRAM_TOKEN is not set: the bot needs its token from @BotFather.")
    return settings.telegram_token.get_secret_value().strip()


async def _post_init(app: Application) -> None:
    svc = services_of(app)
    await svc.db.migrate()
    await jobs.startup(svc)
    await app.bot.set_my_commands(bot_commands())
    _warm_up_model(svc)
    log.info("bot @%s ready (database migrated, %d commands registered)", app.bot.username, len(bot_commands()))


def _warm_up_model(svc) -> None:
    """Load the embedding model in the background at start when answers need it (the dense search
    embeds every question), so that the first citizen does not wait for the load."""
    embedder = getattr(svc.store, "embedder", None)
    if embedder is None or not getattr(svc.engine, "uses_dense", False):
        return

    def load() -> None:
        try:
            embedder.dimension
        except Exception as exc:  # the first question will try again, and /readyz reports it
            log.warning("could not load the embedding model at start: %s", exc)
    asyncio.get_running_loop().run_in_executor(svc.executor, load)


async def _post_shutdown(app: Application) -> None:
    await jobs.shutdown(services_of(app))


def group_rate_per_minute(flood_limit: float) -> float:
    """This process's share of Telegram's ~20 messages a minute into one group (the staff group).

    `telegram_flood_limit` is the process's share of the bot's ~30 messages/s (30/N with N
    replicas); the per-group limit is scaled by the same share, so N replicas together stay
    within Telegram's 20 a minute per group. Off (0) or 30 and more: the full 20.
    """
    share = min(1.0, flood_limit / FloodLimit.MESSAGES_PER_SECOND) if flood_limit and flood_limit > 0 else 1.0
    return FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP * share


def build_application(
    settings: Settings,
    engine: Engine,
    *,
    store: ChromaStore | None = None,
    db: Database | None = None,
    flood_limit: float | None = None,
    engine_workers: int | None = None,
    connection_pool_size: int | None = None,
) -> Application:
    """Build the bot. Arguments left at None come from the settings.

    store: the engine's Chroma store (bot.wiring.build_engine); None: documents cannot be
    ingested (the knowledge base still takes staff FAQ answers).
    flood_limit: outgoing messages per second of THIS PROCESS (settings.telegram_flood_limit,
    default Telegram's ~30/s; with N replicas set 30/N; 0: no throttling, for load tests against
    the stand-in). 429 retry_after is honoured either way.
    engine_workers: threads that run the (synchronous) engine (settings.engine_workers;
    0 = min(4, CPUs)).
    connection_pool_size: HTTP connections to the Bot API (settings.telegram_pool_size, 16;
    PTB's default, 256, costs CPU: httpcore checks every pooled connection on each request).
    """
    flood_limit = settings.telegram_flood_limit if flood_limit is None else flood_limit
    token = _token(settings)
    metrics = Metrics()
    protect_secrets(token, settings.webhook_secret.get_secret_value() if settings.webhook_secret else None)
    quiet_http_loggers()
    db = db or Database(settings.db_url)
    app = _builder(settings, token, flood_limit, metrics,
                   settings.telegram_pool_size if connection_pool_size is None else connection_pool_size, db).build()
    svc = compose(app, settings, engine, bot=app.bot, store=store, db=db, metrics=metrics,
                  engine_workers=settings.engine_workers if engine_workers is None else engine_workers)
    data = app.bot_data
    assert isinstance(data, BotData)
    data.install(svc)
    register_request_ids(app)
    register(app, svc.settings)
    if settings.use_shared_state:  # report-intake steps follow the citizen across replicas
        install_conversation_sync(app)
    jobs.schedule_jobs(app, svc)
    return app


def _builder(settings: Settings, token: str, flood_limit: float, metrics: Metrics, pool_size: int, db: Database):
    builder = (
        Application.builder()
        .token(token)
        .context_types(CONTEXT_TYPES)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,  # the question may have been deleted meanwhile
                tzinfo=JAKARTA,
            )
        )
        .rate_limiter(
            FloodControl(overall_max_rate=flood_limit, group_max_rate=group_rate_per_minute(flood_limit),
                         observer=metrics.telegram_error)
        )
        .concurrent_updates(True)
        # Enough parallel connections for ~30 msg/s at real-world latency; a huge pool only
        # costs CPU (httpcore scans every pooled connection on each request).
        .connection_pool_size(pool_size)
        .pool_timeout(POOL_TIMEOUT_S)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .persistence(DbPersistence(db))  # report-intake conversation states only
    )
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
    if settings.telegram_base_file_url:
        builder = builder.base_file_url(settings.telegram_base_file_url)
    return builder


# ---------------------------------------------------------------- running


async def start_application(app: Application, *, poll_timeout: float = 10.0) -> None:
    """What run_polling does before it blocks, for use inside a running event loop."""
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.updater.start_polling(
        poll_interval=0.0,
        timeout=dtm.timedelta(seconds=poll_timeout),
        allowed_updates=ALLOWED_UPDATES,
    )
    await app.start()


async def stop_application(app: Application) -> None:
    """What run_polling does after it unblocks."""
    if app.updater and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
        if app.post_stop:
            await app.post_stop(app)
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)


def webhook_options(settings: Settings) -> dict:
    """Arguments for Application.run_webhook / Updater.start_webhook from the settings."""
    if not settings.webhook_url:
        raise RuntimeError("KEPEMILUAN_WEBHOOK_URL is not set")
    if settings.webhook_secret is not None:
        secret = settings.webhook_secret.get_secret_value()
    else:
        secret = secrets.token_urlsafe(32)  # [A-Za-z0-9_-], as Telegram requires
        log.info("no KEPEMILUAN_WEBHOOK_SECRET set: using a random secret token for this run")
    protect_secrets(secret)
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlparse(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": secret,
        "allowed_updates": ALLOWED_UPDATES,
    }

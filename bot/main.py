"""The blocking entry points: long polling, or webhook mode when KEPEMILUAN_WEBHOOK_URL is set."""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from .app import build_application
from .application.ports import Engine
from .handlers import ALLOWED_UPDATES
from .logs import configure_logging
from .observability import configure_json_logging
from .settings import Settings
from .web import serve_webhook

if TYPE_CHECKING:
    from knowledge.store import ChromaStore

log = logging.getLogger(__name__)


def setup_logging(settings: Settings) -> None:
    """The entry point's logging: JSON lines (KEPEMILUAN_LOG_FORMAT=json) or plain text."""
    if settings.log_format.lower() == "json":
        configure_json_logging(settings.log_level.upper())
    elif not logging.getLogger().handlers:
        configure_logging(settings.log_level.upper())


def run_polling(settings: Settings, engine: Engine, store: ChromaStore | None = None) -> None:
    """Blocking entry point. Long polling, or a webhook when settings.webhook_url is set."""
    settings.check_production()  # SettingsError (one line) before anything starts
    setup_logging(settings)
    if settings.webhook_url:
        run_webhook(settings, engine, store)
        return
    app = build_application(settings, engine, store=store)
    if settings.console_port:  # the web console on 127.0.0.1 beside long polling (bot/console/)
        from .console.server import serve_polling_with_console

        log.info("starting long polling and the console on 127.0.0.1:%d", settings.console_port)
        asyncio.run(serve_polling_with_console(settings, app))
        return
    log.info("starting long polling")
    app.run_polling(allowed_updates=ALLOWED_UPDATES)


def run_webhook(settings: Settings, engine: Engine, store: ChromaStore | None = None) -> None:
    """Webhook mode: Telegram POSTs updates to settings.webhook_url, checked by a secret token.

    Served by bot.web (Starlette + uvicorn) with /healthz, /readyz and /metrics beside it.
    """
    setup_logging(settings)
    if settings.webhook_secret is None and settings.use_shared_state:
        raise RuntimeError("KEPEMILUAN_WEBHOOK_SECRET must be set when several replicas share one webhook")
    log.info("starting webhook mode")
    asyncio.run(serve_webhook(settings, engine, store))

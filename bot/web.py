"""Webhook mode for production: PTB inside a Starlette ASGI app served by uvicorn.

This follows PTB's `customwebhookbot` example (the Application without its own web server;
our ASGI app receives Telegram's POSTs) and adds what a deployment with several replicas needs:

    POST /<path of KEPEMILUAN_WEBHOOK_URL>   Telegram's updates; the header
                                             X-Telegram-Bot-Api-Secret-Token must equal
                                             KEPEMILUAN_WEBHOOK_SECRET (else 403)
    GET  /healthz                            200 while the process lives (liveness)
    GET  /readyz                             200 when Chroma, the database and the embedding
                                             model answer and the outbox worker runs;
                                             503 + JSON reasons when not
    GET  /metrics                            Prometheus text format (bot.metrics)

An update is processed *before* the POST is answered (not queued): if this replica dies
mid-update, Telegram (or the load balancer) sees the failed request and delivers the update
again, to a live replica. The price is that a webhook request lasts as long as the answer
(typically well under a second; at most the flood-control retry window when the Bot API is down).
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from .app import build_application, stop_application, webhook_options
from .application.ports import Engine
from .handlers import ALLOWED_UPDATES
from .context import services_of
from .db import Database
from .metrics import Metrics
from .settings import Settings

if TYPE_CHECKING:
    from knowledge.embed import Embedder
    from knowledge.store import ChromaStore
from .observability import bind_update, request_id

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CHECK_TIMEOUT_S = 3.0


@dataclass
class Readiness:
    """The /readyz checks. `store`: the ChromaStore (None: no vector store configured);
    `embedder`: the embedding model wrapper (None: none needed)."""

    db: Database
    store: ChromaStore | None = None
    embedder: Embedder | None = None
    timeout: float = CHECK_TIMEOUT_S
    outbox: object | None = None  # the OutboxWorker (its `alive`): None when not checked
    _model_ok: bool = field(default=False, repr=False)

    async def _run(self, fn, *args):
        return await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(None, fn, *args), self.timeout)

    async def check_database(self) -> str:
        from sqlalchemy import text

        async def ping():
            async with self.db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))

        try:
            await asyncio.wait_for(ping(), self.timeout)
            return "ok"
        except Exception as exc:
            return f"database unreachable: {type(exc).__name__}"

    async def check_chroma(self) -> str:
        if self.store is None:
            return "ok (no vector store configured)"
        try:
            alive = await self._run(self.store.heartbeat)
            if alive and not await self._run(self.store.count):
                return "chroma index is empty: run `kepemiluan ingest`"
        except Exception as exc:
            return f"chroma unreachable: {type(exc).__name__}"
        return "ok" if alive else "chroma unreachable: heartbeat failed"

    async def check_model(self) -> str:
        if self.embedder is None or self._model_ok:
            return "ok"
        try:
            # loads the model once (a few seconds), then this check is free
            dim = await asyncio.wait_for(
                asyncio.get_running_loop().run_in_executor(None, lambda: self.embedder.dimension), 120)
        except Exception as exc:
            return f"embedding model not loadable: {type(exc).__name__}: {exc}"[:300]
        self._model_ok = dim > 0
        return "ok" if self._model_ok else "embedding model has no dimension"

    async def check_outbox(self) -> str:
        """The outbox worker (staff cards, relays) is running: supervised, so a worker that ended
        and is being restarted shows here for a moment."""
        if self.outbox is None:
            return "ok (not checked)"
        restarts = getattr(self.outbox, "restarts", 0)
        if not getattr(self.outbox, "alive", False):
            return f"outbox worker not running (restarts: {restarts})"
        return "ok" if not restarts else f"ok (restarted {restarts} times)"

    async def check(self) -> dict[str, str]:
        names = ("chroma", "database", "model", "outbox")
        results = await asyncio.gather(self.check_chroma(), self.check_database(), self.check_model(),
                                       self.check_outbox())
        return dict(zip(names, results))


def create_asgi_app(application: Application, *, url_path: str, secret: str, metrics: Metrics,
                    readiness: Readiness, extra_routes: list | None = None) -> Starlette:
    path = "/" + url_path.strip("/")

    async def telegram(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None or not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook request without the right secret token refused")
            return Response(status_code=403)
        try:
            data = await request.json()
            update = Update.de_json(data, application.bot)
        except (json.JSONDecodeError, ValueError, TypeError, KeyError):
            return Response(status_code=400)
        if update is None:
            return Response(status_code=400)
        started = time.perf_counter()
        bind_update(update)
        await application.update_processor.process_update(update, application.process_update(update))
        seconds = time.perf_counter() - started
        metrics.update_seconds.observe(seconds)
        # ids and timings only: never the message text (see bot.observability)
        log.info("update %d handled in %.0f ms", update.update_id, seconds * 1000,
                 extra={"update_id": update.update_id, "duration_ms": round(seconds * 1000, 1)})
        return Response(status_code=200)

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> Response:
        checks = await readiness.check()
        ok = all(v.startswith("ok") for v in checks.values())
        if not ok:
            log.warning("not ready: %s", "; ".join(f"{k}: {v}" for k, v in checks.items() if not v.startswith("ok")))
        return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)

    async def metrics_endpoint(_request: Request) -> Response:
        return Response(await metrics.render(), media_type=metrics.content_type)

    return Starlette(routes=[
        Route(path, telegram, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        *(extra_routes or []),  # the web console under /konsol (bot/console/)
    ])


def _console_routes(application: Application) -> list:
    """The staff and admin console, served beside /tg/* in webhook mode."""
    from .console.app import console_routes

    return console_routes(services_of(application), application.bot)


class _EmbeddedServer:
    """uvicorn.Server without its own signal handling (the runner owns SIGINT/SIGTERM)."""

    @staticmethod
    def make(config):
        import contextlib

        import uvicorn

        class Server(uvicorn.Server):
            @contextlib.contextmanager
            def capture_signals(self):  # uvicorn would re-raise the signal after shutdown
                yield

        return Server(config)


class WebhookRunner:
    """The bot in webhook mode: PTB Application + Starlette app + uvicorn, started and stopped
    together inside a running event loop (the tests use start/stop; `run` waits for a signal)."""

    def __init__(self, settings: Settings, engine: Engine | None = None, store: ChromaStore | None = None, *,
                 application: Application | None = None):
        self.settings = settings
        self.options = webhook_options(settings)
        if application is None:
            if engine is None:
                raise ValueError("WebhookRunner needs an engine or an application")
            application = build_application(settings, engine, store=store)
        self.application = application
        self.services = services_of(application)
        store = self.services.store
        self.readiness = Readiness(self.services.db, store=store, embedder=store.embedder if store else None,
                                   outbox=self.services.outbox)
        self.asgi = create_asgi_app(self.application, url_path=self.options["url_path"],
                                    secret=self.options["secret_token"], metrics=self.services.metrics,
                                    readiness=self.readiness, extra_routes=_console_routes(self.application))
        self.server = None
        self.console = None  # bot.console.server.ConsoleServer when KEPEMILUAN_CONSOLE_PORT is set
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        import uvicorn

        app, s = self.application, self.settings
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        await app.bot.set_webhook(url=self.options["webhook_url"], secret_token=self.options["secret_token"],
                                  allowed_updates=ALLOWED_UPDATES, max_connections=s.webhook_max_connections)
        await app.start()
        config = uvicorn.Config(self.asgi, host=s.webhook_listen, port=s.webhook_port, log_config=None,
                                access_log=False, lifespan="off", timeout_keep_alive=30)
        self.server = _EmbeddedServer.make(config)
        self._task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self._task.done():  # e.g. the port is taken
                await self._task
                raise RuntimeError(f"the webhook server did not start on {s.webhook_listen}:{s.webhook_port}")
            await asyncio.sleep(0.02)
        log.info("webhook server on %s:%d/%s (replica %s)", s.webhook_listen, s.webhook_port,
                 self.options["url_path"], self.services.replica)
        if s.console_port:  # the console also on 127.0.0.1:KEPEMILUAN_CONSOLE_PORT (it is beside /tg/* anyway)
            from .console.server import ConsoleServer

            self.console = ConsoleServer(self.application, port=s.console_port)
            await self.console.start()

    async def stop(self) -> None:
        if self.console is not None:
            await self.console.stop()
            self.console = None
        if self.server is not None and self._task is not None:
            self.server.should_exit = True
            try:
                await self._task
            finally:
                self._task = None
        request_id.set("-")
        await stop_application(self.application)
        log.info("webhook server stopped")

    async def run(self) -> None:
        """Serve until SIGINT or SIGTERM, then shut down cleanly."""
        import signal

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await self.start()
        try:
            waiter = asyncio.create_task(stop.wait())
            await asyncio.wait({waiter, self._task}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
        finally:
            await self.stop()


async def serve_webhook(settings: Settings, engine: Engine, store: ChromaStore | None = None) -> None:
    """Blocking (async) entry point of webhook mode: run until SIGINT/SIGTERM."""
    await WebhookRunner(settings, engine, store).run()

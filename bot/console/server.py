"""Polling mode with the console: the PTB Application long-polls while uvicorn serves the console
on 127.0.0.1:KEPEMILUAN_CONSOLE_PORT, in one event loop, until SIGINT/SIGTERM."""
from __future__ import annotations

import asyncio
import logging
import signal

from telegram.ext import Application

from ..app import start_application, stop_application
from ..context import services_of
from ..settings import Settings
from .app import create_console_app

log = logging.getLogger(__name__)


class ConsoleServer:
    """uvicorn serving the console of one application (tests start and stop it too)."""

    def __init__(self, app: Application, *, host: str = "127.0.0.1", port: int) -> None:
        self.asgi = create_console_app(services_of(app), app.bot)
        self.host, self.port = host, port
        self.server = None
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        import contextlib

        import uvicorn

        class Server(uvicorn.Server):  # the runner owns SIGINT/SIGTERM (as bot.web's embedded server)
            @contextlib.contextmanager
            def capture_signals(self):
                yield

        # access_log off: the login link's token is in a path
        config = uvicorn.Config(self.asgi, host=self.host, port=self.port, log_config=None, access_log=False,
                                lifespan="off")
        self.server = Server(config)
        self._task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self._task.done():
                await self._task
                raise RuntimeError(f"the console did not start on {self.host}:{self.port}")
            await asyncio.sleep(0.02)
        log.info("console on http://%s:%d/konsol/", self.host, self.port)

    async def stop(self) -> None:
        if self.server is not None and self._task is not None:
            self.server.should_exit = True
            await self._task
            self._task = None


async def serve_polling_with_console(settings: Settings, app: Application) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await start_application(app)
    console = ConsoleServer(app, port=int(settings.console_port))
    try:
        await console.start()
        await stop.wait()
    finally:
        await console.stop()
        await stop_application(app)

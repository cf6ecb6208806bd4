"""The console's plumbing: templates, the session and role guards, response helpers.

`ConsoleBase` holds what every group of routes shares (bot/console/sessions.py, tickets.py,
dashboard.py, knowledge.py); `bot/console/app.py` composes them into `Console`.
"""
from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from ..application.console import AGES, Principal
from ..texts import console as cm
from ..texts import desk as dm
from ..tickets import BARU, DIAMBIL, DIJAWAB, DITUTUP, KINDS

if TYPE_CHECKING:
    from telegram import Bot

    from ..composition import BotServices

HERE = Path(__file__).parent
COOKIE = "konsol_sesi"
PREFIX = "/konsol"
STATUSES = (BARU, DIAMBIL, DIJAWAB, DITUTUP)

templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(prefix=PREFIX, kinds=KINDS, statuses=STATUSES, ages=AGES)
templates.env.filters["jam"] = dm.local_time


def age_text(minutes: int | None) -> str:
    if minutes is None:
        return "—"
    if minutes < 60:
        return f"{minutes} mnt"
    if minutes < 48 * 60:
        return f"{minutes // 60} j {minutes % 60} mnt"
    return f"{minutes // 1440} hari"


templates.env.filters["umur"] = age_text


class ConsoleBase:
    """The services of one process (and its bot, for evidence files), pages and guards."""

    def __init__(self, services: BotServices, bot: Bot | None) -> None:
        self.svc = services
        self.bot = bot
        self.secure = services.settings.console_base_url.startswith("https://")

    @property
    def c(self):
        return self.svc.console

    async def _principal(self, request: Request) -> Principal | None:
        return await self.c.auth.principal(request.cookies.get(COOKIE))

    def _page(self, request: Request, name: str, who: Principal | None, status: int = 200, **ctx) -> Response:
        response = templates.TemplateResponse(request, name, {"who": who, **ctx}, status_code=status)
        harden(response)
        return response

    def _message(self, request: Request, text: str, status: int, who: Principal | None = None) -> Response:
        return self._page(request, "message.html", who, status=status, text=text)

    async def _audit(self, who: Principal, action: str, obj: str, detail: str = "") -> None:
        await self.svc.admin_log.record(who.actor, action, obj, detail)

    # guards: a page (HTML) or an API call (JSON), with the role it needs
    def page(self, role: str | None = None):
        def wrap(fn: Callable[..., Awaitable[Response]]):
            async def endpoint(request: Request) -> Response:
                who = await self._principal(request)
                if who is None:
                    # arriving from another site (the login link clicked in Telegram Web, a mail
                    # client): the browser withholds a SameSite=Strict cookie, even right after
                    # setting it; the page loads itself once more from here (same-site) to send it
                    retry = request.headers.get("sec-fetch-site") == "cross-site" and COOKIE not in request.cookies
                    return self._page(request, "message.html", None, status=401, text=cm.NO_SESSION, retry=retry)
                if role == "staff" and not who.is_staff:
                    return self._message(request, cm.STAFF_ONLY, 403, who)
                if role == "admin" and not who.is_admin:
                    return self._message(request, cm.ADMIN_ONLY, 403, who)
                return await fn(request, who)
            return endpoint
        return wrap

    def api(self, role: str | None = None, *, write: bool = False):
        def wrap(fn: Callable[..., Awaitable[Response]]):
            async def endpoint(request: Request) -> Response:
                who = await self._principal(request)
                if who is None:
                    return json_error(cm.NO_SESSION, 401)
                if write:
                    given = request.headers.get("x-csrf-token", "")
                    if not given or not hmac.compare_digest(given.encode(), who.csrf.encode()):
                        return json_error(cm.CSRF_MISSING, 403)
                if role == "staff" and not who.is_staff:
                    return json_error(cm.STAFF_ONLY, 403)
                if role == "admin" and not who.is_admin:
                    return json_error(cm.ADMIN_ONLY, 403)
                return await fn(request, who)
            return endpoint
        return wrap


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def harden(response: Response) -> None:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"


def json_error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


async def read_json(request: Request) -> dict | None:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return None
    return body if isinstance(body, dict) else None

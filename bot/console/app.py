"""The staff and admin web console: Starlette routes over the application layer.

A second adapter beside Telegram. Every change to a ticket calls the same `Desk` use case the
Telegram handlers call (claim, relay, close, make / publish / withdraw FAQ), so the staff
group's card follows the console through the outbox and the console follows Telegram (one
database). Documents go through `KnowledgeBase`, the one writer of the passages. The HTML pages
and the JSON API call the same methods (one module per area, composed here): one source
of truth.

    GET  /konsol/masuk/<token>              one-time login link (from /konsol) -> cookie, 303 to the inbox
    GET  /konsol/                           inbox (staff): filters, search, live queue count
    GET  /konsol/tiket/<n>                  one ticket: transcript, draft + citations, report facts,
                                            evidence (proxied from Telegram's getFile, size-capped), history
    GET  /konsol/dasbor                     what citizens ask (staff, admins); /konsol/dasbor/<table>.csv
    GET  /konsol/pengetahuan[/<doc>]        knowledge base (admins); /konsol/pengetahuan/pasase?id=
    GET  /konsol/api/session                {"user_id", "roles", "csrf"} or 401
    GET  /konsol/api/tickets                [{number, kind, status, question, assignee, age_minutes}]
    GET  /konsol/api/queue                  {"open", "oldest_minutes"}
    POST /konsol/api/tickets/<n>/{claim,reply,close,faq}      (X-CSRF-Token)
    POST /konsol/api/faq/<id>/{publish,withdraw}              (X-CSRF-Token)
    POST /konsol/api/pengetahuan/{unggah,url}                 NDJSON progress lines (admins)
    POST /konsol/api/pengetahuan/<doc>/{hapus,status}         (admins)
    POST /konsol/api/keluar                 end this session

Security: the session cookie is HttpOnly, SameSite=Strict, path /konsol, Secure behind https;
no session -> 401; every POST needs the CSRF token (header X-CSRF-Token) -> else 403; admin pages
refuse staff-only users (403); Jinja2 autoescapes every value (a citizen's HTML stays text).
Every action is written to the audit log (bot/audit.py) as "konsol:<telegram id>".
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..application.console import DECISIONS
from .base import COOKIE, HERE, PREFIX
from .dashboard import DashboardRoutes
from .knowledge import KnowledgeRoutes
from .sessions import SessionRoutes
from .tickets import TicketRoutes

if TYPE_CHECKING:
    from telegram import Bot

    from ..composition import BotServices


class Console(SessionRoutes, TicketRoutes, DashboardRoutes, KnowledgeRoutes):
    """The routes, bound to the services of one process (and its bot, for evidence files):
    sessions (sessions.py), tickets (tickets.py), the dashboard (dashboard.py), the knowledge
    base (knowledge.py), over the guards and pages of base.py."""

    def routes(self) -> list[BaseRoute]:
        page, api = self.page, self.api
        P = PREFIX
        return [
            Route(f"{P}/masuk/{{token}}", self.login, methods=["GET"]),
            Route(f"{P}", lambda r: RedirectResponse(f"{P}/", status_code=307), methods=["GET"]),
            Route(f"{P}/", page("staff")(self.inbox_page), methods=["GET"]),
            Route(f"{P}/tiket/{{n}}", page("staff")(self.ticket_page), methods=["GET"]),
            Route(f"{P}/tiket/{{n}}/bukti/{{i}}", page("staff")(self.evidence), methods=["GET"]),
            Route(f"{P}/dasbor", page()(self.dashboard), methods=["GET"]),
            Route(f"{P}/dasbor/{{table}}.csv", page()(self.dashboard_csv), methods=["GET"]),
            Route(f"{P}/pengetahuan", page("admin")(self.kb_page), methods=["GET"]),
            Route(f"{P}/pengetahuan/pasase", page("admin")(self.kb_passage), methods=["GET"]),
            Route(f"{P}/pengetahuan/{{doc}}", page("admin")(self.kb_doc), methods=["GET"]),
            Route(f"{P}/api/session", api()(self.session), methods=["GET"]),
            Route(f"{P}/api/keluar", api(write=True)(self.logout), methods=["POST"]),
            Route(f"{P}/api/queue", api("staff")(self.queue_api), methods=["GET"]),
            Route(f"{P}/api/tickets", api("staff")(self.tickets_api), methods=["GET"]),
            Route(f"{P}/api/tickets/{{n}}", api("staff")(self.ticket_api), methods=["GET"]),
            Route(f"{P}/api/tickets/{{n}}/claim", api("staff", write=True)(self.claim), methods=["POST"]),
            Route(f"{P}/api/tickets/{{n}}/reply", api("staff", write=True)(self.reply), methods=["POST"]),
            Route(f"{P}/api/tickets/{{n}}/close", api("staff", write=True)(self.close), methods=["POST"]),
            Route(f"{P}/api/tickets/{{n}}/faq", api("staff", write=True)(self.make_faq), methods=["POST"]),
            Route(f"{P}/api/faq/{{faq:int}}/publish", api("staff", write=True)(self.publish_faq), methods=["POST"]),
            Route(f"{P}/api/faq/{{faq:int}}/withdraw", api("staff", write=True)(self.withdraw_faq), methods=["POST"]),
            Route(f"{P}/api/pengetahuan/unggah", api("admin", write=True)(self.kb_upload), methods=["POST"]),
            Route(f"{P}/api/pengetahuan/url", api("admin", write=True)(self.kb_url), methods=["POST"]),
            Route(f"{P}/api/pengetahuan/{{doc}}/hapus", api("admin", write=True)(self.kb_remove), methods=["POST"]),
            Route(f"{P}/api/pengetahuan/{{doc}}/status", api("admin", write=True)(self.kb_status), methods=["POST"]),
            Mount(f"{P}/static", app=StaticFiles(directory=str(HERE / "static")), name="konsol-static"),
        ]


def console_routes(services: BotServices, bot: Bot | None) -> list[BaseRoute]:
    """The console's routes (under /konsol), to serve beside the webhook or on their own."""
    return Console(services, bot).routes()


def create_console_app(services: BotServices, bot: Bot | None):
    """The console alone (polling mode: 127.0.0.1:KEPEMILUAN_CONSOLE_PORT)."""
    from starlette.applications import Starlette

    return Starlette(routes=[Route("/", lambda r: RedirectResponse(f"{PREFIX}/", status_code=307)),
                             *console_routes(services, bot)])


__all__ = ["COOKIE", "DECISIONS", "PREFIX", "console_routes", "create_console_app"]

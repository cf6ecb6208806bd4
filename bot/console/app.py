"""The staff and admin web console: Starlette routes over the application layer.

A second adapter beside Telegram. Every change to a ticket calls the same `Desk` use case the
Telegram handlers call (claim, relay, close, make / publish / withdraw FAQ), so the staff
group's card follows the console through the outbox and the console follows Telegram (one
database). Documents go through `KnowledgeBase`, the one writer of the passages. The HTML pages
and the JSON API call the same functions below: one source of truth.

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

import asyncio
import csv
import hmac
import io
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..application.console import (
    AGES,
    DECISIONS,
    Filters,
    Principal,
    age_minutes,
    csv_tables,
    ticket_json,
)
from ..application.knowledge_base import IndexFailure, IngestUnavailable
from ..render import render_passage
from ..texts import console as cm
from ..texts import desk as dm
from ..tickets import DIAMBIL, DIJAWAB, DITUTUP, KINDS, PETUGAS, BARU
from . import charts

if TYPE_CHECKING:
    from telegram import Bot

    from ..composition import BotServices

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
COOKIE = "konsol_sesi"
PREFIX = "/konsol"
REPLY_ID_BASE = 1_000_000_000
REPLY_MAX = 12_000  # characters of one staff reply (split into Telegram messages by the desk)
EVIDENCE_MAX = 20 * 1024 * 1024  # the Bot API's getFile limit; nothing larger is proxied
STATUSES = (BARU, DIAMBIL, DIJAWAB, DITUTUP)
LEGAL_STATUSES = ("berlaku", "diubah", "dicabut")

templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(prefix=PREFIX, kinds=KINDS, statuses=STATUSES, ages=AGES)
templates.env.filters["jam"] = dm.local_time


def _age_text(minutes: int | None) -> str:
    if minutes is None:
        return "—"
    if minutes < 60:
        return f"{minutes} mnt"
    if minutes < 48 * 60:
        return f"{minutes // 60} j {minutes % 60} mnt"
    return f"{minutes // 1440} hari"


templates.env.filters["umur"] = _age_text


class Console:
    """The routes, bound to the services of one process (and its bot, for evidence files)."""

    def __init__(self, services: BotServices, bot: Bot | None) -> None:
        self.svc = services
        self.bot = bot
        self.secure = services.settings.console_base_url.startswith("https://")

    # ------------------------------------------------------------------ plumbing

    @property
    def c(self):
        return self.svc.console

    async def _principal(self, request: Request) -> Principal | None:
        return await self.c.auth.principal(request.cookies.get(COOKIE))

    def _page(self, request: Request, name: str, who: Principal | None, status: int = 200, **ctx) -> Response:
        response = templates.TemplateResponse(request, name, {"who": who, **ctx}, status_code=status)
        _harden(response)
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
                    return _error(cm.NO_SESSION, 401)
                if write:
                    given = request.headers.get("x-csrf-token", "")
                    if not given or not hmac.compare_digest(given.encode(), who.csrf.encode()):
                        return _error(cm.CSRF_MISSING, 403)
                if role == "staff" and not who.is_staff:
                    return _error(cm.STAFF_ONLY, 403)
                if role == "admin" and not who.is_admin:
                    return _error(cm.ADMIN_ONLY, 403)
                return await fn(request, who)
            return endpoint
        return wrap

    # ------------------------------------------------------------------ login

    async def login(self, request: Request) -> Response:
        if request.method != "GET":  # a link checker's HEAD must not spend the one-time link
            return Response(status_code=200, headers={"Cache-Control": "no-store"})
        redeemed = await self.c.auth.redeem(request.path_params["token"])
        if redeemed is None:
            return self._message(request, cm.LINK_REFUSED, 403)
        session, who = redeemed
        await self._audit(who, "konsol-masuk", "konsol", ",".join(who.roles))
        target = f"{PREFIX}/" if who.is_staff else f"{PREFIX}/dasbor"
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, session, max_age=int(self.c.auth.session_ttl.total_seconds()), path=PREFIX,
                            httponly=True, samesite="strict", secure=self.secure)
        response.headers["Referrer-Policy"] = "no-referrer"  # the link's token never leaves in a Referer
        response.headers["Cache-Control"] = "no-store"
        return response

    async def logout(self, request: Request, who: Principal) -> Response:
        await self.c.auth.logout(request.cookies.get(COOKIE, ""))
        await self._audit(who, "konsol-keluar", "konsol", "sesi ini")
        response = JSONResponse({"ok": True})
        response.delete_cookie(COOKIE, path=PREFIX, httponly=True, samesite="strict", secure=self.secure)
        return response

    async def session(self, request: Request, who: Principal) -> Response:
        return JSONResponse({"user_id": who.user_id, "roles": list(who.roles), "csrf": who.csrf, "name": who.name})

    # ------------------------------------------------------------------ inbox

    def _filters(self, request: Request) -> Filters:
        q = request.query_params
        page = q.get("hal", "0")
        return Filters(status=q.get("status", "terbuka"), kind=q.get("jenis", ""), age=q.get("umur", ""),
                       assignee=q.get("petugas", ""), q=q.get("cari", ""),
                       page=int(page) if page.isdigit() and len(page) < 6 else 0)

    async def inbox_page(self, request: Request, who: Principal) -> Response:
        f = self._filters(request)
        tickets, total = await self.c.inbox.tickets(f, user_id=who.user_id)
        queue = await self.c.inbox.queue()
        params = {k: v for k, v in request.query_params.items() if k != "hal"}
        more = f"?{urlencode({**params, 'hal': f.page + 1})}" if (f.page + 1) * 50 < total else None
        less = f"?{urlencode({**params, 'hal': f.page - 1})}" if f.page > 0 else None
        rows = [{"t": t, "age": age_minutes(t)} for t in tickets]
        return self._page(request, "inbox.html", who, f=f, rows=rows, total=total, queue=queue, more=more, less=less)

    async def tickets_api(self, request: Request, who: Principal) -> Response:
        tickets, total = await self.c.inbox.tickets(self._filters(request), user_id=who.user_id)
        return JSONResponse([ticket_json(t) for t in tickets], headers={"X-Total-Count": str(total)})

    async def queue_api(self, request: Request, who: Principal) -> Response:
        q = await self.c.inbox.queue()
        return JSONResponse({"open": q.open, "oldest_minutes": q.oldest_minutes,
                             "oldest_text": _age_text(q.oldest_minutes)})

    def _number(self, request: Request) -> int | None:
        raw = request.path_params["n"]
        return int(raw) if raw.isdigit() and len(raw) < 18 else None

    async def ticket_page(self, request: Request, who: Principal) -> Response:
        n = self._number(request)
        view = await self.c.inbox.view(n) if n is not None else None
        if view is None:
            return self._message(request, cm.NO_TICKET.format(n=request.path_params["n"]), 404, who)
        t = view.ticket
        report = dict(t.report or {})
        facts = [(label, report.get(key)) for key, label in
                 (("reporter", "Pelapor"), ("reported", "Terlapor"), ("when_where", "Waktu dan tempat"))
                 if report.get(key)]
        evidence = list(report.get("evidence") or [])
        history = await self.svc.admin_log.recent(50, doc_id=f"tiket-{t.id}")
        return self._page(request, "ticket.html", who, t=t, view=view, facts=facts, evidence=evidence,
                          age=age_minutes(t), history=list(reversed(history)), report_state=report.get("state"),
                          mine=t.assignee_id == who.user_id, PETUGAS=PETUGAS, DITUTUP=DITUTUP)

    async def ticket_api(self, request: Request, who: Principal) -> Response:
        n = self._number(request)
        view = await self.c.inbox.view(n) if n is not None else None
        if view is None:
            return _error(cm.NO_TICKET.format(n=request.path_params["n"]), 404)
        t = view.ticket
        return JSONResponse({**ticket_json(t), "draft": t.draft_answer, "sources": t.sources,
                             "transcript": [{"author": e.author, "text": e.text, "at": e.at.isoformat()}
                                            for e in view.transcript],
                             "relays": [{"status": r["status"]} for r in view.relays]})

    async def claim(self, request: Request, who: Principal) -> Response:
        n = self._number(request)
        if n is None:
            return _error(cm.NO_TICKET.format(n=request.path_params["n"]), 404)
        result = await self.svc.desk.claim(n, who.user_id, who.name)
        if result.ticket is None:
            return _error(dm.NO_TICKET.format(n=n), 404)
        if result.ticket.status == DITUTUP:
            return _error(dm.ALREADY_CLOSED.format(n=n), 409)
        if not result.won:
            return _error(dm.CLAIMED_BY.format(n=n, name=result.ticket.assignee_name or "petugas lain"), 409)
        await self._audit(who, "konsol-ambil", f"tiket-{n}")
        return JSONResponse({"ok": True, "message": dm.CLAIMED.format(n=n)})

    async def reply(self, request: Request, who: Principal) -> Response:
        n = self._number(request)
        if n is None:
            return _error(cm.NO_TICKET.format(n=request.path_params["n"]), 404)
        body = await _json(request)
        if body is None:
            return _error(cm.BAD_JSON, 400)
        text = str(body.get("text") or "").strip()
        if not text:
            return _error(cm.EMPTY_REPLY, 400)
        if len(text) > REPLY_MAX:
            return _error(cm.REPLY_TOO_LONG.format(limit=REPLY_MAX), 400)
        # the desk confirms a relay in the chat it names: the staff member's private chat with the
        # bot. A console reply has no Telegram message: its id is random, in Telegram's int32
        # range, above the message ids of a chat (the confirmation's reply-to is then absent, which
        # allow_sending_without_reply tolerates)
        reply_id = REPLY_ID_BASE + secrets.randbelow(REPLY_ID_BASE)
        refused = await self.svc.desk.relay(n, staff_id=who.user_id, staff_name=who.name, text=text,
                                            chat_id=who.user_id, message_id=reply_id)
        if refused is not None:
            return _error(_plain(refused), 409)
        await self._audit(who, "konsol-balas", f"tiket-{n}", f"{len(text)} karakter")
        return JSONResponse({"ok": True, "message": cm.RELAYED.format(n=n)})

    async def close(self, request: Request, who: Principal) -> Response:
        n = self._number(request)
        if n is None or await self.svc.desk.tickets.get(n) is None:
            return _error(cm.NO_TICKET.format(n=request.path_params["n"]), 404)
        if not await self.svc.desk.close(n):
            return _error(dm.ALREADY_CLOSED.format(n=n), 409)
        await self._audit(who, "konsol-tutup", f"tiket-{n}")
        return JSONResponse({"ok": True, "message": dm.CLOSED.format(n=n)})

    async def make_faq(self, request: Request, who: Principal) -> Response:
        n = self._number(request)
        if n is None:
            return _error(cm.NO_TICKET.format(n=request.path_params["n"]), 404)
        text = await self.svc.desk.make_faq(n)
        await self._audit(who, "konsol-faq", f"tiket-{n}", "draf untuk ditinjau")
        return JSONResponse({"ok": True, "message": _plain(text)})

    async def publish_faq(self, request: Request, who: Principal) -> Response:
        faq_id = int(request.path_params["faq"])
        body = await _json(request) or {}
        question = " ".join(str(body.get("question") or "").split())[:500]
        if not question:
            return _error(cm.FAQ_PUBLISH_EMPTY, 400)
        text = await self.svc.desk.publish_faq(faq_id, question)
        await self._audit(who, "konsol-terbit-faq", f"faq-{faq_id}")
        return JSONResponse({"ok": text.startswith("⭐"), "message": _plain(text)},
                            status_code=200 if text.startswith("⭐") else 409)

    async def withdraw_faq(self, request: Request, who: Principal) -> Response:
        faq_id = int(request.path_params["faq"])
        text = await self.svc.desk.withdraw_faq(faq_id)
        await self._audit(who, "konsol-tarik-faq", f"faq-{faq_id}")
        return JSONResponse({"ok": True, "message": _plain(text)})

    async def evidence(self, request: Request, who: Principal) -> Response:
        n, i = self._number(request), request.path_params["i"]
        ticket = await self.svc.desk.tickets.get(n) if n is not None else None
        items = list((ticket.report or {}).get("evidence") or []) if ticket is not None else []
        if not i.isdigit() or int(i) >= len(items) or self.bot is None:
            return self._message(request, cm.NOT_FOUND, 404, who)
        item = items[int(i)]
        try:
            file = await self.bot.get_file(item["file_id"])
            if file.file_size and file.file_size > EVIDENCE_MAX:
                return self._message(request, cm.EVIDENCE_TOO_BIG.format(mb=EVIDENCE_MAX // 2**20), 413, who)
            data = bytes(await file.download_as_bytearray())
        except Exception as exc:  # noqa: BLE001  TelegramError, network
            log.warning("evidence of ticket #%s not fetched: %s", n, type(exc).__name__)
            return self._message(request, cm.EVIDENCE_UNAVAILABLE, 502, who)
        if len(data) > EVIDENCE_MAX:
            return self._message(request, cm.EVIDENCE_TOO_BIG.format(mb=EVIDENCE_MAX // 2**20), 413, who)
        await self._audit(who, "konsol-bukti", f"tiket-{n}", f"bukti {int(i) + 1}")
        photo = item.get("type") == "photo"
        name = (Path(file.file_path or "").name or f"bukti-{n}-{int(i) + 1}").replace('"', "")
        headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store",
                   "Content-Disposition": f'{"inline" if photo else "attachment"}; filename="{name}"',
                   "Content-Security-Policy": "default-src 'none'; sandbox"}
        return Response(data, media_type="image/jpeg" if photo else "application/octet-stream", headers=headers)

    # ------------------------------------------------------------------ what citizens ask

    async def dashboard(self, request: Request, who: Principal) -> Response:
        stats = await self.c.insights.stats()
        queue = await self.c.inbox.queue()
        return self._page(request, "dashboard.html", who, s=stats, queue=queue,
                          daily=Markup(charts.decisions_chart(stats.days)),
                          feedback=Markup(charts.feedback_chart(stats.days)),
                          ages=Markup(charts.bars(stats.open_by_age)), tables=list(csv_tables(stats)))

    async def dashboard_csv(self, request: Request, who: Principal) -> Response:
        tables = csv_tables(await self.c.insights.stats())
        name = request.path_params["table"]
        if name not in tables:
            return PlainTextResponse(cm.NOT_FOUND, status_code=404)
        header, rows = tables[name]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_csv_safe(v) for v in row])
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="konsol-{name}.csv"'})

    # ------------------------------------------------------------------ knowledge base (admins)

    async def kb_page(self, request: Request, who: Principal) -> Response:
        docs = await self.svc.knowledge.documents()
        recent = await self.svc.admin_log.recent(30)
        return self._page(request, "kb.html", who, docs=docs, recent=recent, can_ingest=self.svc.knowledge.can_ingest,
                          legal=LEGAL_STATUSES)

    async def kb_doc(self, request: Request, who: Principal) -> Response:
        doc_id = request.path_params["doc"]
        docs = {d["doc_id"]: d for d in await self.svc.knowledge.documents()}
        if doc_id not in docs:
            return self._message(request, cm.NOT_FOUND, 404, who)
        passages = [p for p in self.svc.engine.passages() if p.doc_id == doc_id]
        return self._page(request, "kb_doc.html", who, d=docs[doc_id], passages=passages[:500],
                          more=max(0, len(passages) - 500), versions=await self.svc.admin_log.versions(doc_id),
                          audit=await self.svc.admin_log.recent(50, doc_id=doc_id), legal=LEGAL_STATUSES,
                          can_ingest=self.svc.knowledge.can_ingest)

    async def kb_passage(self, request: Request, who: Principal) -> Response:
        p = self.svc.engine.passage(request.query_params.get("id", ""))
        if p is None:
            return self._message(request, cm.NOT_FOUND, 404, who)
        # exactly what the bot sends for «Lihat pasal lengkap» (Telegram HTML: escaped text + b/i/a)
        return self._page(request, "passage.html", who, p=p, parts=[Markup(x) for x in render_passage(p)])

    async def kb_remove(self, request: Request, who: Principal) -> Response:
        doc_id = request.path_params["doc"]
        body = await _json(request) or {}
        if body.get("confirm") != doc_id:
            return _error(cm.REMOVE_CONFIRM.format(doc=doc_id), 400)
        try:
            n = await self.svc.knowledge.remove(doc_id, actor=who.actor)
        except IngestUnavailable:
            return _error(cm.INGEST_UNAVAILABLE, 409)
        if not n:
            return _error(cm.NOT_REMOVED.format(doc=doc_id), 404)
        return JSONResponse({"ok": True, "message": cm.REMOVED.format(doc=doc_id, n=n)})

    async def kb_status(self, request: Request, who: Principal) -> Response:
        doc_id = request.path_params["doc"]
        body = await _json(request) or {}
        status = str(body.get("status") or "")
        if status not in LEGAL_STATUSES:
            return _error(cm.BAD_STATUS, 400)
        by = " ".join(str(body.get("by") or "").split())[:400] or None
        try:
            change = await self.svc.knowledge.set_status(doc_id, status, by, actor=who.actor)
        except IngestUnavailable:
            return _error(cm.INGEST_UNAVAILABLE, 409)
        if not change.passages:
            return _error(cm.NOT_REMOVED.format(doc=doc_id), 404)
        return JSONResponse({"ok": True, "message": cm.STATUS_SET.format(doc=doc_id, status=status, n=change.passages)})

    def _ingest_stream(self, who: Principal, start: Callable[[Callable[[str, int, int], None]], Awaitable[Any]],
                       name: str) -> Response:
        """Run an ingestion, streaming its progress as JSON lines (the request itself carries the
        progress, so it works behind a round-robin proxy)."""
        loop = asyncio.get_running_loop()
        events: asyncio.Queue[dict | None] = asyncio.Queue()

        def progress(stage: str, done: int, total: int) -> None:  # called from the executor thread
            loop.call_soon_threadsafe(events.put_nowait, {"stage": cm.STAGES.get(stage, stage), "done": done,
                                                          "total": total})

        async def run() -> None:
            try:
                report = await start(progress)
                s = report.summary
                events.put_nowait({"ok": True, "message": cm.INGEST_DONE.format(
                    doc_id=s.doc_id, version=s.version, state=s.state, added=s.added, removed=s.removed,
                    unchanged=s.unchanged), "doc_id": s.doc_id})
            except IngestUnavailable:
                events.put_nowait({"ok": False, "message": cm.INGEST_UNAVAILABLE})
            except IndexFailure as exc:
                events.put_nowait({"ok": False, "message": cm.INGEST_FAILED.format(reason=exc.reason)})
            except Exception as exc:  # noqa: BLE001  a bad document: the admin reads why
                reason = str(exc)[:300] or type(exc).__name__
                await self.svc.knowledge.record_failure(who.actor, name, reason)
                events.put_nowait({"ok": False, "message": cm.INGEST_FAILED.format(reason=reason)})
            finally:
                events.put_nowait(None)

        async def lines():
            task = asyncio.create_task(run())
            while (event := await events.get()) is not None:
                yield json.dumps(event, ensure_ascii=False) + "\n"
            await task

        return StreamingResponse(lines(), media_type="application/x-ndjson", headers={"Cache-Control": "no-store"})

    async def kb_upload(self, request: Request, who: Principal) -> Response:
        from urllib.parse import unquote

        name = Path(unquote(request.headers.get("x-filename", ""))).name[:200]
        limit = self.svc.settings.ingest_max_bytes
        if int(request.headers.get("content-length") or 0) > limit:
            return _error(cm.UPLOAD_TOO_BIG.format(mb=limit // 10**6), 413)
        data = bytearray()
        async for chunk in request.stream():
            data += chunk
            if len(data) > limit:
                return _error(cm.UPLOAD_TOO_BIG.format(mb=limit // 10**6), 413)
        if not name or not data:
            return _error(cm.UPLOAD_EMPTY, 400)
        content_type = request.headers.get("content-type")
        return self._ingest_stream(who, lambda progress: self.svc.knowledge.ingest_bytes(
            bytes(data), name, actor=who.actor, content_type=content_type, progress=progress), name)

    async def kb_url(self, request: Request, who: Principal) -> Response:
        body = await _json(request) or {}
        url = str(body.get("url") or "").strip()
        if not url.startswith(("http://", "https://")):
            return _error(cm.URL_MISSING, 400)

        async def start(progress):
            loaded = await self.svc.knowledge.fetch(url)
            return await self.svc.knowledge.ingest(loaded, actor=who.actor, progress=progress)

        return self._ingest_stream(who, start, url)

    # ------------------------------------------------------------------ routes

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


# ---------------------------------------------------------------------- helpers

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def _harden(response: Response) -> None:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


async def _json(request: Request) -> dict | None:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def _plain(telegram_html: str) -> str:
    """A desk text (Telegram HTML) as plain text for a JSON message."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", telegram_html))


def _csv_safe(value: Any) -> Any:
    """No spreadsheet formulas from citizens' texts (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


__all__ = ["COOKIE", "DECISIONS", "PREFIX", "console_routes", "create_console_app"]

"""The console's ticket routes (staff): the inbox, one ticket, evidence files, and the changes a
ticket goes through, each the same `Desk` use case the Telegram handlers call."""
from __future__ import annotations

import html
import logging
import re
import secrets
from pathlib import Path
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..application.console import Filters, Principal, age_minutes, ticket_json
from ..texts import console as cm
from ..texts import desk as dm
from ..tickets import DITUTUP, PETUGAS
from .base import ConsoleBase, age_text, json_error, read_json

log = logging.getLogger(__name__)

REPLY_ID_BASE = 1_000_000_000
REPLY_MAX = 12_000  # characters of one staff reply (split into Telegram messages by the desk)
EVIDENCE_MAX = 20 * 1024 * 1024  # the Bot API's getFile limit; nothing larger is proxied


class TicketRoutes(ConsoleBase):
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
                             "oldest_text": age_text(q.oldest_minutes)})

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
            return self._no_ticket(request)
        t = view.ticket
        return JSONResponse({**ticket_json(t), "draft": t.draft_answer, "sources": t.sources,
                             "transcript": [{"author": e.author, "text": e.text, "at": e.at.isoformat()}
                                            for e in view.transcript],
                             "relays": [{"status": r["status"]} for r in view.relays]})

    def _no_ticket(self, request: Request) -> Response:
        return json_error(cm.NO_TICKET.format(n=request.path_params["n"]), 404)

    async def _done(self, who: Principal, action: str, n: int, message: str, detail: str = "") -> Response:
        """A ticket action went through: audited, and the message for the staff member."""
        await self._audit(who, action, f"tiket-{n}", detail)
        return JSONResponse({"ok": True, "message": message})

    async def claim(self, request: Request, who: Principal) -> Response:
        n = self._number(request)
        if n is None:
            return self._no_ticket(request)
        result = await self.svc.desk.claim(n, who.user_id, who.name)
        if result.ticket is None:
            return json_error(dm.NO_TICKET.format(n=n), 404)
        if result.ticket.status == DITUTUP:
            return json_error(dm.ALREADY_CLOSED.format(n=n), 409)
        if not result.won:
            return json_error(dm.CLAIMED_BY.format(n=n, name=result.ticket.assignee_name or "petugas lain"), 409)
        return await self._done(who, "konsol-ambil", n, dm.CLAIMED.format(n=n))

    async def reply(self, request: Request, who: Principal) -> Response:
        n = self._number(request)
        if n is None:
            return self._no_ticket(request)
        body = await read_json(request)
        if body is None:
            return json_error(cm.BAD_JSON, 400)
        text = str(body.get("text") or "").strip()
        if not text:
            return json_error(cm.EMPTY_REPLY, 400)
        if len(text) > REPLY_MAX:
            return json_error(cm.REPLY_TOO_LONG.format(limit=REPLY_MAX), 400)
        # the desk confirms a relay in the chat it names: the staff member's private chat with the
        # bot. A console reply has no Telegram message: its id is random, in Telegram's int32
        # range, above the message ids of a chat (the confirmation's reply-to is then absent, which
        # allow_sending_without_reply tolerates)
        reply_id = REPLY_ID_BASE + secrets.randbelow(REPLY_ID_BASE)
        refused = await self.svc.desk.relay(n, staff_id=who.user_id, staff_name=who.name, text=text,
                                            chat_id=who.user_id, message_id=reply_id)
        if refused is not None:
            return json_error(_plain(refused), 409)
        return await self._done(who, "konsol-balas", n, cm.RELAYED.format(n=n), f"{len(text)} karakter")

    async def close(self, request: Request, who: Principal) -> Response:
        n = self._number(request)
        if n is None or await self.svc.desk.tickets.get(n) is None:
            return self._no_ticket(request)
        if not await self.svc.desk.close(n):
            return json_error(dm.ALREADY_CLOSED.format(n=n), 409)
        return await self._done(who, "konsol-tutup", n, dm.CLOSED.format(n=n))

    async def make_faq(self, request: Request, who: Principal) -> Response:
        n = self._number(request)
        if n is None:
            return self._no_ticket(request)
        text = await self.svc.desk.make_faq(n)
        return await self._done(who, "konsol-faq", n, _plain(text), "draf untuk ditinjau")

    async def publish_faq(self, request: Request, who: Principal) -> Response:
        faq_id = int(request.path_params["faq"])
        body = await read_json(request) or {}
        question = " ".join(str(body.get("question") or "").split())[:500]
        if not question:
            return json_error(cm.FAQ_PUBLISH_EMPTY, 400)
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


def _plain(telegram_html: str) -> str:
    """A desk text (Telegram HTML) as plain text for a JSON message."""
    return html.unescape(re.sub(r"<[^>]+>", "", telegram_html))

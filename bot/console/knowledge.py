"""The console's knowledge-base routes (admins): documents, passages, removal, legal status, and
ingestion (an upload or a URL) with its progress streamed as NDJSON. All through `KnowledgeBase`."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from ..application.console import Principal
from ..application.knowledge_base import IndexFailure, IngestUnavailable
from ..render import render_passage
from ..texts import console as cm
from .base import ConsoleBase, json_error, read_json

LEGAL_STATUSES = ("berlaku", "diubah", "dicabut")


class KnowledgeRoutes(ConsoleBase):
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
        body = await read_json(request) or {}
        if body.get("confirm") != doc_id:
            return json_error(cm.REMOVE_CONFIRM.format(doc=doc_id), 400)
        try:
            n = await self.svc.knowledge.remove(doc_id, actor=who.actor)
        except IngestUnavailable:
            return json_error(cm.INGEST_UNAVAILABLE, 409)
        if not n:
            return json_error(cm.NOT_REMOVED.format(doc=doc_id), 404)
        return JSONResponse({"ok": True, "message": cm.REMOVED.format(doc=doc_id, n=n)})

    async def kb_status(self, request: Request, who: Principal) -> Response:
        doc_id = request.path_params["doc"]
        body = await read_json(request) or {}
        status = str(body.get("status") or "")
        if status not in LEGAL_STATUSES:
            return json_error(cm.BAD_STATUS, 400)
        by = " ".join(str(body.get("by") or "").split())[:400] or None
        try:
            change = await self.svc.knowledge.set_status(doc_id, status, by, actor=who.actor)
        except IngestUnavailable:
            return json_error(cm.INGEST_UNAVAILABLE, 409)
        if not change.passages:
            return json_error(cm.NOT_REMOVED.format(doc=doc_id), 404)
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
        name = Path(unquote(request.headers.get("x-filename", ""))).name[:200]
        limit = self.svc.settings.ingest_max_bytes
        if int(request.headers.get("content-length") or 0) > limit:
            return json_error(cm.UPLOAD_TOO_BIG.format(mb=limit // 10**6), 413)
        data = bytearray()
        async for chunk in request.stream():
            data += chunk
            if len(data) > limit:
                return json_error(cm.UPLOAD_TOO_BIG.format(mb=limit // 10**6), 413)
        if not name or not data:
            return json_error(cm.UPLOAD_EMPTY, 400)
        content_type = request.headers.get("content-type")
        return self._ingest_stream(who, lambda progress: self.svc.knowledge.ingest_bytes(
            bytes(data), name, actor=who.actor, content_type=content_type, progress=progress), name)

    async def kb_url(self, request: Request, who: Principal) -> Response:
        body = await read_json(request) or {}
        url = str(body.get("url") or "").strip()
        if not url.startswith(("http://", "https://")):
            return json_error(cm.URL_MISSING, 400)

        async def start(progress):
            loaded = await self.svc.knowledge.fetch(url)
            return await self.svc.knowledge.ingest(loaded, actor=who.actor, progress=progress)

        return self._ingest_stream(who, start, url)

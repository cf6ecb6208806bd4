"""The knowledge base: the ONLY writer of the engine's passages, one change at a time.

Every change to what the bot can quote goes through `KnowledgeBase`, under one lock:

- documents (admin /ingest, /hapus, /status; the news job; `kepemiluan ingest` and `reindex`):
  through `ingest.live.LiveIndex`, which stages new rows in Chroma, swaps the engine and then
  deletes the previous rows;
- staff answers made FAQ («jawaban petugas»): in the database and the engine, never in Chroma;
- the catalog sync of a replica (another process changed the shared index, or another replica
  changed the FAQ entries): reload from Chroma, FAQ passages put back.

Because the catalog sync takes the same lock as an ingestion, it never reads Chroma between a
document's staging and its finish (where old and new rows stand side by side) and reloads both
versions into memory. The engine's own swaps stay atomic for readers: a question in flight sees
the old passage set or the new one, never a mix.

The blocking work (parsing, embedding, index builds) runs in the executor, off the event loop.
The audit log records each change with its actor.
"""
from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from knowledge.model import DICABUT, DIUBAH, STATUSES, Passage

from .. import article_status
from ..audit import AdminLog
from ..texts import admin as am
from ..faq import faq_doc_id, faq_passage, is_faq
from ..tickets import FaqEntry
from .ports import Engine, SharedIndex

if TYPE_CHECKING:  # ingest.live imports the loaders; only the type is needed here
    from ingest.live import IngestReport, LiveIndex, Progress
    from ingest.load import LoadedDocument

log = logging.getLogger(__name__)

T = TypeVar("T")
FaqEntries = Callable[[], Awaitable[list[FaqEntry]]]


class IngestUnavailable(RuntimeError):
    """This installation has no writable index (an engine without a Chroma store)."""


class IndexFailure(RuntimeError):
    """The vector index refused a write; `reason` is Indonesian, for the admin."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _index_failure(exc: BaseException) -> IndexFailure | None:
    store = sys.modules.get("knowledge.store")  # loaded whenever a store exists: never imported just for this
    if store is None or not isinstance(exc, store.StoreError):
        return None
    return IndexFailure(am.INDEX_MISMATCH if isinstance(exc, store.IndexMismatch) else am.INDEX_DOWN)


@dataclass(frozen=True)
class StatusChange:
    passages: int  # how many passages changed (0: no such document)
    status_by: str | None  # as stored (None unless diubah / dicabut)
    unknown_by: bool  # a document named in status_by is not in the index


@dataclass(frozen=True)
class ArticleEffectChange:
    """An admin's record of one article's effect (issue 11), as applied."""

    command: article_status.ArticleCommand
    target_known: bool  # the article's document is in the index (else the effect waits for it)


class KnowledgeBase:
    def __init__(self, engine: Engine, *, live: LiveIndex | None = None, shared: SharedIndex | None = None,
                 faq_entries: FaqEntries | None = None, audit: AdminLog | None = None,
                 executor: Executor | None = None) -> None:
        self.engine = engine
        self.live = live
        self.shared = shared
        self.faq_entries = faq_entries
        self.audit = audit
        self.executor = executor
        self._lock = asyncio.Lock()

    @property
    def can_ingest(self) -> bool:
        return self.live is not None

    async def _off(self, fn: Callable[..., T], *args: object, **kw: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, partial(fn, *args, **kw))

    def _writable(self) -> LiveIndex:
        if self.live is None:
            raise IngestUnavailable("no writable index")
        return self.live

    # ------------------------------------------------------------------ reads

    def has(self, doc_id: str) -> bool:
        return self.live is not None and self.live.has(doc_id)

    def known_urls(self) -> set[str]:
        live = self._writable()
        return {p.url for ps in live.writer.by_doc.values() for p in ps[:1] if p.url}

    async def documents(self) -> list[dict]:
        return await self._off(self.engine.documents)

    async def article_chain(self, passage_id: str) -> list[str]:
        """An article's chain of legal effects in Indonesian (the «Pasal lengkap» view, issue 11)."""
        chain = getattr(self.engine, "article_chain", None)  # a test double may not have one
        return await self._off(chain, passage_id) if chain is not None else []

    def admin_effects(self) -> list:
        """Article effects recorded by admins, as the engine applies them."""
        got = getattr(self.engine, "admin_effects", None)
        return got() if got is not None else []

    def pending_effects(self) -> list:
        """Effects whose target document is not in the index yet."""
        got = getattr(self.engine, "pending_effects", None)
        return got() if got is not None else []

    # ------------------------------------------------------------------ documents

    async def fetch(self, url: str) -> LoadedDocument:
        """Download a URL (capped, no lock held: nothing changes yet)."""
        return await self._writable().fetch(url)

    async def ingest(self, loaded: LoadedDocument, *, actor: str, progress: Progress | None = None) -> IngestReport:
        live = self._writable()
        async with self._lock:
            try:
                report = await self._off(live.ingest_loaded, loaded, progress=progress)
            except Exception as exc:
                failure = _index_failure(exc)
                if failure is None:
                    raise
                raise failure from exc
        if self.audit is not None:
            await self.audit.record_ingest(actor, report)
        return report

    async def ingest_bytes(self, data: bytes, filename: str, *, actor: str, content_type: str | None = None,
                           progress: Progress | None = None) -> IngestReport:
        from ingest.load import load_bytes

        live = self._writable()
        loaded = await self._off(load_bytes, data, filename, content_type=content_type, max_bytes=live.max_bytes)
        return await self.ingest(loaded, actor=actor, progress=progress)

    async def ingest_prepared(self, prepared: list, *, actor: str,
                              progress: Callable[[int], None] | None = None) -> list[IngestReport]:
        """Many parsed documents at once (the CLI): one engine swap, one audit line each."""
        live = self._writable()
        async with self._lock:
            reports = await self._off(live.ingest_prepared, prepared, progress=progress)
        if self.audit is not None:
            for report in reports:
                await self.audit.record_ingest(actor, report)
        return reports

    async def record_failure(self, actor: str, name: str, reason: str) -> None:
        if self.audit is not None:
            await self.audit.record(actor, "ingest-failed", name[:200], reason)

    async def remove(self, doc_id: str, *, actor: str) -> int:
        live = self._writable()
        async with self._lock:
            n = await self._off(live.remove, doc_id)
        if n and self.audit is not None:
            await self.audit.record_remove(actor, doc_id, n)
        return n

    async def set_status(self, doc_id: str, status: str, status_by: str | None, *, actor: str) -> StatusChange:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        live = self._writable()
        by = status_by if status in (DIUBAH, DICABUT) else None
        async with self._lock:
            n = await self._off(live.set_status, doc_id, status, by)
        if n and self.audit is not None:
            await self.audit.set_status(actor, doc_id, status, by)
        unknown = bool(by) and not all(live.has(b) for b in (by or "").split(","))
        return StatusChange(n, by, unknown)

    async def set_article_effect(self, command: article_status.ArticleCommand, *, actor: str) -> ArticleEffectChange:
        """Record (or, with `berlaku`, clear) one article's legal effect: audit-logged, applied at once
        in one engine swap, kept across restarts and re-ingestion (issue 11)."""
        key = command.target.format()
        async with self._lock:
            if self.audit is not None:
                await self.audit.set_status(actor, key, command.kind, command.by)
                effects = await self._stored_article_effects()
            else:
                effects = [e for e in self.admin_effects() if e.target != command.target]
                if command.kind != article_status.CLEAR:
                    effects.append(article_status.Effect(command.kind, command.target, command.by, origin="admin"))
            await self._off(self.engine.set_article_effects, effects)
        known = any(d["doc_id"] == command.target.doc_id for d in await self.documents())
        return ArticleEffectChange(command, known)

    async def _stored_article_effects(self) -> list:
        rows = await self.audit.overrides() if self.audit is not None else {}
        return article_status.effects_from_rows({k: v for k, v in rows.items() if article_status.is_article_key(k)})

    async def _sync_article_effects(self) -> None:
        """Another replica's /status … pasal N … record (issue 11): apply it here too."""
        if self.audit is None or not hasattr(self.engine, "set_article_effects"):
            return
        try:
            effects = await self._stored_article_effects()
        except Exception as exc:  # the database is down: keep the records we have
            log.warning("catalog sync: article effects unreadable (%s)", type(exc).__name__)
            return
        if sorted(map(repr, effects)) != sorted(map(repr, self.admin_effects())):
            async with self._lock:
                await self._off(self.engine.set_article_effects, effects)

    async def apply_stored_statuses(self) -> int:
        """At start-up: the admins' legal-status corrections from the audit log, and their
        article-level effects (issue 11)."""
        if self.audit is None:
            return 0
        effects = await self._stored_article_effects()
        if effects and hasattr(self.engine, "set_article_effects"):
            async with self._lock:
                await self._off(self.engine.set_article_effects, effects)
            log.info("applied %d article effects recorded by admins", len(effects))
        if self.live is None:
            return 0
        overrides = {k: v for k, v in (await self.audit.overrides()).items()
                     if not article_status.is_article_key(k)}  # article records are effects, above
        live = self.live
        async with self._lock:
            for doc_id, (status, by) in overrides.items():
                if live.has(doc_id):
                    await self._off(live.set_status, doc_id, status, by)
                else:  # applied when the document is ingested
                    live.overrides[doc_id] = (status, by)
        if overrides:
            log.info("applied %d legal-status corrections", len(overrides))
        return len(overrides)

    # ------------------------------------------------------------------ staff FAQ answers

    async def put_faq(self, entry: FaqEntry) -> None:
        """Index one (new or re-activated) FAQ entry at once."""
        async with self._lock:
            await self._off(self.engine.replace_document, faq_doc_id(entry.id), [faq_passage(entry)])
        log.info("FAQ #%d indexed", entry.id)

    async def withdraw_faq(self, faq_id: int) -> None:
        async with self._lock:
            await self._off(self.engine.remove_document, faq_doc_id(faq_id))
        log.info("FAQ #%d withdrawn from the index", faq_id)

    async def _wanted_faq(self) -> list[Passage]:
        entries = await self.faq_entries() if self.faq_entries is not None else []
        return [faq_passage(e) for e in entries if e.answer.strip()]

    async def sync_faq(self) -> int:
        """Index exactly the active FAQ entries (at start-up)."""
        async with self._lock:
            want = await self._wanted_faq()
            current = self.engine.passages()
            base = [p for p in current if not is_faq(p)]
            if want or len(base) != len(current):
                await self._off(self.engine.reload, base + want)
        log.info("FAQ index: %d active staff answers indexed", len(want))
        return len(want)

    # ------------------------------------------------------------------ replicas

    def _stale(self, ids: list[str]) -> bool:
        """Chroma's ids differ from the engine's indexed passages (FAQ passages are not in Chroma)."""
        base = [p for p in self.engine.passages() if not is_faq(p)]
        return len(ids) != len(base) or any(self.engine.passage(i) is None for i in ids)

    async def sync(self) -> bool:
        """Follow the shared index and the FAQ entries changed by other processes.

        True when the engine was reloaded. While Chroma is unreachable the replica keeps its
        catalog; while the database is unreachable it keeps its FAQ passages."""
        if self.shared is None:
            return False
        await self._sync_article_effects()
        async with self._lock:
            try:
                ids = await self._off(self.shared.ids)
                base = (await self._off(self.shared.all))[0] if self._stale(ids) else None
            except Exception as exc:  # Chroma down: keep answering from the catalog we have
                log.warning("catalog sync: Chroma unreachable (%s); keeping %d passages",
                            type(exc).__name__, self.engine.size)
                base = None
            try:
                want = await self._wanted_faq()
            except Exception as exc:  # the database is down: keep the FAQ we have
                log.warning("catalog sync: FAQ entries unreadable (%s)", type(exc).__name__)
                want = [p for p in self.engine.passages() if is_faq(p)]
            current = self.engine.passages()
            if base is None:
                if {p.id: p.hash for p in current if is_faq(p)} == {p.id: p.hash for p in want}:
                    return False
                base = [p for p in current if not is_faq(p)]
            before = len(current)
            await self._off(self.engine.reload, list(base) + want)
        log.info("catalog sync: reloaded %d passages (was %d)", self.engine.size, before)
        return True

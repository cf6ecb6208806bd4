"""Live re-ingestion: change the knowledge base of a running engine, atomically.

    live = LiveIndex(engine, store)
    report = live.ingest_bytes(data, "pkpu-8-2024.pdf")     # blocking: run it off the event loop
    report = await live.ingest_url("https://...")
    live.remove("uu-8-2012"); live.set_status("uu-8-2012", "dicabut", "uu-7-2017")

A changed document becomes current in three steps, so a question asked at any moment sees
the old passage set or the new one, never a mix and never nothing:

1. `IndexWriter.stage` writes the new version's rows to Chroma under new ids (`doc@vN+1#...`)
   next to the old ones (readers' catalogs do not know the new ids, so dense hits on them are
   ignored);
2. `Engine.replace_document` builds the new catalog + lexical index aside and swaps one
   reference (Chroma and the lexical index switch together: both are read through it);
3. `IndexWriter.finish` deletes the previous version's rows.

A failure before step 2 deletes the staged rows again (`abort`): the previous version keeps
being served. Unchanged content is a no-op (nothing embedded, nothing swapped).
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from knowledge.cite import short_label
from knowledge.model import BERITA, DICABUT, DIUBAH, STATUSES, Passage

from .index import IndexWriter, IngestSummary, Staged
from .load import DEFAULT_MAX_BYTES, LoadedDocument, LoadError, fetch_url, load_bytes, load_path
from .manifest import DocumentInfo
from .pipeline import manifest_entry_for, prepare

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class IngestReport:
    summary: IngestSummary
    doc_type: str
    recognised: str  # Indonesian: what the document was recognised as
    passages: int
    previous_version: int | None
    content_hash: str  # hash of the whole passage set (per version)
    added_paths: list[str] = field(default_factory=list)
    removed_paths: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: str = ""
    url: str | None = None


def set_hash(passages: list[Passage]) -> str:
    """One hash for a version: its passage paths and texts."""
    h = hashlib.sha256()
    for p in sorted(passages, key=lambda p: p.id.split("#", 1)[-1]):
        h.update(p.id.split("#", 1)[-1].encode() + b"\0" + p.hash.encode() + b"\n")
    return h.hexdigest()[:16]


def describe(info: DocumentInfo) -> str:
    if info.doc_type == BERITA:
        parts = [f"berita «{info.title}»"]
        if info.place:
            parts.append(info.place)
        if info.date:
            parts.append(info.date)
        return ", ".join(parts)
    if info.doc_type == "lainnya":
        return f"dokumen lain (bukan peraturan yang dikenali): «{info.title}»"
    return info.title


def _info_from(p: Passage) -> DocumentInfo:
    return DocumentInfo(doc_id=p.doc_id, title=p.title, doc_type=p.doc_type, number=p.number, year=p.year,
                        status=p.status, status_by=p.status_by, amends=p.amends, url=p.url, quality=p.quality,
                        date=p.date, place=p.place)


class LiveIndex:
    """Ingest into, remove from and correct a running engine. Thread-safe; one writer at a time."""

    def __init__(self, engine, store, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 overrides: dict[str, tuple[str, str | None]] | None = None,
                 fetch_timeout: float = 20.0, max_redirects: int = 5):
        self.engine = engine
        self.store = store
        self.writer = IndexWriter(store, store.embedder)
        self.max_bytes = max_bytes
        self.fetch_timeout = fetch_timeout
        self.max_redirects = max_redirects
        # doc id -> (status, status_by): admin corrections, applied to every later version too
        # document-level corrections only: a key with ":" is one article's effect (issue 11, applied
        # by the engine as an EffectIndex record, see bot/article_status.py)
        self.overrides: dict[str, tuple[str, str | None]] = {k: v for k, v in (overrides or {}).items() if ":" not in k}
        self._lock = threading.Lock()
        self._apply_overrides_to_store()

    # -- loading --------------------------------------------------------------------------------
    def ingest_bytes(self, data: bytes, filename: str, *, content_type: str | None = None,
                     progress: Progress | None = None) -> IngestReport:
        loaded = load_bytes(data, filename, content_type=content_type, max_bytes=self.max_bytes)
        return self.ingest_loaded(loaded, progress=progress)

    def ingest_path(self, path: str | Path, *, progress: Progress | None = None) -> IngestReport:
        p = Path(path)
        if p.suffix.lower() == ".json":  # a ruling as sectioned JSON (issue 11)
            from .rulings import load_json

            loaded = load_json(p)
        else:
            loaded = load_path(p, max_bytes=self.max_bytes)
        return self.ingest_loaded(loaded, info=manifest_entry_for(p), progress=progress)

    async def fetch(self, url: str, **kw) -> LoadedDocument:
        kw.setdefault("max_bytes", self.max_bytes)
        kw.setdefault("timeout", self.fetch_timeout)
        kw.setdefault("max_redirects", self.max_redirects)
        return await fetch_url(url, **kw)

    async def ingest_url(self, url: str, *, progress: Progress | None = None, **kw) -> IngestReport:
        import asyncio

        loaded = await self.fetch(url, **kw)
        return await asyncio.to_thread(self.ingest_loaded, loaded, progress=progress)

    # -- writing --------------------------------------------------------------------------------
    def known(self) -> dict[str, DocumentInfo]:
        out: dict[str, DocumentInfo] = {}
        for doc_id, ps in self.writer.by_doc.items():
            if ps:
                out[doc_id] = _info_from(ps[0])
        return out

    def ingest_loaded(self, loaded: LoadedDocument, *, info: DocumentInfo | None = None,
                      progress: Progress | None = None) -> IngestReport:
        with self._lock:
            info, _text, passages = prepare(loaded, info, known=self.known())
            if not passages:
                raise LoadError("empty", "Dokumen tidak berisi teks yang dapat diindeks.")
            info, passages = self._with_overrides(info, passages)
            prev_version = self._version(info.doc_id)
            staged = self.writer.stage(info, passages, progress=_counter(progress, len(passages)))
            if staged.changed:
                try:
                    self.engine.replace_document(info.doc_id, staged.passages, questions=staged.questions)
                except BaseException:
                    self.writer.abort(staged)
                    raise
            return _report(info, staged, self.writer.finish(staged), prev_version, loaded)

    def ingest_prepared(self, prepared: list[tuple[DocumentInfo, str, list[Passage]]], *,
                        progress: Callable[[int], None] | None = None) -> list[IngestReport]:
        """Write many parsed documents (the CLI's ingest and reindex): every version is staged
        first, then the engine swaps once to all of them, then the previous rows are deleted.
        A failure while staging deletes what was staged: the index stays as it was."""
        with self._lock:
            staged_all: list[tuple[DocumentInfo, Staged, int | None]] = []
            try:
                for info, _text, passages in prepared:
                    info, passages = self._with_overrides(info, passages)
                    staged_all.append((info, self.writer.stage(info, passages, progress=progress),
                                       self._version(info.doc_id)))
                changed = {info.doc_id: st.passages for info, st, _ in staged_all if st.changed}
                if changed:
                    keep = [p for p in self.engine.passages() if p.doc_id not in changed]
                    self.engine.reload(keep + [p for ps in changed.values() for p in ps])
            except BaseException:
                for _, st, _ in staged_all:
                    self.writer.abort(st)
                raise
            return [_report(info, st, self.writer.finish(st), prev, None) for info, st, prev in staged_all]

    def _with_overrides(self, info: DocumentInfo, passages: list[Passage]) -> tuple[DocumentInfo, list[Passage]]:
        if info.doc_id in self.overrides:
            info.status, info.status_by = self.overrides[info.doc_id]
            passages = [_with_status(p, *self.overrides[info.doc_id]) for p in passages]
        return info, passages

    def _version(self, doc_id: str) -> int | None:
        previous = self.writer.by_doc.get(doc_id)
        return max((p.version for p in previous), default=None) if previous else None

    def remove(self, doc_id: str) -> int:
        """Remove a source: from answers at once (engine swap), then from the store."""
        with self._lock:
            if doc_id not in self.writer.by_doc:
                return 0
            self.engine.remove_document(doc_id)
            n = self.writer.remove(doc_id)
            self.overrides.pop(doc_id, None)
            return n

    def set_status(self, doc_id: str, status: str, status_by: str | None = None) -> int:
        """Correct the legal status of a document; takes effect at once and sticks to later versions."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        status_by = status_by if status in (DIUBAH, DICABUT) else None
        with self._lock:
            old = self.writer.by_doc.get(doc_id)
            if not old:
                return 0
            new = [_with_status(p, status, status_by) for p in old]
            self.store.update_metadata(new)
            self.engine.set_status(doc_id, status, status_by)
            self.writer.by_doc[doc_id] = new
            self.overrides[doc_id] = (status, status_by)
            return len(new)

    def _apply_overrides_to_store(self) -> None:
        for doc_id, (status, by) in self.overrides.items():
            old = self.writer.by_doc.get(doc_id)
            if old and any((p.status, p.status_by) != (status, by) for p in old):
                new = [_with_status(p, status, by) for p in old]
                self.store.update_metadata(new)
                self.writer.by_doc[doc_id] = new
                self.engine.set_status(doc_id, status, by)

    def has(self, doc_id: str) -> bool:
        return doc_id in self.writer.by_doc

    def document_ids(self) -> list[str]:
        return sorted(self.writer.by_doc)


def _counter(progress: Progress | None, total: int) -> Callable[[int], None]:
    """IndexWriter's per-batch callback as (stage, done, total) progress."""
    done = [0]
    if progress:
        progress("embed", 0, total)

    def step(n: int) -> None:
        done[0] += n
        if progress:
            progress("embed", done[0], total)

    return step


def _report(info: DocumentInfo, staged: Staged, summary: IngestSummary, prev_version: int | None,
            loaded: LoadedDocument | None) -> IngestReport:
    source = loaded.source if loaded else (staged.passages[0].source if staged.passages else "")
    url = info.url or (loaded.url if loaded else None)
    return IngestReport(summary=summary, doc_type=info.doc_type, recognised=describe(info),
                        passages=len(staged.passages), previous_version=prev_version if staged.changed else None,
                        content_hash=set_hash(staged.passages), added_paths=staged.added_paths,
                        removed_paths=staged.removed_paths, warnings=list(loaded.warnings) if loaded else [],
                        source=source, url=url)


def _with_status(p: Passage, status: str, status_by: str | None) -> Passage:
    import dataclasses

    return dataclasses.replace(p, status=status, status_by=status_by)


def status_label(status: str, status_by: str | None) -> str:
    if status in (DIUBAH, DICABUT) and status_by:
        return f"{status} oleh " + ", ".join(short_label(d) for d in status_by.split(",") if d)
    return status

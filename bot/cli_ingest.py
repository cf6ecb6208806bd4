"""`kepemiluan ingest` and `kepemiluan reindex`, and the ingestion they share with `run` (the
bundled corpus into an empty index): documents loaded, parsed and chunked before anything is
written, then through the knowledge base with a progress bar."""
from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .cli_support import err, fail, open_store, out
from .settings import Settings, load_settings

SOURCE_SUFFIXES = (".md", ".txt", ".pdf", ".html", ".htm")


def prepare_targets(targets: list[str], cache_dir: Path | None = None) -> list:
    """Load + parse + chunk every target (the bundled corpus when none) before anything is written:
    a bad input stops the run with the index untouched. `cache_dir`: reuse the parse of files whose
    bytes (and parser) have not changed since an earlier run (ingest/cache.py)."""
    import asyncio

    from ingest.cache import PreparedCache
    from ingest.load import LoadError, fetch_url
    from ingest.pipeline import default_sources, manifest_entry_for, prepare, prepare_path

    cache = PreparedCache(cache_dir) if cache_dir is not None else None

    items = [(str(p), info) for p, info in default_sources()] if not targets else [(t, None) for t in targets]
    prepared = []
    for target, info in items:
        try:
            if target.startswith(("http://", "https://")):
                prepared.append(prepare(asyncio.run(fetch_url(target)), info))
                continue
            path = Path(target)
            if not path.exists():
                raise LoadError("not_found", f"Berkas tidak ditemukan: {target}")
            files = [f for f in sorted(path.rglob("*")) if f.is_file() and f.suffix.lower() in SOURCE_SUFFIXES] \
                if path.is_dir() else [path]
            prepared += [prepare_path(f, manifest_entry_for(f) if path.is_dir() else info, cache=cache) for f in files]
        except LoadError as e:
            fail(f"{target}: {e.message}")
    for info, _, passages in prepared:
        if not passages:
            fail(f"{info.doc_id}: tidak ada teks yang bisa diindeks.")
    if cache is not None and not targets:  # the whole bundled corpus: what it did not use is stale
        cache.prune()
    return prepared


def ingest_sources(settings: Settings, targets: list[str], *, quiet: bool = False, store=None, engine=None,
                   record: bool = False) -> list:
    """Ingest paths/URLs (or the bundled corpus when none) through the knowledge base. Returns
    one ingest.live.IngestReport per document.

    engine: the engine to update (default: one over the store's passages, for this run only);
    record: apply the admins' legal-status corrections and write the audit log (the database).
    """
    import asyncio

    from ingest.live import LiveIndex
    from knowledge.engine import Engine
    from knowledge.store import StoreError

    from .application.knowledge_base import KnowledgeBase
    from .audit import AdminLog, cli_actor
    from .db import Database

    store = store or open_store(settings)
    prepared = prepare_targets(targets, settings.data_dir / "prepared")
    engine = engine or _Lazy(lambda: Engine(store.all()[0]))
    total = sum(len(ps) for _, _, ps in prepared)

    async def run(prog: Progress, task) -> list:
        db = Database(settings.db_url) if record else None
        try:
            audit = AdminLog(db) if db is not None else None
            if db is not None:
                await db.migrate()
            overrides = await audit.overrides() if audit is not None else {}
            kb = KnowledgeBase(engine, live=LiveIndex(engine, store, overrides=overrides), shared=store, audit=audit)
            return await kb.ingest_prepared(prepared, actor=cli_actor(), progress=lambda n: prog.advance(task, n))
        finally:
            if db is not None:
                await db.close()

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, disable=quiet) as prog:
        task = prog.add_task("Mengindeks", total=total)
        try:
            reports = asyncio.run(run(prog, task))
        except StoreError as e:
            fail(str(e))
        prog.update(task, completed=total)
    return reports


class _Lazy:
    """An engine built on first use: a re-ingest that changes nothing never needs one (~1.7 s of
    reading every passage back and building the indexes)."""

    def __init__(self, build):
        self._build, self._obj = build, None

    def __getattr__(self, name):
        if self._obj is None:
            self._obj = self._build()
        return getattr(self._obj, name)


def print_summaries(reports, seconds: float) -> None:
    summaries = [r.summary for r in reports]
    t = Table(title="Ringkasan ingest")
    for col in ("dokumen", "versi", "status", "ditambah", "dihapus", "tidak berubah", "di-embed"):
        t.add_column(col)
    for s in summaries:
        t.add_row(s.doc_id, str(s.version), s.state, str(s.added), str(s.removed), str(s.unchanged), str(s.embedded))
    out.print(t)
    added = sum(s.added for s in summaries)
    removed = sum(s.removed for s in summaries)
    unchanged = sum(s.unchanged for s in summaries)
    embedded = sum(s.embedded for s in summaries)
    out.print(f"documents={len(summaries)} added={added} removed={removed} unchanged={unchanged} "
              f"embedded={embedded} seconds={seconds:.1f}")


def ingest(targets: list[str] = typer.Argument(None, help="Berkas, folder, atau URL. Kosong = korpus bawaan."),
           quiet: bool = typer.Option(False, "--quiet", "-q")) -> None:
    """Ingest documents (the bundled default corpus when none is given)."""
    settings = load_settings()
    t0, started = time.perf_counter(), time.time()
    try:
        reports = ingest_sources(settings, list(targets or []), quiet=quiet, record=True)
    except BaseException as exc:
        if not isinstance(exc, typer.Exit) or exc.exit_code:
            record_ingest_run(settings, started, "failed", [])
        raise
    record_ingest_run(settings, started, "ok", [r.summary for r in reports])
    print_summaries(reports, time.perf_counter() - t0)


def record_ingest_run(settings: Settings, started: float, result: str, summaries: list) -> None:
    """One row in ingest_runs (the /metrics ingest counter of every replica). Best effort."""
    import asyncio

    from .db import Database
    from .shared import IngestRuns

    async def record() -> None:
        db = Database(settings.db_url)
        try:
            await db.migrate()
            await IngestRuns(db).record(
                started_at=started, finished_at=time.time(), result=result, documents=len(summaries),
                added=sum(s.added for s in summaries), removed=sum(s.removed for s in summaries))
        finally:
            await db.close()

    try:
        asyncio.run(record())
    except Exception as exc:  # the index is written; a missing database must not fail the ingest
        err.print(f"[yellow]Catatan:[/] riwayat ingest tidak tercatat di basis data ({type(exc).__name__}).")


def reindex() -> None:
    """Rebuild the whole index (e.g. after KEPEMILUAN_EMBEDDING_MODEL changes)."""
    from knowledge.store import ChromaStore, IndexMismatch, StoreUnavailable

    from .wiring import build_embedder

    settings = load_settings()
    embedder = build_embedder(settings)
    kw = dict(path=settings.chroma_path, url=settings.chroma_url, collection=settings.collection)
    try:
        ChromaStore(embedder, **kw)
    except IndexMismatch as e:
        err.print(f"[yellow]Indeks lama tidak cocok dengan model sekarang:[/] {e}\nIndeks dibangun ulang dengan "
                  f"model {embedder.label!r}.")
    except StoreUnavailable as e:
        fail(str(e))
    try:
        store = ChromaStore.fresh(embedder, **kw)
    except Exception as e:  # noqa: BLE001  e.g. the server went away
        fail(f"Indeks tidak dapat dibangun ulang: {e}")
    t0 = time.perf_counter()
    print_summaries(ingest_sources(settings, [], store=store, record=True), time.perf_counter() - t0)

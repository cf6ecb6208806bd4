"""The `kepemiluan` command line: ingest, ask, eval, run (bot or terminal chat), sources, remove, reindex."""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the CLI never downloads a model (telemetry: knowledge/__init__)

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Optional  # noqa: E402

import typer  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: E402
from rich.table import Table  # noqa: E402

from .settings import Settings, SettingsError, load_settings  # noqa: E402

app = typer.Typer(help="Konsultasi Hukum Kepemiluan: bot Telegram tanya-jawab hukum pemilu.", no_args_is_help=True,
                  add_completion=False)
err = Console(stderr=True)
out = Console()


def _fail(msg: str, code: int = 2) -> None:
    err.print(f"[bold red]Gagal:[/] {msg}")
    raise typer.Exit(code)


def _open_store(settings: Settings):
    from knowledge.store import StoreError

    from .wiring import build_store

    try:
        return build_store(settings)
    except StoreError as e:
        _fail(str(e))


def _admin(settings: Settings, fn):
    """Run `fn(AdminLog)` (async) against the database, migrated first. Returns its result."""
    import asyncio

    from .audit import AdminLog
    from .db import Database

    async def go():
        db = Database(settings.db_url)
        try:
            await db.migrate()
            return await fn(AdminLog(db))
        finally:
            await db.close()

    return asyncio.run(go())


def _prepare(targets: list[str]) -> list:
    """Load + parse + chunk every target (the bundled corpus when none) before anything is written:
    a bad input stops the run with the index untouched."""
    import asyncio

    from ingest.load import LoadError, fetch_url
    from ingest.pipeline import default_sources, manifest_entry_for, prepare, prepare_path

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
            prepared += [prepare_path(f, manifest_entry_for(f) if path.is_dir() else info) for f in files]
        except LoadError as e:
            _fail(f"{target}: {e.message}")
    for info, _, passages in prepared:
        if not passages:
            _fail(f"{info.doc_id}: tidak ada teks yang bisa diindeks.")
    return prepared


SOURCE_SUFFIXES = (".md", ".txt", ".pdf", ".html", ".htm")


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

    store = store or _open_store(settings)
    prepared = _prepare(targets)
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
            _fail(str(e))
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


def _print_summaries(reports, seconds: float) -> None:
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


@app.command()
def ingest(targets: list[str] = typer.Argument(None, help="Berkas, folder, atau URL. Kosong = korpus bawaan."),
           quiet: bool = typer.Option(False, "--quiet", "-q")) -> None:
    """Ingest documents (the bundled default corpus when none is given)."""
    settings = load_settings()
    t0, started = time.perf_counter(), time.time()
    try:
        reports = ingest_sources(settings, list(targets or []), quiet=quiet, record=True)
    except BaseException as exc:
        if not isinstance(exc, typer.Exit) or exc.exit_code:
            _record_ingest_run(settings, started, "failed", [])
        raise
    _record_ingest_run(settings, started, "ok", [r.summary for r in reports])
    _print_summaries(reports, time.perf_counter() - t0)


def _record_ingest_run(settings: Settings, started: float, result: str, summaries: list) -> None:
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


def _engine(settings: Settings, *, auto_ingest: bool = True):
    return _knowledge(settings, auto_ingest=auto_ingest)[0]


def _knowledge(settings: Settings, *, auto_ingest: bool = True):
    """(engine, store): the engine over the Chroma store, the bundled corpus ingested first when
    the index is empty (a single process only)."""
    from .wiring import build_engine

    store = _open_store(settings)
    if store.count() == 0 and auto_ingest and settings.use_shared_state:
        # several replicas share this index: none of them ingests on its own (they would race);
        # /readyz stays 503 until `kepemiluan ingest` has run, then the catalog sync loads it
        err.print("Indeks di server Chroma masih kosong: jalankan `kepemiluan ingest` "
                  "(docker compose run --rm ingest). Bot menunggu sampai indeks terisi.")
    elif store.count() == 0 and auto_ingest:
        err.print("Indeks masih kosong: mengindeks korpus bawaan dulu (sekali saja)…")
        engine = build_engine(settings, store=store)
        ingest_sources(settings, [], store=store, engine=engine)
        return engine, store
    return build_engine(settings, store=store), store


def answer_json(ans, qid=None) -> dict:
    """One `ask --jsonl` / `eval --answers` record: the answer's blocks, and the text a reader sees."""
    from .render import render_plain

    return {"id": qid, "answer": render_plain(ans), **ans.to_dict()}


@app.command()
def ask(question: Optional[str] = typer.Argument(None, help="Pertanyaan."),
        jsonl: bool = typer.Option(False, "--jsonl", help="Baca JSON lines {question, id} dari stdin.")) -> None:
    """Ask one question, or many as JSON lines on stdin."""
    from knowledge.engine import QuestionError

    from .render import render_plain

    settings = load_settings()
    if not jsonl:
        if question is None or not question.strip():
            _fail("Pertanyaan kosong. Contoh: kepemiluan ask \"Apa syarat menjadi calon bupati?\"")
        engine = _engine(settings)
        try:
            ans = engine.answer(question)
        except QuestionError as e:
            _fail(str(e))
        out.print(f"[bold]Keputusan:[/] {ans.decision.value} (keyakinan {ans.confidence:.2f})\n")
        out.print(render_plain(ans), markup=False, highlight=False)
        return
    engine = _engine(settings)
    lines = sys.stdin.read().splitlines()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            q = item["question"]
        except (json.JSONDecodeError, KeyError, TypeError):
            _fail(f"baris {n} bukan JSON dengan kunci 'question'.")
        try:
            ans = engine.answer(q)
            rec = answer_json(ans, item.get("id"))
        except QuestionError as e:
            rec = {"id": item.get("id"), "decision": "error", "error": str(e), "answer": str(e), "confidence": 0.0,
                   "latency_ms": 0.0, "sources": []}
        sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
        sys.stdout.flush()


@app.command("eval")
def eval_cmd(dataset: Path = typer.Argument(..., help="JSONL dengan question, expect, excerpt."),
             k: int = typer.Option(5), tau: float = typer.Option(0.7),
             answers_out: Optional[Path] = typer.Option(None, "--answers", help="Simpan jawaban (JSONL)."),
             as_json: bool = typer.Option(False, "--json")) -> None:
    """Score the engine on an evaluation set (recall@k, MRR@10, decision accuracy, latency)."""
    from knowledge.evaluate import score

    if not dataset.exists():
        _fail(f"Berkas tidak ditemukan: {dataset}")
    items = [json.loads(line) for line in dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
    engine = _engine(load_settings())
    answers = [answer_json(engine.answer(i["question"]), i.get("id")) for i in items]
    if answers_out:
        answers_out.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in answers), encoding="utf-8")
    res = score(items, answers, k=k, tau=tau)
    if as_json:
        out.print_json(json.dumps(res))
        return
    for key, val in res.items():
        if key != "misses":
            out.print(f"{key:22s} {val:.3f}" if isinstance(val, float) else f"{key:22s} {val}")
    out.print("misses: " + " ".join(res["misses"]))


@app.command()
def sources() -> None:
    """List the sources in the index with their status."""
    settings = load_settings()
    engine = _engine(settings, auto_ingest=False)

    async def fetch(log):
        return await log.latest_versions(), await log.recent(15)

    latest, audit = _admin(settings, fetch)
    t = Table(title="Sumber")
    for col in ("doc_id", "jenis", "tanggal", "status", "oleh", "versi", "pasase", "dimuat", "judul", "url"):
        t.add_column(col, overflow="fold")
    for d in engine.documents():
        v = latest.get(d["doc_id"])
        when = v.ingested_at.strftime("%Y-%m-%d %H:%M") if v else "korpus bawaan"
        date = d.get("date") or (str(d["year"]) if d.get("year") else "")
        t.add_row(d["doc_id"], d["doc_type"], date, d["status"], d["status_by"] or "", str(d["version"]),
                  str(d["passages"]), when, d["title"][:70], d.get("url") or "")
    out.print(t)
    for d in engine.documents():  # issue 11: what each ruling / regulation does to other articles
        for e in d.get("effects") or []:
            out.print(f"{d['doc_id']}: {e['kind']} {e['target']}" + (f" (amar {e['item']})" if e.get("item") else ""))
    a = Table(title="Riwayat perubahan (audit)")
    for col in ("waktu (UTC)", "oleh", "aksi", "doc_id", "rincian"):
        a.add_column(col)
    for e in audit:
        a.add_row(e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, e.doc_id, e.detail[:80])
    out.print(a)


@app.command()
def remove(doc_id: str) -> None:
    """Remove one source from the index."""
    import asyncio

    from ingest.live import LiveIndex
    from knowledge.engine import Engine

    from .application.knowledge_base import KnowledgeBase
    from .audit import cli_actor

    settings = load_settings()
    store = _open_store(settings)
    engine = Engine([])  # this run's answers do not matter: only the index is written

    async def go(log):
        return await KnowledgeBase(engine, live=LiveIndex(engine, store), audit=log).remove(doc_id, actor=cli_actor())

    n = _admin(settings, go)
    if not n:
        _fail(f"Sumber {doc_id!r} tidak ada di indeks.")
    out.print(f"{doc_id}: {n} pasase dihapus.")


@app.command()
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
        _fail(str(e))
    try:
        store = ChromaStore.fresh(embedder, **kw)
    except Exception as e:  # noqa: BLE001  e.g. the server went away
        _fail(f"Indeks tidak dapat dibangun ulang: {e}")
    t0 = time.perf_counter()
    _print_summaries(ingest_sources(settings, [], store=store, record=True), time.perf_counter() - t0)


@app.command()
def run() -> None:
    """Run the Telegram bot (KEPEMILUAN_TELEGRAM_TOKEN set) or a terminal chat (no token)."""
    settings = load_settings()
    engine, store = _knowledge(settings)
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        from .terminal import chat

        chat(engine, console=out)
        return
    from .main import run_polling

    run_polling(settings, engine, store)


def main() -> None:  # pragma: no cover
    try:
        app()
    except SettingsError as exc:  # one line for the admin, no traceback
        err.print(f"[bold red]Gagal:[/] {exc}", highlight=False, soft_wrap=True)
        raise SystemExit(2) from None


if __name__ == "__main__":  # pragma: no cover
    main()

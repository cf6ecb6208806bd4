"""The `kepemiluan` command line: ingest, ask, eval, run (bot or terminal chat), sources, remove, reindex."""
from __future__ import annotations

import os

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Optional  # noqa: E402

import typer  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: E402
from rich.table import Table  # noqa: E402

from .settings import Settings  # noqa: E402

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


def ingest_sources(settings: Settings, targets: list[str], *, quiet: bool = False, store=None,
                   reports: list | None = None, overrides: dict | None = None) -> list:
    """Ingest paths/URLs (or the bundled corpus when none) into the store. Returns summaries.

    `reports` collects one ingest.live.IngestReport per document (for the audit log);
    `overrides` (doc id -> (status, status_by)) are admins' legal-status corrections.
    """
    import asyncio

    from ingest.index import IndexWriter
    from ingest.load import LoadError, fetch_url
    from ingest.pipeline import default_sources, manifest_entry_for, prepare, prepare_path
    from knowledge.store import StoreError

    store = store or _open_store(settings)
    writer = IndexWriter(store, store.embedder)
    known = {}
    for p in writer.passages():
        known.setdefault(p.doc_id, p)
    # 1. load + parse + chunk everything first: a bad input stops before anything is written
    prepared = []
    if not targets:
        items = [(str(p), info) for p, info in default_sources()]
    else:
        items = [(t, None) for t in targets]
    for target, info in items:
        try:
            if target.startswith(("http://", "https://")):
                loaded = asyncio.run(fetch_url(target))
                prepared.append(prepare(loaded, info))
            else:
                path = Path(target)
                if not path.exists():
                    raise LoadError("not_found", f"Berkas tidak ditemukan: {target}")
                if path.is_dir():
                    for f in sorted(path.rglob("*")):
                        if f.is_file() and f.suffix.lower() in (".md", ".txt", ".pdf", ".html", ".htm"):
                            prepared.append(prepare_path(f, manifest_entry_for(f)))
                    continue
                prepared.append(prepare_path(path, info))
        except LoadError as e:
            _fail(f"{target}: {e.message}")
    for info, _, passages in prepared:
        if not passages:
            _fail(f"{info.doc_id}: tidak ada teks yang bisa diindeks.")
    if overrides:
        import dataclasses

        for k, (info, text, passages) in enumerate(prepared):
            if info.doc_id in overrides:
                info.status, info.status_by = overrides[info.doc_id]
                prepared[k] = (info, text, [dataclasses.replace(p, status=info.status, status_by=info.status_by)
                                            for p in passages])
    # 2. write
    total = sum(len(ps) for _, _, ps in prepared)
    summaries = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, disable=quiet) as prog:
        task = prog.add_task("Mengindeks", total=total)
        for info, _, passages in prepared:
            prog.update(task, description=f"Mengindeks {info.doc_id}")
            try:
                staged = writer.stage(info, passages, progress=lambda n: prog.advance(task, n))
            except StoreError as e:
                _fail(str(e))
            s = writer.finish(staged)
            prog.advance(task, len(passages) - s.embedded)
            summaries.append(s)
            if reports is not None:
                from ingest.live import IngestReport, describe, set_hash

                reports.append(IngestReport(
                    summary=s, doc_type=info.doc_type, recognised=describe(info), passages=len(staged.passages),
                    previous_version=None, content_hash=set_hash(staged.passages), added_paths=staged.added_paths,
                    removed_paths=staged.removed_paths, source=passages[0].source if passages else "", url=info.url))
    return summaries


def _print_summaries(summaries, seconds: float) -> None:
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
    settings = Settings()
    t0, started = time.perf_counter(), time.time()
    reports: list = []
    overrides = _admin(settings, lambda log: log.overrides())
    try:
        summaries = ingest_sources(settings, list(targets or []), quiet=quiet, reports=reports, overrides=overrides)
    except BaseException as exc:
        if not isinstance(exc, typer.Exit) or exc.exit_code:
            _record_ingest_run(settings, started, "failed", [])
        raise
    _record_ingest_run(settings, started, "ok", summaries)
    _print_summaries(summaries, time.perf_counter() - t0)
    _record_reports(settings, reports)


def _record_reports(settings: Settings, reports: list) -> None:
    from .audit import cli_actor

    async def rec(log):
        for r in reports:
            await log.record_ingest(cli_actor(), r)

    _admin(settings, rec)


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
    from .wiring import build_engine

    store = _open_store(settings)
    if store.count() == 0 and auto_ingest and settings.use_shared_state:
        # several replicas share this index: none of them ingests on its own (they would race);
        # /readyz stays 503 until `kepemiluan ingest` has run, then the catalog sync loads it
        err.print("Indeks di server Chroma masih kosong: jalankan `kepemiluan ingest` "
                  "(docker compose run --rm ingest). Bot menunggu sampai indeks terisi.")
    elif store.count() == 0 and auto_ingest:
        err.print("Indeks masih kosong: mengindeks korpus bawaan dulu (sekali saja)…")
        ingest_sources(settings, [], store=store)
    engine = build_engine(settings, store=store)
    try:  # issue 11: article effects recorded by admins (/status … pasal N … dimaknai oleh …)
        effects = _admin(settings, lambda log: log.article_effects())
    except Exception as exc:  # noqa: BLE001  no database: answer from the texts alone
        err.print(f"[yellow]Catatan:[/] catatan efek pasal dari admin tidak terbaca ({type(exc).__name__}).")
        effects = []
    if effects:
        engine.set_article_effects(effects)
    return engine


def answer_json(ans, qid=None) -> dict:
    return {
        "id": qid,
        "decision": ans.decision.value,
        "answer": ans.text,
        "confidence": ans.confidence,
        "latency_ms": ans.latency_ms,
        "reason": ans.reason,
        "sources": [
            {"citation": s.citation.label, "doc_id": s.passage.doc_id, "title": s.passage.title,
             "pasal": s.passage.pasal, "ayat": s.passage.ayat, "status": s.citation.status, "url": s.passage.url,
             "note": s.citation.note, "passage_id": s.passage.id, "text": s.passage.text, "score": s.score,
             # issue 11: the article's own legal effects (amended, given a new meaning, void, ...)
             "effects": [e.as_json() for e in s.citation.effects]}
            for s in ans.sources
        ],
    }


@app.command()
def ask(question: Optional[str] = typer.Argument(None, help="Pertanyaan."),
        jsonl: bool = typer.Option(False, "--jsonl", help="Baca JSON lines {question, id} dari stdin.")) -> None:
    """Ask one question, or many as JSON lines on stdin."""
    from knowledge.engine import QuestionError

    settings = Settings()
    if not jsonl:
        if question is None or not question.strip():
            _fail("Pertanyaan kosong. Contoh: kepemiluan ask \"Apa syarat menjadi calon bupati?\"")
        engine = _engine(settings)
        try:
            ans = engine.answer(question)
        except QuestionError as e:
            _fail(str(e))
        out.print(f"[bold]Keputusan:[/] {ans.decision.value} (keyakinan {ans.confidence:.2f})\n")
        out.print(ans.text, markup=False, highlight=False)
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
    engine = _engine(Settings())
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
    settings = Settings()
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
        t.add_row(d["doc_id"], d["doc_type"], d.get("date") or (str(d["year"]) if d.get("year") else ""), d["status"],
                  d["status_by"] or "", str(d["version"]), str(d["passages"]), when, d["title"][:70], d["url"] or "")
    out.print(t)
    pending = engine.pending_effects()
    if pending:
        out.print("Efek hukum menunggu dokumen sasarannya: " + "; ".join(
            f"{e.kind} {e.target.format()} oleh {e.by}" for e in pending))
    a = Table(title="Riwayat perubahan (audit)")
    for col in ("waktu (UTC)", "oleh", "aksi", "doc_id", "rincian"):
        a.add_column(col)
    for e in audit:
        a.add_row(e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, e.doc_id, e.detail[:80])
    out.print(a)


@app.command()
def remove(doc_id: str) -> None:
    """Remove one source from the index."""
    from ingest.index import IndexWriter

    from .audit import cli_actor

    settings = Settings()
    store = _open_store(settings)
    n = IndexWriter(store, store.embedder).remove(doc_id)
    if not n:
        _fail(f"Sumber {doc_id!r} tidak ada di indeks.")
    _admin(settings, lambda log: log.record_remove(cli_actor(), doc_id, n))
    out.print(f"{doc_id}: {n} pasase dihapus.")


@app.command()
def reindex() -> None:
    """Rebuild the whole index (e.g. after KEPEMILUAN_EMBEDDING_MODEL changes)."""
    from knowledge.store import ChromaStore, IndexMismatch, StoreUnavailable

    from .wiring import build_embedder

    settings = Settings()
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
    reports: list = []
    overrides = _admin(settings, lambda log: log.overrides())
    _print_summaries(ingest_sources(settings, [], store=store, reports=reports, overrides=overrides),
                     time.perf_counter() - t0)
    _record_reports(settings, reports)


@app.command()
def run() -> None:
    """Run the Telegram bot (KEPEMILUAN_TELEGRAM_TOKEN set) or a terminal chat (no token)."""
    settings = Settings()
    engine = _engine(settings)
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        from .terminal import chat

        chat(engine, console=out)
        return
    from .app import run_polling

    run_polling(settings, engine)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

"""The `kepemiluan` command line: ingest, ask, eval, run (bot or terminal chat), sources, remove, reindex.

The ingestion commands are bot/cli_ingest.py; what every command shares is bot/cli_support.py."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .cli_ingest import ingest, ingest_sources, reindex
from .cli_support import admin, err, fail, open_store, out
from .settings import Settings, SettingsError, load_settings

app = typer.Typer(help="Konsultasi Hukum Kepemiluan: bot Telegram tanya-jawab hukum pemilu.", no_args_is_help=True,
                  add_completion=False)

app.command()(ingest)


def _engine(settings: Settings, *, auto_ingest: bool = True):
    return _knowledge(settings, auto_ingest=auto_ingest)[0]


def _knowledge(settings: Settings, *, auto_ingest: bool = True):
    """(engine, store): the engine over the Chroma store, the bundled corpus ingested first when
    the index is empty (a single process only)."""
    from .wiring import build_engine

    store = open_store(settings)
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
            fail("Pertanyaan kosong. Contoh: kepemiluan ask \"Apa syarat menjadi calon bupati?\"")
        engine = _engine(settings)
        try:
            ans = engine.answer(question)
        except QuestionError as e:
            fail(str(e))
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
            fail(f"baris {n} bukan JSON dengan kunci 'question'.")
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
        fail(f"Berkas tidak ditemukan: {dataset}")
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

    latest, audit = admin(settings, fetch)
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
    store = open_store(settings)
    engine = Engine([])  # this run's answers do not matter: only the index is written

    async def go(log):
        return await KnowledgeBase(engine, live=LiveIndex(engine, store), audit=log).remove(doc_id, actor=cli_actor())

    n = admin(settings, go)
    if not n:
        fail(f"Sumber {doc_id!r} tidak ada di indeks.")
    out.print(f"{doc_id}: {n} pasase dihapus.")


app.command()(reindex)


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

"""The project against two baselines, measured in one run on the same corpus and questions.

    .venv/bin/python bench/compare.py                       # full bundled corpus, ../shared/eval/dev.jsonl
    .venv/bin/python bench/compare.py --dev other.jsonl --json bench.json
    .venv/bin/python bench/compare.py --quick               # 3 documents, 8 questions: a smoke test

Systems (each phase runs in its own process, so peak RSS and timings are separable):

1. project   - `kepemiluan ingest` into a fresh temporary data dir (cold), the same command again
               (warm: nothing changed), then `kepemiluan ask --jsonl` with every dev question.
               Latency is the engine's own `latency_ms` (model loaded, index in memory).
2. textbook  - the documents as the project's loaders read them, split by
               RecursiveCharacterTextSplitter(1000, 200), embedded with the same model
               (knowledge.embed.Embedder, KEPEMILUAN_EMBEDDING_MODEL) at the model's own max
               length (256 tokens for MiniLM; the project truncates its shorter passages at 128),
               cosine top-k.
3. bm25      - plain BM25 (bm25s defaults, no stemming, no stopwords, lowercase word tokens) over
               the same textbook chunks.
4. encode    - the bare `model.encode` rate on the very passage texts the project embeds (unique
               by content hash, as the index writer does), same batch size and max length: the
               ceiling for the project's cold ingest.

Scoring is knowledge.evaluate.score (the rule of ../shared/eval/score.py): recall@k counts a
gold excerpt as found when the first k sources hold >= 70 % of its distinct words. Baselines
always "answer"; decision accuracy is reported for the project only.

The project does not depend on ../shared: the dev set is only a default command-line argument.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
CHUNK_SIZE, CHUNK_OVERLAP = 1000, 200
TOP_K = 10
QUICK_DOCS = ("uu-8-2015", "uu-10-2016")  # + one news page
QUICK_QUESTIONS = 8

WORD = re.compile(r"\w\w+")


# ============================================================== pure parts (tested in tests/)

def read_dev(path: Path, limit: int | None = None) -> list[dict]:
    items = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return items[:limit] if limit else items


def textbook_chunks(docs: Iterable[tuple[str, str]], size: int = CHUNK_SIZE,
                    overlap: int = CHUNK_OVERLAP) -> list[dict]:
    """The textbook recipe's chunks: RecursiveCharacterTextSplitter over each document's text."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=overlap)
    out = []
    for doc_id, text in docs:
        for n, chunk in enumerate(splitter.split_text(text)):
            out.append({"doc_id": doc_id, "chunk": n, "text": chunk})
    return out


def simple_tokens(text: str) -> list[str]:
    """Plain BM25 tokenisation: lowercase words of two or more characters, nothing else."""
    return WORD.findall(text.lower())


class BM25Baseline:
    """bm25s with its default parameters over whitespace/word tokens: no stemming, no stopwords."""

    def __init__(self, chunks: list[dict]):
        import bm25s

        self.chunks = chunks
        self._bm25 = bm25s.BM25()
        self._bm25.index([simple_tokens(c["text"]) or ["_"] for c in chunks], show_progress=False)

    def search(self, query: str, k: int = TOP_K) -> list[tuple[int, float]]:
        import numpy as np

        q = simple_tokens(query)
        if not q or not self.chunks:
            return []
        scores = self._bm25.get_scores(q)
        top = np.argsort(-scores, kind="stable")[:k]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


class DenseBaseline:
    """Cosine top-k over normalised chunk vectors (exact, numpy)."""

    def __init__(self, chunks: list[dict], vectors, embed_query: Callable[[str], list[float]]):
        import numpy as np

        self.chunks = chunks
        m = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        self.matrix = m / np.where(norms == 0, 1, norms)
        self.embed_query = embed_query

    def search(self, query: str, k: int = TOP_K) -> list[tuple[int, float]]:
        import numpy as np

        q = np.asarray(self.embed_query(query), dtype=np.float32)
        q = q / (np.linalg.norm(q) or 1.0)
        sims = self.matrix @ q
        top = np.argsort(-sims, kind="stable")[:k]
        return [(int(i), float(sims[i])) for i in top]


def baseline_answers(search: Callable[[str, int], list[tuple[int, float]]], chunks: list[dict],
                     items: list[dict], k: int = TOP_K) -> list[dict]:
    """Answers in the shape of `kepemiluan ask --jsonl`, with the search time as latency_ms."""
    out = []
    for item in items:
        t0 = time.perf_counter()
        hits = search(item["question"], k)
        ms = (time.perf_counter() - t0) * 1000
        out.append({"id": item.get("id"), "decision": "answer", "latency_ms": round(ms, 3),
                    "sources": [{"doc_id": chunks[i]["doc_id"], "text": chunks[i]["text"], "score": s}
                                for i, s in hits]})
    return out


SUMMARY_RE = re.compile(r"(documents|added|removed|unchanged|embedded|seconds)=([0-9.]+)")


def parse_ingest_summary(stdout: str) -> dict:
    """The last `documents=… added=… … seconds=…` line of `kepemiluan ingest`."""
    found: dict = {}
    for line in stdout.splitlines():
        pairs = dict(SUMMARY_RE.findall(line))
        if "documents" in pairs and "seconds" in pairs:
            found = {k: (float(v) if k == "seconds" else int(v)) for k, v in pairs.items()}
    if not found:
        raise ValueError("no ingest summary line in the output")
    return found


def _div(a, b):
    if a is None or b is None or not b:
        return None
    return a / b


def ratios(res: dict) -> dict:
    """Project / baseline ratios for quality (higher is better) and cost (lower is better)."""
    p, out = res["project"], {}
    for base in ("textbook", "bm25"):
        b = res.get(base)
        if not b:
            continue
        out[base] = {
            "recall@5": _div(p["score"]["recall@5"], b["score"]["recall@5"]),
            "mrr@10": _div(p["score"]["mrr@10"], b["score"]["mrr@10"]),
            "latency_p95": _div(p["score"].get("latency_p95_ms"), b["score"].get("latency_p95_ms")),
            "ingest_cold": _div(p["ingest_cold_s"], b["ingest_s"]),
            "peak_rss": _div(p["peak_rss_mb"], b["peak_rss_mb"]),
        }
    enc = res.get("encode")
    if enc:
        out["encode"] = {"passages_per_s": _div(p.get("passages_per_s"), enc["passages_per_s"]),
                         "passages_per_cpu_s": _div(p.get("passages_per_cpu_s"), enc.get("passages_per_cpu_s"))}
    return out


def _f(v, fmt="{:.2f}", none="—") -> str:
    return none if v is None else fmt.format(v)


def render(res: dict):
    """Rich renderables: quality/cost table, ingest-throughput table, ratio table."""
    from rich.table import Table

    t = Table(title=f"Project vs. baselines — {res['dataset']} ({res['questions']} questions, "
                    f"{res['answerable']} answerable), corpus: {res['corpus']}")
    for col in ("system", "recall@1", "recall@5", "MRR@10", "p50 ms", "p95 ms", "cold ingest s",
                "warm ingest s", "peak RSS MB (ingest / ask)"):
        t.add_column(col, justify="left" if col == "system" else "right")
    p = res["project"]
    t.add_row("project", _f(p["score"]["recall@1"]), _f(p["score"]["recall@5"]),
              _f(p["score"]["mrr@10"]), _f(p["score"].get("latency_p50_ms"), "{:.1f}"),
              _f(p["score"].get("latency_p95_ms"), "{:.1f}"), _f(p["ingest_cold_s"], "{:.1f}"),
              _f(p["ingest_warm_s"], "{:.1f}"),
              f"{_f(p['rss_ingest_cold_mb'], '{:.0f}')} / {_f(p['rss_ask_mb'], '{:.0f}')}")
    for key, name in (("textbook", "textbook: RCTS(1000,200)+MiniLM"), ("bm25", "plain BM25, same chunks")):
        b = res.get(key)
        if b:
            t.add_row(name, _f(b["score"]["recall@1"]), _f(b["score"]["recall@5"]), _f(b["score"]["mrr@10"]),
                      _f(b["score"].get("latency_p50_ms"), "{:.1f}"), _f(b["score"].get("latency_p95_ms"), "{:.1f}"),
                      _f(b["ingest_s"], "{:.1f}"), "— (no cache)", _f(b["peak_rss_mb"], "{:.0f}"))
    tables = [t]

    e = res.get("encode")
    t2 = Table(title="Cold ingest throughput (passages embedded per second)")
    for col in ("what", "passages", "seconds", "passages/s", "CPU s", "passages/CPU s"):
        t2.add_column(col, justify="left" if col == "what" else "right")
    t2.add_row("project: kepemiluan ingest (cold, all stages)", str(p.get("embedded")),
               _f(p.get("ingest_cli_s"), "{:.1f}"), _f(p.get("passages_per_s"), "{:.1f}"),
               _f(p.get("ingest_cold_cpu_s"), "{:.1f}"), _f(p.get("passages_per_cpu_s"), "{:.1f}"))
    if e:
        t2.add_row(f"bare model.encode (batch {e['batch_size']}, max {e['max_seq_length']} tokens)",
                   str(e["passages"]), _f(e["encode_s"], "{:.1f}"), _f(e["passages_per_s"], "{:.1f}"),
                   _f(e.get("encode_cpu_s"), "{:.1f}"), _f(e.get("passages_per_cpu_s"), "{:.1f}"))
    tb = res.get("textbook")
    if tb:
        t2.add_row(f"textbook: embed its chunks (max {tb.get('max_seq_length')} tokens)", str(tb["chunks"]), _f(tb["embed_s"], "{:.1f}"),
                   _f(_div(tb["chunks"], tb["embed_s"]), "{:.1f}"))
    tables.append(t2)

    t3 = Table(title="Ratios, project / baseline (quality: higher is better; cost: lower is better)")
    for col in ("vs", "recall@5", "MRR@10", "p95 latency", "cold ingest", "peak RSS", "passages/s",
                "passages/CPU s"):
        t3.add_column(col, justify="left" if col == "vs" else "right")
    r = res.get("ratios") or ratios(res)
    for key in ("textbook", "bm25"):
        if key in r:
            x = r[key]
            t3.add_row(key, _f(x["recall@5"]), _f(x["mrr@10"]), _f(x["latency_p95"]), _f(x["ingest_cold"]),
                       _f(x["peak_rss"]), "", "")
    if "encode" in r:
        t3.add_row("bare encode", "", "", "", "", "", _f(r["encode"]["passages_per_s"]),
                   _f(r["encode"].get("passages_per_cpu_s")))
    tables.append(t3)

    s = p["score"]
    t4 = Table(title="Project decisions")
    for col in ("answered (answerable)", "abstain correct", "escalate correct", "answerable escalated"):
        t4.add_column(col, justify="right")
    t4.add_row(_f(s.get("answered")), _f(s.get("abstain_correct")), _f(s.get("escalate_correct")),
               _f(s.get("answerable_escalated")))
    tables.append(t4)
    return tables


# ============================================================== measuring

@dataclass
class Measured:
    rc: int
    stdout: str
    stderr: str
    wall_s: float
    peak_rss_mb: float
    cpu_s: float = 0.0  # user + system CPU seconds of the child (all its threads)


def run_measured(cmd: list[str], *, env: dict | None = None, stdin_text: str | None = None,
                 cwd: Path | None = None) -> Measured:
    """Run a command; its own wall time and peak RSS (os.wait4: this child only, not cumulative).

    Linux counts the launcher's peak RSS at exec time into the child's ru_maxrss, so the caller
    must stay small (this script's parent process imports no model, no torch: ~30 MB).
    """
    with tempfile.TemporaryFile("w+", encoding="utf-8") as fin, \
            tempfile.TemporaryFile("w+", encoding="utf-8") as fout, \
            tempfile.TemporaryFile("w+", encoding="utf-8") as ferr:
        if stdin_text is not None:
            fin.write(stdin_text)
            fin.flush()
            fin.seek(0)
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=fin, stdout=fout, stderr=ferr, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        fout.seek(0)
        ferr.seek(0)
        return Measured(proc.returncode, fout.read(), ferr.read(), wall, usage.ru_maxrss / 1024,
                        usage.ru_utime + usage.ru_stime)


def _peak_rss_self_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sources(quick: bool) -> list[tuple[Path, object]]:
    from ingest.pipeline import default_sources

    srcs = default_sources()
    if not quick:
        return srcs
    docs = [(p, i) for p, i in srcs if i is not None and i.doc_id in QUICK_DOCS]
    news = [(p, i) for p, i in srcs if i is None][:1]
    return docs + news


def _loaded_docs(quick: bool) -> list[tuple[str, str]]:
    """Document texts as the project's loaders read them (before any legal parsing)."""
    from ingest.load import load_path

    return [((info.doc_id if info else path.stem), load_path(path).text) for path, info in _sources(quick)]


# -- phases run in child processes (`compare.py --phase NAME`) -------------------------------

def phase_textbook(args) -> dict:
    from bot.settings import Settings
    from knowledge.embed import Embedder

    items = read_dev(args.dev, QUICK_QUESTIONS if args.quick else None)
    t0 = time.perf_counter()
    docs = _loaded_docs(args.quick)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    chunks = textbook_chunks(docs)
    split_s = time.perf_counter() - t0
    # the project's model, but the recipe's own defaults: no truncation below the model's limit
    emb = Embedder(Settings().embedding_model, max_tokens=args.textbook_max_tokens or None)
    t0 = time.perf_counter()
    emb.model  # noqa: B018 - load the model outside the timed embedding
    model_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    vectors = emb.embed_documents([c["text"] for c in chunks])
    embed_s = time.perf_counter() - t0
    rss_index = _peak_rss_self_mb()
    dense = DenseBaseline(chunks, vectors, emb.embed_query)
    answers = baseline_answers(dense.search, chunks, items)
    return {"chunks": len(chunks), "load_s": load_s, "split_s": split_s, "model_load_s": model_s,
            "embed_s": embed_s, "max_seq_length": emb.model.max_seq_length, "ingest_s": split_s + embed_s, "rss_after_index_mb": rss_index,
            "answers": answers}


def phase_bm25(args) -> dict:
    items = read_dev(args.dev, QUICK_QUESTIONS if args.quick else None)
    t0 = time.perf_counter()
    docs = _loaded_docs(args.quick)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    chunks = textbook_chunks(docs)
    split_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = BM25Baseline(chunks)
    index_s = time.perf_counter() - t0
    answers = baseline_answers(index.search, chunks, items)
    return {"chunks": len(chunks), "load_s": load_s, "split_s": split_s, "index_s": index_s,
            "ingest_s": split_s + index_s, "answers": answers}


def phase_encode(args) -> dict:
    """Bare model.encode over the passage texts the project's cold ingest embeds."""
    from bot.settings import Settings
    from bot.wiring import build_embedder
    from ingest.index import embed_text
    from ingest.pipeline import prepare_path

    seen, texts = set(), []
    for path, info in _sources(args.quick):
        passages = prepare_path(path, info)[2]
        # what IndexWriter.write embeds: passages whose hash no earlier document stored
        texts += [embed_text(p) for p in passages if p.hash not in seen]
        seen |= {p.hash for p in passages}
    emb = build_embedder(Settings())  # the project's model, device and max length
    model = emb.model
    model.encode(texts[:8], batch_size=emb.batch_size, show_progress_bar=False)  # warm-up, untimed
    t0, c0 = time.perf_counter(), time.process_time()
    model.encode(texts, batch_size=emb.batch_size, normalize_embeddings=True, show_progress_bar=False)
    encode_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    return {"passages": len(texts), "encode_s": encode_s, "passages_per_s": len(texts) / encode_s,
            "encode_cpu_s": cpu_s, "passages_per_cpu_s": len(texts) / cpu_s,
            "batch_size": emb.batch_size, "max_seq_length": model.max_seq_length}


PHASES = {"textbook": phase_textbook, "bm25": phase_bm25, "encode": phase_encode}


def _child_env(data_dir: Path | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(ORT_DISABLE_TELEMETRY="1", ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1")
    if data_dir is not None:
        env["KEPEMILUAN_DATA_DIR"] = str(data_dir)
    env.pop("KEPEMILUAN_CHROMA_URL", None)  # the embedded store, always
    return env


def _run_phase(name: str, args, log) -> dict:
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as f:
        out_path = f.name
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", name, "--phase-out", out_path,
           "--dev", str(args.dev), "--textbook-max-tokens", str(args.textbook_max_tokens)]
    cmd += ["--quick"] if args.quick else []
    log(f"{name}: running …")
    m = run_measured(cmd, env=_child_env(), cwd=ROOT)
    if m.rc != 0:
        raise SystemExit(f"phase {name} failed (rc {m.rc}):\n{m.stderr[-3000:]}")
    data = json.loads(Path(out_path).read_text(encoding="utf-8"))
    os.unlink(out_path)
    data["wall_s"], data["peak_rss_mb"] = m.wall_s, m.peak_rss_mb
    log(f"{name}: done in {m.wall_s:.1f} s, peak RSS {m.peak_rss_mb:.0f} MB")
    return data


def _project(args, items, log) -> dict:
    from knowledge.evaluate import score

    cli = [sys.executable, "-m", "bot.cli"]
    targets = [] if not args.quick else [str(p) for p, _ in _sources(True)]
    with tempfile.TemporaryDirectory(prefix="kepemiluan-compare-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        if data_dir.exists() and any(data_dir.iterdir()):
            raise SystemExit(f"--data-dir {data_dir} is not empty: a cold ingest needs a fresh one")
        env = _child_env(data_dir)
        res: dict = {}
        for kind in ("cold", "warm"):
            log(f"project: kepemiluan ingest ({kind}) …")
            m = run_measured(cli + ["ingest", "-q", *targets], env=env, cwd=ROOT)
            if m.rc != 0:
                raise SystemExit(f"kepemiluan ingest failed (rc {m.rc}):\n{m.stderr[-3000:]}")
            summary = parse_ingest_summary(m.stdout)
            res[f"ingest_{kind}_s"] = m.wall_s
            res[f"ingest_{kind}_cpu_s"] = m.cpu_s
            res[f"ingest_{kind}_cli_s"] = summary["seconds"]
            res[f"ingest_{kind}_summary"] = summary
            res[f"rss_ingest_{kind}_mb"] = m.peak_rss_mb
            log(f"project: ingest {kind}: {m.wall_s:.1f} s wall, {summary}")
        cold = res["ingest_cold_summary"]
        res["embedded"] = cold["embedded"]
        res["ingest_cli_s"] = cold["seconds"]
        res["passages_per_s"] = _div(cold["embedded"], cold["seconds"])
        # CPU seconds of the whole process (imports, parsing, model load included): robust to
        # other load on the machine, unlike wall time
        res["passages_per_cpu_s"] = _div(cold["embedded"], res["ingest_cold_cpu_s"])
        log("project: kepemiluan ask --jsonl …")
        stdin = "".join(json.dumps({"id": i.get("id"), "question": i["question"]}, ensure_ascii=False) + "\n"
                        for i in items)
        m = run_measured(cli + ["ask", "--jsonl"], env=env, stdin_text=stdin, cwd=ROOT)
        if m.rc != 0:
            raise SystemExit(f"kepemiluan ask --jsonl failed (rc {m.rc}):\n{m.stderr[-3000:]}")
        answers = [json.loads(line) for line in m.stdout.splitlines() if line.strip()]
        res["ask_wall_s"], res["rss_ask_mb"] = m.wall_s, m.peak_rss_mb
    res["score"] = score(items, answers)
    res["peak_rss_mb"] = max(res["rss_ingest_cold_mb"], res["rss_ingest_warm_mb"], res["rss_ask_mb"])
    res["dense_weight_env"] = os.environ.get("KEPEMILUAN_DENSE_WEIGHT")
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dev", type=Path, default=DEFAULT_DEV, help=f"evaluation JSONL (default {DEFAULT_DEV})")
    ap.add_argument("--quick", action="store_true",
                    help=f"smoke test: {', '.join(QUICK_DOCS)} + one news page, first {QUICK_QUESTIONS} questions")
    ap.add_argument("--json", type=Path, help="also write every number to this file")
    ap.add_argument("--skip", action="append", default=[], choices=["textbook", "bm25", "encode"],
                    help="leave a baseline out (repeatable)")
    ap.add_argument("--data-dir", type=Path, help="keep the project's index here (must be new or empty)")
    ap.add_argument("--textbook-max-tokens", type=int, default=0,
                    help="truncate textbook chunks at this many tokens (default 0: the model's own limit)")
    ap.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    ap.add_argument("--phase-out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.phase:  # child process
        data = PHASES[args.phase](args)
        Path(args.phase_out).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return 0

    from rich.console import Console

    from knowledge.evaluate import score

    console = Console(stderr=True)
    if not args.dev.exists():
        console.print(f"[red]dev set not found:[/] {args.dev} (give one with --dev)")
        return 2
    items = read_dev(args.dev, QUICK_QUESTIONS if args.quick else None)

    def log(msg: str) -> None:
        console.log(msg)

    t_all = time.perf_counter()
    res: dict = {"dataset": str(args.dev), "questions": len(items),
                 "answerable": sum(1 for i in items if i["expect"] == "answer"),
                 "corpus": "quick subset" if args.quick else "full bundled corpus",
                 "cpus": os.cpu_count(), "python": sys.version.split()[0],
                 "loadavg_start": os.getloadavg()[0]}
    res["project"] = _project(args, items, log)
    for name in ("textbook", "bm25"):
        if name not in args.skip:
            data = _run_phase(name, args, log)
            data["score"] = score(items, data.pop("answers"))
            data["score"].pop("answered", None)  # baselines always answer: not a decision
            res[name] = data
    if "encode" not in args.skip:
        res["encode"] = _run_phase("encode", args, log)
    res["ratios"] = ratios(res)
    res["launcher_rss_mb"] = _peak_rss_self_mb()  # floor of every child's peak RSS (see run_measured)
    res["total_s"] = time.perf_counter() - t_all
    res["loadavg_end"] = os.getloadavg()[0]

    out = Console(width=max(Console().width, 150))
    for table in render(res):
        out.print(table)
    out.print(f"total {res['total_s']:.0f} s on {res['cpus']} CPUs; 1-min load average "
              f"{res['loadavg_start']:.1f} at start, {res['loadavg_end']:.1f} at end (other work skews timings)")
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""bench/compare.py's pure parts on a tiny input (the full-corpus run belongs in bench/, not here)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import compare
from knowledge.evaluate import score

DOCS = [
    ("uu-a", "Pasal 1\nPemilih adalah warga negara yang berusia paling rendah 17 tahun.\n\n"
     + " ".join(f"kata{i}" for i in range(80))),
    ("uu-b", "Pasal 73\nCalon dilarang menjanjikan atau memberikan uang kepada pemilih.\n\n" + "teks lain. " * 60),
]
ITEMS = [
    {"id": "q1", "question": "berapa umur pemilih paling rendah", "expect": "answer",
     "excerpt": "Pemilih adalah warga negara yang berusia paling rendah 17 tahun"},
    {"id": "q2", "question": "calon memberikan uang kepada pemilih", "expect": "answer",
     "excerpt": "Calon dilarang menjanjikan atau memberikan uang kepada pemilih"},
    {"id": "q3", "question": "siapa presiden terbaik", "expect": "abstain", "excerpt": ""},
]


def test_textbook_chunks_respect_size_and_overlap():
    chunks = compare.textbook_chunks(DOCS, size=200, overlap=50)
    assert {c["doc_id"] for c in chunks} == {"uu-a", "uu-b"}
    assert all(len(c["text"]) <= 200 for c in chunks)
    first = [c for c in chunks if c["doc_id"] == "uu-a"]
    assert len(first) > 2 and first[0]["text"].startswith("Pasal 1")
    # consecutive chunks overlap (the splitter repeats the tail of one at the head of the next)
    tail, head = first[1]["text"].split(), first[2]["text"].split()
    assert head[0] in tail and tail[-1] in head


def test_plain_bm25_has_no_stemming_and_finds_the_article():
    chunks = compare.textbook_chunks(DOCS, size=200, overlap=50)
    bm25 = compare.BM25Baseline(chunks)
    assert compare.simple_tokens("Pemilih, PEMILIHAN; a 17") == ["pemilih", "pemilihan", "17"]
    hits = bm25.search("memberikan uang", 3)
    assert chunks[hits[0][0]]["text"].startswith("Pasal 73")
    assert bm25.search("memberi", 3) == []  # no stemming: 'memberi' does not match 'memberikan'


def test_dense_baseline_is_cosine_top_k():
    chunks = [{"doc_id": "d", "text": t} for t in ("a", "b", "c")]
    vecs = [[1, 0, 0], [0, 2, 0], [0.7, 0.7, 0]]
    dense = compare.DenseBaseline(chunks, vecs, lambda q: [0, 1, 0] if q == "b" else [1, 0.1, 0])
    assert [i for i, _ in dense.search("b", 2)] == [1, 2]
    hits = dense.search("a", 3)
    assert [i for i, _ in hits] == [0, 2, 1]
    assert hits[0][1] == pytest.approx(1 / (1.01 ** 0.5), rel=1e-5)


def test_baseline_answers_score_with_the_project_rule():
    chunks = compare.textbook_chunks(DOCS, size=200, overlap=50)
    answers = compare.baseline_answers(compare.BM25Baseline(chunks).search, chunks, ITEMS)
    assert [a["id"] for a in answers] == ["q1", "q2", "q3"]
    assert all(a["decision"] == "answer" and a["latency_ms"] >= 0 for a in answers)
    res = score(ITEMS, answers)
    assert res["recall@1"] == 1.0 and res["mrr@10"] == 1.0
    # a search that returns the wrong chunk first halves MRR, not recall@5
    flipped = compare.baseline_answers(lambda q, k: [(i, 0.0) for i in reversed(range(len(chunks)))][:k],
                                       chunks, ITEMS[:1])
    assert score(ITEMS[:1], flipped)["recall@1"] == 0.0


def test_parse_ingest_summary_takes_the_cli_line():
    out = "table…\ndocuments=21 added=1957 removed=0 unchanged=0 embedded=1882 seconds=88.4\n"
    assert compare.parse_ingest_summary(out) == {"documents": 21, "added": 1957, "removed": 0,
                                                 "unchanged": 0, "embedded": 1882, "seconds": 88.4}
    with pytest.raises(ValueError):
        compare.parse_ingest_summary("Gagal: sesuatu")


def test_ratios_and_table():
    from rich.console import Console

    sc = lambda r5, mrr, p95: {"recall@1": r5 / 2, "recall@5": r5, "mrr@10": mrr, "latency_p50_ms": 1.0,  # noqa: E731
                              "latency_p95_ms": p95, "answered": 1.0, "abstain_correct": 1.0,
                              "escalate_correct": 1.0, "answerable_escalated": 0.0}
    res = {"dataset": "dev.jsonl", "questions": 3, "answerable": 2, "corpus": "tiny",
           "project": {"score": sc(0.9, 0.8, 10.0), "ingest_cold_s": 90.0, "ingest_warm_s": 3.0,
                       "ingest_cli_s": 80.0, "rss_ingest_cold_mb": 900.0, "rss_ask_mb": 500.0,
                       "peak_rss_mb": 900.0, "embedded": 1600, "passages_per_s": 20.0,
                       "ingest_cold_cpu_s": 160.0, "passages_per_cpu_s": 10.0},
           "textbook": {"score": sc(0.3, 0.2, 20.0), "ingest_s": 180.0, "embed_s": 179.0, "chunks": 4000,
                        "peak_rss_mb": 1000.0},
           "bm25": {"score": sc(0.45, 0.4, 5.0), "ingest_s": 2.0, "peak_rss_mb": 300.0},
           "encode": {"passages": 1600, "encode_s": 64.0, "passages_per_s": 25.0, "batch_size": 32,
                      "encode_cpu_s": 128.0, "passages_per_cpu_s": 12.5,
                      "max_seq_length": 128}}
    r = compare.ratios(res)
    assert r["textbook"]["recall@5"] == pytest.approx(3.0)
    assert r["textbook"]["ingest_cold"] == pytest.approx(0.5)
    assert r["bm25"]["mrr@10"] == pytest.approx(2.0)
    assert r["encode"]["passages_per_s"] == pytest.approx(0.8)
    assert r["encode"]["passages_per_cpu_s"] == pytest.approx(0.8)
    console = Console(record=True, width=200)
    for t in compare.render(res):
        console.print(t)
    text = console.export_text()
    assert "0.90" in text and "3.00" in text and "25.0" in text and "0.80" in text


def test_run_measured_reports_each_child_own_peak_rss():
    # Linux charges a child with its launcher's peak RSS at exec time, so measure from a lean
    # launcher (as the bench's own parent process is), not from inside this big pytest process.
    script = """
import json, sys
from bench.compare import run_measured
small = run_measured([sys.executable, "-c", "import sys; print(sys.stdin.read().upper())"], stdin_text="halo")
big = run_measured([sys.executable, "-c", "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096])"])
again = run_measured([sys.executable, "-c", "pass"])
print(json.dumps([small.rc, small.stdout, small.peak_rss_mb, big.peak_rss_mb, again.peak_rss_mb, big.cpu_s]))
"""
    root = str(Path(compare.__file__).resolve().parents[1])
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=root,
                         env={**os.environ, "PYTHONPATH": root}, timeout=60)
    assert out.returncode == 0, out.stderr
    rc, stdout, small, big, again, cpu = json.loads(out.stdout)
    assert rc == 0 and stdout.strip() == "HALO"
    assert big > small + 150 and big >= 200  # the 200 MB buffer shows up ...
    assert again < big - 150  # ... in that child only: not the running maximum of all children
    assert cpu > 0  # touching 200 MB takes measurable CPU time

"""Exact dense search (knowledge/vectors.py, the default) against Chroma's HNSW index
(`KEPEMILUAN_DENSE_SEARCH=chroma`), on the index `kepemiluan ingest` built.

    .venv/bin/python -m bench.dense_exact [--n 600]

For a sample of the generated questions (every 7th; they are asked as citizens would, through the
query adapter): how many of the 100 nearest passages that exact search finds the HNSW index finds
too (the dense candidates the fusion reads), the time of one dense search each way, and how many
questions get another first source or another top ten through the whole engine. Run it twice: the
HNSW side changes between processes, the exact side does not.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=600, help="questions (every 7th generated question)")
    args = ap.parse_args()

    from bot.settings import Settings
    from bot.wiring import build_engine, build_store, dense_fn

    settings = Settings()
    store = build_store(settings)
    passages, _ = store.all()
    questions = [q.text for q in store.questions()][::7][: args.n]
    vectors = {q.lower(): tuple(store.embedder.embed_query(q.lower())) for q in questions}  # outside the timings
    exact = dense_fn(store, vectors.__getitem__, exact=True)
    exact.sync(p.id for p in passages)
    hnsw = dense_fn(store, vectors.__getitem__, exact=False)

    def timed(search):
        out, ms = [], []
        for q in questions:
            t = time.perf_counter()
            out.append([i for i, _ in search(q.lower(), 100)])
            ms.append((time.perf_counter() - t) * 1000)
        return out, ms

    ex, ex_ms = timed(exact)
    hn, hn_ms = timed(hnsw)
    recall = [len(set(a) & set(b)) / max(1, len(a)) for a, b in zip(ex, hn)]
    whole = sum(r == 1.0 for r in recall)
    print(f"questions {len(questions)}, passages {len(passages)}")
    print(f"HNSW recall@100 of the exact neighbours: mean {statistics.mean(recall):.4f}, "
          f"min {min(recall):.2f}; all 100 found for {whole}/{len(questions)}")
    print(f"one dense search (the query's vector at hand): exact p50 {statistics.median(ex_ms):.2f} ms, "
          f"HNSW p50 {statistics.median(hn_ms):.2f} ms (ratio exact/HNSW "
          f"{statistics.median(ex_ms) / statistics.median(hn_ms):.2f})")

    engines, built = {}, {}
    for m in ("chroma", "exact") * 2:  # the second of each: the first pays the warm-up
        t = time.perf_counter()
        engines[m] = build_engine(Settings(dense_search=m), store)
        built[m] = time.perf_counter() - t
    print(f"engine start-up (catalog and indexes; exact also copies the vectors): exact {built['exact']:.2f} s, "
          f"chroma {built['chroma']:.2f} s (ratio {built['exact'] / built['chroma']:.2f})")
    firsts = tens = 0
    for q in questions:
        a, b = ([s.passage.id for s in e._state.retriever.search(q)] for e in engines.values())
        firsts += a[:1] != b[:1]
        tens += a != b
    print(f"through the engine: another first source for {firsts}/{len(questions)}, "
          f"another top ten for {tens}/{len(questions)}")


if __name__ == "__main__":
    main()

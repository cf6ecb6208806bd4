"""The dense passage search of questions in a greeting-and-thanks frame (knowledge.text FRAMING):
embedded whole, as before 2026-12-08, against embedded without the formulas (knowledge.text.unframed,
what the retriever does now), with the bare question as the baseline of the same run.

    python -m bench.framing_dense [--n 600]

Dense search alone (cosine over the bundled passages' vectors, the shipped query adapter applied
as in production): the gold passage's rank among all passages. The adapter was fitted on these
generated questions, so the absolute numbers flatter it; the ratios between the three rows are
what this measures. Inputs: the bundled corpus and ingest/corpus/questions/ (no evaluation set).
"""
from __future__ import annotations

import argparse
import random
import sys

import numpy as np

from bench.train_expansion import framed
from bench.train_reranker import add_bench_args


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=600, help="generated questions sampled (seed 7)")
    add_bench_args(ap)
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    from bench.ablation import NEAR, Bench
    from knowledge.embed import ADAPTER_FILE, QueryAdapter
    from knowledge.text import clean_input, unframed

    bench = Bench(args.cache, args.model, NEAR)
    adapter = QueryAdapter.load(ADAPTER_FILE)
    if adapter is not None and adapter.model != bench.embedder.label:
        adapter = None
    rows = random.Random(7).sample(range(len(bench.questions)), min(args.n, len(bench.questions)))
    views = {"bare question (baseline)": lambda q: q,
             "framed, embedded whole (before)": framed,
             "framed, formulas dropped (now)": lambda q: unframed(clean_input(framed(q)).lower())}
    print(f"| dense search alone, {len(rows)} generated questions | recall@1 | recall@10 | MRR@10 | MRR@10 ratio |\n"
          "|---|---|---|---|---|")
    base = None
    for name, view in views.items():
        ranks = []
        for i in rows:
            q = bench.questions[i]
            vec = np.asarray(bench.embedder.embed_query(view(q.text)))
            if adapter is not None:
                vec = np.asarray(adapter.apply(vec))
            sims = bench.pvec @ vec
            ranks.append(int((sims > sims[bench.pos[q.passage_id]]).sum()) + 1)
        r = np.array(ranks)
        mrr = float(np.where(r <= 10, 1.0 / r, 0.0).mean())
        base = base if base is not None else mrr
        print(f"| {name} | {(r == 1).mean():.3f} | {(r <= 10).mean():.3f} | {mrr:.3f} | {mrr / base:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

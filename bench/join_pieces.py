"""One source per article (knowledge/pieces.py): cross-validated gain of joining neighbouring
pieces of one article among the sources, against the same run with the pieces apart.

    python -m bench.join_pieces            # article-grouped CV, default ranking (adapter dense on)

Each generated question is ranked through the real Retriever.search with the shipped weights, the
query adapter fitted without the question's article (5 folds, as bench/train_reranker.py) and its
near-copy siblings out of the question field; the gold is found as the scorer finds it (70 % of
the gold passage's words in the first r sources). Printed: recall@1 / @5 / MRR@10, all questions
and those whose gold is in force, pieces apart (baseline) and joined, and the ratio.

Inputs: the bundled corpus and ingest/corpus/questions/ (no evaluation set is read).
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

from bench.train_reranker import add_bench_args, default_ranking, gold_repealed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_bench_args(ap)
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    from bench.ablation import NEAR, Bench, metrics
    from knowledge.embed import ADAPTER_FILE, QueryAdapter

    bench = Bench(args.cache, args.model, NEAR)
    folds, weights, retriever = default_ranking(bench, QueryAdapter.load(ADAPTER_FILE))
    n = len(bench.questions)
    ranks = {"apart": [None] * n, "joined": [None] * n}
    for name, join in (("apart", False), ("joined", True)):
        retriever.join_pieces = join
        for test in folds:
            for i, rk in zip(test, bench.ranks(retriever, test, lambda _i: weights)):
                ranks[name][int(i)] = rk
    in_force = np.flatnonzero(~gold_repealed(bench))
    print(f"| pieces of one article (article-grouped CV, dense {weights.dense:g}) | gold | recall@1 | recall@5 "
          f"| MRR@10 |\n|---|---|---|---|---|")
    out = {}
    for name, rs in ranks.items():
        for sub, rows in (("all", range(n)), ("in force", in_force)):
            m = out[(name, sub)] = metrics([rs[i] for i in rows])
            print(f"| {name} | {sub} ({len(rows)}) | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['mrr@10']:.3f} |")
    for sub in ("all", "in force"):
        a, b = out[("apart", sub)], out[("joined", sub)]
        print(f"| ratio joined / apart | {sub} | " + " | ".join(f"{b[k] / a[k]:.3f}" for k in ("recall@1", "recall@5", "mrr@10")) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fit the learned re-ranker (knowledge/rerank.py) on the generated questions (issue 10);
cross-validate it against the linear fusion; write knowledge/data/reranker.npz.

    python -m bench.train_reranker            # CV table (linear vs trees, same run), then fit on all and write
    python -m bench.train_reranker --check    # refit on all questions; exit 1 if the shipped file differs
    python -m bench.train_reranker --no-cv    # fit and write only
    python -m bench.train_reranker --repealed-weight 0.3 --no-write   # measure another training mix

What it learns: which of the linear fusion's first TOP_N candidates answers, from the candidates'
passage-BM25 and dense signals, their prior features and where they rank by each (gradient-boosted
trees, scikit-learn's HistGradientBoostingClassifier, fixed seed, one thread, no early stopping).
The question field is not among its inputs: on generated questions it finds the question's own
siblings, which no citizen's question has.

What it learns from: the questions whose gold is in force (or an amended version). The 1,557
questions written from the repealed UU 8/2012, UU 42/2008 and UU 15/2011 are in the training
signal because we chose to write them, not because citizens ask about repealed law; their gold is
the repealed article even where an article in force says the same. Trees fitted on them too
learned to put repealed law first: on the questions whose answer is in force, the first source
was a repealed article for 14.3 % of them (the linear fusion: 3.5 %), and recall@1 fell 0.509 ->
0.498 (2026-12-06, article-grouped CV). The status prior ("in force first, all else equal") is a
rule of the product, so the trees learn only from questions about law in force; the CV table
reports both kinds of gold, and how often a repealed article comes first for a question whose
answer is in force.

The dense signal it is trained on is the one an unseen question gets: each question's vector
mapped by the query adapter fitted without that question's article (5 folds grouped by article,
bench/train_adapter.fit_map), so the trees never learn to trust a dense score the adapter was
fitted on. Cross-validation uses the same article-grouped folds: each fold's questions ranked
through the real Retriever.search with the shipped weights and the adapter's dense weight, once
with the linear fusion (the baseline of the same run) and once re-ordered by trees fitted on the
other folds. The questions' near-copy siblings stay out of the question field, as in
bench/ablation.py.

Inputs: the bundled corpus and ingest/corpus/questions/ (no evaluation set is read).
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path

import numpy as np

from knowledge.embed import ADAPTER_FILE, QueryAdapter
from knowledge.rerank import RERANKER_FILE, TOP_N, TreeReranker, rerank_features

PARAMS = dict(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, l2_regularization=0.0,
              early_stopping=False, random_state=0)
FOLDS = 5
# --check: the largest change a refit may make to a candidate's tree score (another CPU's rounding
# of the histograms is far below it; another fit moves scores by whole units)
TOLERANCE = 0.05
# the weight of a question whose gold is in a repealed law, in the trees' training (see above)
REPEALED_GOLD_WEIGHT = 0.0


def out_of_fold_vectors(bench, folds) -> np.ndarray:
    """Each question's vector mapped by the adapter fitted on the other folds' questions."""
    from bench.train_adapter import _normalise, fit_map

    target = np.array([bench.pos[q.passage_id] for q in bench.questions])
    oof = np.zeros_like(bench.qvec)
    for n, test in enumerate(folds):
        t0 = time.perf_counter()
        W = fit_map(bench.pvec, bench.qvec, target, np.setdiff1d(np.arange(len(target)), test))
        oof[test] = _normalise(bench.qvec[test] @ W)
        print(f"# out-of-fold map {n + 1}/{len(folds)}: {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    return oof


def training_rows(bench, retriever, weights) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per question: the features of the linear fusion's first TOP_N candidates, and which is gold."""
    xs, ys = [], []
    for i, q in enumerate(bench.questions):
        f = retriever.features(q.text, exclude=bench.excluded[i])
        sc = f.scores(weights)
        valid = np.flatnonzero(sc > 0)
        top = valid[np.argsort(-sc[valid], kind="stable")[:TOP_N]]
        xs.append(rerank_features(f.signals[top], f.priors[top], f.base[top], sc[top]))
        ys.append(bench.gold_mask(q, f)[top])
    return xs, ys


def gold_repealed(bench) -> np.ndarray:
    """Per generated question: is its gold passage in a repealed law?"""
    from knowledge.model import DICABUT

    return np.array([bench.catalog.status(bench.passages[bench.pos[q.passage_id]])[0] == DICABUT
                     for q in bench.questions])


def question_weights(repealed: np.ndarray, repealed_weight: float = REPEALED_GOLD_WEIGHT) -> np.ndarray:
    """The training weight of each question: 1, or `repealed_weight` where its gold is repealed."""
    return np.where(repealed, repealed_weight, 1.0)


def fit_trees(xs, ys, rows, meta: dict | None = None, qweights: np.ndarray | None = None) -> TreeReranker:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    rows = np.asarray(rows)
    if qweights is not None:
        rows = rows[qweights[rows] > 0]
    X = np.concatenate([xs[i] for i in rows])
    y = np.concatenate([ys[i] for i in rows])
    sw = None
    if qweights is not None and (qweights[rows] != 1.0).any():
        sw = np.concatenate([np.full(len(ys[i]), qweights[i]) for i in rows])
    with threadpool_limits(1):  # one thread: the same histograms on every run of one CPU
        clf = HistGradientBoostingClassifier(**PARAMS).fit(X, y, sample_weight=sw)
    trees = TreeReranker.from_sklearn(clf, meta)
    probe = X[: min(len(X), 2000)]
    assert np.allclose(trees.raw(probe), clf.decision_function(probe), atol=1e-6), "tree export disagrees with sklearn"
    return trees


def _rounded(m: dict) -> dict:
    return {k: _rounded(v) if isinstance(v, dict) else round(v, 4) for k, v in m.items()}


def add_bench_args(ap: argparse.ArgumentParser) -> None:
    """The embedding model and the embeddings cache (shared with bench/ablation.py)."""
    ap.add_argument("--model", default=os.environ.get("KEPEMILUAN_EMBEDDING_MODEL", "default"))
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "kepemiluan-ablation")


def default_ranking(bench, adapter: QueryAdapter | None):
    """(article-grouped folds, weights, retriever): the shipped ranking as an unseen question meets
    it, its dense signal (when the adapter is this model's) through the out-of-fold maps."""
    from bench.ablation import SHIPPED, configs, group_folds
    from bench.train_adapter import article_groups, oof_dense
    from knowledge.retrieval import Weights

    folds = group_folds(article_groups(bench), FOLDS)
    cfg = next(c for c in configs() if c.name == SHIPPED)
    weights = Weights.load()
    if adapter is not None and adapter.model == bench.embedder.label:
        weights = dataclasses.replace(weights, dense=adapter.dense_weight)
    retriever = bench.retriever(cfg, weights)
    if weights.dense > 0:
        retriever.dense = oof_dense(bench, out_of_fold_vectors(bench, folds))
    return folds, weights, retriever


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=RERANKER_FILE)
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if the file at --out differs")
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validation (keep the stored numbers)")
    ap.add_argument("--no-write", action="store_true", help="cross-validate only")
    ap.add_argument("--repealed-weight", type=float, default=REPEALED_GOLD_WEIGHT,
                    help="training weight of a question whose gold is repealed")
    add_bench_args(ap)
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    from bench.ablation import NEAR, Bench, metrics
    from bench.train_adapter import questions_sha
    from knowledge.model import DICABUT

    adapter = QueryAdapter.load(ADAPTER_FILE)
    bench = Bench(args.cache, args.model, NEAR)
    if adapter is None or adapter.model != bench.embedder.label:
        print("no query adapter for this model: the re-ranker is trained on the adapter's dense signal "
              "(run python -m bench.train_adapter first)", file=sys.stderr)
        return 2
    folds, weights, retriever = default_ranking(bench, adapter)
    xs, ys = training_rows(bench, retriever, weights)
    n = len(bench.questions)
    repealed = gold_repealed(bench)
    qw = question_weights(repealed, args.repealed_weight)
    meta = {"model": bench.embedder.label, "dense_weight": adapter.dense_weight,
            "questions": n, "questions_sha256": questions_sha(bench.questions),
            "weights": weights.to_dict(),  # the linear fusion the trees re-order (its scores are inputs)
            "params": dict(PARAMS), "top_n": TOP_N, "repealed_gold_weight": args.repealed_weight,
            "fitted_by": "python -m bench.train_reranker"}
    old = TreeReranker.load(args.out)
    if not (args.check or args.no_cv):
        ranks = {"linear": [None] * n, "trees": [None] * n}
        first_repealed = {"linear": np.zeros(n, bool), "trees": np.zeros(n, bool)}
        for k, test in enumerate(folds):
            trees = fit_trees(xs, ys, np.setdiff1d(np.arange(n), test), qweights=qw)
            for name, rr in (("linear", None), ("trees", trees)):
                retriever.reranker = rr
                for i, (rk, top) in zip(test, bench.ranks(retriever, test, lambda _i: weights, first=True)):
                    ranks[name][int(i)] = rk
                    first_repealed[name][int(i)] = top is not None and bench.catalog.status(top)[0] == DICABUT
            retriever.reranker = None
            print(f"# fold {k + 1}/{len(folds)}: " + ", ".join(
                f"{name} MRR@10 {metrics([rs[int(i)] for i in test])['mrr@10']:.3f}" for name, rs in ranks.items()),
                file=sys.stderr, flush=True)
        in_force = np.flatnonzero(~repealed)
        cv = {}
        for name, rs in ranks.items():
            cv[name] = metrics(rs)
            cv[name]["in_force"] = metrics([rs[i] for i in in_force])
            cv[name]["repealed"] = metrics([rs[i] for i in np.flatnonzero(repealed)])
            cv[name]["in_force"]["first_repealed"] = float(first_repealed[name][in_force].mean())
        print(f"| ranking (article-grouped CV, adapter dense on) | gold | CV recall@1 | CV recall@5 | CV MRR@10 "
              f"| first source repealed |\n|---|---|---|---|---|---|")
        for name, m in cv.items():
            label = "linear fusion (baseline, shipped weights)" if name == "linear" else "+ learned re-ranker"
            for sub, mm, count in (("all", m, n), ("in force", m["in_force"], len(in_force)),
                                   ("repealed", m["repealed"], n - len(in_force))):
                rep = f"{mm['first_repealed']:.3f}" if "first_repealed" in mm else ""
                print(f"| {label} | {sub} ({count}) | {mm['recall@1']:.3f} | {mm['recall@5']:.3f} | {mm['mrr@10']:.3f} | {rep} |")
        meta["cv"] = {name: _rounded(m) for name, m in cv.items()}
        meta["cv_protocol"] = (f"GroupKFold by article ({FOLDS}); out-of-fold query adapter; shipped ranking.json "
                               f"weights, dense {adapter.dense_weight:g}; siblings with stem Jaccard >= {NEAR} "
                               f"out of the question field")
    elif old is not None:
        meta.update({k: old.meta[k] for k in ("cv", "cv_protocol") if k in old.meta})
    if args.no_write:
        return 0
    t0 = time.perf_counter()
    trees = fit_trees(xs, ys, np.arange(n), meta, qweights=qw)
    print(f"# fitted on {int((qw > 0).sum())} of {n} questions in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    if args.check:
        X = np.concatenate(xs)
        ok = (old is not None and all(old.meta.get(k) == meta[k] for k in
                                      ("questions_sha256", "model", "weights", "repealed_gold_weight"))
              and float(np.abs(old.raw(X) - trees.raw(X)).max()) <= TOLERANCE)
        print(f"{args.out}: {f'the same trees (scores within {TOLERANCE:g})' if ok else 'DIFFERS'}")
        return 0 if ok else 1
    trees.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(trees.roots)} trees)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Fit the learned query expansion (knowledge/expansion.py) on the generated questions (issue 10);
cross-validate it against the same ranking without it; write knowledge/data/expansion.json.

    python -m bench.train_expansion             # CV table (weight 0 = baseline, same run), fit on all, write
    python -m bench.train_expansion --no-write  # the CV table only
    python -m bench.train_expansion --check     # refit on all questions; exit 1 if the shipped file differs
    python -m bench.train_expansion --registers # the same CV, test questions rewritten (written register, polite frame,
                                                # greetings and thanks; --no-framing: those kept in the query)

Each of 5 article-grouped folds is ranked through the real Retriever.search (shipped weights, the
out-of-fold query adapter's dense signal, as bench/train_reranker.py) with a table learned from
the other folds' questions only, so no question's own article taught its expansion. The weight is
chosen on this CV, among the listed ones; 0 (no expansion) stays when nothing gains.

Inputs: the bundled corpus and ingest/corpus/questions/ (no evaluation set is read).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from bench.train_reranker import add_bench_args, default_ranking, gold_repealed
from knowledge.expansion import EXPANSION_FILE, LearnedExpansion, fit_expansion

WEIGHTS = (0.0, 0.15, 0.3, 0.5)


def training_pairs(bench, retriever) -> list[tuple[list[str], set[str]]]:
    """Per generated question (in order): its search tokens, its answering passage's index tokens."""
    from knowledge.text import tokens

    gold = [set(t) for t in bench.lexical.doc_tokens]
    return [(tokens(retriever.expand(q.text)[0]), gold[bench.pos[q.passage_id]]) for q in bench.questions]


# How citizens open and close a message (written for this bench, not taken from any question set);
# each question gets one, in turn by a hash of its text.
FRAMES = (
    "Assalamualaikum wr. wb. Izin bertanya, {q} Terima kasih.",
    "Selamat siang Bawaslu, saya mau tanya. {q}",
    "Halo min, numpang nanya ya. {q} Makasih sebelumnya.",
    "Permisi pak, {q} Mohon pencerahannya.",
    "Selamat malam, mohon penjelasannya. {q} Terima kasih banyak.",
    "{q} Terima kasih atas jawabannya.",
)


def framed(q: str) -> str:
    import zlib

    return FRAMES[zlib.crc32(q.encode("utf-8")) % len(FRAMES)].format(q=q)


def registers(bench, folds, weights, retriever, pairs, background, weight: float) -> None:
    """The same CV with each test question rewritten in the written register and in a polite
    frame or between a greeting and thanks, expansion off and on (each rewrite keeps its
    original's out-of-fold dense signal)."""
    from bench.ablation import metrics
    from bench.train_classifier import formal
    from knowledge.text import clean_input, unframed

    views = {"as written": lambda q: q, "written register": formal,
             "polite frame": lambda q: "Selamat pagi, saya ingin bertanya. " + q[:1].upper() + q[1:],
             "greetings and thanks (6 frames in turn)": framed}
    # the retriever embeds a question without its greetings (knowledge.text.unframed)
    original = {unframed(clean_input(f(q.text)).lower()): q.text.lower() for f in views.values()
                for q in bench.questions}
    dense = retriever.dense
    if dense is not None:
        retriever.dense = lambda query, k: dense(original[query], k)
    n = len(bench.questions)
    tables = [fit_expansion([pairs[i] for i in np.setdiff1d(np.arange(n), test)], background, weight)
              for test in folds]
    print("| question rewritten (article-grouped CV) | expansion | recall@1 | recall@5 | MRR@10 |\n|---|---|---|---|---|")
    for name, f in views.items():
        for arm in ("off", f"on ({weight:g})"):
            ranks = []
            for table, test in zip(tables, folds):
                retriever.expansion = table if arm != "off" else None
                ranks += bench.ranks(retriever, test, lambda _i: weights, rewrite=f)
            m = metrics(ranks)
            print(f"| {name} | {arm} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['mrr@10']:.3f} |", flush=True)
    retriever.expansion, retriever.dense = None, dense


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=EXPANSION_FILE)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--no-framing", action="store_true",
                    help="with --registers: keep the greetings and thanks in the query (knowledge.text FRAMING)")
    ap.add_argument("--registers", action="store_true",
                    help="only the CV with the test questions rewritten (written register, polite frame), off vs the shipped weight")
    ap.add_argument("--weights", default=",".join(f"{w:g}" for w in WEIGHTS), help="weights to cross-validate")
    ap.add_argument("--params", default="", help="measure other thresholds, e.g. max_self=0.7,per_word=5 (no write)")
    add_bench_args(ap)
    args = ap.parse_args(argv)
    grid = tuple(float(w) for w in args.weights.split(","))
    params = {k: (int(v) if k == "per_word" else float(v)) for k, v in
              (kv.split("=") for kv in args.params.split(",") if kv)}
    import torch

    torch.set_num_threads(1)
    from bench.ablation import NEAR, Bench, metrics
    from knowledge.embed import ADAPTER_FILE, QueryAdapter

    bench = Bench(args.cache, args.model, NEAR)
    folds, weights, retriever = default_ranking(bench, QueryAdapter.load(ADAPTER_FILE))
    if args.no_framing:
        retriever.lists = {"framing": False}
    pairs = training_pairs(bench, retriever)
    background = [set(t) for t in bench.lexical.doc_tokens]
    n = len(bench.questions)
    if args.registers:
        shipped = LearnedExpansion.load(args.out)
        registers(bench, folds, weights, retriever, pairs, background, shipped.weight if shipped else 0.3)
        return 0
    chosen = None
    if not args.check:
        ranks = {w: [None] * n for w in grid}
        for k, test in enumerate(folds):
            train = np.setdiff1d(np.arange(n), test)
            table = fit_expansion([pairs[i] for i in train], background, **params)
            for w in grid:
                table.weight = w
                retriever.expansion = table if w > 0 else None
                for i, rk in zip(test, bench.ranks(retriever, test, lambda _i: weights)):
                    ranks[w][int(i)] = rk
            print(f"# fold {k + 1}/{len(folds)}: {len(table.table)} citizen words", file=sys.stderr, flush=True)
        retriever.expansion = None
        in_force = np.flatnonzero(~gold_repealed(bench))
        print("| learned expansion weight (article-grouped CV) | gold | recall@1 | recall@5 | MRR@10 |\n|---|---|---|---|---|")
        cv = {}
        for w, rs in ranks.items():
            for sub, rows in (("all", range(n)), ("in force", in_force)):
                m = cv[(w, sub)] = metrics([rs[i] for i in rows])
                label = "0 (baseline: no expansion)" if w == 0 else f"{w:g}"
                print(f"| {label} | {sub} ({len(rows)}) | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['mrr@10']:.3f} |")
        chosen = max(grid, key=lambda w: (round(cv[(w, "all")]["mrr@10"], 4), -w))
        print(f"# chosen weight {chosen:g}", file=sys.stderr)
        meta_cv = {f"{w:g}": {sub: {k: round(v, 4) for k, v in cv[(w, sub)].items()} for sub in ("all", "in force")}
                   for w in grid}
    full = fit_expansion(pairs, background)
    if args.check:
        old = LearnedExpansion.load(args.out)
        ok = old is not None and old.table == full.table
        print(f"{args.out}: {'the same table' if ok else 'DIFFERS'}")
        return 0 if ok else 1
    if args.no_write or params:
        return 0
    full.weight = chosen
    from bench.train_adapter import questions_sha

    full.meta = {"fitted_by": "python -m bench.train_expansion", "questions": n,
                 "questions_sha256": questions_sha(bench.questions), "cv_by_weight": meta_cv,
                 "protocol": "GroupKFold by article (5); tables learned on the other folds; shipped ranking, "
                             "out-of-fold adapter dense"}
    full.save(args.out)
    print(f"wrote {args.out} ({len(full.table)} citizen words, weight {chosen:g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The hand-written query lists against the learned query expansion (issue 10: every rule that
survives shows its gain): each list switched off in turn, with the learned expansion on.

    python -m bench.rules_ablation [--arms shipped,-phrases,...] [--weights "dense=0.1;dense=0.3,enumeration=0.3"]

Same protocol as bench/train_expansion.py: 5 article-grouped folds through the real
Retriever.search (shipped weights, out-of-fold query-adapter dense signal); each fold's expansion
table is learned from the other folds' questions, searched the way that arm searches (a list
switched off changes the words the table is learned from, too), at the shipped weight. The first
two rows are the baseline of the same run: everything on, and everything on but the learned
expansion. The laws' own words: a SLANG word the clean laws write in >= 50 passages (knowledge/
lexical.py WRITTEN_MIN) is not spelled out; the arms spell every one out, or move the threshold.
Lists: PHRASES ("serangan fajar" -> the law's words for vote buying), SLANG
(abbreviations and spellings; a routing word still routes), the colloquial verb forms
("ngawasin" -> "mengawasi"), the typo correction, INTENTS (question frames -> the law's words),
the routing words (election-type words re-ranking own-word matches), the definition lookup.

Inputs: the bundled corpus and ingest/corpus/questions/ (no evaluation set is read).
"""
from __future__ import annotations

import argparse
import dataclasses
import sys

import numpy as np

from bench.train_reranker import add_bench_args, default_ranking, gold_repealed
from knowledge.lexical import written_words
from knowledge.text import SLANG, tokens

# SLANG in kinds (knowledge/text.py): spellings of function words, whose written forms are
# stopwords; abbreviations of bodies, documents and terms; candidates and offices; the words for
# sanctions; everything else (everyday verbs and nouns, quantities)
FUNCTION_WORDS = frozenset(k for k, v in SLANG.items() if not tokens(v))
ABBREVIATIONS = frozenset("dpt dps dptb asn pns tps ktp ektp timses parpol medsos apk kades pemda mk tni polri "
                          "wna wni kpps pps ppk psu ptps pkd panwascam dpk c1 rekap pj plt".split())
CANDIDATES = frozenset("nyalon nyaleg paslon caleg capres cawapres cagub cawagub cabup cawabup cawalkot walkot "
                       "cakada incumbent".split())
SANCTIONS = frozenset("dipenjara dipidana dihukum hukuman hukumannya dendanya".split())
OTHER = frozenset(SLANG) - FUNCTION_WORDS - ABBREVIATIONS - CANDIDATES - SANCTIONS

# arm -> (Retriever.lists switches, Retriever attribute switches, learned expansion on)
ARMS = {
    "shipped": ({}, {}, True),
    "shipped - learned expansion": ({}, {}, False),
    "- PHRASES": ({"phrases": False}, {}, True),
    "- the laws' own words (every SLANG word spelled out)": ({"written": 10**9}, {}, True),
    "the laws' own words at >= 20 passages": ({"written": 20}, {}, True),
    "the laws' own words at >= 100 passages": ({"written": 100}, {}, True),
    "- SLANG": ({"slang_off": frozenset(SLANG)}, {}, True),
    "- SLANG function-word spellings": ({"slang_off": FUNCTION_WORDS}, {}, True),
    "- SLANG abbreviations": ({"slang_off": ABBREVIATIONS}, {}, True),
    "- SLANG candidates and offices": ({"slang_off": CANDIDATES}, {}, True),
    "- SLANG sanctions": ({"slang_off": SANCTIONS}, {}, True),
    "- SLANG everyday verbs / nouns / quantities": ({"slang_off": OTHER}, {}, True),
    "- colloquial verbs": ({"verbs": False}, {}, True),
    "- typo correction": ({"typos": False}, {}, True),
    "- INTENTS": ({}, {"intents": False}, True),
    "- routing words": ({}, {"route_words": False}, True),
    "- definition lookup": ({}, {"definitions": False}, True),
    "- PHRASES - SLANG - verbs - INTENTS": ({"phrases": False, "slang_off": frozenset(SLANG), "verbs": False},
                                            {"intents": False}, True),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arms", default=",".join(ARMS), help="comma-separated arm names (default: all)")
    ap.add_argument("--weights", default="", help="';'-separated ranking-weight settings to run each arm at, "
                                                  "each 'name=value,...' over the shipped weights (default: those)")
    add_bench_args(ap)
    args = ap.parse_args(argv)
    arms = [a.strip() for a in args.arms.split(",") if a.strip()]
    unknown = [a for a in arms if a not in ARMS]
    if unknown:
        ap.error(f"unknown arms: {unknown}; known: {list(ARMS)}")
    import torch

    torch.set_num_threads(1)
    from bench.ablation import NEAR, Bench, metrics
    from bench.train_expansion import training_pairs
    from knowledge.embed import ADAPTER_FILE, QueryAdapter
    from knowledge.expansion import fit_expansion, shipped_expansion

    bench = Bench(args.cache, args.model, NEAR)
    folds, weights, retriever = default_ranking(bench, QueryAdapter.load(ADAPTER_FILE))
    shipped = shipped_expansion()
    weight = shipped.weight if shipped is not None else 0.3
    background = [set(t) for t in bench.lexical.doc_tokens]
    saved = {k: getattr(retriever, k) for k in ("intents", "route_words", "definitions")}
    n = len(bench.questions)
    in_force = np.flatnonzero(~gold_repealed(bench))
    settings = [s.strip() for s in args.weights.split(";") if s.strip()] or [""]
    print(f"| arm (article-grouped CV, learned expansion at {weight:g}) | weights | recall@1 | recall@5 | MRR@10 "
          f"| in force recall@1 | in force MRR@10 |\n|---|---|---|---|---|---|---|", flush=True)
    for arm, setting in ((a, s) for a in arms for s in settings):
        changes = dict(kv.split("=") for kv in setting.split(",") if kv.strip())
        arm_weights = dataclasses.replace(weights, **{k.strip(): float(v) for k, v in changes.items()})
        lists, flags, learned = ARMS[arm]
        # "written": n -> the words the clean laws write in >= n passages (the shipped rule: WRITTEN_MIN)
        retriever.lists = {k: written_words(bench.lexical.passage_counts, v) if k == "written" else v for k, v in lists.items()}
        for k, v in {**saved, **flags}.items():
            setattr(retriever, k, v)
        retriever.expansion = None
        pairs = training_pairs(bench, retriever) if learned else None
        ranks: list = [None] * n
        for test in folds:
            if learned:
                train = np.setdiff1d(np.arange(n), test)
                retriever.expansion = fit_expansion([pairs[i] for i in train], background, weight)
            for i, rk in zip(test, bench.ranks(retriever, test, lambda _i: arm_weights)):
                ranks[int(i)] = rk
        m, f = metrics(ranks), metrics([ranks[i] for i in in_force])
        print(f"| {arm} | {setting or 'shipped'} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['mrr@10']:.3f} "
              f"| {f['recall@1']:.3f} | {f['mrr@10']:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

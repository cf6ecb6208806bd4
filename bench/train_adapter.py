"""Fit the query adapter of the dense passage search on the generated questions (issue 10);
cross-validate it; write knowledge/data/query-adapter.npz.

    python -m bench.train_adapter            # CV table, then fit on all questions and write the file
    python -m bench.train_adapter --check    # refit on all questions; exit 1 if the shipped file differs
                                             # (in the similarities it gives, beyond another CPU's rounding)
    python -m bench.train_adapter --no-cv    # fit and write only
    python -m bench.train_adapter --refit    # CV table, then the ranking's priors refitted with dense on

What it is: a linear map W (d x d, started at the identity) of a question's vector, so that
normalise(q W) lands near the vector of the passage that answers it. The embedding model stays
frozen and the passages' vectors in Chroma are untouched: only the search query is mapped. The
bundled model (all-MiniLM-L6-v2) is English; what it cannot know (that "nyoblos" is "memberikan
suara", which article a "caleg" question wants) the map learns from the questions written from
the passages. Loss: softmax cross-entropy of each question over every passage of the catalog
(scale 20), L2 pull towards the identity; Adam, fixed seed, full catalog as negatives.

Cross-validation, stricter than the ranking fit's: folds grouped by *article* (every version of
an article, UU 1/2015 Pasal 54 and UU 10/2016 Pasal 54, in one fold), so the map is never
trained on a question about the very provision it is tested on. Each fold: fit W on the other
folds' questions, then rank the fold's questions with the shipped ranking (knowledge/ranking.json)
and each dense weight of the grid; weight 0 is the baseline of the same run. The weight with the
best mean MRR@10 is written to the file and used by default (bot/wiring.py); the questions'
own-passage siblings are left out of the question field as in bench/ablation.py.

Inputs: the bundled corpus and ingest/corpus/questions/ (no evaluation set is read).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

import numpy as np

from knowledge.embed import ADAPTER_FILE, QueryAdapter  # knowledge/__init__ turns telemetry off

SEED = 0
EPOCHS = 50
LR = 1e-3
PULL = 1e-3  # L2 pull of W towards the identity
SCALE = 20.0
BATCH = 256
GRID = (0.0, 0.1, 0.2, 0.3, 0.5)
FOLDS = 5
# --check: the largest change a refit may make to any question-passage similarity of the map. Two
# CPUs round the same fit differently (2026-12-04: entries 0.0035 apart between an AMD and an
# Intel machine, similarities 0.0001 apart); another seed or five questions fewer move them 0.16+.
SIM_TOLERANCE = 0.01


def fit_map(pvec: np.ndarray, qvec: np.ndarray, target: np.ndarray, rows: np.ndarray,
            epochs: int = EPOCHS, seed: int = SEED) -> np.ndarray:
    """W (d x d) such that normalise(qvec[i] @ W) scores passage target[i] first among pvec."""
    import torch

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    P = torch.tensor(pvec, dtype=torch.float32)
    Q = torch.tensor(qvec, dtype=torch.float32)
    T = torch.tensor(target, dtype=torch.long)
    eye = torch.eye(P.shape[1])
    W = torch.nn.Parameter(eye.clone())
    opt = torch.optim.Adam([W], lr=LR)
    rows_t = torch.tensor(np.asarray(rows), dtype=torch.long)
    for _ in range(epochs):
        perm = rows_t[torch.randperm(len(rows_t), generator=gen)]
        for s in range(0, len(perm), BATCH):
            idx = perm[s:s + BATCH]
            q = torch.nn.functional.normalize(Q[idx] @ W, dim=-1)
            loss = torch.nn.functional.cross_entropy(SCALE * q @ P.T, T[idx]) + PULL * ((W - eye) ** 2).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return W.detach().numpy().astype(np.float32)


def article_groups(bench) -> list[str]:
    """One group per article (all its versions and parts), else per passage."""
    out = []
    for q in bench.questions:
        p = bench.passages[bench.pos[q.passage_id]]
        key = bench.catalog.key(p)
        out.append(f"{key[0]}:{key[1]}" if key else p.id)
    return out


def questions_sha(questions) -> str:
    """The training questions, whatever their order (the staleness test recomputes it)."""
    h = hashlib.sha256()
    for line in sorted(f"{q.passage_id}\t{q.text}\n" for q in questions):
        h.update(line.encode("utf-8"))
    return h.hexdigest()


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def same_map(old: np.ndarray, new: np.ndarray, qvec: np.ndarray, pvec: np.ndarray,
             tolerance: float = SIM_TOLERANCE) -> bool:
    """Do the two maps give every question the same similarities to every passage, up to the
    rounding of another CPU? (What the search sees; raw entries differ more between CPUs.)"""
    if old.shape != new.shape:
        return False
    a = _normalise(qvec @ old.astype(np.float32)) @ pvec.T
    b = _normalise(qvec @ new.astype(np.float32)) @ pvec.T
    return float(np.abs(a - b).max()) <= tolerance


def cross_validate(bench, target: np.ndarray, oof: np.ndarray | None = None) -> dict[float, dict]:
    """Metrics per dense weight of GRID; `oof`, when given, receives each question's vector mapped
    by the fold's W (the map that never saw a question about that article)."""
    import dataclasses

    from bench.ablation import SHIPPED, configs, group_folds, metrics
    from knowledge.retrieval import Weights

    cfg = next(c for c in configs() if c.name == SHIPPED)
    shipped = Weights.load()
    folds = group_folds(article_groups(bench), FOLDS)
    ranks: dict[float, list] = {w: [None] * len(bench.questions) for w in GRID}
    for n, test in enumerate(folds):
        t0 = time.perf_counter()
        train = np.setdiff1d(np.arange(len(bench.questions)), test)
        W = fit_map(bench.pvec, bench.qvec, target, train)
        qmapped = _normalise(bench.qvec @ W)
        if oof is not None:
            oof[test] = qmapped[test]

        def dense(query: str, k: int, _q=qmapped, _W=W):
            i = bench.qindex.get(query)
            v = _q[i] if i is not None else _normalise(np.asarray([bench.embed(query)]) @ _W)[0]
            sims = bench.pvec @ v
            top = np.argsort(-sims)[:k]
            return [(bench.passages[j].id, float(sims[j])) for j in top]

        for w in GRID:
            weights = dataclasses.replace(shipped, dense=w)
            r = bench.retriever(cfg, weights)
            r.dense = dense
            for i, rk in zip(test, bench.ranks(r, test, lambda _i: weights)):
                ranks[w][int(i)] = rk
        print(f"# fold {n + 1}/{len(folds)}: {len(test)} questions, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return {w: metrics(rs) for w, rs in ranks.items()}


def oof_dense(bench, oof: np.ndarray):
    """The dense passage search of a generated question through its out-of-fold map (`oof`: each
    question's mapped vector, by question order), as Retriever.dense."""
    index = {q.text.lower(): i for i, q in enumerate(bench.questions)}

    def dense(query: str, k: int):
        sims = bench.pvec @ oof[index[query]]
        top = np.argsort(-sims)[:k]
        return [(bench.passages[j].id, float(sims[j])) for j in top]
    return dense


def refit_priors(bench, oof: np.ndarray, weight: float) -> dict[str, dict]:
    """Were the priors of ranking.json (fitted without dense) left behind by the dense signal? Each
    article-grouped fold's questions ranked with weights refitted (bench.ablation.fit, the ranking
    weights and the dense weight free) on the other folds' questions, whose dense signal comes
    from the out-of-fold map; beside the shipped weights with dense 0 and with the file's weight."""
    import dataclasses

    from bench.ablation import SHIPPED, Padded, configs, fit, group_folds, metrics
    from knowledge.retrieval import SIGNALS, Weights

    cfg = next(c for c in configs() if c.name == SHIPPED)
    shipped = Weights.load()
    r = bench.retriever(cfg, Weights(**{n: 1.0 for n in SIGNALS}))  # every signal's features
    r.dense = oof_dense(bench, oof)
    feats = [r.features(q.text, exclude=bench.excluded[i]) for i, q in enumerate(bench.questions)]
    data = Padded.build(feats, [bench.gold_mask(q, f) for q, f in zip(bench.questions, feats)])
    folds = group_folds(article_groups(bench), FOLDS)
    n = len(bench.questions)
    out = {}
    for label, start in (("shipped, dense 0", dataclasses.replace(shipped, dense=0.0)),
                         (f"shipped, dense {weight:g}", dataclasses.replace(shipped, dense=weight)),
                         ("refitted from the shipped weights", dataclasses.replace(shipped, dense=weight)),
                         ("refitted from the hand-set priors only", cfg.start())):
        per_row = {}
        for test in folds:
            w = start if label.startswith("shipped") else fit(data.take(np.setdiff1d(np.arange(n), test)),
                                                              cfg.free + ("dense",), start)
            per_row.update({int(i): w for i in test})
        out[label] = metrics(bench.ranks(r, range(n), lambda i: per_row[i]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ADAPTER_FILE)
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if the file at --out differs")
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validation (keep the stored weight)")
    ap.add_argument("--refit", action="store_true", help="after the CV, also refit the ranking's priors with dense on (nested; writes nothing more)")
    ap.add_argument("--model", default=os.environ.get("KEPEMILUAN_EMBEDDING_MODEL", "default"))
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "kepemiluan-ablation")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)  # one thread: the same floats on every run of one CPU (see SIM_TOLERANCE)
    from bench.ablation import NEAR, Bench

    bench = Bench(args.cache, args.model, NEAR)  # raw vectors: the adapter maps only in bot.wiring
    bench.qindex = {q.text.lower(): i for i, q in enumerate(bench.questions)}
    target = np.array([bench.pos[q.passage_id] for q in bench.questions])
    old = QueryAdapter.load(args.out)
    meta = {"questions": len(bench.questions), "questions_sha256": questions_sha(bench.questions),
            "passages": len(bench.passages), "max_tokens": bench.embedder.max_tokens,
            "fitted_by": "python -m bench.train_adapter", "epochs": EPOCHS, "seed": SEED}
    weight = old.dense_weight if old is not None else 0.0
    if not (args.check or args.no_cv):
        oof = np.zeros_like(bench.qvec)
        cv = cross_validate(bench, target, oof)
        print("| dense weight (query adapter) | CV recall@1 | CV recall@5 | CV MRR@10 |\n|---|---|---|---|")
        for w, m in cv.items():
            print(f"| {w:g}{' (baseline: no dense)' if w == 0 else ''} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['mrr@10']:.3f} |")
        weight = max(cv, key=lambda w: (round(cv[w]["mrr@10"], 4), -w))
        meta["cv"] = {f"{w:g}": {k: round(v, 4) for k, v in m.items()} for w, m in cv.items()}
        meta["cv_protocol"] = f"GroupKFold by article ({FOLDS}); shipped ranking.json weights; siblings with stem Jaccard >= {NEAR} out of the question field"
        print(f"# chosen dense weight {weight:g}", file=sys.stderr)
        if args.refit:
            print("\n| ranking weights, article-grouped CV, out-of-fold map | CV recall@1 | CV recall@5 | CV MRR@10 |\n|---|---|---|---|")
            for label, m in refit_priors(bench, oof, weight).items():
                print(f"| {label} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['mrr@10']:.3f} |", flush=True)
    elif old is not None:
        meta.update({k: old.meta[k] for k in ("cv", "cv_protocol") if k in old.meta})
    t0 = time.perf_counter()
    W = fit_map(bench.pvec, bench.qvec, target, np.arange(len(bench.questions)))
    print(f"# fitted on {len(bench.questions)} questions in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    new = QueryAdapter(W, bench.embedder.label, float(weight), meta)
    if args.check:
        ok = (old is not None and old.meta.get("questions_sha256") == meta["questions_sha256"]
              and old.model == new.model and same_map(old.matrix, W, bench.qvec, bench.pvec))
        print(f"{args.out}: {f'the same map (similarities within {SIM_TOLERANCE:g})' if ok else 'DIFFERS'}")
        return 0 if ok else 1
    new.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB), dense weight {weight:g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

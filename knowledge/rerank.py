"""A learned re-ranker over the fused candidates (issue 10): gradient-boosted trees on the same
signals and priors as the linear fusion, plus where each candidate ranks by each of them.

The linear fusion (Features.scores) orders the candidates; the trees re-order its first TOP_N,
and the fused scores are handed out again in the new order, so the score values downstream
(confidence, "two laws close") keep their scale. Fitted by `python -m bench.train_reranker` on
the generated questions whose answer is in force, with the dense signal of the out-of-fold query
adapter; the fitted trees are plain arrays (knowledge/data/reranker.npz) walked in numpy: no
scikit-learn at run time. Off unless KEPEMILUAN_RERANK=1: measured, the trees gain only on the
questions whose answer is in force and lose over all of them (README, "Learned re-ranker").
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

RERANKER_FILE = Path(__file__).resolve().parent / "data" / "reranker.npz"
TOP_N = 30  # candidates re-ordered; the rest keep the linear order below them
# The signals the trees read: the passage BM25 and the dense passage search. The question field
# (BM25 over the generated questions) is left out: on generated questions it matches the
# question's own siblings, a match a citizen's question never has.
SIGNAL_COLUMNS = (0, 2)


def _log_rank(x: np.ndarray) -> np.ndarray:
    order = np.argsort(-x, kind="stable")
    rank = np.empty(len(x))
    rank[order] = np.arange(1, len(x) + 1)
    return np.log(rank)


def rerank_features(signals: np.ndarray, priors: np.ndarray, base: np.ndarray, linear: np.ndarray) -> np.ndarray:
    """One row per candidate: the signals the trees read, the prior features, the hand-set base,
    the log-rank by passage BM25, by dense and by the linear fusion, and the fused score relative
    to the best candidate's."""
    top = float(linear.max()) if len(linear) else 1.0
    cols = [signals[:, list(SIGNAL_COLUMNS)], priors, base[:, None],
            _log_rank(signals[:, 0])[:, None], _log_rank(signals[:, 2])[:, None], _log_rank(linear)[:, None],
            (linear / (top if top > 0 else 1.0))[:, None]]
    return np.concatenate(cols, axis=1)


@dataclass
class TreeReranker:
    """Additive trees: raw score = baseline + the sum of one leaf value per tree."""
    feature: np.ndarray  # (nodes,) int: feature index of a split node
    threshold: np.ndarray  # (nodes,) go left when x <= threshold
    left: np.ndarray  # (nodes,) int: node index (absolute)
    right: np.ndarray
    leaf: np.ndarray  # (nodes,) bool
    value: np.ndarray  # (nodes,) leaf value
    roots: np.ndarray  # (trees,) int: each tree's first node
    baseline: float
    meta: dict = field(default_factory=dict)

    def raw(self, X: np.ndarray) -> np.ndarray:
        """The trees' score of each row of X (higher: more likely the passage that answers)."""
        X = np.asarray(X, dtype=np.float64)
        n = len(X)
        node = np.repeat(self.roots[None, :], n, axis=0)  # (rows, trees)
        rows = np.arange(n)[:, None]
        for _ in range(int(self.meta.get("depth", 64))):
            is_leaf = self.leaf[node]
            if is_leaf.all():
                break
            go_left = X[rows, self.feature[node]] <= self.threshold[node]
            nxt = np.where(go_left, self.left[node], self.right[node])
            node = np.where(is_leaf, node, nxt)
        return self.baseline + self.value[node].sum(axis=1)

    def rerank(self, signals: np.ndarray, priors: np.ndarray, base: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """The fused `scores` handed out again: the first TOP_N candidates by score in the trees'
        order, the rest as they were."""
        scores = np.asarray(scores, dtype=np.float64)
        valid = np.flatnonzero(scores > 0)
        if len(valid) < 2 or not (signals[:, 2] > 0).any():
            return scores  # nothing to re-order, or no dense signal (Chroma down): the trees' inputs are off
        top = valid[np.argsort(-scores[valid], kind="stable")[:TOP_N]]
        X = rerank_features(signals[top], priors[top], base[top], scores[top])
        order = top[np.argsort(-self.raw(X), kind="stable")]
        out = scores.copy()
        out[order] = np.sort(scores[top])[::-1]
        # ties would let the stable sort downstream undo the trees' order
        out[order] -= 1e-9 * np.arange(len(order)) * max(1.0, float(scores[top].max()))
        return out

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            np.savez_compressed(f, feature=self.feature.astype(np.int16), threshold=self.threshold,
                                left=self.left.astype(np.int32), right=self.right.astype(np.int32),
                                leaf=self.leaf, value=self.value, roots=self.roots.astype(np.int32),
                                baseline=np.array(self.baseline), meta=np.array(json.dumps(self.meta, sort_keys=True)))

    @classmethod
    def load(cls, path: Path = RERANKER_FILE) -> "TreeReranker | None":
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as got:
            return cls(got["feature"].astype(np.int64), got["threshold"].astype(np.float64),
                       got["left"].astype(np.int64), got["right"].astype(np.int64), got["leaf"].astype(bool),
                       got["value"].astype(np.float64), got["roots"].astype(np.int64), float(got["baseline"]),
                       json.loads(str(got["meta"])))

    @classmethod
    def from_sklearn(cls, clf, meta: dict | None = None) -> "TreeReranker":
        """From a fitted binary sklearn HistGradientBoostingClassifier (numeric features, no NaN)."""
        feature, threshold, left, right, leaf, value, roots = [], [], [], [], [], [], []
        depth = 0
        for (pred,) in clf._predictors:
            nodes = pred.nodes
            off = len(feature)
            roots.append(off)
            feature += list(nodes["feature_idx"])
            threshold += list(nodes["num_threshold"])
            left += list(nodes["left"] + off)
            right += list(nodes["right"] + off)
            leaf += list(nodes["is_leaf"].astype(bool))
            value += list(np.where(nodes["is_leaf"], nodes["value"], 0.0))
            depth = max(depth, int(nodes["depth"].max()) + 1)
        base = float(np.ravel(clf._baseline_prediction)[0])
        return cls(np.array(feature), np.array(threshold, dtype=np.float64), np.array(left), np.array(right),
                   np.array(leaf, dtype=bool), np.array(value, dtype=np.float64), np.array(roots), base,
                   {**(meta or {}), "depth": depth})

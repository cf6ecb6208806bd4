"""The learned re-ranker (knowledge.rerank, issue 10): trees exported from scikit-learn and walked
in numpy re-order the fused candidates; what a citizen notices is the order of the sources."""
import dataclasses

import numpy as np
import pytest

from knowledge.rerank import RERANKER_FILE, TOP_N, TreeReranker, rerank_features
from knowledge.retrieval import Weights


def _fit(X, y):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=7, early_stopping=False, random_state=0).fit(X, y)


def test_exported_trees_score_as_scikit_learn_does_and_survive_a_save(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5))
    y = (X[:, 0] * X[:, 1] > 0.2) | (X[:, 3] > 1.0)  # an interaction a linear fusion cannot express
    clf = _fit(X, y)
    trees = TreeReranker.from_sklearn(clf, {"model": "m"})
    assert np.allclose(trees.raw(X), clf.decision_function(X), atol=1e-9)
    trees.save(tmp_path / "r.npz")
    back = TreeReranker.load(tmp_path / "r.npz")
    assert np.allclose(back.raw(X), clf.decision_function(X), atol=1e-9) and back.meta["model"] == "m"
    assert TreeReranker.load(tmp_path / "missing.npz") is None


def _candidates(n, rng):
    signals = np.zeros((n, 4))
    signals[:, 0] = rng.uniform(0.1, 1.0, n)  # passage BM25
    signals[:, 2] = rng.uniform(0.1, 1.0, n)  # dense
    priors = np.zeros((n, 15))
    return signals, priors, np.ones(n)


def test_the_trees_reorder_the_first_candidates_and_keep_the_score_values():
    """Trees that learned "the best dense match answers" put it first; the fused scores are handed
    out again in that order (confidence downstream keeps its scale); candidates past TOP_N stay."""
    rng = np.random.default_rng(1)
    rows = []
    for _ in range(300):
        s, p, b = _candidates(20, rng)
        lin = s[:, 0] + 0.2 * s[:, 2]
        rows.append((rerank_features(s, p, b, lin), s[:, 2] == s[:, 2].max()))
    trees = TreeReranker.from_sklearn(_fit(np.concatenate([r[0] for r in rows]), np.concatenate([r[1] for r in rows])))
    s, p, b = _candidates(TOP_N + 10, rng)
    lin = s[:, 0] + 0.2 * s[:, 2]
    out = trees.rerank(s, p, b, lin)
    assert int(np.argmax(out)) == int(np.argmax(s[:, 2])) != int(np.argmax(lin))
    order = np.argsort(-lin)
    assert np.allclose(np.sort(out[order[:TOP_N]])[::-1], np.sort(lin[order[:TOP_N]])[::-1], atol=1e-6)
    assert np.array_equal(out[order[TOP_N:]], lin[order[TOP_N:]])
    # without a dense signal (the Chroma server down) the trees' inputs are off: the linear order stays
    s[:, 2] = 0.0
    assert np.array_equal(trees.rerank(s, p, b, s[:, 0]), s[:, 0])


def test_shipped_reranker_was_fitted_on_the_current_questions():
    from bench.train_adapter import questions_sha
    from bench.train_classifier import bundled_passages
    from ingest.questions import load_table, questions_for
    from knowledge.embed import ADAPTER_FILE, QueryAdapter

    trees = TreeReranker.load(RERANKER_FILE)
    assert trees is not None, "knowledge/data/reranker.npz is missing: run python -m bench.train_reranker"
    assert trees.meta["questions_sha256"] == questions_sha(questions_for(bundled_passages(), load_table())), \
        "stale knowledge/data/reranker.npz: run python -m bench.train_reranker"
    adapter = QueryAdapter.load(ADAPTER_FILE)
    assert trees.meta["model"] == adapter.model and trees.meta["dense_weight"] == adapter.dense_weight
    # the fused scores are among its inputs: refit when knowledge/ranking.json is refitted
    assert trees.meta["weights"] == dataclasses.replace(Weights.load(), dense=adapter.dense_weight).to_dict(), \
        "knowledge/data/reranker.npz was fitted for other ranking weights: run python -m bench.train_reranker"
    assert {"linear", "trees"} <= trees.meta["cv"].keys()


def test_shipped_reranker_keeps_the_law_in_force_first():
    """The status prior is a rule of the product: for questions whose answer is in force, the trees
    must rank them better than the linear fusion does and put a repealed article first no more
    often (trees fitted on the repealed-law questions too did it four times as often: 14 % vs 3.5 %)."""
    from bench.train_reranker import REPEALED_GOLD_WEIGHT

    trees = TreeReranker.load(RERANKER_FILE)
    assert trees.meta["repealed_gold_weight"] == REPEALED_GOLD_WEIGHT
    lin, tr = trees.meta["cv"]["linear"]["in_force"], trees.meta["cv"]["trees"]["in_force"]
    assert tr["recall@1"] > lin["recall@1"] and tr["mrr@10"] > lin["mrr@10"]
    assert tr["first_repealed"] <= lin["first_repealed"] + 0.005


def test_questions_left_out_of_the_training_weigh_nothing():
    """A question of weight 0 (its gold repealed) changes nothing: the trees are those fitted without it."""
    from bench.train_reranker import fit_trees, question_weights

    rng = np.random.default_rng(3)
    xs = [rng.normal(size=(12, 4)) for _ in range(60)]
    ys = [x[:, 0] == x[:, 0].max() for x in xs]
    repealed = np.arange(60) % 3 == 0
    for i in np.flatnonzero(repealed):  # the left-out questions teach the opposite
        ys[i] = xs[i][:, 0] == xs[i][:, 0].min()
    X = np.concatenate(xs)
    kept = fit_trees(xs, ys, np.flatnonzero(~repealed))
    weighted = fit_trees(xs, ys, np.arange(60), qweights=question_weights(repealed, 0.0))
    assert np.allclose(kept.raw(X), weighted.raw(X))
    mixed = fit_trees(xs, ys, np.arange(60), qweights=question_weights(repealed, 1.0))
    assert not np.allclose(kept.raw(X), mixed.raw(X))


@pytest.mark.parametrize("n", [0, 1])
def test_too_few_candidates_are_left_as_they_are(n):
    trees = TreeReranker(np.zeros(1, int), np.zeros(1), np.zeros(1, int), np.zeros(1, int), np.ones(1, bool),
                         np.ones(1), np.zeros(1, int), 0.0)
    s, p, b = _candidates(n, np.random.default_rng(2))
    assert np.array_equal(trees.rerank(s, p, b, s[:, 0]), s[:, 0])

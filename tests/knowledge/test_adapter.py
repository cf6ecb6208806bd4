"""The query adapter of the dense passage search (knowledge.embed.QueryAdapter, issue 10)."""
from pathlib import Path

import numpy as np

from knowledge.embed import ADAPTER_FILE, Embedder, QueryAdapter

ROOT = Path(__file__).resolve().parents[2]


def _recall_at_1(q: np.ndarray, p: np.ndarray, target: np.ndarray) -> float:
    q = q / np.linalg.norm(q, axis=1, keepdims=True)
    return float(np.mean(np.argmax(q @ p.T, axis=1) == target))


def test_the_fitted_map_carries_over_to_passages_it_never_saw_a_question_for():
    """Questions live in a turned copy of the passage space (as the citizens' words are far from
    the law's): fitted on the questions of half of the passages, the map finds the passages of
    the other half too."""
    from bench.train_adapter import fit_map  # torch: a declared dependency (pyproject)

    rng = np.random.default_rng(0)
    d, n = 16, 120
    p = rng.normal(size=(n, d)).astype(np.float32)
    p /= np.linalg.norm(p, axis=1, keepdims=True)
    turn, _ = np.linalg.qr(rng.normal(size=(d, d)))
    target = np.repeat(np.arange(n), 2)
    q = (p[target] @ turn.T + 0.05 * rng.normal(size=(2 * n, d))).astype(np.float32)
    train = np.flatnonzero(target < n // 2)
    test = np.flatnonzero(target >= n // 2)
    before = _recall_at_1(q[test], p, target[test])
    w = fit_map(p, q, target, train, epochs=1500)
    after = _recall_at_1(q[test] @ w, p, target[test])
    assert before < 0.3 and after > 0.8, (before, after)


def test_saved_adapter_loads_back_and_maps_to_unit_vectors(tmp_path):
    m = np.eye(4, dtype=np.float32)
    m[0, 1] = 0.5
    QueryAdapter(m, "all-MiniLM-L6-v2", 0.2, {"max_tokens": 128}).save(tmp_path / "a.npz")
    got = QueryAdapter.load(tmp_path / "a.npz")
    assert got.model == "all-MiniLM-L6-v2" and got.dense_weight == 0.2
    v = got.apply([1.0, 0.0, 0.0, 0.0])
    assert np.isclose(np.linalg.norm(v), 1.0) and v[1] > 0
    assert QueryAdapter.load(tmp_path / "missing.npz") is None


def test_the_shipped_adapter_is_used_only_with_the_model_it_was_fitted_for():
    assert Embedder().adapter is not None and Embedder().dense_weight > 0
    # another model, or passages cut at another length, has other vectors: no map, weight from ranking.json
    assert Embedder("intfloat/multilingual-e5-small").adapter is None
    assert Embedder("intfloat/multilingual-e5-small").dense_weight is None
    assert Embedder(max_tokens=256).adapter is None
    assert Embedder(adapter=None).adapter is None


def test_shipped_adapter_was_fitted_on_the_current_generated_questions():
    from bench.train_adapter import questions_sha
    from bench.train_classifier import bundled_passages
    from ingest.questions import load_table, questions_for

    shipped = QueryAdapter.load(ADAPTER_FILE)
    assert shipped is not None, "knowledge/data/query-adapter.npz is missing"
    assert shipped.meta["questions_sha256"] == questions_sha(questions_for(bundled_passages(), load_table())), \
        "stale knowledge/data/query-adapter.npz: run python -m bench.train_adapter"
    # the weight it ships with is the best of its own cross-validation, and beats no dense at all
    cv = shipped.meta["cv"]
    assert cv[f"{shipped.dense_weight:g}"]["mrr@10"] == max(m["mrr@10"] for m in cv.values()) > cv["0"]["mrr@10"]


def test_check_accepts_another_cpus_floats_and_refuses_another_fit():
    """`train_adapter --check` refits the map and compares it with the shipped file. Two CPUs round
    the same fit differently (seen: entries 0.0035 apart between two machines of this kind, which
    moved no question's similarities by more than 0.0002); a fit on other questions moves them by
    far more. The check compares what the search sees, the similarities, not the raw entries."""
    from bench.train_adapter import same_map

    rng = np.random.default_rng(0)
    p = rng.normal(size=(50, 8)).astype(np.float32)
    p /= np.linalg.norm(p, axis=1, keepdims=True)
    q = rng.normal(size=(30, 8)).astype(np.float32)
    w = np.eye(8, dtype=np.float32) + 0.1 * rng.normal(size=(8, 8)).astype(np.float32)
    rounded = (w + 0.001 * rng.choice([-1.0, 1.0], size=w.shape)).astype(np.float32)
    other = (w + 0.1 * rng.normal(size=w.shape)).astype(np.float32)
    assert same_map(w, rounded, q, p)
    assert not same_map(w, other, q, p)
    assert not same_map(w, np.eye(6, dtype=np.float32), q, p)

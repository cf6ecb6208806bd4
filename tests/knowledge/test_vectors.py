"""Exact dense search over a copy of the stored vectors (knowledge/vectors.py): the same question
gets the same nearest passages in every process, and a re-ingested passage is searched by its new
vector as soon as the engine serves it."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from knowledge.engine import Engine
from knowledge.model import Passage, content_hash
from knowledge.vectors import ExactSearch


def _vectors(n: int, dim: int = 16, seed: int = 0) -> dict[str, list[float]]:
    rng = np.random.default_rng(seed)
    return {f"p{i:04d}": rng.normal(size=dim).tolist() for i in range(n)}


class Source:
    """The store side: vectors by id, counting what it was asked for."""

    def __init__(self, vecs: dict[str, list[float]]):
        self.vecs = dict(vecs)
        self.fetched: list[str] = []
        self.down = False

    def __call__(self, ids: list[str]) -> dict[str, list[float]]:
        if self.down:
            raise ConnectionError("store down")
        self.fetched.extend(ids)
        return {i: self.vecs[i] for i in ids if i in self.vecs}


def _exact(vecs: dict[str, list[float]], query: list[float], k: int) -> list[str]:
    ids = sorted(vecs)
    m = np.array([vecs[i] for i in ids])
    sims = (m / np.linalg.norm(m, axis=1, keepdims=True)) @ (np.array(query) / np.linalg.norm(query))
    return [ids[j] for j in np.argsort(-sims, kind="stable")[:k]]


def test_the_nearest_vectors_are_exactly_the_k_most_similar_best_first():
    vecs = _vectors(3000)
    queries = {f"q{j}": v for j, v in enumerate(_vectors(20, seed=1).values())}
    search = ExactSearch(Source(vecs), lambda q: queries[q])
    search.sync(vecs)
    for name, q in queries.items():
        got = search(name, 100)
        assert [i for i, _ in got] == _exact(vecs, q, 100)
        sims = [s for _, s in got]
        assert sims == sorted(sims, reverse=True) and -1.0 <= sims[-1] <= sims[0] <= 1.0


def test_equal_vectors_come_in_one_order_whatever_order_they_were_loaded_in():
    same = [1.0, 2.0, 3.0]
    vecs = {f"p{i}": same for i in (5, 1, 3, 2, 4)} | {"other": [3.0, 2.0, 1.0]}
    orders = []
    for keys in (list(vecs), list(reversed(vecs))):
        search = ExactSearch(Source({k: vecs[k] for k in keys}), lambda q: same)
        search.sync(keys)
        orders.append([i for i, _ in search("q", 3)])
    assert orders[0] == orders[1] == ["p1", "p2", "p3"]


def test_sync_fetches_only_new_ids_and_forgets_the_gone():
    vecs = _vectors(50)
    src = Source(vecs)
    search = ExactSearch(src, lambda q: vecs["p0007"])
    search.sync([f"p{i:04d}" for i in range(40)])
    assert len(src.fetched) == 40
    src.fetched.clear()
    search.sync([f"p{i:04d}" for i in range(10, 50)])
    assert sorted(src.fetched) == [f"p{i:04d}" for i in range(40, 50)]
    got = [i for i, _ in search("q", 50)]
    assert len(got) == 40 and "p0007" not in got and set(got) == {f"p{i:04d}" for i in range(10, 50)}


def test_a_store_that_fails_during_sync_keeps_the_copy_it_had(caplog):
    vecs = _vectors(20)
    src = Source(vecs)
    search = ExactSearch(src, lambda q: vecs["p0003"])
    search.sync(list(vecs)[:10])
    src.down = True
    search.sync(list(vecs))  # logged, not raised: the engine swap goes on
    assert search("q", 1)[0][0] == "p0003"
    assert any("vectors" in r.getMessage() for r in caplog.records)
    src.down = False
    assert len(search("q", 50)) == 10  # not retried at every question
    search.RETRY_S = 0.0
    assert len(search("q", 50)) == 20  # a later search loads what was missed
    src.fetched.clear()
    search("q", 50)
    assert src.fetched == []  # and stops trying once the copy is whole


def test_an_empty_copy_finds_nothing():
    search = ExactSearch(Source({}), lambda q: [1.0, 0.0])
    search.sync([])
    assert search("q", 10) == []


def _passage(i: int, text: str) -> Passage:
    return Passage(id=f"uu-1-2015@v1#pasal-{i}", doc_id="uu-1-2015", text=text, pasal=str(i),
                   title="Undang-Undang Nomor 1 Tahun 2015 tentang Pemilihan Gubernur, Bupati, dan Walikota",
                   number="1", year=2015, hash=content_hash(text))


def test_the_engine_hands_every_snapshot_its_passage_ids():
    """A document added or replaced while the bot runs is searched densely at once: the engine
    tells the dense search which passages the new snapshot serves before it swaps."""
    a, b = _passage(1, "Pemilihan dilaksanakan setiap lima tahun."), _passage(2, "Kampanye dilaksanakan KPU.")
    c = _passage(3, "Pemungutan suara dilaksanakan serentak.")
    vecs = {a.id: [1.0, 0.0, 0.0], b.id: [0.0, 1.0, 0.0], c.id: [0.0, 0.0, 1.0]}
    src = Source(vecs)
    search = ExactSearch(src, lambda q: [0.0, 0.1, 1.0])
    engine = Engine([a, b], dense=search, dense_weight=0.3)
    assert [i for i, _ in search("q", 5)] == [b.id, a.id]
    engine.replace_document("uu-1-2015", [a, b, c])
    assert search("q", 1)[0][0] == c.id
    engine.remove_document("uu-1-2015")
    assert search("q", 5) == []


def test_a_search_during_a_sync_sees_the_old_copy_or_the_new_never_a_mix():
    old, new = _vectors(500, seed=2), _vectors(500, seed=3)
    new = {k.replace("p", "n"): v for k, v in new.items()}
    src = Source(old | new)
    search = ExactSearch(src, lambda q: old["p0001"])
    search.sync(old)
    stop = threading.Event()
    seen: list[set[str]] = []

    def ask():
        while not stop.is_set():
            seen.append({i[0] for i, _ in search("q", 1000)})

    t = threading.Thread(target=ask)
    t.start()
    for _ in range(5):
        search.sync(new)
        search.sync(old)
    stop.set()
    t.join()
    assert seen and all(s == {"p"} or s == {"n"} for s in seen)


@pytest.mark.parametrize("k", [0, -1])
def test_no_results_asked_none_given(k):
    vecs = _vectors(5)
    search = ExactSearch(Source(vecs), lambda q: vecs["p0000"])
    search.sync(vecs)
    assert search("q", k) == []

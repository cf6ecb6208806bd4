"""The engine as the composition root builds it: the dense passage search with the embedder's
query adapter, its measured weight, exact over a copy of the stored vectors by default (or a
Chroma query per question), and answers that survive a dense search that fails."""
import logging

import numpy as np
from pydantic import SecretStr

from bot.settings import Settings
from bot.wiring import build_engine
from knowledge.embed import QueryAdapter
from knowledge.store import Hit, StoreUnavailable

QUESTION = "apa syarat pendidikan calon bupati?"


class FakeEmbedder:
    """Vectors of a fixed 3-d space; the adapter swaps the first two axes."""

    def __init__(self, adapter):
        self.adapter = adapter
        self.dense_weight = adapter.dense_weight if adapter else None

    def embed_query(self, text):
        return [1.0, 0.0, 0.0]


class FakeStore:
    def __init__(self, passages, adapter=None, down=False):
        self.embedder = FakeEmbedder(adapter)
        self.passages = passages
        self.down = down
        self.queried = []
        self.fetched = []

    def _target(self):
        return next(p for p in self.passages if p.pasal == "7" and p.doc_id == "uu-10-2016")

    def vectors(self, ids):
        """The target article lies along the second axis, every other passage along the first."""
        self.fetched.extend(ids)
        if self.down:
            raise StoreUnavailable("Chroma get failed: connection refused")
        return {i: [0.0, 1.0, 0.0] if i == self._target().id else [1.0, 0.0, 0.0] for i in ids}

    def all(self):
        return list(self.passages), {}

    def questions(self, ids=None):
        return []

    def query(self, embedding, k=50, ids=None):
        self.queried.append(list(embedding))
        if self.down:
            raise StoreUnavailable("Chroma query failed: connection refused")
        return [Hit(self._target().id, 0.9)]


def _settings(tmp_path, **kw):
    return Settings(_env_file=None, data_dir=tmp_path, pseudonym_salt=SecretStr("garam-uji"), **kw)


def _swap():
    m = np.eye(3, dtype=np.float32)[[1, 0, 2]]
    return QueryAdapter(m, "all-MiniLM-L6-v2", 0.2, {"max_tokens": 128})


def test_default_engine_searches_a_copy_of_the_passage_vectors_with_the_mapped_query(tmp_path, fixture_passages):
    store = FakeStore(fixture_passages, _swap())
    engine = build_engine(_settings(tmp_path), store)
    assert engine._state.retriever.weights.dense == 0.2
    assert sorted(store.fetched) == sorted(p.id for p in fixture_passages)  # loaded once, at start
    ans = engine.answer(QUESTION)
    assert store.queried == []  # no Chroma query per question
    # the raw query vector [1, 0, 0] matches every other passage; mapped, it matches the target only
    dense = {s.passage.id: s.dense for s in engine._state.retriever.search(QUESTION)}
    assert dense[store._target().id] == max(dense.values()) > 0
    assert ans.decision == "answer" and ans.sources


def test_a_chroma_query_per_question_when_the_settings_say_so(tmp_path, fixture_passages):
    store = FakeStore(fixture_passages, _swap())
    engine = build_engine(_settings(tmp_path, dense_search="chroma"), store)
    ans = engine.answer(QUESTION)
    assert store.fetched == []
    assert store.queried and np.allclose(store.queried[0], [0.0, 1.0, 0.0])  # mapped, not the raw vector
    assert ans.decision == "answer" and ans.sources


def test_the_settings_weight_wins_and_zero_means_no_dense_search(tmp_path, fixture_passages):
    store = FakeStore(fixture_passages, _swap())
    engine = build_engine(_settings(tmp_path, dense_weight=0.0), store)
    engine.answer(QUESTION)
    assert store.queried == [] and store.fetched == []
    chroma = build_engine(_settings(tmp_path, dense_weight=0.0, dense_search="chroma"), store)
    chroma.answer(QUESTION)
    assert store.queried == []


def test_without_an_adapter_the_fitted_default_holds(tmp_path, fixture_passages):
    store = FakeStore(fixture_passages, None)
    engine = build_engine(_settings(tmp_path), store)
    from knowledge.retrieval import Weights

    assert engine._state.retriever.weights.dense == Weights.load().dense


def test_a_failing_dense_search_still_answers_from_the_words_and_says_so_in_the_log(tmp_path, fixture_passages, caplog):
    lexical = build_engine(_settings(tmp_path, dense_weight=0.0), FakeStore(fixture_passages, _swap()))
    down_store = FakeStore(fixture_passages, _swap(), down=True)
    down = build_engine(_settings(tmp_path, dense_search="chroma"), down_store)
    with caplog.at_level(logging.WARNING, logger="bot.wiring"):
        ans = down.answer(QUESTION)
        down.answer(QUESTION)
    assert down_store.queried  # it tried
    assert ans.decision == "answer" and ans.sources
    # what the words alone find: the same sources as an engine without dense search
    assert [s.passage.id for s in ans.sources] == [s.passage.id for s in lexical.answer(QUESTION).sources]
    warnings = [r for r in caplog.records if "dense search unavailable" in r.getMessage()]
    assert len(warnings) == 1  # once per outage, not once per question


def test_an_exact_search_needs_no_store_to_answer_once_its_copy_is_loaded(tmp_path, fixture_passages, caplog):
    store = FakeStore(fixture_passages, _swap())
    engine = build_engine(_settings(tmp_path), store)
    before = [s.passage.id for s in engine.answer(QUESTION).sources]
    store.down = True  # Chroma dies after start-up
    assert [s.passage.id for s in engine.answer(QUESTION).sources] == before
    # a store already down at start-up: the engine starts, answers from the words, and says why
    lexical = build_engine(_settings(tmp_path, dense_weight=0.0), FakeStore(fixture_passages, _swap()))
    with caplog.at_level(logging.WARNING, logger="knowledge.vectors"):
        down = build_engine(_settings(tmp_path), FakeStore(fixture_passages, _swap(), down=True))
    assert [s.passage.id for s in down.answer(QUESTION).sources] == [s.passage.id for s in lexical.answer(QUESTION).sources]
    assert any("could not load" in r.getMessage() for r in caplog.records)


def test_the_learned_reranker_is_used_only_for_the_signal_it_was_fitted_on(tmp_path, fixture_passages):
    """The shipped trees read the dense score of the bundled model's query adapter at its weight:
    used there when the settings turn it on (KEPEMILUAN_RERANK=1; off by default), never with
    another weight, with dense off or without an adapter."""
    from knowledge.rerank import TreeReranker

    def trees(store, **kw):
        return build_engine(_settings(tmp_path, **kw), store)._state.retriever.reranker

    shipped = TreeReranker.load()
    assert shipped.meta["model"] == "all-MiniLM-L6-v2" and shipped.meta["dense_weight"] == _swap().dense_weight
    assert isinstance(trees(FakeStore(fixture_passages, _swap()), rerank=True), TreeReranker)
    assert trees(FakeStore(fixture_passages, _swap())) is None  # the default
    assert trees(FakeStore(fixture_passages, _swap()), rerank=True, dense_weight=0.3) is None
    assert trees(FakeStore(fixture_passages, _swap()), rerank=True, dense_weight=0.0) is None
    assert trees(FakeStore(fixture_passages, None), rerank=True) is None
    other = QueryAdapter(_swap().matrix, "intfloat/multilingual-e5-small", 0.2, {"max_tokens": 128})
    assert trees(FakeStore(fixture_passages, other), rerank=True) is None

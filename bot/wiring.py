"""Build the engine and its store from settings: the one place that wires knowledge + ingest.

The store is passed along beside the engine (to bot.app.build_application), never attached to it."""
from __future__ import annotations

import logging

from knowledge.embed import Embedder
from knowledge.engine import Engine
from knowledge.rerank import TreeReranker
from knowledge.retrieval import Weights
from knowledge.store import ChromaStore, StoreUnavailable
from knowledge.vectors import ExactSearch

from .settings import Settings

log = logging.getLogger(__name__)


def build_embedder(settings: Settings) -> Embedder:
    return Embedder(settings.embedding_model, device=settings.embedding_device,
                    max_tokens=settings.embedding_max_tokens)


def build_store(settings: Settings, embedder: Embedder | None = None) -> ChromaStore:
    embedder = embedder or build_embedder(settings)
    return ChromaStore(embedder, path=settings.chroma_path, url=settings.chroma_url, collection=settings.collection)


def _embed_once(store: ChromaStore):
    """The query's vector, computed once for both dense searches (passages and questions)."""
    from functools import lru_cache

    @lru_cache(maxsize=64)
    def embed(query: str) -> tuple[float, ...]:
        return tuple(store.embedder.embed_query(query))
    return embed


def _tolerant(search, what: str):
    """While the store is unreachable a dense search finds nothing: the question is answered from
    the in-memory lexical index (logged once per outage; /readyz reports the store)."""
    down = False

    def run(query: str, k: int):
        nonlocal down
        try:
            hits = search(query, k)
        except StoreUnavailable as e:
            if not down:
                log.warning("dense search unavailable (%s), answering from the lexical index: %s", what, e)
            down = True
            return []
        if down:
            log.info("dense search available again (%s)", what)
            down = False
        return hits
    return run


def _passage_query(store: ChromaStore, embed):
    """The query's vector in the passages' space: mapped by the embedder's query adapter when it has
    one (knowledge.embed.QueryAdapter: fitted for the passage space, not for question-to-question)."""
    adapter = getattr(store.embedder, "adapter", None)
    return (lambda q: adapter.apply(embed(q))) if adapter is not None else (lambda q: list(embed(q)))


def dense_fn(store: ChromaStore, embed=None, *, exact: bool = True):
    """Passage search. `exact`: over a copy of the stored vectors (knowledge.vectors; the engine
    syncs it to each snapshot's passages), else a Chroma query per question."""
    query = _passage_query(store, embed or _embed_once(store))
    if exact:
        return ExactSearch(store.vectors, query)

    def dense(q: str, k: int):
        return [(h.id, h.score) for h in store.query(query(q), k)]
    return _tolerant(dense, "passages")


def question_dense_fn(store: ChromaStore, embed=None, *, exact: bool = True):
    embed = embed or _embed_once(store)
    if exact:
        return ExactSearch(store.question_vectors, lambda q: list(embed(q)))

    def dense(query: str, k: int):
        return store.query_questions(list(embed(query)), k)
    return _tolerant(dense, "questions")


def build_engine(settings: Settings, store: ChromaStore | None = None) -> Engine:
    store = store or build_store(settings)
    passages, _ = store.all()
    # the weight measured for this embedder (its query adapter's), unless the settings say otherwise
    weight = settings.dense_weight if settings.dense_weight is not None else getattr(store.embedder, "dense_weight", None)
    use_dense = weight is None or weight > 0
    embed = _embed_once(store)
    exact = settings.dense_search == "exact"
    return Engine(passages, dense=dense_fn(store, embed, exact=exact) if use_dense else None, dense_weight=weight,
                    questions=store.questions({p.id for p in passages}),
                    # the question-to-question dense signal is fitted to 0 (knowledge/ranking.json):
                    # its vectors are not loaded then
                    question_dense=question_dense_fn(store, embed, exact=exact)
                    if use_dense and Weights.load().dense_question > 0 else None,
                    reranker=reranker_for(settings, store, weight))


def reranker_for(settings: Settings, store: ChromaStore, weight: float | None) -> TreeReranker | None:
    """The learned re-ranker, only for the signal it was fitted on: this embedder's query adapter
    at the adapter's dense weight (with dense off, another model or another weight, its inputs
    would mean something else)."""
    adapter = getattr(store.embedder, "adapter", None)
    if not settings.rerank or adapter is None or weight is None or weight <= 0:
        return None
    trees = TreeReranker.load()
    if trees is None or trees.meta.get("model") != adapter.model or trees.meta.get("dense_weight") != weight:
        return None
    return trees

"""Build the engine and its store from settings: the one place that wires knowledge + ingest.

The store is passed along beside the engine (to bot.app.build_application), never attached to it."""
from __future__ import annotations

from knowledge.embed import Embedder
from knowledge.engine import Engine
from knowledge.store import ChromaStore

from .settings import Settings


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


def dense_fn(store: ChromaStore, embed=None):
    embed = embed or _embed_once(store)

    def dense(query: str, k: int):
        return [(h.id, h.score) for h in store.query(list(embed(query)), k)]
    return dense


def question_dense_fn(store: ChromaStore, embed=None):
    embed = embed or _embed_once(store)

    def dense(query: str, k: int):
        return store.query_questions(list(embed(query)), k)
    return dense


def build_engine(settings: Settings, store: ChromaStore | None = None) -> Engine:
    store = store or build_store(settings)
    passages, _ = store.all()
    weight = settings.dense_weight
    use_dense = weight is None or weight > 0
    embed = _embed_once(store)
    return Engine(passages, dense=dense_fn(store, embed) if use_dense else None, dense_weight=weight,
                    questions=store.questions({p.id for p in passages}),
                    question_dense=question_dense_fn(store, embed) if use_dense else None)

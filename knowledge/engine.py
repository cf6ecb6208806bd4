"""The knowledge engine: question in, Answer out. No Telegram, no chromadb (the dense side is a
callable, see knowledge.store for the Chroma adapter).
"""
from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass

from .cite import citation
from .compose import check_quotes, compose
from .decide import decide
from .lexical import LexicalIndex
from .model import Answer, Passage, Source
from .retrieval import Catalog, DenseFn, Question, Retriever
from .text import clean_input

MAX_QUESTION_CHARS = 4000


class QuestionError(ValueError):
    """Bad input; the message is Indonesian and shown as is."""


@dataclass
class _State:
    catalog: Catalog
    retriever: Retriever


class Engine:
    def __init__(self, passages: list[Passage], *, dense: DenseFn | None = None,
                 dense_weight: float | None = None, top_k: int = 10, questions: list[Question] | None = None,
                 question_dense: DenseFn | None = None):
        """`questions`: generated citizen questions (a hit on one is a hit on its parent passage);
        `question_dense(query, k)` -> [(question id, cosine)]. `dense_weight` None = the fitted weight."""
        self.dense = dense
        self.question_dense = question_dense
        self.dense_weight = dense_weight
        self.questions: list[Question] = list(questions or [])
        self.top_k = top_k
        self._lock = threading.Lock()
        self._write_lock = threading.RLock()  # one writer at a time (the swap itself takes _lock)
        self._state = self._build(passages)

    def _build(self, passages: list[Passage]) -> _State:
        catalog = Catalog(passages)
        lexical = LexicalIndex(passages, sections=catalog.sections())
        return _State(catalog, Retriever(catalog, lexical, self.dense, self.dense_weight, questions=self.questions,
                                         question_dense=self.question_dense))

    def reload(self, passages: list[Passage], questions: list[Question] | None = None) -> None:
        """Swap in a new passage set at once: a question sees the old set or the new, never a mix.
        `questions`: a new set of generated questions (default: keep those whose passage stays)."""
        with self._write_lock:
            if questions is not None:
                self.questions = list(questions)
            state = self._build(passages)
            with self._lock:
                self._state = state

    # -- live changes (admin re-ingestion, staff FAQ passages) -----------------------------------
    # Each builds a whole new snapshot (catalog + lexical index) off to the side and swaps one
    # reference: a question in flight keeps the snapshot it started with. Writers are serialised.

    def replace_document(self, doc_id: str, passages: list[Passage], questions: list[Question] | None = None) -> None:
        """Make `passages` the whole passage set of `doc_id` (added if new), in one swap.
        `questions`: the generated questions of these passages (questions of passages no longer
        present are dropped either way)."""
        if any(p.doc_id != doc_id for p in passages):
            raise ValueError(f"every passage must belong to {doc_id!r}")
        with self._write_lock:
            if questions is not None:
                ids = {p.id for p in passages}
                self.questions = [q for q in self.questions if q.passage_id not in ids] + list(questions)
            keep = [p for p in self._state.catalog.passages if p.doc_id != doc_id]
            state = self._build(keep + list(passages))
            with self._lock:
                self._state = state

    def remove_document(self, doc_id: str) -> int:
        """Drop every passage of `doc_id` in one swap. Returns how many were removed."""
        with self._write_lock:
            old = self._state.catalog.passages
            keep = [p for p in old if p.doc_id != doc_id]
            if len(keep) == len(old):
                return 0
            state = self._build(keep)
            with self._lock:
                self._state = state
            return len(old) - len(keep)

    def set_status(self, doc_id: str, status: str, status_by: str | None = None) -> int:
        """Correct a document's legal status (berlaku / diubah / dicabut) at once. Returns passages changed."""
        with self._write_lock:
            old = self._state.catalog.passages
            hit = [p for p in old if p.doc_id == doc_id]
            if not hit:
                return 0
            new = [dataclasses.replace(p, status=status, status_by=status_by) if p.doc_id == doc_id else p
                   for p in old]
            state = self._build(new)
            with self._lock:
                self._state = state
            return len(hit)

    def document_passages(self, doc_id: str) -> list[Passage]:
        return [p for p in self._state.catalog.passages if p.doc_id == doc_id]

    # -- queries -------------------------------------------------------------------------------
    def answer(self, question: str) -> Answer:
        t0 = time.perf_counter()
        q = clean_input(question or "")
        if not q:
            raise QuestionError("Pertanyaan kosong. Tulis pertanyaan Anda tentang hukum kepemiluan.")
        if len(q) > MAX_QUESTION_CHARS:
            raise QuestionError(
                f"Pertanyaan terlalu panjang ({len(q)} karakter; batas {MAX_QUESTION_CHARS}). "
                "Persingkat pertanyaan Anda.")
        state = self._state  # one consistent snapshot for the whole question
        retriever = state.retriever
        expanded = retriever.expand(q)  # typo fixing is the costly part: done once per question
        normalized = f"{expanded[0]} {expanded[1]}".strip()
        scored = retriever.search(q, k=self.top_k, expanded=expanded)
        sources = []
        for s in scored:
            status, by = state.catalog.status(s.passage)
            sources.append(Source(s.passage, citation(s.passage, status=status, status_by=by,
                                                      chain=state.catalog.chain(s.passage)), round(s.score, 6)))
        verdict = decide(q, expanded[0], scored, retriever.lexical)
        decision, reason, confidence = verdict.decision, verdict.reason, verdict.confidence
        ans = Answer(question=q, decision=decision, confidence=round(confidence, 3), sources=sources,
                     reason=reason)
        compose(ans, normalized)
        check_quotes(ans)
        ans.latency_ms = round((time.perf_counter() - t0) * 1000, 2)
        return ans

    def passages(self) -> list[Passage]:
        """The current passage set (a copy): add to it and `reload` to index new passages."""
        return list(self._state.catalog.passages)

    def passage(self, passage_id: str) -> Passage | None:
        return self._state.catalog.by_id.get(passage_id)

    def documents(self) -> list[dict]:
        cat = self._state.catalog
        counts: dict[str, int] = {}
        for p in cat.passages:
            counts[p.doc_id] = counts.get(p.doc_id, 0) + 1
        out = []
        for d, p in sorted(cat.docs.items(), key=lambda kv: (kv[1].doc_type, -(kv[1].year or 0), kv[0])):
            out.append({"doc_id": d, "title": p.title, "doc_type": p.doc_type, "status": p.status,
                        "status_by": p.status_by, "passages": counts[d], "url": p.url, "version": p.version,
                        "quality": p.quality})
        return out

    @property
    def size(self) -> int:
        return len(self._state.catalog.passages)

"""The knowledge engine: question in, Answer out. No Telegram, no chromadb (the dense side is a
callable, see knowledge.store for the Chroma adapter).
"""
from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass

from .cite import citation
from .compose import CourtNotice, check_quotes, compose
from .decide import decide
from .effects import COURT_KINDS, DICABUT as _REPEALED, DIHAPUS, DITOLAK, DIUBAH, Effect, chain_lines, notice
from .lexical import LexicalIndex
from .model import WARN_AMENDED, WARN_ARTICLE_REPEALED, Answer, Passage, Source
from .rerank import TreeReranker
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
                 question_dense: DenseFn | None = None, reranker: TreeReranker | None = None):
        """`questions`: generated citizen questions (a hit on one is a hit on its parent passage);
        `question_dense(query, k)` -> [(question id, cosine)]. `dense_weight` None = the fitted weight.
        `reranker`: re-orders the fused candidates (knowledge.rerank; fitted for one dense signal)."""
        self.dense = dense
        self.question_dense = question_dense
        self.dense_weight = dense_weight
        self.reranker = reranker
        self.questions: list[Question] = list(questions or [])
        self.top_k = top_k
        self._lock = threading.Lock()
        self._write_lock = threading.RLock()  # one writer at a time (the swap itself takes _lock)
        self._effects: list[Effect] = []  # admin-recorded article effects (issue 11), part of every snapshot
        self._state = self._build(passages)

    def _build(self, passages: list[Passage]) -> _State:
        # a dense search that keeps its own copy of the vectors (knowledge.vectors) learns the ids
        # this snapshot serves before it is swapped in
        for search, ids in ((self.dense, [p.id for p in passages]), (self.question_dense, [q.id for q in self.questions])):
            if hasattr(search, "sync"):
                search.sync(ids)
        catalog = Catalog(passages, self._effects)
        lexical = LexicalIndex(passages, sections=catalog.sections())
        retriever = Retriever(catalog, lexical, self.dense, self.dense_weight, questions=self.questions,
                              question_dense=self.question_dense)
        retriever.reranker = self.reranker
        return _State(catalog, retriever)

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

    # -- article-level legal effects (issue 11, knowledge/effects.py) ----------------------------
    def set_article_effects(self, effects: list[Effect]) -> None:
        """Replace the admin-recorded article effects (/status … pasal N … dimaknai oleh …) in one swap."""
        with self._write_lock:
            self._effects = list(effects)
            state = self._build(self._state.catalog.passages)
            with self._lock:
                self._state = state

    def admin_effects(self) -> list[Effect]:
        return list(self._effects)

    def article_effects(self, passage_id: str) -> list[Effect]:
        cat = self._state.catalog
        p = cat.by_id.get(passage_id)
        return cat.article_effects(p) if p is not None else []

    def article_chain(self, passage_id: str) -> list[str]:
        """The article's full chain in Indonesian, oldest first, for the «Pasal lengkap» view."""
        cat = self._state.catalog
        p = cat.by_id.get(passage_id)
        if p is None:
            return []
        # amendments read from the texts are the version lines; an admin's record is listed as such
        effects = [e for e in cat.article_effects(p) if e.kind not in (DIUBAH, DIHAPUS) or e.origin == "admin"]
        return chain_lines(p, versions=cat.chain(p), effects=effects, index=cat.effects)

    def pending_effects(self) -> list[Effect]:
        """Effects whose target document is not indexed yet (applied when it arrives)."""
        return self._state.catalog.effects.pending()

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
        court: dict[str, list[CourtNotice]] = {}
        for s in scored:
            status, by = state.catalog.status(s.passage)
            effects = state.catalog.article_effects(s.passage)
            sources.append(Source(s.passage, citation(s.passage, status=status, status_by=by,
                                                      chain=state.catalog.chain(s.passage), effects=tuple(effects),
                                                      effect_notes=_effect_notes(effects, state.catalog)),
                                  round(s.score, 6), s.parts))
            notices = _court_notices(effects, state.catalog)
            if notices:
                court[s.passage.id] = notices
        verdict = decide(q, expanded[0], scored, retriever.lexical)
        decision, reason, confidence = verdict.decision, verdict.reason, verdict.confidence
        ans = Answer(question=q, decision=decision, confidence=round(confidence, 3), sources=sources,
                     reason=reason)
        compose(ans, normalized, court=court)
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
            status, by = p.status, p.status_by
            if cat.effects.repeals(d):  # a later regulation in the index repeals it (issue 11)
                status, repealers = cat.status(p)
                by = ",".join(repealers)
            out.append({"doc_id": d, "title": p.title, "doc_type": p.doc_type, "status": status,
                        "status_by": by, "passages": counts[d], "url": p.url, "version": p.version,
                        "quality": p.quality, "date": p.date, "year": p.year,
                        # what this ruling / regulation does to other articles (issue 11)
                        "effects": [e.as_json(target=True) for e in cat.effects.stated_by(d)]})
        return out

    @property
    def uses_dense(self) -> bool:
        """Whether answering a question runs a dense search (and so needs the embedding model)."""
        r = self._state.retriever
        return (r.dense is not None and r.weights.dense > 0) or (
            r.question_dense is not None and r.weights.dense_question > 0)

    @property
    def size(self) -> int:
        return len(self._state.catalog.passages)


# -- court effects in answers (issue 11) ----------------------------------------------------------
_SHORT = {"dimaknai": "dimaknai lain oleh", "dibatalkan": "dinyatakan tidak mempunyai kekuatan hukum mengikat oleh",
          "ditolak": "diuji, permohonan ditolak (tetap berlaku) oleh", "dicabut": "dicabut oleh",
          "diubah": "diubah oleh", "dihapus": "dihapus oleh"}


def _shown(e: Effect) -> bool:
    """Court effects, a repeal of one article (a whole document's repeal is its status), and an
    admin's record of an amendment whose text is not in the index (the version chain says the rest)."""
    if e.kind in COURT_KINDS:
        return True
    if e.kind == _REPEALED:
        return bool(e.target.pasal)
    return e.kind in (DIUBAH, DIHAPUS) and e.origin == "admin"


def _effect_notes(effects: list[Effect], catalog: Catalog) -> list[str]:
    out = []
    for e in effects:
        if _shown(e):
            loc = e.target.location()
            out.append(f"{loc + ' ' if loc else ''}{_SHORT[e.kind]} {catalog.effects.name(e.by)}")
    return out


def _court_notices(effects: list[Effect], catalog: Catalog) -> list[CourtNotice]:
    out = []
    for e in effects:
        if not _shown(e):
            continue
        ruling = catalog.by_id.get(e.passage_id) if e.passage_id else None
        src = None
        if ruling is not None:
            status, by = catalog.status(ruling)
            src = Source(ruling, citation(ruling, status=status, status_by=by), 0.0)
        kind = e.kind if e.kind in COURT_KINDS else WARN_AMENDED if e.kind == DIUBAH else WARN_ARTICLE_REPEALED
        out.append(CourtNotice(kind, notice(e, catalog.effects), src, whole=e.kind != DITOLAK, huruf=e.target.huruf))
    return out

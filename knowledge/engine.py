"""The knowledge engine: question in, Answer out. No Telegram, no chromadb (the dense side is a
callable, see knowledge.store for the Chroma adapter).
"""
from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass

from .cite import citation
from .compose import best_span, check_quotes, compose
from .effects import COURT_KINDS, DICABUT as _REPEALED, DITOLAK, Effect, chain_lines, notice
from .decide import asks_current_fact, classify, in_domain, retrieval_confidence
from .lexical import LexicalIndex
from .model import BERITA, Answer, Decision, Passage, Source
from .retrieval import DEFAULT_DENSE_WEIGHT, Catalog, DenseFn, Retriever
from .text import clean_input, tokens

MAX_QUESTION_CHARS = 4000
MIN_CONFIDENCE = 0.15  # below this, abstain rather than quote something weakly related


class QuestionError(ValueError):
    """Bad input; the message is Indonesian and shown as is."""


@dataclass
class _State:
    catalog: Catalog
    retriever: Retriever


class Engine:
    def __init__(self, passages: list[Passage], *, dense: DenseFn | None = None,
                 dense_weight: float | None = None, top_k: int = 10):
        self.dense = dense
        self.dense_weight = DEFAULT_DENSE_WEIGHT if dense_weight is None else dense_weight
        self.top_k = top_k
        self._lock = threading.Lock()
        self._write_lock = threading.RLock()  # one writer at a time (the swap itself takes _lock)
        self._effects: list[Effect] = []  # admin-recorded article effects (issue 11), part of every snapshot
        self._state = self._build(passages)

    def _build(self, passages: list[Passage]) -> _State:
        catalog = Catalog(passages, self._effects)
        lexical = LexicalIndex(passages, sections=catalog.sections())
        return _State(catalog, Retriever(catalog, lexical, self.dense, self.dense_weight))

    def reload(self, passages: list[Passage]) -> None:
        """Swap in a new passage set at once: a question sees the old set or the new, never a mix."""
        with self._write_lock:
            state = self._build(passages)
            with self._lock:
                self._state = state

    # -- live changes (admin re-ingestion, staff FAQ passages) -----------------------------------
    # Each builds a whole new snapshot (catalog + lexical index) off to the side and swaps one
    # reference: a question in flight keeps the snapshot it started with. Writers are serialised.

    def replace_document(self, doc_id: str, passages: list[Passage]) -> None:
        """Make `passages` the whole passage set of `doc_id` (added if new), in one swap."""
        if any(p.doc_id != doc_id for p in passages):
            raise ValueError(f"every passage must belong to {doc_id!r}")
        with self._write_lock:
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

    def set_article_effects(self, effects: list[Effect]) -> None:
        """Replace the admin-recorded article effects (/status … dimaknai oleh …) in one swap."""
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
        """The article's full chain in Indonesian, for the «Pasal lengkap» view."""
        cat = self._state.catalog
        p = cat.by_id.get(passage_id)
        if p is None:
            return []
        effects = [e for e in cat.article_effects(p) if e.kind not in ("diubah", "dihapus")]
        return chain_lines(p, versions=cat.chain(p), effects=effects, index=cat.effects)

    def pending_effects(self) -> list[Effect]:
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
        verdict = classify(q)
        retriever = state.retriever
        expanded = retriever.expand(q)  # typo fixing is the costly part: done once per question
        normalized = f"{expanded[0]} {expanded[1]}".strip()
        scored = retriever.search(q, k=self.top_k, expanded=expanded)
        sources = []
        for s in scored:
            status, by = state.catalog.status(s.passage)
            effects = state.catalog.article_effects(s.passage)
            sources.append(Source(s.passage, citation(s.passage, status=status, status_by=by,
                                                      chain=state.catalog.chain(s.passage), effects=tuple(effects),
                                                      effect_notes=_effect_notes(effects, state.catalog)),
                                  round(s.score, 6)))
        direct = bool(scored and scored[0].direct)
        n_terms = len(set(tokens(normalized)))
        top_lex = max((s.lexical for s in scored[:3]), default=0.0)
        conf = retrieval_confidence(top_lex, n_terms, direct)

        if verdict is not None:
            decision, reason, confidence = verdict.decision, verdict.reason, verdict.confidence
        elif not scored:
            decision, reason, confidence = Decision.ABSTAIN, "no_match", 0.9
        elif asks_current_fact(q) and not direct and scored[0].passage.doc_type != BERITA:
            decision, reason, confidence = Decision.ABSTAIN, "current_fact", 0.8
        elif not in_domain(normalized) and not direct and conf < 0.5:
            decision, reason, confidence = Decision.ABSTAIN, "out_of_scope", 0.8
        elif conf < MIN_CONFIDENCE:
            decision, reason, confidence = Decision.ABSTAIN, "no_match", 1.0 - conf
        else:
            decision, reason, confidence = Decision.ANSWER, "retrieved", conf
        ans = Answer(question=q, decision=decision, text="", confidence=round(confidence, 3), sources=sources,
                     reason=reason)
        compose(ans, normalized, court=_court_notices(state.catalog, sources[:2], normalized))
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
            status, by = cat.status(p) if cat.effects.repeals(d) else (p.status, p.status_by)
            by = ",".join(by) if isinstance(by, list) else by
            out.append({"doc_id": d, "title": p.title, "doc_type": p.doc_type, "status": status,
                        "status_by": by, "passages": counts[d], "url": p.url, "version": p.version,
                        "quality": p.quality, "date": p.date, "year": p.year,
                        "effects": [e.as_json(target=True) for e in cat.effects.stated_by(d)]})
        return out

    @property
    def size(self) -> int:
        return len(self._state.catalog.passages)


# -- court effects in answers (issue 11) ----------------------------------------------------------
_SHORT = {"dimaknai": "dimaknai lain oleh", "dibatalkan": "dinyatakan tidak mempunyai kekuatan hukum mengikat oleh",
          "ditolak": "diuji, permohonan ditolak (tetap berlaku) oleh", "dicabut": "dicabut oleh"}
FULL_AMAR_MAX = 3600  # an amar item up to this length is quoted whole


def _effect_notes(effects: list[Effect], catalog: Catalog) -> list[str]:
    out = []
    for e in effects:
        if e.kind in _SHORT and (e.kind != _REPEALED or e.target.pasal):
            loc = e.target.location()
            out.append(f"{loc + ' ' if loc else ''}{_SHORT[e.kind]} {catalog.effects.name(e.by)}")
    return out


def _court_notices(catalog: Catalog, sources: list[Source], query: str) -> dict:
    """passage id -> [(notice sentence, Source of the ruling passage or None, verbatim span or None)]."""
    out: dict[str, list] = {}
    for src in sources:
        for e in src.citation.effects:
            if e.kind not in COURT_KINDS and not (e.kind == _REPEALED and e.target.pasal):
                continue
            ruling = catalog.by_id.get(e.passage_id) if e.passage_id else None
            span = None
            if ruling is not None:
                whole = e.kind != DITOLAK and len(ruling.text) <= FULL_AMAR_MAX
                span = ruling.text if whole else best_span(ruling.text, query, limit=700)
                status, by = catalog.status(ruling)
                ruling = Source(ruling, citation(ruling, status=status, status_by=by), 0.0)
            out.setdefault(src.passage.id, []).append((notice(e, catalog.effects), ruling, span))
    return out

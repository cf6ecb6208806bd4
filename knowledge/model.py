"""The data model shared by every package: Passage, Citation, Source, Answer and its blocks.

Plain dataclasses, no I/O. `knowledge/` imports nothing of ours; `ingest/` and
`bot/` build and consume these.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import Enum

# Legal status of a document (and so of each of its passages).
BERLAKU = "berlaku"
DIUBAH = "diubah"
DICABUT = "dicabut"
STATUSES = (BERLAKU, DIUBAH, DICABUT)

# Document types.
UUD = "UUD"
UU = "UU"
PERPPU = "Perppu"
PKPU = "PKPU"
PERBAWASLU = "Perbawaslu"
BERITA = "berita"
JAWABAN_PETUGAS = "jawaban petugas"
PUTUSAN_MK = "putusan_mk"  # a Constitutional Court ruling (issue 11)
DOC_TYPES = (UUD, UU, PERPPU, PKPU, PERBAWASLU, PUTUSAN_MK, BERITA, JAWABAN_PETUGAS, "lainnya")

# Passage kinds.
KIND_PASAL = "pasal"
KIND_PENJELASAN = "penjelasan"
KIND_NEWS = "berita"
KIND_FAQ = "faq"
KIND_TEXT = "teks"
KIND_AMAR = "amar"  # one item of a ruling's amar (dictum), verbatim
KIND_PERTIMBANGAN = "pertimbangan"  # the Court's own reasoning summary / conclusions


LISTED_SOURCES = 5  # sources listed under an answer


class Decision(str, Enum):
    ANSWER = "answer"
    ABSTAIN = "abstain"
    ESCALATE = "escalate"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Passage:
    """One retrievable unit: a Pasal (or a group of its ayat), a Penjelasan, a news paragraph group.

    `text` is stored verbatim: every quote shown to a citizen is a substring of it.
    """

    id: str  # "uu-10-2016@v1#pasal-7/ayat-2"; derived from doc id, version and path
    doc_id: str
    text: str
    title: str  # full document title, e.g. "Undang-Undang Nomor 10 Tahun 2016 tentang ..."
    doc_type: str = UU
    number: str | None = None
    year: int | None = None
    kind: str = KIND_PASAL
    pasal: str | None = None  # "7", "7A", "187A"
    ayat: str | None = None  # "1", or "1-3" for a group of ayat
    point: str | None = None  # "angka 1-12" / "huruf a-k" when a long ayat or list is split
    section: str = ""  # "BAB III Persyaratan Calon > Bagian Kesatu Umum"
    status: str = BERLAKU
    status_by: str | None = None  # doc id(s) of the amending / repealing law, comma separated
    amends: str | None = None  # for text in an amendment law: the base doc id it replaces in
    amend_action: str | None = None  # "diubah" | "disisipkan" | "dihapus"
    url: str | None = None
    source: str = ""  # file path or URL it came from
    quality: str = "clean"  # "clean" | "ocr" (noisy OCR: answers warn)
    date: str | None = None  # ISO date, for news and staff answers
    place: str | None = None
    version: int = 1
    hash: str = ""
    # Legal effect this passage states on another document (issue 11; see knowledge/effects.py):
    # an amar item, a repeal clause. `target` is "<doc id>" or "<doc id>:pasal-N[/ayat-M][/huruf-x]"
    # (a repeal clause may name several, comma separated).
    effect: str | None = None  # "dimaknai" | "dibatalkan" | "ditolak" | "dicabut"
    target: str | None = None
    item: str | None = None  # amar item ("2", "provisi", "pokok")

    def to_metadata(self) -> dict:
        """Flat metadata (Chroma accepts only str/int/float/bool, no None)."""
        out = {}
        for k, v in asdict(self).items():
            if k in ("text", "id"):
                continue
            if v is None:
                continue
            out[k] = v
        return out

    @classmethod
    def from_metadata(cls, pid: str, text: str, meta: dict) -> "Passage":
        known = {f for f in cls.__dataclass_fields__}
        kw = {k: v for k, v in meta.items() if k in known}
        return cls(id=pid, text=text, **kw)


@dataclass(frozen=True)
class Citation:
    label: str  # "UU No. 10 Tahun 2016, Pasal 7 ayat (2)"; made by knowledge.cite.label only
    doc_id: str
    passage_id: str
    pasal: str | None = None
    ayat: str | None = None
    point: str | None = None  # "huruf c", "angka 5", "huruf a-k"
    status: str = BERLAKU
    url: str | None = None
    note: str | None = None  # everything said about it in one line: status, amendment chain, OCR
    status_by: tuple[str, ...] = ()  # doc ids of the amending / repealing laws
    history: str | None = None  # what it amends and its amendment chain (no warning in it)
    effects: tuple = ()  # article-level legal effects (knowledge.effects.Effect), oldest first


# Answer blocks ---------------------------------------------------------------------------------
# The engine hands `bot/` an Answer made of these blocks; the renderers (Telegram HTML, plain
# text) lay them out and never look inside their text.

@dataclass(frozen=True)
class Quote:
    """A verbatim span of a passage and the exact citation of that span (e.g. down to its huruf)."""

    passage_id: str
    text: str  # a verbatim substring of the passage's text: the ayat / huruf that answers
    citation: Citation
    lead: str = ""  # verbatim opening words of the ayat when `text` is one of its later items


# Warning kinds. The court kinds (a ruling changed the article, issue 11) carry the ruling's own
# words in `quote`.
WARN_REPEALED = "dicabut"
WARN_AMENDED = "diubah"
WARN_OCR = "ocr"
WARN_COURT_MEANING = "dimaknai"  # conditionally unconstitutional: read only with the Court's meaning
WARN_COURT_VOID = "dibatalkan"  # unconstitutional, "tidak mempunyai kekuatan hukum mengikat"
WARN_COURT_UPHELD = "ditolak"  # reviewed, petition rejected: the text stands as the Court reads it
WARN_ARTICLE_REPEALED = "pasal_dicabut"  # an article (or its regulation) repealed by a later text
COURT_WARNINGS = (WARN_COURT_MEANING, WARN_COURT_VOID, WARN_COURT_UPHELD)


@dataclass(frozen=True)
class AnswerWarning:
    """Something the citizen must not miss before trusting a quote."""

    kind: str  # WARN_REPEALED | WARN_AMENDED | WARN_OCR | ...
    text: str  # Indonesian, one or two sentences
    citation: Citation | None = None  # the citation it is about
    quote: Quote | None = None  # verbatim words that back it (a ruling's amar, say)


@dataclass(frozen=True)
class Note:
    """A remark about the answer as a whole, e.g. which of two laws quoted is in force."""

    text: str
    kind: str = ""  # "in_force" (two laws compared), ...


@dataclass(frozen=True)
class Source:
    passage: Passage
    citation: Citation
    score: float
    # A source made of neighbouring pieces of one article (knowledge/pieces.py), in order. Empty
    # for a source that is one stored passage.
    parts: tuple["Part", ...] = ()

    def part_at(self, offset: int) -> tuple["Part", int]:
        """The stored piece holding passage.text[offset], and where its text ends."""
        p = self.passage
        if not self.parts:
            return Part(p.id, 0, p.ayat, p.point), len(p.text)
        ends = [x.start - 1 for x in self.parts[1:]] + [len(p.text)]
        for part, end in zip(self.parts, ends):
            if offset < end:
                return part, end
        return self.parts[-1], len(p.text)


@dataclass(frozen=True)
class Part:
    """One stored piece of a joined source: its passage id, where its text starts in the joined
    text, and its own ayat / point."""

    id: str
    start: int
    ayat: str | None = None
    point: str | None = None


@dataclass
class Answer:
    """What the engine answers, as blocks: message, quotes, warnings, notes, sources, disclaimer.

    `message` is the lead-in of an answer ("Menurut sumber ..."), or the whole reply when the
    engine abstains or escalates. Sources are what retrieval found, best first; only an answer
    lists them. The bot renders the blocks (Telegram HTML, plain text); nothing parses them back.
    """

    question: str
    decision: Decision
    confidence: float
    sources: list[Source] = field(default_factory=list)  # best first
    quotes: list[Quote] = field(default_factory=list)
    reason: str = ""  # machine-readable why: "violation_report", "political_opinion", ...
    message: str = ""
    warnings: list[AnswerWarning] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    disclaimer: str = ""
    latency_ms: float = 0.0

    @property
    def citations(self) -> list[Citation]:
        return [s.citation for s in self.sources]

    def listed_sources(self) -> list[Source]:
        """The sources a reply lists: an answer's first five. An abstention or escalation lists
        none: what retrieval looked at would suggest an answer."""
        return self.sources[:LISTED_SOURCES] if self.decision == Decision.ANSWER else []

    def to_dict(self) -> dict:
        """JSON-ready: the fields `ask --jsonl` has always written, plus the blocks."""
        return {
            "question": self.question,
            "decision": self.decision.value,
            "confidence": self.confidence,
            "latency_ms": self.latency_ms,
            "reason": self.reason,
            "message": self.message,
            "sources": [_source_dict(s) for s in self.sources],
            "quotes": [_quote_dict(q) for q in self.quotes],
            "warnings": [{"kind": w.kind, "text": w.text,
                          "citation": w.citation.label if w.citation else None,
                          "quote": _quote_dict(w.quote) if w.quote else None} for w in self.warnings],
            "notes": [{"kind": n.kind, "text": n.text} for n in self.notes],
            "disclaimer": self.disclaimer,
        }


def _source_dict(s: Source) -> dict:
    return {"citation": s.citation.label, "doc_id": s.passage.doc_id, "title": s.passage.title,
            "pasal": s.passage.pasal, "ayat": s.passage.ayat, "status": s.citation.status, "url": s.passage.url,
            "note": s.citation.note, "passage_id": s.passage.id, "text": s.passage.text, "score": s.score,
            # issue 11: the article's own legal effects (amended, given a new meaning, void, ...);
            # the document-level `status` above stays for compatibility
            "effects": [e.as_json() for e in s.citation.effects]}


def _quote_dict(q: Quote) -> dict:
    return {"passage_id": q.passage_id, "text": q.text, "lead": q.lead, "citation": q.citation.label,
            "pasal": q.citation.pasal, "ayat": q.citation.ayat, "point": q.citation.point,
            "status": q.citation.status, "url": q.citation.url}

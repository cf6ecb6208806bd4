"""The data model shared by every package: Passage, Citation, Source, Answer.

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
    # an amar item, a repeal clause. `target` is "<doc id>" or "<doc id>:pasal-N[/ayat-M][/huruf-x]".
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
    label: str  # "UU No. 10 Tahun 2016, Pasal 7 ayat (2)"
    doc_id: str
    passage_id: str
    pasal: str | None = None
    ayat: str | None = None
    point: str | None = None
    status: str = BERLAKU
    url: str | None = None
    note: str | None = None  # "sudah dicabut oleh UU No. 7 Tahun 2017", amendment chain, OCR warning
    effects: tuple = ()  # article-level legal effects (knowledge.effects.Effect), oldest first


@dataclass(frozen=True)
class Quote:
    passage_id: str
    text: str  # a verbatim substring of the passage's text


@dataclass(frozen=True)
class Source:
    passage: Passage
    citation: Citation
    score: float


@dataclass
class Answer:
    question: str
    decision: Decision
    text: str  # what the citizen reads, Indonesian, plain text (the bot renders HTML)
    confidence: float
    sources: list[Source] = field(default_factory=list)  # best first
    quotes: list[Quote] = field(default_factory=list)
    reason: str = ""  # machine-readable why: "violation_report", "political_opinion", ...
    notes: list[str] = field(default_factory=list)  # warnings shown to the citizen
    latency_ms: float = 0.0

    @property
    def citations(self) -> list[Citation]:
        return [s.citation for s in self.sources]

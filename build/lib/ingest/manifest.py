"""The corpus manifest: facts about a document that its text cannot give.

Document ids, types, legal status, which law amends or repeals which, links. The bundled
default corpus ships `ingest/corpus/manifest.json`; documents ingested later without an entry
get one inferred from their title (`infer`).
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from knowledge.model import BERITA, BERLAKU, PERPPU, PKPU, PERBAWASLU, UU, UUD

CORPUS_DIR = Path(__file__).parent / "corpus"
MANIFEST = CORPUS_DIR / "manifest.json"


@dataclass
class DocumentInfo:
    doc_id: str
    title: str
    doc_type: str = UU
    number: str | None = None
    year: int | None = None
    status: str = BERLAKU
    status_by: str | None = None  # comma-separated doc ids
    amends: str | None = None  # base doc id, for amendment laws
    url: str | None = None
    quality: str = "clean"
    file: str | None = None  # path relative to the corpus folder (bundled corpus)
    note: str | None = None
    date: str | None = None
    place: str | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


def load_manifest(path: Path = MANIFEST) -> list[DocumentInfo]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    known = set(DocumentInfo.__dataclass_fields__)
    return [DocumentInfo(**{k: v for k, v in d.items() if k in known}) for d in data["documents"]]


def slug(text: str, limit: int = 60) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:limit].rstrip("-")


_TYPE_WORDS = (
    ("UNDANG-UNDANG DASAR", UUD, "uud"),
    ("PERATURAN PEMERINTAH PENGGANTI UNDANG-UNDANG", PERPPU, "perppu"),
    ("PERATURAN KOMISI PEMILIHAN UMUM", PKPU, "pkpu"),
    ("PERATURAN BADAN PENGAWAS PEMILIHAN UMUM", PERBAWASLU, "perbawaslu"),
    ("UNDANG-UNDANG", UU, "uu"),
)
_AMEND_RE = re.compile(r"PERUBAHAN(?:\s+\w+)?\s+ATAS\s+(UNDANG-UNDANG|PERATURAN[\w\s]*?)\s+NOMOR\s+(\d+)\s+TAHUN\s+(\d{4})", re.I)


def infer(kind: str | None, number: str | None, year: int | None, about: str | None, *, fallback_id: str) -> DocumentInfo:
    """Build an entry for a regulation from its parsed title."""
    if not kind:
        return DocumentInfo(doc_id=fallback_id, title=fallback_id, doc_type="lainnya")
    doc_type, prefix = UU, "uu"
    for words, t, p in _TYPE_WORDS:
        if kind.upper().startswith(words):
            doc_type, prefix = t, p
            break
    title = f"{_TITLE_CASE.get(doc_type, doc_type)} Nomor {number} Tahun {year} tentang {about.title() if about else ''}".strip()
    amends = None
    if about:
        m = _AMEND_RE.search(about)
        if m:
            base_prefix = "uu" if m.group(1).upper().startswith("UNDANG") else prefix
            amends = f"{base_prefix}-{m.group(2)}-{m.group(3)}"
    return DocumentInfo(doc_id=f"{prefix}-{number}-{year}", title=title, doc_type=doc_type, number=number, year=year, amends=amends)


_TITLE_CASE = {UU: "Undang-Undang", UUD: "Undang-Undang Dasar", PERPPU: "Peraturan Pemerintah Pengganti Undang-Undang",
               PKPU: "Peraturan Komisi Pemilihan Umum", PERBAWASLU: "Peraturan Badan Pengawas Pemilihan Umum"}


def news_info(title: str, *, date: str | None, place: str | None, url: str | None, source: str, publisher: str = "bawaslu") -> DocumentInfo:
    stem = slug(Path(source).stem if not url else title, 50)
    doc_id = stem if stem.startswith("berita-") or stem.startswith("bawaslu") else f"berita-{stem}"
    if doc_id.startswith("bawaslu"):
        doc_id = f"berita-{doc_id}"
    return DocumentInfo(doc_id=doc_id, title=title, doc_type=BERITA, year=int(date[:4]) if date else None,
                        url=url, date=date, place=place)

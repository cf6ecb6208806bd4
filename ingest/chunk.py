"""Chunk parsed documents into Passages that follow the legal structure.

- A Pasal is one passage; only a long one is split, by ayat, and a single over-long ayat (or a
  long definition list) by its huruf / angka lines. Every piece carries its citation.
- A Penjelasan is its own passage, linked to its Pasal. "Cukup jelas." is not worth indexing.
- News is chunked by paragraphs.
Every passage text is a verbatim segment of the loaded document.
"""
from __future__ import annotations

import re

from knowledge.model import (
    KIND_NEWS,
    KIND_PASAL,
    KIND_PENJELASAN,
    KIND_TEXT,
    Passage,
    content_hash,
)

from .manifest import DocumentInfo
from .document import Article, Line, ParsedDocument
from .grammar import ANGKA_START, CUKUP_JELAS, DEFINITION_ITEM, HURUF_START

MAX_CHARS = 3000  # well under the 4,000 characters a reader (and the scorer) looks at
NEWS_MAX_CHARS = 1500
# A definitions article ("Dalam Undang-Undang ini yang dimaksud dengan: 1. ... adalah ...") is a
# list of unrelated terms; citizens ask about one term at a time, so it is cut finer.
DEFINITIONS_MAX_CHARS = 1000


def _is_definitions(a: Article) -> bool:
    return a.kind == "pasal" and len(DEFINITION_ITEM.findall(a.text)) >= 5


def _pack(units: list[tuple], limit: int, size=len) -> list[list[tuple]]:
    """Greedily group consecutive (key, item) units so that each group stays under limit."""
    groups: list[list[tuple]] = []
    total = 0
    for key, item in units:
        n = size(item)
        if groups and total + n + 1 <= limit:
            groups[-1].append((key, item))
            total += n + 1
        else:
            groups.append([(key, item)])
            total = n
    return groups


def _range(keys: list[str | None]) -> str | None:
    ks = [k for k in keys if k]
    if not ks:
        return None
    return ks[0] if ks[0] == ks[-1] else f"{ks[0]}-{ks[-1]}"


def _split_lines(doc: str, lines: list[Line], limit: int) -> list[tuple[str | None, str]]:
    """Split an over-long ayat / list into verbatim groups of its lines, labelled 'huruf a-f' or 'angka 1-9'."""
    units: list[tuple[str | None, Line]] = []
    for ln in lines:
        m = HURUF_START.match(ln.text) or ANGKA_START.match(ln.text)
        label = (("huruf " if HURUF_START.match(ln.text) else "angka ") + m.group(1)) if m else None
        if len(ln.text) > limit:  # a single huge line (a glued OCR paragraph): cut at sentence ends
            for off, piece in _sentence_spans(ln.text, limit):
                units.append((label, Line(piece, ln.start + off)))
                label = None
        else:
            units.append((label, ln))
    out = []
    for g in _pack([(k, ln) for k, ln in units], limit, size=lambda ln: len(ln.text)):
        labels = [k for k, _ in g if k]
        point = None
        if labels:
            kind = labels[0].split()[0]
            same = [x.split()[1] for x in labels if x.startswith(kind)]
            point = f"{kind} {same[0]}" if len(same) == 1 else f"{kind} {same[0]}-{same[-1]}"
        out.append((point, doc[g[0][1].start : g[-1][1].end]))
    return out


def _sentence_spans(text: str, limit: int) -> list[tuple[int, str]]:
    """Cut text at sentence ends into (offset, verbatim segment) of at most ~limit characters."""
    cuts = [m.end() for m in re.finditer(r"(?<=[.;:])\s+(?=\S)", text)] + [len(text)]
    out, start, prev = [], 0, 0
    for c in cuts:
        if c - start > limit and prev > start:
            out.append((start, text[start:prev].rstrip()))
            start = prev
        prev = c
    out.append((start, text[start:].rstrip()))
    return [(o, t) for o, t in out if t.strip()]


def _sentences(text: str, limit: int) -> list[str]:
    return [t for _, t in _sentence_spans(text, limit)]


def _article_pieces(a: Article, limit: int) -> list[tuple[str | None, str | None, str]]:
    """[(ayat range, point, verbatim text)] for one article."""
    text = a.text
    if len(text) <= limit:
        return [(None, None, text)]
    ayat = a.ayat()
    if len(ayat) > 1:
        pieces: list[tuple[str | None, str | None, str]] = []
        for group in _pack(ayat, limit, size=lambda ls: ls[-1].end - ls[0].start):
            lines = [ln for _, ls in group for ln in ls]
            joined = a.doc[lines[0].start : lines[-1].end]
            rng = _range([k for k, _ in group])
            if len(joined) <= limit:
                pieces.append((rng, None, joined))
            else:  # one ayat alone is too long
                for point, sub in _split_lines(a.doc, lines, limit):
                    pieces.append((rng, point, sub))
        return pieces
    return [(None, point, sub) for point, sub in _split_lines(a.doc, a.lines, limit)]


def chunk_statute(info: DocumentInfo, parsed: ParsedDocument, *, version: int = 1, source: str = "") -> list[Passage]:
    base = dict(
        doc_id=info.doc_id, title=info.title, doc_type=info.doc_type, number=info.number, year=info.year,
        status=info.status, status_by=info.status_by, url=info.url, source=source or (info.file or ""),
        quality=info.quality, version=version, date=info.date,  # date: of enactment, when the manifest has it
    )
    out: list[Passage] = []
    seen: set[str] = set()
    umum_n = 0
    for a in parsed.articles:
        if a.kind == "penjelasan" and CUKUP_JELAS.fullmatch(a.text.strip()):
            continue
        prefix = "" if a.part == parsed.main_part else "penetapan/"
        if a.kind == "penjelasan-umum":
            for piece in _sentences(a.text, MAX_CHARS) if len(a.text) > MAX_CHARS else [a.text]:
                umum_n += 1
                out.append(_mk(base, f"{prefix}penjelasan-umum/{umum_n}", piece, kind=KIND_PENJELASAN, section="Penjelasan Umum"))
            continue
        kind = KIND_PASAL if a.kind == "pasal" else KIND_PENJELASAN
        head = f"{prefix}{'penjelasan/' if kind == KIND_PENJELASAN else ''}pasal-{a.pasal}"
        pieces = _article_pieces(a, DEFINITIONS_MAX_CHARS if _is_definitions(a) else MAX_CHARS)
        for i, (ayat, point, text) in enumerate(pieces, 1):
            path = head
            if len(pieces) > 1:
                path += f"/ayat-{ayat}" if ayat and not point else f"/bagian-{i}"
            while path in seen:  # never two passages with one id
                path += "+"
            seen.add(path)
            out.append(_mk(
                base, path, text, kind=kind, pasal=a.pasal, ayat=ayat, point=point,
                section=("Penjelasan" if kind == KIND_PENJELASAN else a.section),
                amends=a.amends, amend_action=a.amend_action,
            ))
    return out


def chunk_text(info: DocumentInfo, paragraphs: list[str], *, version: int = 1, source: str = "", kind: str = KIND_NEWS) -> list[Passage]:
    base = dict(
        doc_id=info.doc_id, title=info.title, doc_type=info.doc_type, number=info.number, year=info.year,
        status=info.status, url=info.url, source=source or (info.file or ""), quality=info.quality,
        version=version, date=info.date, place=info.place,
    )
    units = [(None, p.strip()) for p in paragraphs if p.strip()]
    out = []
    for i, g in enumerate(_pack(units, NEWS_MAX_CHARS), 1):
        out.append(_mk(base, f"{'berita' if kind == KIND_NEWS else 'teks'}/{i}", "\n\n".join(t for _, t in g), kind=kind))
    return out


def _mk(base: dict, path: str, text: str, **kw) -> Passage:
    kw.setdefault("kind", KIND_TEXT)
    return Passage(id=f"{base['doc_id']}@v{base['version']}#{path}", text=text, hash=content_hash(text), **base, **kw)

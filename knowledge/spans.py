"""Which part of a passage to quote: the ayat or huruf / angka that answers, verbatim.

A passage holds a whole Pasal (or a group of its ayat). Its structure is read from the line
markers the law itself uses: "(2)" opens an ayat, "c." a huruf, "5." an angka; an explanation
(Penjelasan) uses "Ayat (2)" and "Huruf c" inline. Markers are trusted only when they count up
(a, b, c… / 1, 2, 3…), so a garbled OCR page never yields a wrong citation: it is quoted by
lines instead, under the passage's own citation.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .model import KIND_PENJELASAN, Passage
from .text import tokens

QUOTE_MAX = 900  # characters of one quote
WHOLE_MAX = 600  # a passage up to this long is quoted whole

_PASAL_AYAT = re.compile(r"(?m)^\((\d+[a-z]?)\)\s")
_PASAL_ITEM = re.compile(r"(?m)^(?:([a-z])|(\d+))\.\s")
_PENJ_AYAT = re.compile(r"(?:^|(?<=\s))Ayat \((\d+[a-z]?)\)\s")
_PENJ_ITEM = re.compile(r"(?:^|(?<=\s))(?:Huruf ([a-z])|Angka (\d+))\s")


@dataclass(frozen=True)
class Span:
    """A verbatim slice text[start:end] of a passage, and where it sits in the article."""

    start: int
    end: int
    ayat: str | None = None  # the ayat it lies in, when narrower than the passage
    point: str | None = None  # "huruf c" / "angka 5" / "huruf a-c"
    lead: tuple[int, int] | None = None  # the ayat's opening words, when `start` is past them
    narrowed: bool = False  # False: quote under the passage's own citation


@dataclass
class _Item:
    kind: str  # "huruf" | "angka"
    label: str
    start: int
    end: int = 0


@dataclass
class _Ayat:
    label: str | None
    start: int
    end: int = 0
    items: list[_Item] = field(default_factory=list)

    @property
    def lead_end(self) -> int:
        return self.items[0].start if self.items else self.end


def _follows(prev: str, cur: str) -> bool:
    if prev.isdigit() and cur.isdigit():
        return int(cur) == int(prev) + 1
    m_prev, m_cur = re.match(r"(\d+)([a-z]?)$", prev), re.match(r"(\d+)([a-z]?)$", cur)
    if m_prev and m_cur:  # "(2)" then "(2a)" then "(3)"
        a, b = int(m_prev.group(1)), int(m_cur.group(1))
        return (b == a and m_cur.group(2) > m_prev.group(2)) or (b == a + 1 and not m_cur.group(2))
    return len(prev) == len(cur) == 1 and ord(cur) == ord(prev) + 1


def _counts_up(labels: list[str]) -> bool:
    return all(_follows(a, b) for a, b in zip(labels, labels[1:]))


def _structure(p: Passage) -> list[_Ayat] | None:
    """The ayat of a passage with their items; None when its markers cannot be trusted."""
    text = p.text
    ayat_re, item_re = (_PENJ_AYAT, _PENJ_ITEM) if p.kind == KIND_PENJELASAN else (_PASAL_AYAT, _PASAL_ITEM)
    implicit = p.ayat if p.ayat and "-" not in p.ayat else None
    ayats: list[_Ayat] = []
    marks = sorted([(m.start(), "ayat", m.group(1)) for m in ayat_re.finditer(text)]
                   + [(m.start(), "item", m) for m in item_re.finditer(text)], key=lambda t: t[0])
    for pos, kind, val in marks:
        if kind == "ayat":
            ayats.append(_Ayat(val, pos))
            continue
        if not ayats:
            ayats.append(_Ayat(implicit, 0))
        cur = ayats[-1]
        item_kind = "huruf" if val.group(1) else "angka"
        if cur.items and cur.items[0].kind != item_kind:
            continue  # a nested list belongs to the item it sits in
        cur.items.append(_Item(item_kind, val.group(1) or val.group(2), pos))
    if not ayats:
        return None
    if ayats[0].start > 0 and text[: ayats[0].start].strip():
        ayats.insert(0, _Ayat(implicit, 0))
    for a, nxt in zip(ayats, ayats[1:] + [None]):
        a.end = nxt.start if nxt else len(text)
        for it, nit in zip(a.items, a.items[1:] + [None]):
            it.end = nit.start if nit else a.end
        if p.quality == "ocr" or not _counts_up([it.label for it in a.items]):
            a.items = []
    labels = [a.label for a in ayats if a.label is not None]
    if not _counts_up(labels) or len(labels) != len(set(labels)):
        return None
    return ayats


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _best(text: str, units: list[tuple[int, int]], query: set[str], known: set[str] = frozenset()) -> int | None:
    """Index of the unit sharing the rarest query words with it (rarity among the units); None: none."""
    sets = [set(tokens(text[a:b])) for a, b in units]
    n = len(sets)
    best, best_score = None, 0.0
    for i, s in enumerate(sets):
        score = sum(math.log(1 + n / sum(t in o for o in sets)) for t in (query & s) - known)
        if score > best_score + 1e-9:
            best, best_score = i, score
    return best


def _sentence_cut(text: str, start: int, end: int, limit: int) -> tuple[int, int]:
    if end - start <= limit:
        return start, end
    cut = text.rfind(". ", start, start + limit)
    return (start, cut + 1) if cut > start + limit // 3 else (start, start + limit)


def _window(text: str, query: set[str], limit: int) -> Span:
    """No structure to go by: the run of consecutive lines (up to `limit`) that best matches."""
    starts = sorted({0, *(m.end() for m in re.finditer(r"\n", text))})
    bounds = list(zip(starts, starts[1:] + [len(text)]))
    best, best_score = (0, min(limit, len(text))), -1.0
    for i, (a, _) in enumerate(bounds):
        end = a
        for _, b in bounds[i:]:
            if b - a > limit and end > a:
                break
            end = b
        score = len(query & set(tokens(text[a:end]))) + (0.5 if i == 0 else 0.0)
        if score > best_score:
            best, best_score = (a, end), score
    return Span(*_sentence_cut(text, *_trim(text, *best), limit))


def _in_ayat(p: Passage, a: _Ayat, query: set[str], limit: int) -> Span:
    text = p.text
    if a.end - a.start <= limit or not a.items:
        return Span(*_sentence_cut(text, *_trim(text, a.start, a.end), limit), ayat=a.label, narrowed=True)
    lead = _trim(text, a.start, a.lead_end)
    known = set(tokens(text[lead[0]:lead[1]])) if lead[1] > lead[0] else set()
    i = _best(text, [(it.start, it.end) for it in a.items], query, known)
    if i is None:  # the question names no single item: the ayat's opening and first items
        last = max([0] + [k for k, it in enumerate(a.items) if it.end - a.start <= limit])
        items = a.items[: last + 1]
        point = items[0].kind + " " + (items[0].label if len(items) == 1 else f"{items[0].label}-{items[-1].label}")
        start, end = _sentence_cut(text, *_trim(text, a.start, items[-1].end), limit)
        return Span(start, end, ayat=a.label, point=point if end > items[0].start else None, narrowed=True)
    it = a.items[i]
    point = f"{it.kind} {it.label}"
    first = i == 0 and lead[1] > lead[0] and it.end - a.start <= limit
    start, end = _sentence_cut(text, *_trim(text, a.start if first else it.start, it.end), limit)
    keep_lead = not first and lead[1] > lead[0] and p.kind != KIND_PENJELASAN and lead[1] - lead[0] <= limit
    return Span(start, end, ayat=a.label, point=point, lead=lead if keep_lead else None, narrowed=True)


def quote_span(p: Passage, query: str, limit: int = QUOTE_MAX) -> Span:
    """The ayat / huruf / angka of `p` that best answers `query`, as a verbatim span."""
    text = p.text
    whole = _trim(text, 0, len(text))
    if whole[1] - whole[0] <= min(WHOLE_MAX, limit):
        return Span(*whole)
    q = set(tokens(query))
    ayats = _structure(p)
    if ayats is None:
        return _window(text, q, limit)
    i = _best(text, [(a.start, a.end) for a in ayats], q) if len(ayats) > 1 else 0
    span = _in_ayat(p, ayats[i or 0], q, limit)
    if (span.start, span.end) == whole:
        return Span(*whole)
    if len(ayats) == 1 and span.point is None:  # the passage's one ayat: its own citation says it
        return Span(span.start, span.end)
    return span

"""One source per article: pieces of a long article that are both among the sources become one.

A long Pasal is indexed in pieces (ingest/chunk.py: by ayat, a long list by its huruf / angka).
When two neighbouring pieces of one article are among the sources, a citizen would see the same
Pasal twice ("Pasal 7 ayat (1)" and, three lines further, "Pasal 7 ayat (2)"), each half of the
article on its own. They are shown as one source instead, at the rank of the better piece,
citing the span they cover ("Pasal 7 ayat (1) s.d. (2)"); the slot freed goes to the next
article. Only neighbouring pieces are joined, so the joined text is the article's own text in
order (the pieces were cut from it at line ends), and never past what a reader takes in at once.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from .model import KIND_PASAL, KIND_PENJELASAN, Part, Passage

JOINED_MAX_CHARS = 4000  # what a reader (and the scorer) takes in of one source


def _ayat_bounds(p: Passage) -> tuple[str, str] | None:
    if not p.ayat:
        return None
    a, _, b = p.ayat.partition("-")
    return a, (b or a)


def _point_bounds(p: Passage) -> tuple[str, str, str] | None:
    """'huruf a-f' -> ('huruf', 'a', 'f')."""
    if not p.point or " " not in p.point:
        return None
    kind, _, rng = p.point.partition(" ")
    a, _, b = rng.partition("-")
    return kind, a, (b or a)


def _key(label: str) -> tuple[int, str]:
    """Order of an ayat / angka number or a huruf: "3" -> (3, ""), "c" -> (0, "c")."""
    return (int(label), "") if label.isdigit() else (0, label)


def _counts_up(bounds: list[tuple[str, str]]) -> bool:
    """Each piece's labels come after the previous piece's (a noisy scan may number them wrongly)."""
    keys = [(_key(a), _key(b)) for a, b in bounds]
    return all(lo <= hi for lo, hi in keys) and all(prev[1] < cur[0] for prev, cur in zip(keys, keys[1:]))


def _span(members: list[Passage]) -> Passage | None:
    """The citation fields of the pieces as one span, or None where they cannot be named as one."""
    first = members[0]
    if all(p.point is None for p in members):
        bounds = [_ayat_bounds(p) for p in members]
        if any(b is None for b in bounds) or not _counts_up(bounds):
            return None
        lo, hi = bounds[0][0], bounds[-1][1]
        return replace(first, ayat=lo if lo == hi else f"{lo}-{hi}", point=None)
    points = [_point_bounds(p) for p in members]
    if any(b is None for b in points) or len({b[0] for b in points}) > 1 \
            or any(p.ayat != first.ayat for p in members) or not _counts_up([b[1:] for b in points]):
        return None
    return replace(first, point=f"{points[0][0]} {points[0][1]}-{points[-1][2]}")


def joined(members: list[Passage], keep_id: str) -> tuple[Passage, tuple[Part, ...]] | None:
    """Neighbouring pieces of one article, in the article's order, as one passage (id `keep_id`,
    the piece that ranked best) and where each piece starts in it; None where the pieces cannot
    be cited as one span."""
    span = _span(members)
    if span is None:
        return None
    keep = next((m for m in members if m.id == keep_id), members[0])
    starts = [sum(len(x.text) + 1 for x in members[:n]) for n in range(len(members))]
    text = "\n".join(m.text for m in members)
    return (replace(span, id=keep.id, text=text, hash=keep.hash),
            tuple(Part(m.id, o, m.ayat, m.point) for m, o in zip(members, starts)))


def join_neighbours(ranked: list[Any], catalog: Any, k: int) -> list[Any]:
    """The first k of `ranked` (knowledge.retrieval.Scored, best first), neighbouring pieces of one
    article joined (see the module docstring); `catalog`: the retrieval Catalog (its `article`)."""
    top = ranked[:k]
    shown = {s.passage.id for s in top}
    absorbed: set[str] = set()
    replaced: dict[str, Any] = {}
    for s in top:
        p = s.passage
        if p.id in absorbed or p.kind not in (KIND_PASAL, KIND_PENJELASAN) or not p.pasal:
            continue
        pieces = catalog.article(p.doc_id, p.pasal, p.kind)
        ids = [x.id for x in pieces]
        if len(pieces) < 2 or p.id not in ids:
            continue
        i = j = ids.index(p.id)
        total = len(p.text)
        # grow the run to neighbouring pieces that are among the sources too
        while i > 0 and pieces[i - 1].id in shown and pieces[i - 1].id not in absorbed \
                and total + 1 + len(pieces[i - 1].text) <= JOINED_MAX_CHARS:
            i -= 1
            total += 1 + len(pieces[i].text)
        while j + 1 < len(pieces) and pieces[j + 1].id in shown and pieces[j + 1].id not in absorbed \
                and total + 1 + len(pieces[j + 1].text) <= JOINED_MAX_CHARS:
            j += 1
            total += 1 + len(pieces[j].text)
        if i == j:
            continue
        members = pieces[i:j + 1]
        got = joined(members, p.id)
        if got is None:
            continue
        replaced[p.id] = replace(s, passage=got[0], parts=got[1])
        absorbed.update(m.id for m in members if m.id != p.id)
    if not replaced:
        return top
    out = [replaced.get(s.passage.id, s) for s in top if s.passage.id not in absorbed]
    taken = {s.passage.id for s in out} | absorbed
    out.extend(s for s in ranked[k:] if s.passage.id not in taken)
    return out[:k]

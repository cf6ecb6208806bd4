"""The statute normaliser: conservative line-break fixes for extracted text (PDF, HTML).

Only line breaks change (and the space inside a split heading like 'Pasal 22 B'); words stay as
they are, so quotes taken from the result are still verbatim source text.
"""
from __future__ import annotations

from . import grammar as g


def _split_glued_heading(line: str, next_line: str) -> list[str]:
    """'... itu. Pasal 28' ends the line: cut before the heading when the next line opens a body."""
    m = g.GLUED_PASAL_END.search(line)
    if m and g.BODY_OPENING.match(next_line):
        return [line[: m.start()], line[m.start() :]]
    return [line]


def _line_pieces(piece: str) -> list[str]:
    """Split 'Pasal 5 (1) ...' and '...; (2) Setiap ...' into one logical line each."""
    m = g.PASAL_AYAT_SAME_LINE.match(piece.strip())
    out = []
    for s in [m.group(1), m.group(2)] if m else [piece]:
        for a in g.GLUED_AYAT.split(s):
            a = a.strip()
            if not a:
                continue
            h = g.HEADING_SPLIT_LETTER.match(a)
            out.append(f"Pasal {h.group(1)}{h.group(2)}" if h else a)
    return out


def _merge_lone_ayat(lines: list[str]) -> list[str]:
    """'(1)' alone on a line takes the next line as its text."""
    merged: list[str] = []
    for line in lines:
        if merged and g.LONE_AYAT.match(merged[-1]) and not line.startswith(("Pasal ", "BAB ", "(")):
            merged[-1] = f"{merged[-1]} {line}"
        else:
            merged.append(line)
    return merged


def normalize_statute_lines(text: str) -> str:
    """Line-break fixes so 'Pasal N' headings and '(n)' ayat start lines.

    A heading glued to the end of a sentence is split off only when the next line starts like
    an article body ("(1) ..." or a capital letter), and never after ';' or ',' (lists of
    references such as "Pasal 6A ayat (4); Pasal 8").
    """
    src = text.split("\n")
    out: list[str] = []
    for idx, line in enumerate(src):
        nxt = src[idx + 1].strip() if idx + 1 < len(src) else ""
        for piece in _split_glued_heading(line, nxt):
            for sub in g.GLUED_PASAL_AYAT.split(piece):
                out.extend(_line_pieces(sub))
    return "\n".join(_merge_lone_ayat(out))


def _is_heading(line: str) -> bool:
    return bool(g.PASAL_LINE.match(line) or g.BAB_LINE.match(line) or g.BAGIAN_LINE.match(line)
                or g.PARAGRAF_LINE.match(line) or (line.isupper() and any(c.isalpha() for c in line)))


def _continues(prev: str, line: str) -> bool:
    """Is `line` the wrapped rest of `prev` (the same sentence, cut by the page width)?"""
    if _is_heading(prev) or _is_heading(line) or g.STRUCTURAL.match(line) or g.SPLIT_RE.match(line):
        return False
    return not (prev.endswith((".", ":", ";", "!", "?")) and line[:1].isupper())


def reflow_lines(text: str, keep: set[str] | frozenset[str] = frozenset()) -> str:
    """Join the lines a page width wrapped, so an ayat or a sentence is one line again.

    Headings (Pasal, BAB, Bagian, Paragraf, upper-case titles) and lines that open an ayat,
    huruf or angka stay lines of their own; a line after a sentence end that starts a new
    sentence stays too, and so does every line in `keep` (table rows). A word cut by a hyphen
    at the line end is joined without a space.
    """
    out: list[str] = []
    kept = False
    for line in text.split("\n"):
        joins = out and line and out[-1] and not kept and line not in keep and _continues(out[-1], line)
        kept = line in keep
        if joins:
            out[-1] = f"{out[-1]}{'' if out[-1].endswith('-') else ' '}{line}"
        else:
            out.append(line)
    return "\n".join(out)

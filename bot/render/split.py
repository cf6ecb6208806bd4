"""Cut Telegram HTML into messages Telegram accepts (<= 4096 UTF-16 units each).

Cuts prefer paragraph, then line, then word boundaries; a tag open at a cut is closed at the end
of the chunk and reopened at the start of the next, so every chunk is valid HTML on its own.
Lengths are counted in UTF-16 code units (as Telegram counts them), never in code points.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..text import utf16_len

TELEGRAM_MAX = 4096

_TOKEN = re.compile(r"<[^>]*>|[^<]+")
_TAG = re.compile(r"<\s*(/)?\s*([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")
_WORD = re.compile(r"\S+\s*|\s+")
_UNIT = re.compile(r"&#?[a-zA-Z0-9]+;|.", re.DOTALL)
_BLOCKS = ("blockquote", "pre")


@dataclass
class _Atom:
    raw: str
    kind: str  # "text" | "open" | "close"
    name: str = ""


@dataclass(frozen=True)
class _Cut:
    at: int  # cut before atoms[at]
    stack: list[_Atom]  # tags open there
    length: int  # UTF-16 units of the chunk up to there


def _atoms(doc: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    for tok in _TOKEN.findall(doc):
        if tok.startswith("<"):
            m = _TAG.match(tok)
            if not m:  # not a tag we understand: keep it as text, escaped
                atoms.append(_Atom(html.escape(tok, quote=False), "text"))
                continue
            atoms.append(_Atom(tok, "close" if m.group(1) else "open", m.group(2).lower()))
        else:
            atoms.extend(_Atom(w, "text") for w in _WORD.findall(tok))
    return atoms


def _closing(stack: list[_Atom]) -> str:
    return "".join(f"</{a.name}>" for a in reversed(stack))


def _opening(stack: list[_Atom]) -> str:
    return "".join(a.raw for a in stack)


def _apply(stack: list[_Atom], atom: _Atom) -> list[_Atom]:
    if atom.kind == "open":
        return [*stack, atom]
    if atom.kind == "close":
        for i in range(len(stack) - 1, -1, -1):
            if stack[i].name == atom.name:
                return stack[:i] + stack[i + 1 :]
    return stack


def _break_score(atoms: list[_Atom], j: int, stack: list[_Atom]) -> int:
    """How good a cut is right before atoms[j] (after atoms[j-1])."""
    prev = atoms[j - 1]
    nxt = atoms[j] if j < len(atoms) else None
    if prev.kind == "close" and prev.name in _BLOCKS and not stack:
        return 3
    if nxt is not None and nxt.kind == "open" and nxt.name in _BLOCKS and not stack:
        return 3
    if prev.kind == "text":
        if prev.raw.endswith("\n\n"):
            return 3 if not stack else 2
        if prev.raw.endswith("\n"):
            return 2
        if prev.raw[-1:].isspace():
            return 1
    return 0


def _hard_split(atom: _Atom, budget: int) -> tuple[_Atom, _Atom]:
    """Split a text atom that does not fit, never inside an HTML entity."""
    units = _UNIT.findall(atom.raw)
    size = 0
    k = 0
    while k < len(units) and size + utf16_len(units[k]) <= budget:
        size += utf16_len(units[k])
        k += 1
    k = max(k, 1)
    return _Atom("".join(units[:k]), "text"), _Atom("".join(units[k:]), "text")


def _fill(atoms: list[_Atom], i: int, stack: list[_Atom], limit: int) -> tuple[_Cut | None, dict[int, _Cut]]:
    """Take atoms from i while they fit. Returns (end of document reached, or None) and the best
    cut found for each boundary score."""
    length = utf16_len(_opening(stack))
    cur = stack
    best: dict[int, _Cut] = {}
    j = i
    while j < len(atoms):
        new_stack = _apply(cur, atoms[j])
        new_len = length + utf16_len(atoms[j].raw)
        if new_len + utf16_len(_closing(new_stack)) > limit:
            return None, best
        length, cur = new_len, new_stack
        j += 1
        if j < len(atoms):
            best[_break_score(atoms, j, cur)] = _Cut(j, cur, length)
    return _Cut(j, cur, length), best


def _choose(best: dict[int, _Cut], limit: int) -> _Cut | None:
    for score, min_fill in ((3, 0.5), (2, 0.4), (1, 0.25)):
        if score in best and best[score].length >= limit * min_fill:
            return best[score]
    # no good boundary far enough in: take the latest position that fits
    return max(best.values(), key=lambda c: c.at) if best else None


def split_html(doc: str, limit: int = TELEGRAM_MAX) -> list[str]:
    """Split valid Telegram HTML into chunks of at most `limit` UTF-16 units, each valid.

    Never cuts inside a tag or an entity; a long blockquote becomes several blockquotes.
    """
    doc = doc.strip()
    if utf16_len(doc) <= limit:
        return [doc] if doc else []
    atoms = _atoms(doc)
    chunks: list[str] = []
    stack: list[_Atom] = []
    i = 0
    while i < len(atoms):
        prefix = _opening(stack)
        end, best = _fill(atoms, i, stack, limit)
        if end is not None:
            chunks.append(prefix + "".join(a.raw for a in atoms[i:]) + _closing(end.stack))
            break
        cut = _choose(best, limit)
        if cut is None or cut.at <= i:
            # not even one atom fits: split the atom (text) in two
            room = limit - utf16_len(prefix) - utf16_len(_closing(stack))
            if atoms[i].kind != "text" or room <= 0:
                raise ValueError("a single tag does not fit in the message limit")
            atoms[i : i + 1] = list(_hard_split(atoms[i], room))
            continue
        chunks.append(prefix + "".join(a.raw for a in atoms[i : cut.at]) + _closing(cut.stack))
        i, stack = cut.at, cut.stack
    cleaned = [_tidy(c) for c in chunks]
    return [c for c in cleaned if _visible(c).strip()]


def _tidy(chunk: str) -> str:
    chunk = chunk.strip()
    # remove tags that became empty at a cut, e.g. "<blockquote></blockquote>"
    prev = None
    while prev != chunk:
        prev = chunk
        chunk = re.sub(r"<([a-z-]+)(?:\s[^>]*)?>\s*</\1>", "", chunk).strip()
    return chunk


def _visible(chunk: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", chunk))

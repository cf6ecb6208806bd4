"""The one layout of an answer, shared by the Telegram HTML and the plain-text renderer.

The order is the product's: notices, warnings (a repealed law must not be missed), the message,
the quotes with their citations, notes, the numbered sources, a hint, the disclaimer. A style
only says how one block looks; it never looks inside the text it is given.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from knowledge.model import Answer, AnswerWarning, Note, Quote, Source


class Style(Protocol):
    def notice(self, text: str) -> str: ...
    def warning(self, w: AnswerWarning) -> str: ...
    def message(self, text: str) -> str: ...
    def quote(self, q: Quote) -> str: ...
    def note(self, n: Note) -> str: ...
    def sources(self, sources: Sequence[Source]) -> str: ...
    def hint(self, text: str) -> str: ...
    def disclaimer(self, text: str) -> str: ...


def layout(answer: Answer, style: Style, *, notices: Sequence[str] = (), hint: str = "") -> list[str]:
    """The answer's paragraphs, in reading order (join them with a blank line)."""
    parts = [style.notice(n) for n in notices if n]
    if answer.warnings:
        parts.append("\n".join(style.warning(w) for w in answer.warnings))
    if answer.message:
        parts.append(style.message(answer.message))
    parts += [style.quote(q) for q in answer.quotes]
    parts += [style.note(n) for n in answer.notes]
    listed = answer.listed_sources()
    if listed:
        parts.append(style.sources(listed))
    if hint:
        parts.append(style.hint(hint))
    if answer.disclaimer:
        parts.append(style.disclaimer(answer.disclaimer))
    return parts

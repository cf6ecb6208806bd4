"""An Answer's blocks as plain text, for the terminal chat and the CLI (`ask`, `--jsonl`)."""
from __future__ import annotations

from collections.abc import Sequence

from knowledge.cite import status_text
from knowledge.model import Answer, AnswerWarning, Note, Quote, Source

from .blocks import layout


def _quoted(q: Quote) -> str:
    return f"«{q.lead}\n…\n{q.text}»" if q.lead else f"«{q.text}»"


class PlainStyle:
    def notice(self, text: str) -> str:
        return text

    def warning(self, w: AnswerWarning) -> str:
        if w.quote is None:
            return f"Perhatian: {w.text}"
        return f"Perhatian: {w.text}\n{_quoted(w.quote)}\n— {w.quote.citation.label}"

    def message(self, text: str) -> str:
        return text

    def quote(self, q: Quote) -> str:
        out = f"{_quoted(q)}\n— {q.citation.label}"
        return out + f"\n  ({q.citation.history})" if q.citation.history else out

    def note(self, n: Note) -> str:
        return n.text

    def sources(self, sources: Sequence[Source]) -> str:
        lines = ["Sumber:"]
        for i, src in enumerate(sources, 1):
            c = src.citation
            lines.append(f"{i}. {c.label} ({status_text(c)})" + (f" — {c.url}" if c.url else ""))
        return "\n".join(lines)

    def hint(self, text: str) -> str:
        return text

    def disclaimer(self, text: str) -> str:
        return text


def render_plain(answer: Answer, *, notices: Sequence[str] = ()) -> str:
    """The whole answer as plain text (no markup)."""
    return "\n\n".join(layout(answer, PlainStyle(), notices=notices))

"""An Answer's blocks as Telegram HTML messages.

Quotes become `<blockquote>`, citation labels `<a href>` links where the citation has a URL;
warnings come first and the disclaimer last. Nothing here searches the answer's text: the
engine hands over typed blocks (knowledge.model) and `blocks.layout` orders them.
"""
from __future__ import annotations

from collections.abc import Sequence

from knowledge.cite import status_text
from knowledge.model import Answer, AnswerWarning, Decision, Note, Quote, Source

from ..text import utf16_len
from .blocks import layout
from .markup import esc, link
from .split import TELEGRAM_MAX, split_html

MAX_ANSWER_MESSAGES = 6
STAFF_HINT = "Tekan tombol «Tanya petugas» di bawah bila Anda ingin dibantu petugas."
TRUNCATED_TAIL = "… (pesan dipotong karena terlalu panjang)"
EMPTY = "Maaf, saya belum dapat menjawab pertanyaan ini."


def quote_body(q: Quote) -> str:
    """A quote's verbatim text (after its ayat's opening words when it is a later item), escaped."""
    return f"{esc(q.lead)}\n…\n{esc(q.text)}" if q.lead else esc(q.text)


class HtmlStyle:
    def notice(self, text: str) -> str:
        return f"<i>{esc(text)}</i>"

    def warning(self, w: AnswerWarning) -> str:
        line = f"⚠️ <b>Perhatian:</b> {esc(w.text)}"
        if w.quote is None:
            return line
        # the words that back it (a ruling's amar item, verbatim) and their exact citation
        return line + f"<blockquote>{quote_body(w.quote)}</blockquote>— {link(w.quote.citation.label, w.quote.citation.url)}"

    def message(self, text: str) -> str:
        return esc(text)

    def quote(self, q: Quote) -> str:
        out = f"<blockquote>{quote_body(q)}</blockquote>— {link(q.citation.label, q.citation.url)}"
        return out + f"\n<i>({esc(q.citation.history)})</i>" if q.citation.history else out

    def note(self, n: Note) -> str:
        return f"ℹ️ {esc(n.text)}"

    def sources(self, sources: Sequence[Source]) -> str:
        lines = ["<b>Sumber:</b>"]
        for i, src in enumerate(sources, 1):
            lines.append(f"{i}. {link(src.citation.label, src.citation.url)} ({esc(status_text(src.citation))})")
        return "\n".join(lines)

    def hint(self, text: str) -> str:
        return esc(text)

    def disclaimer(self, text: str) -> str:
        return f"<i>{esc(text)}</i>"


def render_answer(answer: Answer, *, notices: Sequence[str] = ()) -> str:
    """One HTML document for an answer (split it with `split_html` before sending)."""
    # an abstention offers the staff button the keyboard carries (an escalation already went there)
    hint = STAFF_HINT if answer.decision == Decision.ABSTAIN else ""
    parts = layout(answer, HtmlStyle(), notices=notices, hint=hint)
    return "\n\n".join(parts or [esc(EMPTY)])


def answer_messages(
    answer: Answer,
    *,
    notices: Sequence[str] = (),
    limit: int = TELEGRAM_MAX,
    max_messages: int = MAX_ANSWER_MESSAGES,
) -> list[str]:
    return cap_messages(split_html(render_answer(answer, notices=notices), limit), max_messages, limit)


def cap_messages(chunks: list[str], max_messages: int, limit: int = TELEGRAM_MAX) -> list[str]:
    """Keep at most `max_messages` chunks; mark the last one as cut when some were dropped."""
    if len(chunks) <= max_messages:
        return chunks
    kept = chunks[:max_messages]
    tail = "\n\n<i>" + esc(TRUNCATED_TAIL) + "</i>"
    last = kept[-1]
    if utf16_len(last) + utf16_len(tail) > limit:
        last = split_html(last, limit - utf16_len(tail) - 16)[0]
    kept[-1] = last + tail
    return kept

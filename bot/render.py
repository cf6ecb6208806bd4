"""Turning engine output into Telegram HTML messages.

Pure functions only (no I/O, no Telegram objects), so every rule here is unit-tested:

* everything that comes from outside (answer text, quotes, titles, URLs) goes through
  `html.escape`; the only tags are the ones written here;
* verbatim quotes become `<blockquote>`, citation labels become `<a href>` links when the
  citation has a URL, and a numbered source list is added when the text has none;
* warnings (repealed law, OCR quality) and the disclaimer are always visible;
* `split_html` cuts a message into chunks Telegram accepts (<= 4096 UTF-16 units each),
  preferring paragraph, then line, then word boundaries, and closing/reopening any tag
  that is open at a cut so that every chunk is valid HTML on its own.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from knowledge.model import DICABUT, DIUBAH, Answer, Decision, Passage

from .text import utf16_len

TELEGRAM_MAX = 4096
MAX_ANSWER_MESSAGES = 6
MAX_LISTED_SOURCES = 5

DISCLAIMER = (
    "Informasi ini bersifat umum dan bukan nasihat hukum. Untuk kepastian, "
    "hubungi Bawaslu atau KPU setempat."
)
_DISCLAIMER_MARKERS = ("nasihat hukum", "bukan nasehat", "disclaimer", "tidak menggantikan")
ESCALATE_HINT = "Tekan tombol «Tanya petugas» di bawah bila Anda ingin dibantu petugas."
TRUNCATED_TAIL = "… (pesan dipotong karena terlalu panjang)"

STATUS_LABEL = {
    "berlaku": "berlaku",
    DIUBAH: "diubah",
    DICABUT: "dicabut",
}
STATUS_ICON = {"berlaku": "✅", DIUBAH: "✏️", DICABUT: "⛔"}

_QUOTE_MARKS = "\"“”„«»'‘’"


def esc(text: object) -> str:
    """Escape text for Telegram HTML (&, <, >)."""
    return html.escape(str(text), quote=False)


def esc_attr(text: object) -> str:
    return html.escape(str(text), quote=True)


def link(label: str, url: str | None) -> str:
    if url and _safe_url(url):
        return f'<a href="{esc_attr(url)}">{esc(label)}</a>'
    return esc(label)


def _safe_url(url: str) -> bool:
    return url.startswith(("https://", "http://")) and not any(c.isspace() for c in url)


# --------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str  # "quote" | "link"
    url: str | None = None


def _find_spans(text: str, answer: Answer) -> list[_Span]:
    spans: list[_Span] = []

    def free(s: int, e: int) -> bool:
        return all(e <= sp.start or s >= sp.end for sp in spans)

    for quote in answer.quotes:
        q = quote.text.strip()
        if len(q) < 3:
            continue
        s = text.find(q)
        if s < 0:
            continue
        e = s + len(q)
        # swallow the quotation marks the engine put around the quote
        while s > 0 and text[s - 1] in _QUOTE_MARKS:
            s -= 1
        while e < len(text) and text[e] in _QUOTE_MARKS:
            e += 1
        if free(s, e):
            spans.append(_Span(s, e, "quote"))

    if not any(sp.kind == "quote" for sp in spans):
        # Fallback for engines that do not echo Answer.quotes verbatim: a line that opens
        # with a quotation mark or "> " is a quote.
        pos = 0
        for line in text.split("\n"):
            stripped = line.strip()
            if len(stripped) > 2 and (stripped[0] in "“\"«" or stripped.startswith("> ")):
                s = pos + line.index(stripped)
                if free(s, s + len(stripped)):
                    spans.append(_Span(s, s + len(stripped), "quote"))
            pos += len(line) + 1

    for src in answer.sources:
        cit = src.citation
        if not cit.url or not cit.label or not _safe_url(cit.url):
            continue
        start = 0
        while (s := text.find(cit.label, start)) >= 0:
            e = s + len(cit.label)
            if free(s, e):
                spans.append(_Span(s, e, "link", cit.url))
            start = e
    spans.sort(key=lambda sp: sp.start)
    return spans


def _unquote(s: str) -> str:
    s = s.strip()
    if s.startswith("> "):
        s = s[2:]
    return s.strip(_QUOTE_MARKS + " ").strip()


def _render_body(text: str, answer: Answer) -> str:
    out: list[str] = []
    pos = 0
    for sp in _find_spans(text, answer):
        out.append(esc(text[pos : sp.start]))
        chunk = text[sp.start : sp.end]
        if sp.kind == "quote":
            out.append(f"<blockquote>{esc(_unquote(chunk))}</blockquote>")
        else:
            out.append(link(chunk, sp.url))
        pos = sp.end
    out.append(esc(text[pos:]))
    body = "".join(out)
    # Telegram shows a blockquote as its own block: drop the blank line that would follow it.
    return re.sub(r"</blockquote>\n(?!\n)", "</blockquote>", body).strip()


def render_answer(answer: Answer, *, notices: Sequence[str] = ()) -> str:
    """One HTML document for an answer (split it with `split_html` before sending)."""
    text = (answer.text or "").strip()
    lowered = text.lower()
    parts: list[str] = [f"<i>{esc(n)}</i>" for n in notices if n]

    # Sources matter only when the engine answered; for an abstention/escalation they are
    # merely what retrieval looked at, and showing them would suggest an answer.
    answered = answer.decision == Decision.ANSWER
    quoted = {q.passage_id for q in answer.quotes}
    cited = [s for s in answer.sources if s.passage.id in quoted or s.citation.passage_id in quoted]
    if answered and not cited:
        cited = [s for s in answer.sources if s.citation.label and s.citation.label in text]

    warnings: list[str] = []
    for note in answer.notes:
        if note and note not in text and note not in warnings:
            warnings.append(note)
    for src in cited if answered else []:
        note = src.citation.note
        if note and note not in text and not any(note in w for w in warnings):
            warnings.append(f"{src.citation.label}: {note}")
    if warnings:  # before the answer: a repealed law must not be missed
        parts.append("\n".join(f"⚠️ <b>Perhatian:</b> {esc(w)}" for w in warnings))
    if text:
        parts.append(_render_body(text, answer))

    if answered and answer.sources and not any(s.citation.label and s.citation.label in text for s in answer.sources):
        lines = ["<b>Sumber:</b>"]
        for i, src in enumerate(answer.sources[:MAX_LISTED_SOURCES], 1):
            cit = src.citation
            status = STATUS_LABEL.get(cit.status, cit.status)
            lines.append(f"{i}. {link(cit.label, cit.url)} ({esc(status)})")
        parts.append("\n".join(lines))

    if answer.decision in (Decision.ESCALATE, Decision.ABSTAIN) and "petugas" not in lowered:
        parts.append(esc(ESCALATE_HINT))
    if answer.decision == Decision.ANSWER and not any(m in lowered for m in _DISCLAIMER_MARKERS):
        parts.append(f"<i>{esc(DISCLAIMER)}</i>")
    if not parts:
        parts.append(esc("Maaf, saya belum dapat menjawab pertanyaan ini."))
    return "\n\n".join(parts)


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


# --------------------------------------------------------------------------- passages


def citation_label(p: Passage) -> str:
    """A short human label for a passage, e.g. "UU No. 10 Tahun 2016, Pasal 7 ayat (2)"."""
    if p.number and p.year:
        head = f"{p.doc_type} No. {p.number} Tahun {p.year}"
    else:
        head = p.title or p.doc_id
    if p.pasal:
        head += f", Pasal {p.pasal}"
        if p.ayat:
            head += f" ayat ({p.ayat})"
    if p.kind == "penjelasan":
        head = "Penjelasan " + head
    return head


def render_passage(p: Passage, *, label: str | None = None, url: str | None = None,
                   chain: Sequence[str] = ()) -> list[str]:
    """The full text of a passage, for the "Lihat pasal lengkap" button. `chain`: the article's full
    chain of legal effects (Engine.article_chain, issue 11), shown above the text."""
    label = label or citation_label(p)
    lines = [f"📖 <b>{link(label, url or p.url)}</b>"]
    if p.title and p.title != label:
        lines.append(f"<i>{esc(p.title)}</i>")
    if p.section:
        lines.append(esc(p.section))
    status = STATUS_LABEL.get(p.status, p.status)
    status_line = f"Status: {STATUS_ICON.get(p.status, '')} {esc(status)}".replace("  ", " ")
    if p.status_by:
        status_line += f" (oleh {esc(p.status_by)})"
    lines.append(status_line)
    if p.status == DICABUT:
        lines.append("⚠️ <b>Perhatian:</b> ketentuan ini sudah dicabut dan tidak berlaku lagi.")
    elif p.status == DIUBAH:
        lines.append("⚠️ <b>Perhatian:</b> ketentuan ini sudah diubah; periksa perubahannya.")
    if p.quality == "ocr":
        lines.append("⚠️ Teks berasal dari pindaian (OCR) dan mungkin mengandung salah ketik.")
    if chain:
        lines.append("⚖️ <b>Riwayat pasal:</b>\n" + "\n".join(f"• {esc(c)}" for c in chain))
    doc = "\n".join(lines) + "\n\n" + f"<blockquote>{esc(p.text.strip())}</blockquote>"
    return cap_messages(split_html(doc), MAX_ANSWER_MESSAGES)


# --------------------------------------------------------------------------- /sumber


def render_documents(documents: Iterable[dict]) -> list[str]:
    """The /sumber list, grouped by legal status."""
    groups: dict[str, list[dict]] = {"berlaku": [], DIUBAH: [], DICABUT: []}
    for d in documents:
        groups.setdefault(d.get("status") or "berlaku", []).append(d)
    if not any(groups.values()):
        return ["Belum ada sumber hukum yang dimuat."]
    headings = {
        "berlaku": "✅ <b>Berlaku</b>",
        DIUBAH: "✏️ <b>Berlaku dengan perubahan</b>",
        DICABUT: "⛔ <b>Sudah dicabut</b> (hanya untuk rujukan sejarah)",
    }
    parts = ["📚 <b>Sumber yang saya gunakan</b>"]
    for status, docs in groups.items():
        if not docs:
            continue
        lines = [headings.get(status, f"<b>{esc(status)}</b>")]
        for d in sorted(docs, key=lambda x: (str(x.get("doc_type", "")), str(x.get("title", "")))):
            title = d.get("title") or d.get("doc_id") or "?"
            item = f"• {link(title, d.get('url'))}"
            if d.get("doc_type"):
                item += f" [{esc(d['doc_type'])}]"
            if d.get("status_by"):
                verb = "dicabut" if status == DICABUT else "diubah"
                item += f" — {verb} oleh {esc(d['status_by'])}"
            lines.append(item)
        parts.append("\n".join(lines))
    return split_html("\n\n".join(parts))


# --------------------------------------------------------------------------- splitting

_TOKEN = re.compile(r"<[^>]*>|[^<]+")
_TAG = re.compile(r"<\s*(/)?\s*([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")
_WORD = re.compile(r"\S+\s*|\s+")
_UNIT = re.compile(r"&#?[a-zA-Z0-9]+;|.", re.DOTALL)


@dataclass
class _Atom:
    raw: str
    kind: str  # "text" | "open" | "close"
    name: str = ""


def _atoms(doc: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    for tok in _TOKEN.findall(doc):
        if tok.startswith("<"):
            m = _TAG.match(tok)
            if not m:  # not a tag we understand: keep it as (already escaped?) text
                atoms.append(_Atom(esc(tok), "text"))
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
    if prev.kind == "close" and prev.name in ("blockquote", "pre") and not stack:
        return 3
    if nxt is not None and nxt.kind == "open" and nxt.name in ("blockquote", "pre") and not stack:
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


def split_html(doc: str, limit: int = TELEGRAM_MAX) -> list[str]:
    """Split valid Telegram HTML into chunks of at most `limit` UTF-16 units, each valid.

    Cuts at the best boundary that keeps a chunk reasonably full: between paragraphs or
    blockquotes, else at a line end, else between words, else inside a word (never inside
    a tag or an entity). Tags open at a cut are closed at the end of the chunk and reopened
    at the start of the next one, so a long blockquote becomes several blockquotes.
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
        length = utf16_len(prefix)
        cur_stack = stack
        j = i
        best: dict[int, tuple[int, list[_Atom], int]] = {}
        while j < len(atoms):
            atom = atoms[j]
            new_stack = _apply(cur_stack, atom)
            new_len = length + utf16_len(atom.raw)
            if new_len + utf16_len(_closing(new_stack)) > limit:
                break
            length, cur_stack = new_len, new_stack
            j += 1
            if j < len(atoms):
                best[_break_score(atoms, j, cur_stack)] = (j, cur_stack, length)
        if j >= len(atoms):
            chunks.append(prefix + "".join(a.raw for a in atoms[i:]) + _closing(cur_stack))
            break
        cut = None
        for score, min_fill in ((3, 0.5), (2, 0.4), (1, 0.25)):
            if score in best and best[score][2] >= limit * min_fill:
                cut = best[score]
                break
        if cut is None and best:
            # no good boundary far enough in: take the latest position that fits
            cut = max(best.values(), key=lambda c: c[0])
        if cut is None or cut[0] <= i:
            # not even one atom fits: split the atom (text) in two
            atom = atoms[i]
            room = limit - utf16_len(prefix) - utf16_len(_closing(stack))
            if atom.kind != "text" or room <= 0:
                raise ValueError("a single tag does not fit in the message limit")
            head, rest = _hard_split(atom, room)
            atoms[i : i + 1] = [head, rest]
            continue
        k, k_stack, _ = cut
        body = prefix + "".join(a.raw for a in atoms[i:k]) + _closing(k_stack)
        chunks.append(body)
        i, stack = k, k_stack
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

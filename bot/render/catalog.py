"""A passage in full ("📖 Lihat pasal lengkap") and the /sumber list, as Telegram HTML."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from knowledge.cite import STATUS_WORD, by_laws
from knowledge.cite import label as citation_label
from knowledge.model import BERLAKU, DICABUT, DIUBAH, Passage

from .answer import MAX_ANSWER_MESSAGES, cap_messages
from ..texts import citizen as m
from .markup import esc, link
from .split import split_html

STATUS_ICON = {BERLAKU: "✅", DIUBAH: "✏️", DICABUT: "⛔"}
_HEADINGS = {
    BERLAKU: "✅ <b>Berlaku</b>",
    DIUBAH: "✏️ <b>Berlaku dengan perubahan</b>",
    DICABUT: "⛔ <b>Sudah dicabut</b> (hanya untuk rujukan sejarah)",
}


def render_passage(p: Passage, *, label: str | None = None, url: str | None = None,
                   chain: Sequence[str] = ()) -> list[str]:
    """The full text of a passage, for the "Lihat pasal lengkap" button. `chain`: the article's
    chain of legal effects (Engine.article_chain, issue 11), shown above the text."""
    label = label or citation_label(p)
    lines = [f"📖 <b>{link(label, url or p.url)}</b>"]
    if p.title and p.title != label:
        lines.append(f"<i>{esc(p.title)}</i>")
    if p.section:
        lines.append(esc(p.section))
    status = STATUS_WORD.get(p.status, p.status)
    status_line = f"Status: {STATUS_ICON.get(p.status, '')} {esc(status)}".replace("  ", " ")
    if p.status_by:
        status_line += f" (oleh {esc(by_laws([d.strip() for d in p.status_by.split(',') if d.strip()]))})"
    lines.append(status_line)
    if p.status == DICABUT:
        lines.append("⚠️ <b>Perhatian:</b> ketentuan ini sudah dicabut dan tidak berlaku lagi.")
    elif p.status == DIUBAH:
        lines.append("⚠️ <b>Perhatian:</b> ketentuan ini sudah diubah; periksa perubahannya.")
    if p.quality == "ocr":
        lines.append("⚠️ Teks berasal dari pindaian (OCR) dan mungkin mengandung salah ketik.")
    if chain:
        lines.append(m.ARTICLE_CHAIN + "\n" + "\n".join(f"• {esc(c)}" for c in chain))
    doc = "\n".join(lines) + "\n\n" + f"<blockquote>{esc(p.text.strip())}</blockquote>"
    return cap_messages(split_html(doc), MAX_ANSWER_MESSAGES)


def render_documents(documents: Iterable[dict]) -> list[str]:
    """The /sumber list, grouped by legal status."""
    groups: dict[str, list[dict]] = {BERLAKU: [], DIUBAH: [], DICABUT: []}
    for d in documents:
        groups.setdefault(d.get("status") or BERLAKU, []).append(d)
    if not any(groups.values()):
        return ["Belum ada sumber hukum yang dimuat."]
    parts = ["📚 <b>Sumber yang saya gunakan</b>"]
    for status, docs in groups.items():
        if not docs:
            continue
        lines = [_HEADINGS.get(status, f"<b>{esc(status)}</b>")]
        for d in sorted(docs, key=lambda x: (str(x.get("doc_type", "")), str(x.get("title", "")))):
            title = d.get("title") or d.get("doc_id") or "?"
            item = f"• {link(title, d.get('url'))}"
            if d.get("doc_type"):
                item += f" [{esc(d['doc_type'])}]"
            if d.get("status_by"):
                verb = "dicabut" if status == DICABUT else "diubah"
                item += f" — {verb} oleh {esc(d['status_by'])}"
            if d.get("date"):
                item += f" ({esc(d['date'])})"
            lines.append(item)
            for e in d.get("effects") or []:  # issue 11: what a ruling / regulation does to other articles
                lines.append(m.SOURCE_EFFECT.format(what=esc(m.EFFECT_VERBS.get(e["kind"], e["kind"])),
                                                    target=esc(e.get("target", ""))))
        parts.append("\n".join(lines))
    return split_html("\n\n".join(parts))

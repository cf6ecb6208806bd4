"""Compose the citizen-facing answer: verbatim quotes, citation lines, warnings, disclaimer.

The bot never paraphrases an article: every quoted span is a slice of its stored passage, and
`compose` asserts it.
"""
from __future__ import annotations

import re

from .model import DICABUT, DIUBAH, Answer, Decision, Quote, Source
from .text import tokens

DISCLAIMER = ("Informasi ini bersifat umum dan bukan nasihat hukum. Untuk kasus Anda sendiri, hubungi "
              "Bawaslu setempat atau ketik /petugas.")
QUOTE_MAX = 900

MESSAGES = {
    "political_opinion": (
        "Maaf, saya tidak memberikan pendapat, penilaian, atau prediksi tentang calon, pasangan calon, maupun "
        "partai politik. Saya netral. Saya dapat membantu menjelaskan aturan pemilu dan pemilihan, misalnya "
        "syarat calon, aturan kampanye, hak pemilih, atau cara melaporkan dugaan pelanggaran."
    ),
    "out_of_scope": (
        "Maaf, pertanyaan ini di luar cakupan saya. Saya hanya menjawab pertanyaan tentang hukum kepemiluan "
        "(pemilu, pilkada, penyelenggara, kampanye, hak pilih, pelanggaran) berdasarkan peraturan dan berita "
        "resmi yang saya miliki."
    ),
    "current_fact": (
        "Maaf, pertanyaan ini menanyakan fakta terkini (siapa yang menjabat, siapa yang menang, atau hasil "
        "perolehan suara) yang tidak tercantum dalam peraturan maupun berita yang saya miliki. Silakan cek "
        "situs resmi KPU atau Bawaslu. Saya dapat menjelaskan aturannya, misalnya tugas KPU, syarat calon, "
        "atau cara penetapan hasil pemilihan."
    ),
    "no_match": (
        "Maaf, saya belum menemukan ketentuan dalam sumber yang saya miliki yang menjawab pertanyaan ini dengan "
        "yakin. Coba tulis ulang dengan kata lain (misalnya sebut jenis pemilihan atau nomor pasalnya), atau "
        "ketik /petugas untuk bertanya kepada petugas."
    ),
    "violation_report": (
        "Pesan Anda tampaknya berisi laporan dugaan pelanggaran. Laporan seperti ini perlu ditangani oleh "
        "petugas Bawaslu. Perlu diketahui: percakapan ini belum menjadi laporan resmi sampai petugas "
        "mengonfirmasinya."
    ),
    "human_requested": "Baik, pertanyaan Anda perlu dijawab langsung oleh petugas Bawaslu.",
    "own_case": (
        "Pertanyaan Anda menyangkut kasus Anda sendiri, jadi sebaiknya ditangani langsung oleh petugas "
        "Bawaslu."
    ),
}


def best_span(passage_text: str, query: str, limit: int = QUOTE_MAX) -> str:
    """The ayat (or group of lines) of a passage that best matches the query, verbatim."""
    if len(passage_text) <= limit:
        return passage_text
    q = set(tokens(query))
    # candidate blocks: ayat, else lines
    starts = [m.start() for m in re.finditer(r"(?m)^\(\d+[a-z]?\)", passage_text)]
    if len(starts) < 2:
        starts = [0] + [m.end() for m in re.finditer(r"\n", passage_text)]
    starts = sorted(set([0] + starts))
    bounds = list(zip(starts, starts[1:] + [len(passage_text)]))
    best, best_score = (0, min(limit, len(passage_text))), -1.0
    for i, (a, _) in enumerate(bounds):
        # grow a window of consecutive blocks up to the limit
        end = a
        for _, b in bounds[i:]:
            if b - a > limit and end > a:
                break
            end = b
        span = passage_text[a:end]
        st = set(tokens(span))
        score = len(q & st) + (0.5 if i == 0 else 0.0)
        if score > best_score:
            best, best_score = (a, end), score
    a, b = best
    span = passage_text[a:b].strip()
    if len(span) > limit:  # one huge block: cut at a sentence end
        cut = span.rfind(". ", 0, limit)
        span = span[: cut + 1] if cut > limit // 3 else span[:limit]
    return span


def compose(answer: Answer, query_for_quote: str, court: dict | None = None) -> Answer:
    """Fill answer.text (and quotes) from its decision, reason and sources.

    `court` (issue 11, built by the engine from knowledge/effects.py): passage id -> [(notice, ruling
    Source or None, verbatim span of it or None)]. A quoted article with a court effect gets the
    notice and the ruling's words BEFORE its own quote.
    """
    if answer.decision != Decision.ANSWER:
        msg = MESSAGES.get(answer.reason, MESSAGES["no_match"])
        if answer.decision == Decision.ESCALATE:
            # Whether a ticket was opened is the caller's to say (the bot tells the ticket number;
            # the CLI and the terminal chat open none).
            msg += "\n\nJika mendesak, hubungi kantor Bawaslu terdekat."
        answer.text = msg
        return answer

    top = answer.sources[: 2]
    quotes: list[Quote] = []
    for i, src in enumerate(top):
        if i == 1 and (src.score < 0.85 * top[0].score or src.passage.doc_id == top[0].passage.doc_id
                       and src.passage.pasal == top[0].passage.pasal):
            break
        span = best_span(src.passage.text, query_for_quote)
        assert span and span in src.passage.text, "a quote must be a verbatim substring of its passage"
        quotes.append(Quote(src.passage.id, span))
    lines = ["Menurut sumber yang saya temukan:"]
    by_id = {s.passage.id: s for s in answer.sources}
    court_quotes: list[Quote] = []
    for q in list(quotes):
        for text, ruling, span in (court or {}).get(q.passage_id, []):
            lines.append("")
            lines.append(text)
            if ruling is not None and span:
                assert span in ruling.passage.text, "a quote must be a verbatim substring of its passage"
                if ruling.passage.id not in by_id:
                    answer.sources.append(ruling)
                    by_id[ruling.passage.id] = ruling
                court_quotes.append(Quote(ruling.passage.id, span))
                lines.append(f"«{span}»")
                lines.append(f"— {ruling.citation.label}")
        c = by_id[q.passage_id].citation
        lines.append("")
        lines.append(f"«{q.text}»")
        lines.append(f"— {c.label}")
        if c.note:
            lines.append(f"  ({c.note})")
    answer.quotes = quotes + court_quotes
    lines.append("")
    lines.append("Sumber:")
    for n, s in enumerate(answer.sources[:5], 1):
        c = s.citation
        tail = f" — {c.url}" if c.url else ""
        flag = " [DICABUT]" if c.status == DICABUT else " [sudah diubah]" if c.status == DIUBAH else ""
        lines.append(f"{n}. {c.label}{flag}{tail}")
    notes = []
    if any(by_id[q.passage_id].citation.status == DICABUT for q in quotes):
        notes.append("Perhatian: kutipan di atas berasal dari undang-undang yang sudah dicabut. Aturan yang berlaku "
                     "sekarang bisa berbeda; tanyakan kepada petugas bila perlu.")
    if any(by_id[q.passage_id].passage.quality == "ocr" for q in quotes):
        notes.append("Perhatian: teks sumber hasil OCR dan bisa mengandung salah baca; periksa dokumen resmi.")
    answer.notes = notes
    for n in notes:
        lines.append("")
        lines.append(n)
    lines.append("")
    lines.append(DISCLAIMER)
    answer.text = "\n".join(lines)
    return answer


def check_quotes(answer: Answer) -> None:
    """Every quote is a substring of its source passage (used by tests and the CLI)."""
    texts = {s.passage.id: s.passage.text for s in answer.sources}
    for q in answer.quotes:
        assert q.text in texts.get(q.passage_id, ""), f"quote not verbatim: {q.passage_id}"


__all__ = ["compose", "best_span", "check_quotes", "DISCLAIMER", "MESSAGES", "Source"]

"""Compose the citizen-facing answer as blocks: message, verbatim quotes with their exact
citations, warnings, notes and the disclaimer. `bot/` lays the blocks out; nothing here is markup.

The bot never paraphrases an article: every quoted span is a slice of its stored passage (the
ayat or huruf that answers, see knowledge.spans), and `compose` asserts it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from . import cite
from .model import (
    BERLAKU,
    DICABUT,
    DIUBAH,
    WARN_AMENDED,
    WARN_OCR,
    WARN_REPEALED,
    Answer,
    AnswerWarning,
    Decision,
    Note,
    Quote,
    Source,
)
from .spans import QUOTE_MAX, quote_span

DISCLAIMER = ("Informasi ini bersifat umum dan bukan nasihat hukum. Untuk kasus Anda sendiri, hubungi "
              "Bawaslu setempat atau ketik /petugas.")
LEAD = "Menurut sumber yang saya temukan:"
URGENT = "Jika mendesak, hubungi kantor Bawaslu terdekat."
CLOSE = 0.85  # a second source this close to the first (score ratio) is quoted too
FULL_AMAR_MAX = 3600  # an amar item up to this length is quoted whole (a new meaning is read in full)
REASONING_QUOTE_MAX = 700  # of a ruling's reasoning, the part that answers


@dataclass(frozen=True)
class CourtNotice:
    """What a ruling (or a later regulation, or an admin record) did to a quoted article (issue 11):
    the warning's kind and sentence, and the ruling passage whose words back it (None for an
    admin record of a ruling not in the index). Built by the engine from knowledge/effects.py."""

    kind: str  # a WARN_COURT_* kind or WARN_ARTICLE_REPEALED
    text: str
    ruling: Source | None = None
    whole: bool = True  # quote the ruling passage whole (an amar item), else the span that answers
    huruf: str | None = None  # the ruling is about this huruf of the ayat only ("e")


def _quote_covers(point: str | None, huruf: str | None) -> bool:
    """Whether a quote cited with `point` ("huruf t", "huruf a-k", None: the whole ayat) shows `huruf`."""
    if not huruf or not point or not point.startswith("huruf "):
        return True
    lo, _, hi = point.removeprefix("huruf ").partition("-")
    hi = hi or lo
    return len(lo) != 1 or len(hi) != 1 or lo <= huruf <= hi


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
    "own_report": (
        "Pesan Anda menyangkut laporan Anda sendiri, jadi saya teruskan kepada petugas Bawaslu yang "
        "menanganinya."
    ),
}


def message_for(decision: Decision, reason: str) -> str:
    """What the citizen reads when the engine does not answer with a quote."""
    msg = MESSAGES.get(reason, MESSAGES["no_match"])
    if decision == Decision.ESCALATE:
        # Whether a ticket was opened is the caller's to say (the bot tells the ticket number;
        # the CLI and the terminal chat open none).
        msg += "\n\n" + URGENT
    return msg


def quote_of(src: Source, query: str, limit: int = QUOTE_MAX) -> Quote:
    """The verbatim ayat / huruf of a source that answers `query`, cited exactly."""
    p = src.passage
    span = quote_span(p, query, limit)
    # a source of joined pieces: the quote stays inside one stored piece and names it
    home, part_end = src.part_at(span.start)
    if span.end > part_end:
        span = replace(span, end=len(p.text[:part_end].rstrip()))
    text = p.text[span.start:span.end]
    lead = p.text[span.lead[0]:span.lead[1]] if span.lead else ""
    assert text and text in p.text, "a quote must be a verbatim substring of its passage"
    assert not lead or lead in p.text[: span.start], "a quote's lead must be verbatim, before it"
    c = src.citation
    if span.narrowed:
        c = cite.narrow(c, p, ayat=span.ayat, point=span.point)
    elif src.parts:  # the whole of one piece: its own citation, not the joined span's
        c = cite.narrow(c, p, ayat=home.ayat, point=home.point)
    return Quote(home.id, text, c, lead)


def _quoted(sources: list[Source]) -> list[Source]:
    """The first source, and the second when it is about as good and another article."""
    top = sources[:2]
    if len(top) == 2:
        a, b = top
        same_article = a.passage.doc_id == b.passage.doc_id and a.passage.pasal == b.passage.pasal
        if b.score < CLOSE * a.score or same_article:
            top = top[:1]
    return top


def _in_force_first(quotes: list[Quote]) -> list[Quote]:
    """Two laws about as good: the one in force is read first."""
    if len(quotes) == 2 and quotes[0].citation.status != BERLAKU and quotes[1].citation.status == BERLAKU:
        return [quotes[1], quotes[0]]
    return quotes


def in_force_note(quotes: list[Quote]) -> Note | None:
    """Say which of two quoted laws is in force."""
    if len(quotes) < 2 or quotes[0].citation.doc_id == quotes[1].citation.doc_id:
        return None
    if any(q.citation.doc_id.startswith("putusan-mk-") for q in quotes[:2]):
        return None  # a court ruling is not a regulation "in force" beside another (issue 11)
    a, b = quotes[0].citation, quotes[1].citation
    in_force = [c for c in (a, b) if c.status == BERLAKU]
    if len(in_force) == 2:
        text = f"Dua peraturan mengatur hal ini dan keduanya berlaku: {a.label} dan {b.label}."
    elif len(in_force) == 1:
        other = b if in_force[0] is a else a
        text = (f"Dua peraturan mengatur hal ini. Yang berlaku sekarang: {in_force[0].label}. "
                f"Adapun {other.label} {cite.status_text(other)}.")
    else:
        text = (f"Dua peraturan mengatur hal ini, tetapi tidak satu pun berlaku dalam bentuk ini: {a.label} "
                f"{cite.status_text(a)}; {b.label} {cite.status_text(b)}.")
    return Note(text, kind="in_force")


def warnings_for(quotes: list[Quote], sources: list[Source]) -> list[AnswerWarning]:
    """Repealed or amended law and OCR text among what is quoted: the citizen must see it first."""
    quality = {s.passage.id: s.passage.quality for s in sources}
    out: list[AnswerWarning] = []
    for q in quotes:
        c = q.citation
        if c.status == DICABUT:
            out.append(AnswerWarning(WARN_REPEALED, (
                f"{c.label} berasal dari peraturan yang {cite.status_text(c)}. Kutipan ini sejarah hukum, bukan "
                "aturan yang berlaku; aturan yang berlaku sekarang bisa berbeda, tanyakan kepada petugas bila "
                "perlu."), c))
        elif c.status == DIUBAH:
            out.append(AnswerWarning(WARN_AMENDED, f"{c.label} {cite.status_text(c)}; periksa teks terbarunya.", c))
        if quality.get(q.passage_id) == "ocr":
            out.append(AnswerWarning(WARN_OCR, (
                f"Teks {c.label} hasil pindaian (OCR) dan bisa mengandung salah baca; periksa dokumen resmi."), c))
    return out


def court_warnings(quotes: list[Quote], answer: Answer, court: dict[str, list[CourtNotice]],
                   query: str) -> list[AnswerWarning]:
    """For each quoted article with a court effect: the notice and the ruling's words verbatim (the
    amar item whole). The ruling passage joins the answer's sources, so its quote is checkable."""
    out: list[AnswerWarning] = []
    seen: set[tuple[str, str]] = set()
    for q in quotes:
        for n in court.get(q.passage_id, []):
            if (n.kind, n.text) in seen or not _quote_covers(q.citation.point, n.huruf):
                continue
            seen.add((n.kind, n.text))
            quote = None
            if n.ruling is not None:
                rp = n.ruling.passage
                if n.whole and len(rp.text) <= FULL_AMAR_MAX:
                    quote = Quote(rp.id, rp.text, n.ruling.citation)
                else:
                    quote = quote_of(n.ruling, query, REASONING_QUOTE_MAX)
                if all(s.passage.id != rp.id for s in answer.sources):
                    answer.sources.append(n.ruling)
            out.append(AnswerWarning(n.kind, n.text, q.citation, quote))
    return out


def compose(answer: Answer, query_for_quote: str, *, quote_max: int = QUOTE_MAX,
            court: dict[str, list[CourtNotice]] | None = None) -> Answer:
    """Fill the answer's blocks from its decision, reason and sources. `court`: passage id -> what
    rulings did to that article (issue 11); its warnings come first, each with the ruling's words."""
    if answer.decision != Decision.ANSWER:
        answer.message = message_for(answer.decision, answer.reason)
        return answer
    quotes = _in_force_first([quote_of(s, query_for_quote, quote_max) for s in _quoted(answer.sources)])
    note = in_force_note(quotes)
    answer.message = LEAD
    answer.quotes = quotes
    answer.warnings = court_warnings(quotes, answer, court or {}, query_for_quote) + \
        warnings_for(quotes, answer.sources)
    answer.notes = [note] if note else []
    answer.disclaimer = DISCLAIMER
    return answer


def check_quotes(answer: Answer) -> None:
    """Every quote is a substring of its source passage (used by tests and the CLI)."""
    texts = {pid: s.passage.text for s in answer.sources for pid in [s.passage.id] + [x.id for x in s.parts]}
    for q in list(answer.quotes) + [w.quote for w in answer.warnings if w.quote is not None]:
        assert q.text in texts.get(q.passage_id, ""), f"quote not verbatim: {q.passage_id}"
        assert q.lead in texts.get(q.passage_id, ""), f"quote lead not verbatim: {q.passage_id}"


__all__ = ["compose", "quote_of", "CourtNotice", "court_warnings", "check_quotes", "message_for", "DISCLAIMER", "MESSAGES", "Source"]

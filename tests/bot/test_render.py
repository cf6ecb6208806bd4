"""Unit tests for the pure parts: rendering answers (HTML and plain text), splitting, input
cleaning, rate limit, keyboards.

Answers come from FakeEngine, whose blocks are made by the real composer (knowledge.compose).
"""
from __future__ import annotations

import dataclasses

import pytest

from bot.keyboards import answer_keyboard
from bot.ratelimit import UserRateLimiter
from bot.render import (
    answer_messages,
    esc,
    render_answer,
    render_documents,
    render_passage,
    render_plain,
    split_html,
)
from bot.text import clean_question, strip_mention, truncate_question, utf16_len
from knowledge.cite import label
from knowledge.compose import DISCLAIMER, compose
from knowledge.model import DICABUT, Answer, AnswerWarning, Decision, Passage, Quote
from standins.bot_api import parse_html

from .fakes import P7, P_LONG, P_REPEALED, QUOTE_P7, REPEALED_NOTE, FakeEngine, source_of


def valid(chunk: str, limit: int = 4096) -> str:
    """Telegram would accept it: parses, not too long, not empty. Returns the visible text."""
    plain, _ = parse_html(chunk)
    assert utf16_len(chunk) <= limit
    assert plain.strip()
    return plain


def entities(chunk: str, kind: str) -> list[str]:
    """The visible text of every entity of one kind ("blockquote", "text_link", ...)."""
    plain, ents = parse_html(chunk)
    units = plain.encode("utf-16-le")
    return [units[2 * e["offset"]: 2 * (e["offset"] + e["length"])].decode("utf-16-le")
            for e in ents if e["type"] == kind]


def test_answer_quotes_the_huruf_that_answers_with_its_exact_citation_linked(fake_engine):
    html = render_answer(fake_engine.answer("syarat pendidikan calon bupati"))
    [quote] = entities(html, "blockquote")
    assert quote.endswith(QUOTE_P7) and quote.startswith("(2) Calon Gubernur")  # the ayat's opening, then c
    assert "a. bertakwa" not in quote and "e. berusia" not in quote  # not the whole list
    _, ents = parse_html(html)
    links = {e["url"] for e in ents if e["type"] == "text_link"}
    assert "UU No. 10 Tahun 2016, Pasal 7 ayat (2) huruf c" in entities(html, "text_link") and links == {P7.url}
    assert DISCLAIMER in valid(html)


def test_repealed_warning_comes_before_the_quote(fake_engine):
    ans = fake_engine.answer("umur hak memilih")
    for text in (valid(render_answer(ans)), render_plain(ans)):
        assert text.index("Perhatian") < text.index("genap berumur 17")
        assert REPEALED_NOTE in text.split("genap berumur 17")[0]


def test_plain_text_and_html_show_the_same_blocks(fake_engine):
    for q in ("syarat pendidikan calon bupati", "umur hak memilih", "pendapat kamu?", "kasus saya", "halo"):
        ans = fake_engine.answer(q)
        html, plain = valid(render_answer(ans)), render_plain(ans)
        assert "<" not in plain.replace("<", "")  # nothing to escape, no markup
        blocks = [ans.message, ans.disclaimer, *(w.text for w in ans.warnings), *(n.text for n in ans.notes),
                  *(q.text for q in ans.quotes), *(q.citation.label for q in ans.quotes),
                  *(s.citation.label for s in ans.listed_sources())]
        for text in filter(None, blocks):
            assert text in html and text in plain, (q, text)


def test_everything_from_outside_is_escaped():
    evil = Passage(id="x@v1#pasal-1", doc_id="x", text='<script>alert(1)</script> & <b>x</b> ‮kanan',
                   title='Judul <i>miring</i>', doc_type="lainnya", pasal="1", url='javascript:alert("x")')
    ans = compose(Answer("q", Decision.ANSWER, 0.9, sources=[source_of(evil)]), "script")
    html = render_answer(ans, notices=["<i>catatan</i>"])
    plain = valid(html)
    assert '<script>alert(1)</script> & <b>x</b>' in plain and "<i>catatan</i>" in plain
    assert "<script>" not in html and "<b>x</b>" not in html
    assert entities(html, "text_link") == []  # a javascript: URL is never a link


def test_numbered_sources_only_under_an_answer(fake_engine):
    sources = fake_engine.answer("umur hak memilih").sources  # a repealed law
    answered = compose(Answer("q", Decision.ANSWER, 0.9, sources=sources + [source_of(P7, 0.2)]), "hak memilih")
    plain = valid(render_answer(answered))
    assert "Sumber:\n1. UU No. 8 Tahun 2012, Pasal 19 ayat (1) (sudah dicabut" in plain
    assert "\n2. UU No. 10 Tahun 2016, Pasal 7 ayat (2) (berlaku)" in plain
    abstained = compose(Answer("q", Decision.ABSTAIN, 0.9, sources=sources, reason="out_of_scope"), "q")
    plain = valid(render_answer(abstained))
    assert "Sumber" not in plain and "Perhatian" not in plain and "dicabut" not in plain
    assert "Tanya petugas" in plain  # the staff button is pointed at


def test_a_warning_with_its_own_verbatim_words_shows_them():
    # a later kind of warning (a court ruling that changed the article) quotes the ruling itself
    ans = FakeEngine().answer("syarat pendidikan")
    ruling = Quote("mk@v1#amar", "menyatakan Pasal 7 ... tidak mempunyai kekuatan hukum mengikat", ans.quotes[0].citation)
    ans.warnings = [AnswerWarning("putusan", "Pasal ini sudah diuji di Mahkamah Konstitusi.", quote=ruling)]
    html, plain = render_answer(ans), render_plain(ans)
    assert ruling.text in entities(html, "blockquote")[0] and ruling.text in plain
    assert valid(html).index("Mahkamah Konstitusi") < valid(html).index(QUOTE_P7)


def test_two_laws_quoted_say_which_is_in_force():
    in_force = dataclasses.replace(P_REPEALED, id="uu-7-2017@v1#pasal-198/ayat-1", doc_id="uu-7-2017", number="7",
                                   year=2017, pasal="198", status="berlaku", status_by=None)
    ans = compose(Answer("q", Decision.ANSWER, 0.9, sources=[source_of(P_REPEALED, 0.9), source_of(in_force, 0.88)]),
                  "hak memilih")
    for text in (valid(render_answer(ans)), render_plain(ans)):
        assert "Yang berlaku sekarang: UU No. 7 Tahun 2017, Pasal 198 ayat (1)" in text
        # the law in force is read first, the repealed one is still flagged
        assert text.index("— UU No. 7 Tahun 2017, Pasal 198") < text.index("— UU No. 8 Tahun 2012, Pasal 19")
        assert REPEALED_NOTE in text


@pytest.mark.parametrize("limit", [4096, 1000, 300])
def test_split_long_answer_every_chunk_valid(fake_engine, limit):
    chunks = answer_messages(fake_engine.answer("jawaban panjang"), limit=limit, max_messages=100)
    assert len(chunks) >= 3
    seen = ""
    for c in chunks:
        seen += valid(c, limit)
        assert c.count("<blockquote>") == c.count("</blockquote>")
    # nothing lost: every numbered item of the quote is somewhere in the output, once
    for i in (1, 27, 55):
        assert seen.count(f"ketentuan uji nomor {i} mengenai") == 1
    assert "KPU & diawasi oleh Bawaslu <sesuai>" in seen


def test_split_prefers_paragraph_boundaries():
    doc = "\n\n".join(f"Paragraf {i} " + "kata " * 150 for i in range(10))
    chunks = split_html(esc(doc), 2000)
    assert all(c.startswith("Paragraf") for c in chunks)


def test_split_hard_cuts_a_giant_word_never_inside_an_entity():
    doc = "<b>" + "&amp;" * 3000 + "</b>"
    chunks = split_html(doc, 1000)
    assert len(chunks) >= 15
    for c in chunks:
        assert set(valid(c, 1000)) == {"&"}


def test_split_counts_utf16_units_not_code_points():
    doc = "🗳 " * 1500  # 3000 code points, but 4500 UTF-16 units: too long for one message
    chunks = split_html(doc, 4096)
    assert len(chunks) == 2 and all(utf16_len(c) <= 4096 for c in chunks)
    assert "".join(chunks).count("🗳") == 1500


def test_message_cap_marks_truncation(fake_engine):
    chunks = answer_messages(fake_engine.answer("jawaban panjang"), limit=500, max_messages=3)
    assert len(chunks) == 3
    assert "dipotong" in valid(chunks[-1], 500)


def test_passage_and_documents_render_valid():
    chunks = render_passage(P_LONG)
    assert len(chunks) >= 2 and all(valid(c) for c in chunks)
    assert valid(chunks[0]).startswith(f"📖 {label(P_LONG)}")  # the one citation format
    repealed = valid(render_passage(P_REPEALED)[0])
    assert "Status: ⛔ dicabut (oleh UU No. 7 Tahun 2017)" in repealed and "sudah dicabut" in repealed
    docs = FakeEngine().documents()
    text = "".join(valid(c) for c in render_documents(docs))
    assert "Sudah dicabut" in text and "dicabut oleh uu-7-2017" in text
    assert P_REPEALED.status == DICABUT


def test_clean_question_strips_bidi_and_invisibles_keeps_emoji():
    raw = "\u202eSyarat\u200b calon\u2066 bupati\u2069 🗳️  \r\n\n\n\n apa?\ufeff \x00"
    assert clean_question(raw) == "Syarat calon bupati 🗳️\n\napa?"
    assert clean_question("  \u200f\u200e \n\t ") == ""


def test_truncate_at_word_boundary():
    text = "kata " * 1000
    cut, truncated = truncate_question(text.strip(), 2000)
    assert truncated and len(cut) <= 2000 and cut.endswith("kata")
    assert truncate_question("pendek", 2000) == ("pendek", False)


def test_strip_mention():
    assert strip_mention("@Kepemiluan_Bot apa syarat?", "kepemiluan_bot").strip() == "apa syarat?"


def test_rate_limiter_window_and_single_notice():
    now = [0.0]
    rl = UserRateLimiter(3, clock=lambda: now[0])
    assert all(rl.check(1).allowed for _ in range(3))
    v = rl.check(1)
    assert not v.allowed and v.notify and v.wait_seconds == 60
    assert not rl.check(1).notify  # told once per window
    assert rl.check(2).allowed  # other users unaffected
    now[0] = 61.0
    assert rl.check(1).allowed


def test_callback_data_short_even_with_huge_ids():
    markup = answer_keyboard(9_223_372_036_854_775_807, 5)
    for row in markup.inline_keyboard:
        for b in row:
            assert len(b.callback_data.encode()) <= 64


# ------------------------------------------------------------------------------ issue 11
def test_a_court_warning_shows_the_rulings_words_and_their_citation_before_the_quote(fake_engine):
    ans = FakeEngine().answer("syarat pendidikan")
    amar = Passage(id="putusan-mk-60-2024@v1#amar/2", doc_id="putusan-mk-60-2024", doc_type="putusan_mk",
                   kind="amar", item="2", number="60/PUU-XXII/2024", year=2024, title="Putusan MK 60/PUU-XXII/2024",
                   text="Menyatakan Pasal 40 ayat (1) … sepanjang tidak dimaknai: “…”",
                   url="https://example.org/putusan-60")
    ruling = Quote(amar.id, amar.text, dataclasses.replace(ans.quotes[0].citation, label=label(amar), url=amar.url))
    ans.warnings = [AnswerWarning("dimaknai", "Pasal 40 ayat (1) UU 10/2016 telah dimaknai lain oleh Putusan MK "
                                  "60/PUU-XXII/2024 (amar angka 2).", ans.quotes[0].citation, ruling)]
    html, plain = valid(render_answer(ans)), render_plain(ans)
    assert "— Putusan MK Nomor 60/PUU-XXII/2024, amar angka 2" in html
    assert "https://example.org/putusan-60" in render_answer(ans)  # the ruling's citation is linked
    assert plain.index("Perhatian: Pasal 40 ayat (1)") < plain.index("«Menyatakan Pasal 40") < \
        plain.index("— Putusan MK Nomor 60/PUU-XXII/2024, amar angka 2") < plain.index(QUOTE_P7)


def test_pasal_lengkap_shows_the_articles_full_chain_of_legal_effects():
    p = Passage(id="uu-10-2016@v1#pasal-40", doc_id="uu-10-2016", text="(1) Partai Politik …", title="UU 10/2016",
                number="10", year=2016, pasal="40")
    chain = ["Pasal 40 diubah oleh UU 10/2016",
             "Pasal 40 ayat (1) dimaknai lain oleh Putusan MK 60/PUU-XXII/2024 amar angka 2"]
    html = "".join(render_passage(p, chain=chain))
    shown = valid(html)
    assert "Riwayat pasal" in shown and "• Pasal 40 ayat (1) dimaknai lain oleh Putusan MK 60/PUU-XXII/2024" in shown
    assert html.index("Riwayat pasal") < html.index("<blockquote>")
    assert "Riwayat pasal" not in "".join(render_passage(p))


def test_sumber_lists_what_a_ruling_does_and_its_date():
    docs = [{"doc_id": "putusan-mk-60-2024", "title": "Putusan Mahkamah Konstitusi Nomor 60/PUU-XXII/2024",
             "doc_type": "putusan_mk", "status": "berlaku", "status_by": None, "date": "2024-08-20",
             "effects": [{"kind": "dimaknai", "by": "putusan-mk-60-2024", "item": "2",
                          "target": "uu-10-2016:pasal-40/ayat-1"}]}]
    text = "".join(valid(c) for c in render_documents(docs))
    assert "(2024-08-20)" in text and "↳ memberi makna baru pada uu-10-2016:pasal-40/ayat-1" in text

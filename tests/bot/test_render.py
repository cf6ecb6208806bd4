"""Unit tests for the pure parts: rendering, splitting, input cleaning, rate limit, keyboards."""
from __future__ import annotations

import pytest

from bot.keyboards import answer_keyboard
from bot.ratelimit import UserRateLimiter
from bot.render import (
    DISCLAIMER,
    answer_messages,
    esc,
    render_answer,
    render_documents,
    render_passage,
    split_html,
)
from bot.text import clean_question, strip_mention, truncate_question, utf16_len
from knowledge.model import Answer, Decision
from tests.telegram_stub import parse_html

from .fakes import P7, P_LONG, QUOTE_P7, REPEALED_NOTE, FakeEngine


def valid(chunk: str, limit: int = 4096) -> str:
    """Telegram would accept it: parses, not too long, not empty. Returns the visible text."""
    plain, _ = parse_html(chunk)
    assert utf16_len(chunk) <= limit
    assert plain.strip()
    return plain


def test_answer_has_blockquote_link_and_disclaimer(fake_engine):
    html = render_answer(fake_engine.answer("syarat pendidikan calon bupati"))
    assert f"<blockquote>{esc(QUOTE_P7)}</blockquote>" in html
    assert f'<a href="{P7.url}">UU No. 10 Tahun 2016, Pasal 7 ayat (2)</a>' in html
    assert "bukan nasihat hukum" in valid(html)


def test_repealed_warning_comes_first_and_is_visible(fake_engine):
    html = render_answer(fake_engine.answer("umur hak memilih"))
    plain = valid(html)
    assert plain.index("Perhatian") < plain.index("Menurut")
    assert REPEALED_NOTE in plain


def test_everything_from_outside_is_escaped():
    evil = '<script>alert(1)</script> <b>x</b> & *bold* _i_ [a](http://x) ‮kanan'
    ans = Answer(evil, Decision.ABSTAIN, f"Pertanyaan: {evil}", 0.0)
    html = render_answer(ans, notices=["<i>catatan</i>"])
    plain = valid(html)
    assert "<script>alert(1)</script>" in plain and "<b>x</b>" in plain
    assert "<script>" not in html


def test_numbered_source_list_added_when_text_has_none(fake_engine):
    ans = fake_engine.answer("syarat pendidikan")
    bare = Answer(ans.question, ans.decision, "Calon harus berpendidikan SLTA.", 0.9, sources=ans.sources)
    html = render_answer(bare)
    assert "<b>Sumber:</b>\n1. <a href=" in html
    assert DISCLAIMER in valid(html)


def test_quote_lines_fallback_when_quotes_not_echoed():
    ans = Answer("q", Decision.ANSWER, "Pasal berbunyi:\n“Setiap warga negara berhak memilih.”\nSelesai. bukan nasihat hukum", 0.5)
    assert "<blockquote>Setiap warga negara berhak memilih.</blockquote>" in render_answer(ans)


@pytest.mark.parametrize("limit", [4096, 1000, 300])
def test_split_long_answer_every_chunk_valid(fake_engine, limit):
    chunks = answer_messages(fake_engine.answer("jawaban panjang"), limit=limit, max_messages=100)
    assert len(chunks) >= 3
    seen = ""
    for c in chunks:
        seen += valid(c, limit)
        assert c.count("<blockquote>") == c.count("</blockquote>")
    # nothing lost: every numbered item of the quote is somewhere in the output
    for i in (1, 27, 55):
        assert f"ketentuan uji nomor {i} mengenai" in seen
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


def test_split_counts_utf16_units():
    doc = "🗳️ " * 2000  # emoji are 2 UTF-16 units (+ variation selector)
    for c in split_html(doc, 4096):
        assert utf16_len(c) <= 4096


def test_message_cap_marks_truncation(fake_engine):
    chunks = answer_messages(fake_engine.answer("jawaban panjang"), limit=500, max_messages=3)
    assert len(chunks) == 3
    assert "dipotong" in valid(chunks[-1], 500)


def test_passage_and_documents_render_valid():
    chunks = render_passage(P_LONG)
    assert len(chunks) >= 2 and all(valid(c) for c in chunks)
    docs = FakeEngine().documents()
    text = "".join(valid(c) for c in render_documents(docs))
    assert "Sudah dicabut" in text and "dicabut oleh uu-7-2017" in text


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


def test_abstention_never_lists_sources_or_their_warnings(fake_engine):
    sources = fake_engine.answer("umur hak memilih").sources  # a repealed law, with a note
    ans = Answer("q", Decision.ABSTAIN, "Maaf, di luar cakupan saya.", 0.9, sources=sources)
    plain = valid(render_answer(ans))
    assert "Sumber" not in plain and "Perhatian" not in plain and "dicabut" not in plain


def test_pasal_lengkap_shows_the_articles_full_chain_of_legal_effects():
    from bot.render import render_passage
    from knowledge.model import Passage

    p = Passage(id="uu-10-2016@v1#pasal-40", doc_id="uu-10-2016", text="(1) Partai Politik …", title="UU 10/2016",
                number="10", year=2016, pasal="40")
    chain = ["Pasal 40 diubah oleh UU 10/2016", "Pasal 40 ayat (1) dimaknai lain oleh Putusan MK 60/PUU-XXII/2024 amar angka 2"]
    html = "".join(render_passage(p, chain=chain))
    assert "Riwayat pasal" in html and "• Pasal 40 ayat (1) dimaknai lain oleh Putusan MK 60/PUU-XXII/2024 amar angka 2" in html
    assert html.index("Riwayat pasal") < html.index("<blockquote>")
    assert "Riwayat pasal" not in "".join(render_passage(p))

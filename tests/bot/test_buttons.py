"""Inline buttons under an answer: feedback, full passage, ask a human."""
from __future__ import annotations

from bot.db import StaffRequest

from .conftest import OTHER_USER, USER
from .fakes import P7, P40_1, P40_2, P_LONG_ID


async def test_thumbs_up_is_stored_and_buttons_update(bot):
    [answer] = await bot.ask(USER, "syarat pendidikan calon bupati")
    qid = await bot.stub.click(USER, answer, "👍")
    toast = await bot.stub.wait_for_answer(qid)
    assert toast["text"] == "Terima kasih atas penilaian Anda!"
    await bot.stub.wait_for(lambda: answer.edits == 1)
    assert "👍" not in [b["text"] for b in answer.buttons()]
    assert "🙋 Tanya petugas" in [b["text"] for b in answer.buttons()]
    [row] = await bot.db.conversations_for(bot.services.ask.pseudonym(USER))
    assert row.feedback == 1 and row.feedback_at is not None


async def test_thumbs_down_and_only_the_asker_can_rate(bot):
    [answer] = await bot.ask(USER, "syarat pendidikan calon bupati")
    qid = await bot.stub.click(OTHER_USER, answer, "👎")
    assert (await bot.stub.wait_for_answer(qid))["text"] == "Hanya penanya yang dapat menilai jawaban ini."
    qid = await bot.stub.click(USER, answer, "👎")
    await bot.stub.wait_for_answer(qid)
    [row] = await bot.db.conversations_for(bot.services.ask.pseudonym(USER))
    assert row.feedback == -1


async def test_lihat_pasal_lengkap_shows_the_full_passage(bot):
    [answer] = await bot.ask(USER, "syarat pendidikan calon bupati")
    before = len(bot.stub.messages(USER))
    qid = await bot.stub.click(USER, answer, "📖 Lihat pasal lengkap")
    await bot.stub.wait_for_answer(qid)
    msgs = (await bot.stub.wait_for_messages(USER, before + 1))[before:]
    assert "a. bertakwa kepada Tuhan Yang Maha Esa;" in msgs[0].text
    assert "Status: ✅ berlaku" in msgs[0].text
    assert any(e["type"] == "blockquote" for e in msgs[0].entities)
    assert msgs[0].reply_to == answer.message_id
    assert P7.text.splitlines()[-1] in msgs[0].text


async def test_a_source_of_two_pieces_of_one_article_shows_both_as_cited(bot):
    [answer] = await bot.ask(USER, "ambang batas partai mengusung calon")
    assert "Pasal 40 ayat (1) s.d. (2)" in answer.text
    before = len(bot.stub.messages(USER))
    qid = await bot.stub.click(USER, answer, "📖 Lihat pasal lengkap")
    await bot.stub.wait_for_answer(qid)
    msgs = (await bot.stub.wait_for_messages(USER, before + 1))[before:]
    assert "Pasal 40 ayat (1) s.d. (2)" in msgs[0].text
    assert P40_1.text in msgs[0].text and P40_2.text in msgs[0].text


async def test_long_passage_id_never_goes_into_callback_data(bot):
    assert len(P_LONG_ID.id.encode()) > 64
    [answer] = await bot.ask(USER, "dokumen dengan id panjang")
    assert all(len(b["callback_data"].encode()) <= 64 for b in answer.buttons())
    before = len(bot.stub.messages(USER))
    qid = await bot.stub.click(USER, answer, "📖")
    await bot.stub.wait_for_answer(qid)
    msgs = await bot.stub.wait_for_messages(USER, before + 1)
    assert P_LONG_ID.text in msgs[-1].text


async def test_tanya_petugas_button_opens_one_ticket(bot):
    [answer] = await bot.ask(USER, "syarat pendidikan calon bupati")
    texts = []
    for _ in range(2):  # a double tap opens one ticket
        before = len(bot.stub.messages(USER))
        qid = await bot.stub.click(USER, answer, "🙋 Tanya petugas")
        assert (await bot.stub.wait_for_answer(qid))["text"] == "Diteruskan ke petugas."
        msgs = await bot.stub.wait_for_messages(USER, before + 1)
        texts.append(msgs[-1].text)
    [ticket] = await bot.services.desk.tickets.for_user(bot.services.ask.pseudonym(USER))
    assert ticket.chat_id == USER and ticket.question == "syarat pendidikan calon bupati" and ticket.conversation_id
    assert ticket.kind == "permintaan petugas"
    assert f"Nomor tiket Anda: #{ticket.id}" in texts[0]
    assert f"#{ticket.id}" in texts[1] and "sudah tercatat" in texts[1]
    assert await bot.db.count(StaffRequest) == 0  # the old table is no longer written


async def test_buttons_of_deleted_data_answer_politely(bot):
    [answer] = await bot.ask(USER, "syarat pendidikan calon bupati")
    await bot.db.delete_user_data(bot.services.ask.pseudonym(USER))
    qid = await bot.stub.click(USER, answer, "📖")
    assert "sudah tidak tersedia" in (await bot.stub.wait_for_answer(qid))["text"]
    qid = await bot.stub.press(USER, answer, "zz:forged")
    assert "sudah tidak tersedia" in (await bot.stub.wait_for_answer(qid))["text"]

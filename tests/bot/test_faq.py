"""«Jadikan FAQ»: a staff answer becomes a «jawaban petugas» source the real engine cites; withdrawable."""
from __future__ import annotations


from bot.app import stop_application

from .conftest import OTHER_USER, USER, start_bot
from .test_desk import STAFF_A, STAFF_GROUP, desk_settings, press, tickets, wait_card, wait_text


STAFF_ANSWER = (
    "Pemilih tidak boleh memotret surat suara di bilik suara. Ponsel sebaiknya dimatikan atau dititipkan "
    "kepada KPPS sebelum masuk bilik."
)


def fresh_engine(fixture_passages):
    from knowledge.engine import Engine

    return Engine(fixture_passages)  # its own instance: the FAQ changes its passages


async def test_answer_marked_faq_is_cited_for_a_similar_question_and_can_be_withdrawn(stub, tmp_path, fixture_passages):
    settings = desk_settings(stub, tmp_path)
    bot = await start_bot(stub, settings, fresh_engine(fixture_passages))
    try:
        first = await bot.ask(USER, "apakah boleh membawa ponsel ke dalam bilik suara?", timeout=20)
        assert "Jawaban petugas" not in first[-1].text
        await press(stub, USER, first[-1], "🙋 Tanya petugas")
        card = await wait_card(stub, 1)
        not_yet = await press(stub, STAFF_A, card, "⭐ Jadikan FAQ")
        assert "belum punya jawaban petugas" in not_yet["text"]

        await stub.send_group_text(STAFF_GROUP, STAFF_A, STAFF_ANSWER, reply_to=card)
        await wait_text(stub, USER, "Jawaban petugas untuk tiket #1")
        toast = await press(stub, STAFF_A, card, "⭐ Jadikan FAQ")
        assert "tinjau" in toast["text"].lower()  # nothing goes live before staff review it
        review = await wait_text(stub, STAFF_GROUP, "Tinjau FAQ dari tiket #1")
        assert [e.question for e in await tickets(bot).faq_entries()] == []
        await stub.send_group_text(STAFF_GROUP, STAFF_A, "Apakah boleh membawa ponsel atau hp ke dalam bilik suara saat mencoblos?", reply_to=review)
        await wait_text(stub, STAFF_GROUP, "disimpan sebagai FAQ #1")
        [entry] = await tickets(bot).faq_entries()
        assert entry.question == "Apakah boleh membawa ponsel atau hp ke dalam bilik suara saat mencoblos?"
        assert len([m for m in stub.messages(USER) if "Jawaban petugas" in m.text]) == 1  # the review reply is not relayed

        similar = await bot.ask(OTHER_USER, "bolehkah bawa hp ke bilik suara saat nyoblos?", timeout=20)
        text = "\n".join(m.text for m in similar)
        assert "Jawaban petugas Bawaslu" in text and "Ponsel sebaiknya dimatikan" in text
        assert "Sari" not in text
    finally:
        await stop_application(bot.app)

    # a restart with a fresh engine: the FAQ comes back from the database
    bot = await start_bot(stub, settings, fresh_engine(fixture_passages))
    try:
        again = await bot.ask(OTHER_USER, "boleh bawa ponsel ke bilik suara?", timeout=20)
        assert "Jawaban petugas Bawaslu" in "\n".join(m.text for m in again)

        faq_msg = await wait_text(stub, STAFF_GROUP, "disimpan sebagai FAQ #1")
        toast = await press(stub, STAFF_A, faq_msg, "↩️ Tarik FAQ")
        assert toast["text"] == "FAQ #1 ditarik; bot tidak lagi mengutipnya."
        after = await bot.ask(OTHER_USER, "bolehkah bawa hp ke bilik suara saat nyoblos?", timeout=20)
        assert "Jawaban petugas" not in "\n".join(m.text for m in after)
        await stub.wait_for(lambda: not faq_msg.buttons(), 5, "the withdraw button to go")
    finally:
        await stop_application(bot.app)


async def test_faq_review_hides_the_citizens_name_and_number(stub, tmp_path, fake_engine):
    bot = await start_bot(stub, desk_settings(stub, tmp_path), fake_engine)
    try:
        await stub.send_text(USER, "ini kasus saya, nama saya Budi, HP 081234567890, apakah saya bisa pindah TPS?")
        card = await wait_card(stub, 1)
        await stub.send_group_text(STAFF_GROUP, STAFF_A, "Halo Pak Budi, bisa: urus formulir pindah memilih.", reply_to=card)
        await wait_text(stub, USER, "Jawaban petugas untuk tiket #1")
        await press(stub, STAFF_A, card, "⭐ Jadikan FAQ")
        review = await wait_text(stub, STAFF_GROUP, "Tinjau FAQ dari tiket #1")
        assert "081234567890" not in review.text and "Halo Pak Budi" not in review.text
        assert await tickets(bot).faq_entries() == []
        await press(stub, STAFF_A, review, "✅ Terbitkan")
        await wait_text(stub, STAFF_GROUP, "disimpan sebagai FAQ #1")
        [entry] = await tickets(bot).faq_entries()
        assert "081234567890" not in entry.question + entry.answer and "Budi" not in entry.question + entry.answer
        assert entry.answer.startswith("bisa: urus formulir")
    finally:
        await stop_application(bot.app)

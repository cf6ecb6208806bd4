"""One citizen cannot get unlimited replies, tickets or staff cards (issue 13 §2), through the stand-in.

Every handler that sends or runs the engine spends the same per-user budget; tickets are capped
per citizen; a report's evidence and facts are capped and evidence reaches staff as an album.
"""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.app import stop_application
from bot.outbox_store import PENDING, OutboxMessage
from bot.tickets import Ticket

from .conftest import GROUP, OTHER_USER, USER, is_answer, start_bot
from .test_desk import STAFF_GROUP, desk_settings, press, wait_card, wait_text
from .test_report import next_message


@pytest.fixture
async def desk_bot(stub, tmp_path, fake_engine):
    harness = await start_bot(stub, desk_settings(stub, tmp_path, user_budget_per_minute=8), fake_engine)
    try:
        yield harness
    finally:
        await stop_application(harness.app)


async def ticket_count(bot) -> int:
    async with bot.db.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(Ticket))).scalar_one())


async def test_every_kind_of_message_spends_one_budget(desk_bot):
    stub = desk_bot.stub
    stub.user(USER)
    sends = [
        lambda: stub.send_text(USER, "/start"), lambda: stub.send_sticker(USER), lambda: stub.send_text(USER, "/sumber"),
        lambda: stub.send_text(USER, "/perintahaneh"), lambda: stub.send_voice(USER), lambda: stub.send_location(USER),
        lambda: stub.send_text(USER, "/bantuan"), lambda: stub.send_text(USER, "/batal"),
        lambda: stub.send_text(USER, "/petugas tolong bantu"), lambda: stub.send_text(USER, "/lapor"),
    ] * 3  # 30 messages of ten kinds in a few seconds
    for send in sends:
        await send()
    await stub.settle(quiet=1.0, timeout=20)
    texts = [m.text for m in stub.messages(USER)]
    told = [t for t in texts if "terlalu banyak pesan dari Anda" in t]
    assert len(told) == 1  # told once, then nothing
    # 8 actions admitted (a /petugas ticket's acknowledgement and a /sumber list may be two messages each)
    assert len(texts) <= 8 * 2 + 1
    # an ordinary citizen meanwhile is answered at once
    await stub.send_text(OTHER_USER, "apa syarat pendidikan calon bupati?")
    await stub.wait_for(lambda: any(is_answer(m) for m in stub.messages(OTHER_USER)), 5, "an answer")


async def test_forged_and_others_staff_button_taps_cannot_flood_the_desk(desk_bot):
    bot, stub = desk_bot, desk_bot.stub
    stub.group(GROUP)
    await stub.send_group_text(GROUP, OTHER_USER, "/tanya apa syarat pendidikan calon bupati?")
    answer = await stub.wait_for(lambda: next((m for m in stub.messages(GROUP) if is_answer(m)), None), 5, "answer")
    # USER taps «Tanya petugas» under someone else's answer, and forges hp: data, again and again
    qids = []
    for i in range(20):
        data = answer.button("🙋 Tanya petugas")["callback_data"] if i % 2 else f"hp:{9000 + i}"
        qids.append(await stub.press(USER, answer, data))
    await stub.settle(quiet=1.0, timeout=20)
    assert await ticket_count(bot) <= 3  # the open-ticket cap per citizen
    cards = [m for m in stub.messages(STAFF_GROUP) if m.text.startswith("🎫 Tiket #")]
    assert len(cards) <= 3
    answered = [stub.state.callback_answers[q] for q in qids]
    assert sum(1 for a in answered if a and "terlalu banyak" in a["text"]) == 1  # one alert, then silence


async def test_a_lapor_batal_loop_opens_few_tickets(stub, tmp_path, fake_engine):
    bot = await start_bot(stub, desk_settings(stub, tmp_path, user_budget_per_minute=200), fake_engine)
    try:
        for i in range(8):
            await next_message(stub, USER, lambda: stub.send_text(USER, "/lapor"))
            await next_message(stub, USER, lambda: stub.send_text(USER, f"kejadian nomor {i} di desa"))
            await stub.settle(quiet=0.3)
            await next_message(stub, USER, lambda: stub.send_text(USER, "/batal"))
        await stub.settle(quiet=1.0, timeout=20)
        assert await ticket_count(bot) == 5  # settings.max_tickets_per_hour
        assert "beberapa tiket dalam satu jam terakhir" in stub.visible_text(USER)
        cards = [m for m in stub.messages(STAFF_GROUP) if m.text.startswith("🎫 Tiket #")]
        assert len(cards) == 5
    finally:
        await stop_application(bot.app)


async def report_until_evidence(stub):
    await stub.send_text(USER, "/lapor")
    await wait_text(stub, USER, "Ceritakan apa yang terjadi")
    first = await next_message(stub, USER, lambda: stub.send_text(USER, "Ada pembagian amplop di balai desa."))
    first = await wait_text(stub, USER, "nama dan alamat")
    await press(stub, USER, first, "Tidak bersedia")
    await wait_text(stub, USER, "pihak yang dilaporkan")
    await next_message(stub, USER, lambda: stub.send_text(USER, "Tim sukses calon nomor urut 2"))
    return await next_message(stub, USER, lambda: stub.send_text(USER, "Sabtu malam di balai desa"))


async def test_evidence_is_capped_and_reaches_staff_as_one_album(stub, tmp_path, fake_engine):
    bot = await start_bot(stub, desk_settings(stub, tmp_path, user_budget_per_minute=200), fake_engine)
    try:
        await report_until_evidence(stub)
        for _ in range(14):
            await stub.send_photo(USER)
        full = await wait_text(stub, USER, "batas 10 berkas", timeout=10)
        await stub.settle(quiet=0.5)
        got = [m for m in stub.messages(USER) if "Bukti diterima" in m.text]
        assert len(got) == 10
        await press(stub, USER, full, "Selesai")
        await wait_text(stub, USER, "sudah lengkap")
        card = await wait_card(stub, 1)
        await stub.wait_for(lambda: stub.calls_of("sendMediaGroup"), 8, "the evidence album")
        await stub.settle(quiet=1.0, timeout=10)
        assert len(stub.calls_of("sendMediaGroup")) == 1 and not stub.calls_of("sendPhoto")
        photos = [m for m in stub.messages(STAFF_GROUP) if m.media]
        assert len(photos) == 10 and photos[0].reply_to == card.message_id
        async with bot.db.sessions() as s:
            assert (await s.execute(select(func.count()).select_from(OutboxMessage)
                                    .where(OutboxMessage.status == PENDING))).scalar_one() == 0
    finally:
        await stop_application(bot.app)


async def test_an_overlong_report_fact_is_asked_again(stub, tmp_path, fake_engine):
    bot = await start_bot(stub, desk_settings(stub, tmp_path, user_budget_per_minute=200), fake_engine)
    try:
        await stub.send_text(USER, "/lapor")
        await wait_text(stub, USER, "Ceritakan apa yang terjadi")
        reply = await next_message(stub, USER, lambda: stub.send_text(USER, "amplop " * 400))
        assert "terlalu panjang" in reply.text and "1000" in reply.text
        assert await ticket_count(bot) == 0
        await next_message(stub, USER, lambda: stub.send_text(USER, "Ada pembagian amplop di balai desa."))
        await wait_text(stub, USER, "nama dan alamat")
        assert await ticket_count(bot) == 1
    finally:
        await stop_application(bot.app)


async def test_a_repeated_thumbs_down_is_offered_to_staff_once(desk_bot):
    stub = desk_bot.stub
    [answer] = [m for m in await desk_bot.ask(USER, "apa syarat pendidikan calon bupati?") if is_answer(m)]
    data = answer.button("👎")["callback_data"]
    for _ in range(4):  # the button is gone after the first tap; a script sends the data anyway
        await stub.wait_for_answer(await stub.press(USER, answer, data))
    await stub.settle()
    offers = [m for m in stub.messages(USER) if "diteruskan ke petugas" in m.text]
    assert len(offers) == 1


async def test_konsol_from_a_citizen_spends_the_same_budget(desk_bot):
    stub = desk_bot.stub
    stub.user(USER)
    for i in range(30):  # /konsol and /konsol keluar, each a refusal or a reply and a staff lookup
        await stub.send_text(USER, "/konsol" if i % 2 else "/konsol keluar")
    await stub.settle(quiet=1.0, timeout=20)
    texts = [m.text for m in stub.messages(USER)]
    assert len([t for t in texts if "terlalu banyak pesan dari Anda" in t]) == 1
    assert len(texts) <= 8 + 1

"""One citizen cannot jam the staff group's queue (issue 13 §1), through the Telegram stand-in."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from bot.app import stop_application
from bot.outbox_store import FAILED, OutboxMessage
from standins.bot_api import utf16_len

from .conftest import OTHER_USER, USER, start_bot
from .test_desk import STAFF_GROUP, desk_settings, wait_card, wait_text
from .test_report import next_message

EMOJI = "💥"  # two UTF-16 units each
RUN = re.compile(f"(?:{EMOJI}){{20,}}")


@pytest.fixture
async def desk_bot(stub, tmp_path, fake_engine):
    harness = await start_bot(stub, desk_settings(stub, tmp_path, outbox_orphan_wait_seconds=1.0), fake_engine)
    try:
        yield harness
    finally:
        await stop_application(harness.app)


async def test_emoji_report_card_fits_and_shows_the_report_once(desk_bot):
    stub = desk_bot.stub
    await stub.send_text(USER, "saya mau lapor " + EMOJI * 2000)
    card = await wait_card(stub, 1, timeout=8)
    assert utf16_len(card.text) <= 4096
    # the report text is on the card once: not again as «Uraian kejadian»
    assert len(RUN.findall(card.text)) == 1 and "Uraian kejadian" not in card.text

    # /batal queues a follow-up that replies to the card, then a later ticket's card arrives
    await next_message(stub, USER, lambda: stub.send_text(USER, "/batal"))
    note = await wait_text(stub, STAFF_GROUP, "membatalkan laporan tiket #1")
    assert note.reply_to == card.message_id
    await stub.send_text(OTHER_USER, "tolong sambungkan ke petugas")
    await wait_card(stub, 2)


async def test_a_reply_to_a_card_that_failed_for_good_does_not_hold_the_staff_queue(desk_bot):
    bot, stub = desk_bot, desk_bot.stub
    await stub.send_text(USER, "/lapor")
    await wait_text(stub, USER, "Ceritakan apa yang terjadi")
    # the card cannot be sent for good (e.g. the bot lost posting rights for a moment)
    stub.fail_for(3.0, status=403, method="sendMessage", chat_id=STAFF_GROUP)
    await stub.send_text(USER, "Kepala desa membagikan amplop kepada warga.")
    await wait_text(stub, USER, "nama dan alamat")

    # the fault gives up on the card after a few tries; make it final at once (as after 5 tries)
    async with bot.db.sessions.begin() as s:
        await s.execute(update(OutboxMessage).where(OutboxMessage.purpose == "card").values(status=FAILED))

    await next_message(stub, USER, lambda: stub.send_text(USER, "/batal"))
    note = await wait_text(stub, STAFF_GROUP, "membatalkan laporan tiket #1", timeout=8)
    assert note.reply_to is None  # sent without reply-to: the card is not there
    await stub.send_text(OTHER_USER, "tolong sambungkan ke petugas")
    await wait_card(stub, 2, timeout=8)
    async with bot.db.sessions() as s:
        row = (await s.execute(
            OutboxMessage.__table__.select().where(OutboxMessage.key == "t1:cancelled")
        )).one()
    assert row.status == "sent" and row.attempts >= 1 and "tanpa balasan" in row.last_error


async def test_long_report_fields_fit_the_card_edit_and_the_follow_up(desk_bot):
    stub = desk_bot.stub
    await stub.send_text(USER, "saya mau lapor " + EMOJI * 2000)
    first = await wait_text(stub, USER, "nama dan alamat")
    card = await wait_card(stub, 1, timeout=8)
    await next_message(stub, USER, lambda: stub.send_text(USER, "Pelapor " + EMOJI * 990))
    await next_message(stub, USER, lambda: stub.send_text(USER, "Terlapor " + EMOJI * 990))
    asked = await next_message(stub, USER, lambda: stub.send_text(USER, "Tempat " + EMOJI * 990))
    assert first.button("Tidak bersedia")
    await stub.click(USER, asked, "Tidak ada bukti")
    followup = await wait_text(stub, STAFF_GROUP, "Kelengkapan laporan tiket #1", timeout=8)
    assert utf16_len(followup.text) <= 4096 and "Terlapor" in followup.text
    await stub.wait_for(lambda: "Terlapor" in card.text, 8, "the card edit with the report facts")
    assert utf16_len(card.text) <= 4096 and len(RUN.findall(card.text)) == 4

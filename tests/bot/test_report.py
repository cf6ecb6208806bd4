"""Violation-report intake (UU 1/2015 Pasal 134 ayat (3)) through the stand-in: every step, cancel, restart."""
from __future__ import annotations

import pytest

from bot.app import stop_application

from .conftest import USER, is_answer, start_bot
from .fakes import QUOTE_P7
from .test_desk import STAFF_GROUP, desk_settings, press, tickets, wait_card, wait_text


@pytest.fixture
async def desk_bot(stub, tmp_path, fake_engine):
    harness = await start_bot(stub, desk_settings(stub, tmp_path), fake_engine)
    try:
        yield harness
    finally:
        await stop_application(harness.app)


async def next_message(stub, chat: int, send, timeout: float = 5.0):
    before = len(stub.messages(chat))
    await send()
    msgs = await stub.wait_for_messages(chat, before + 1, timeout)
    return msgs[before]


async def test_report_taken_through_every_step(desk_bot):
    bot, stub = desk_bot, desk_bot.stub
    await stub.send_text(USER, "Saya mau lapor, semalam ada politik uang di Dusun Krajan: amplop dibagikan ke warga.")
    first = await wait_text(stub, USER, "Pasal 134 ayat (3)")
    assert "7 hari" in first.text and "belum menjadi laporan resmi" in first.text and "/batal" in first.text
    assert "nama dan alamat" in first.text
    ack = await wait_text(stub, USER, "Nomor tiket Anda: #1")
    assert "laporan pelanggaran" in ack.text
    assert stub.messages(USER).index(ack) < stub.messages(USER).index(first)  # ticket number first
    card = await wait_card(stub, 1)
    assert "laporan pelanggaran" in card.text and "amplop dibagikan" in card.text

    # 1. the reporter declines to give name and address
    await press(stub, USER, first, "Tidak bersedia")
    asked = await wait_text(stub, USER, "pihak yang dilaporkan")
    # 2. the person reported
    asked = await next_message(stub, USER, lambda: stub.send_text(USER, "Tim sukses calon nomor urut 2, Pak Darto"))
    assert "Kapan dan di mana" in asked.text
    # 3. time and place
    asked = await next_message(stub, USER, lambda: stub.send_text(USER, "Sabtu malam 20.00 di balai Dusun Krajan"))
    assert "bukti" in asked.text and [b["text"] for b in asked.buttons()] == ["Selesai", "Tidak ada bukti"]
    # 4. evidence: a text is not evidence; a photo and a document are kept by file_id
    reply = await next_message(stub, USER, lambda: stub.send_text(USER, "fotonya nanti"))
    assert "kirim foto atau dokumen" in reply.text
    got = await next_message(stub, USER, lambda: stub.send_photo(USER))
    assert "Bukti diterima (1)" in got.text
    got = await next_message(stub, USER, lambda: stub.send_document(USER, b"%PDF-1.4 kuitansi", "kuitansi.pdf"))
    assert "Bukti diterima (2)" in got.text
    await press(stub, USER, got, "Selesai")
    done = await wait_text(stub, USER, "sudah lengkap")
    assert "belum laporan resmi" in done.text and "7 hari" in done.text and "Pasal 134 ayat (4)" in done.text

    ticket = await tickets(bot).get(1)
    assert ticket.kind == "laporan pelanggaran" and ticket.status == "baru"
    assert ticket.report["state"] == "lengkap"
    assert ticket.report["reporter"] == "(tidak bersedia disebutkan)"
    assert ticket.report["reported"] == "Tim sukses calon nomor urut 2, Pak Darto"
    assert ticket.report["when_where"] == "Sabtu malam 20.00 di balai Dusun Krajan"
    assert ticket.report["account"].startswith("Saya mau lapor, semalam ada politik uang")
    assert [e["type"] for e in ticket.report["evidence"]] == ["photo", "document"]
    assert ticket.report["evidence"][0]["file_id"] == "PH2"  # the largest photo size

    # staff get the facts and the evidence under the card
    followup = await wait_text(stub, STAFF_GROUP, "Kelengkapan laporan tiket #1")
    assert followup.reply_to == card.message_id
    assert "Pak Darto" in followup.text and "balai Dusun Krajan" in followup.text and "2 berkas" in followup.text
    media = await stub.wait_for(lambda: [m for m in stub.messages(STAFF_GROUP) if m.media] if len(
        [m for m in stub.messages(STAFF_GROUP) if m.media]) == 2 else None, 5, "evidence in the staff group")
    assert [m.media["type"] for m in media] == ["photo", "document"]
    assert all(m.reply_to == card.message_id for m in media)

    # the conversation is over: a question is answered again
    msgs = await bot.ask(USER, "syarat pendidikan calon bupati")
    assert QUOTE_P7 in msgs[-1].text


async def test_lapor_command_then_cancel(desk_bot):
    bot, stub = desk_bot, desk_bot.stub
    intro = await next_message(stub, USER, lambda: stub.send_text(USER, "/lapor"))
    assert "Pasal 134 ayat (3)" in intro.text and "7 hari" in intro.text and "Ceritakan apa yang terjadi" in intro.text
    await stub.send_text(USER, "Kepala desa mengarahkan perangkat desa mendukung salah satu calon.")
    ask = await wait_text(stub, USER, "nama dan alamat")
    await wait_text(stub, USER, "Nomor tiket Anda: #1")
    card = await wait_card(stub, 1)
    assert "Kepala desa mengarahkan" in card.text
    assert ask.button("Tidak bersedia")
    reply = await next_message(stub, USER, lambda: stub.send_text(USER, "Rina, Jl. Melati 3 Sleman"))
    assert "pihak yang dilaporkan" in reply.text

    cancelled = await next_message(stub, USER, lambda: stub.send_text(USER, "/batal"))
    assert "Laporan dibatalkan" in cancelled.text
    ticket = await tickets(bot).get(1)
    assert ticket.status == "ditutup" and ticket.report["state"] == "dibatalkan"
    assert ticket.report["reporter"] == "Rina, Jl. Melati 3 Sleman"
    note = await wait_text(stub, STAFF_GROUP, "membatalkan laporan tiket #1")
    assert note.reply_to == card.message_id

    # after cancel: /batal has nothing to cancel, text is a question again
    again = await next_message(stub, USER, lambda: stub.send_text(USER, "/batal"))
    assert again.text == "Tidak ada proses yang sedang berjalan."
    msgs = await bot.ask(USER, "syarat pendidikan calon bupati")
    assert is_answer(msgs[-1])


async def test_cancel_before_the_account_sends_nothing_to_staff(desk_bot):
    stub = desk_bot.stub
    await next_message(stub, USER, lambda: stub.send_text(USER, "/lapor"))
    cancelled = await next_message(stub, USER, lambda: stub.send_text(USER, "/batal"))
    assert "Laporan dibatalkan" in cancelled.text
    await stub.settle()
    assert stub.messages(STAFF_GROUP) == [] and await tickets(desk_bot).count() == 0


async def test_report_in_progress_survives_a_restart(stub, tmp_path, fake_engine):
    settings = desk_settings(stub, tmp_path)
    bot = await start_bot(stub, settings, fake_engine)
    try:
        await stub.send_text(USER, "saya mau lapor politik uang di desa saya kemarin")
        first = await wait_text(stub, USER, "nama dan alamat")
        await press(stub, USER, first, "Tidak bersedia")
        await wait_text(stub, USER, "pihak yang dilaporkan")
    finally:
        await stop_application(bot.app)  # a restart (states are written on the way down)

    bot = await start_bot(stub, settings, fake_engine)
    try:
        asked = await next_message(stub, USER, lambda: stub.send_text(USER, "Caleg partai X bernama Joko"))
        assert "Kapan dan di mana" in asked.text
        ticket = await tickets(bot).get(1)
        assert ticket.report["reported"] == "Caleg partai X bernama Joko"
    finally:
        await stop_application(bot.app)

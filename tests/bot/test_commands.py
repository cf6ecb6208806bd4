"""Commands, as a citizen sees them through the Telegram stand-in."""
from __future__ import annotations

from bot.db import Conversation, StaffRequest

from .conftest import GROUP, OTHER_USER, USER
from .fakes import QUOTE_P7


async def test_start_welcomes_and_commands_are_registered(bot):
    msgs = await bot.reply_to(USER, lambda: bot.stub.send_text(USER, "/start"))
    text = msgs[0].text
    assert "Konsultasi Hukum Kepemiluan" in text
    assert "Yang bisa saya bantu" in text and "Yang tidak bisa saya lakukan" in text
    assert "Privasi" in text and "90 hari" in text and "/hapusdata" in text
    registered = [c["command"] for c in bot.stub.state.commands]
    assert registered == ["start", "bantuan", "tanya", "sumber", "petugas", "lapor", "batal", "hapusdata"]
    assert all(c["description"] for c in bot.stub.state.commands)


async def test_bantuan_has_examples(bot):
    msgs = await bot.reply_to(USER, lambda: bot.stub.send_text(USER, "/bantuan"))
    assert "Contoh" in msgs[0].text and "/tanya <pertanyaan>" in msgs[0].text
    assert "@kepemiluan_test_bot" in msgs[0].text


async def test_sumber_lists_documents_by_status(bot):
    msgs = await bot.reply_to(USER, lambda: bot.stub.send_text(USER, "/sumber"))
    text = msgs[0].text
    assert text.index("Berlaku") < text.index("Sudah dicabut")
    assert "Undang-Undang Nomor 8 Tahun 2012" in text and "dicabut oleh uu-7-2017" in text


async def test_unknown_command_points_to_help(bot):
    msgs = await bot.reply_to(USER, lambda: bot.stub.send_text(USER, "/halo"))
    assert "/bantuan" in msgs[0].text


async def test_petugas_opens_a_ticket_and_says_what_happens_next(bot):
    await bot.ask(USER, "syarat pendidikan calon bupati")
    msgs = await bot.reply_to(USER, lambda: bot.stub.send_text(USER, "/petugas"))
    [ticket] = await bot.services.desk.tickets.for_user(bot.services.ask.pseudonym(USER))
    assert ticket.chat_id == USER and ticket.question == "syarat pendidikan calon bupati"
    assert ticket.kind == "permintaan petugas" and ticket.status == "baru"
    assert QUOTE_P7 in ticket.draft_answer  # staff get the bot's draft
    text = msgs[0].text
    assert f"Nomor tiket Anda: #{ticket.id}" in text
    assert "Langkah berikutnya" in text and "Perkiraan waktu tanggapan" in text and "24 jam" in text
    # asking again about the same answer refers to the same ticket
    again = await bot.reply_to(USER, lambda: bot.stub.send_text(USER, "/petugas"))
    assert f"#{ticket.id}" in again[0].text and "sudah tercatat" in again[0].text


async def test_hapusdata_confirm_deletes_only_my_rows(bot):
    svc = bot.services.ask
    await bot.ask(USER, "syarat pendidikan calon bupati")
    await bot.ask(USER, "umur hak memilih")
    await bot.ask(OTHER_USER, "syarat pendidikan calon bupati")
    await bot.reply_to(USER, lambda: bot.stub.send_text(USER, "/petugas tolong bantu"))
    assert len(await bot.db.conversations_for(svc.pseudonym(USER))) == 2

    [confirm] = await bot.reply_to(USER, lambda: bot.stub.send_text(USER, "/hapusdata"))
    assert "tidak dapat dibatalkan" in confirm.text
    qid = await bot.stub.click(USER, confirm, "Ya")
    await bot.stub.wait_for_answer(qid)
    done = await bot.stub.wait_for(lambda: "sudah dihapus" in bot.stub.messages(USER)[-1].text and bot.stub.messages(USER)[-1])
    assert "2 pertanyaan dan 1 permintaan petugas" in done.text
    assert await bot.db.conversations_for(svc.pseudonym(USER)) == []
    assert await bot.db.staff_requests_for(svc.pseudonym(USER)) == []
    assert len(await bot.db.conversations_for(svc.pseudonym(OTHER_USER))) == 1


async def test_hapusdata_cancel_keeps_rows(bot):
    await bot.ask(USER, "syarat pendidikan calon bupati")
    [confirm] = await bot.reply_to(USER, lambda: bot.stub.send_text(USER, "/hapusdata"))
    qid = await bot.stub.click(USER, confirm, "Batal")
    await bot.stub.wait_for_answer(qid)
    await bot.stub.wait_for(lambda: "dibatalkan" in bot.stub.messages(USER)[-1].text)
    assert await bot.db.count(Conversation) == 1


async def test_hapusdata_in_group_is_refused(bot):
    before = len(bot.stub.messages(GROUP))
    await bot.stub.send_group_text(GROUP, USER, "/hapusdata")
    msgs = await bot.stub.wait_for_messages(GROUP, before + 1)
    assert "chat pribadi" in msgs[-1].text
    assert not msgs[-1].buttons()
    assert await bot.db.count(StaffRequest) == 0

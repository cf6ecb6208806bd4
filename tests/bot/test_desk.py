"""The staff desk end to end through the Telegram stand-in: escalation → card → claim → reply → relay."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from telegram import Update

from bot.app import stop_application
from bot.jobs import remind_overdue
from bot.tickets import Ticket, utcnow

from .conftest import USER, OTHER_USER, make_settings, start_bot

STAFF_GROUP = -100777
STAFF_A, STAFF_B, NON_STAFF = 2001, 2002, 3003


def desk_settings(stub, tmp_path, **kw):
    stub.add_member(STAFF_GROUP, STAFF_A, "member", "Sari")
    stub.add_member(STAFF_GROUP, STAFF_B, "administrator", "Budi")
    stub.user(NON_STAFF, "Tamu")
    values = dict(staff_chat_id=STAFF_GROUP, outbox_poll_seconds=0.2)
    values.update(kw)
    return make_settings(stub, tmp_path, **values)


@pytest.fixture
async def desk_bot(stub, tmp_path, fake_engine):
    harness = await start_bot(stub, desk_settings(stub, tmp_path), fake_engine)
    try:
        yield harness
    finally:
        await stop_application(harness.app)


def tickets(bot):
    return bot.services.desk.tickets


async def wait_card(stub, n: int, timeout: float = 5.0):
    def find():
        for m in stub.messages(STAFF_GROUP):
            if m.text.startswith(f"🎫 Tiket #{n} ") and m.buttons():
                return m
        return None

    return await stub.wait_for(find, timeout, f"the card of ticket #{n}")


async def wait_text(stub, chat: int, needle: str, timeout: float = 5.0):
    return await stub.wait_for(
        lambda: next((m for m in stub.messages(chat) if needle in m.text), None), timeout, f"{needle!r} in chat {chat}"
    )


async def press(stub, user: int, message, button: str) -> dict:
    qid = await stub.click(user, message, button)
    return await stub.wait_for_answer(qid)


async def staff_reply(stub, user: int, card, text: str) -> dict:
    return await stub.send_group_text(STAFF_GROUP, user, text, reply_to=card)


async def test_escalated_question_reaches_staff_who_claim_and_answer(desk_bot):
    bot, stub = desk_bot, desk_bot.stub
    await stub.send_text(USER, "Nama saya hilang dari DPT padahal tahun lalu ada, ini kasus saya, harus bagaimana?")
    ack = await wait_text(stub, USER, "Nomor tiket Anda: #1")
    assert "Perkiraan waktu tanggapan" in ack.text and "pertanyaan" in ack.text
    [ticket] = await tickets(bot).for_user(bot.services.ask.pseudonym(USER))
    assert ticket.kind == "pertanyaan" and ticket.status == "baru" and ticket.reason == "own_case"

    card = await wait_card(stub, 1)
    assert "Nama saya hilang dari DPT" in card.text and "pertanyaan" in card.text and "Umur:" in card.text
    assert "Draf jawaban bot" in card.text
    assert [b["text"] for b in card.buttons()] == ["🙋 Ambil", "✍️ Jawab", "🔒 Tutup", "⭐ Jadikan FAQ"]

    toast = await press(stub, STAFF_A, card, "🙋 Ambil")
    assert toast["text"] == "Tiket #1 sekarang Anda tangani."
    await stub.wait_for(lambda: "Ditangani: Sari" in card.text, 5, "the card to show the assignee")

    reply = await staff_reply(stub, STAFF_A, card, "Silakan cek DPT online lalu lapor ke PPS di kelurahan Anda <segera>.")
    relay = await wait_text(stub, USER, "Jawaban petugas untuk tiket #1")
    await stub.edit_text(reply, "Silakan cek DPT online (koreksi)")  # an edit is not relayed again
    await wait_text(stub, STAFF_GROUP, "Perubahan pesan tidak diteruskan")
    assert "Silakan cek DPT online lalu lapor ke PPS di kelurahan Anda <segera>." in relay.text
    assert relay.text.rstrip().endswith("— Petugas Bawaslu")
    assert "Sari" not in relay.text  # signed with the role, not the name
    await wait_text(stub, STAFF_GROUP, "Jawaban diteruskan ke warga (tiket #1)")
    assert (await tickets(bot).get(1)).status == "dijawab"

    await press(stub, STAFF_A, card, "🔒 Tutup")
    closed = await wait_text(stub, USER, "telah ditutup")
    assert "#1" in closed.text
    assert (await tickets(bot).get(1)).status == "ditutup"
    transcript = [(e.author, e.text) for e in await tickets(bot).transcript(1)]
    assert transcript[0][0] == "warga" and ("petugas", "Silakan cek DPT online lalu lapor ke PPS di kelurahan Anda <segera>.") in transcript

    # every relay arrived once
    await stub.settle()
    assert len([m for m in stub.messages(USER) if "Jawaban petugas" in m.text]) == 1
    assert len([m for m in stub.messages(STAFF_GROUP) if m.text.startswith("🎫 Tiket #1 ")]) == 1


async def test_two_staff_claim_at_once_and_non_staff_is_refused(desk_bot):
    stub = desk_bot.stub
    await stub.send_text(USER, "tolong sambungkan ke petugas")
    card = await wait_card(stub, 1)
    assert "permintaan petugas" in card.text

    q_a = await stub.click(STAFF_A, card, "🙋 Ambil")
    q_b = await stub.click(STAFF_B, card, "🙋 Ambil")
    answers = [await stub.wait_for_answer(q_a), await stub.wait_for_answer(q_b)]
    won = [a["text"] for a in answers if a["text"] == "Tiket #1 sekarang Anda tangani."]
    lost = [a for a in answers if a["text"].startswith("Tiket #1 sudah diambil oleh ")]
    assert len(won) == 1 and len(lost) == 1 and lost[0]["show_alert"]
    assert "Sari" in lost[0]["text"] or "Budi" in lost[0]["text"]
    winner = STAFF_A if answers[0]["text"].endswith("tangani.") else STAFF_B
    loser = STAFF_B if winner == STAFF_A else STAFF_A

    refused = await press(stub, NON_STAFF, card, "🙋 Ambil")
    assert refused["text"] == "Maaf, tombol dan perintah ini hanya untuk petugas." and refused["show_alert"]
    refused = await press(stub, NON_STAFF, card, "🔒 Tutup")
    assert "hanya untuk petugas" in refused["text"]
    ticket = await tickets(desk_bot).get(1)
    assert ticket.assignee_id == winner and ticket.status == "diambil"

    # the other staff member's reply is not relayed; a non-member's neither
    await staff_reply(stub, loser, card, "Jawaban dari petugas yang tidak memegang tiket")
    await wait_text(stub, STAFF_GROUP, "jawaban Anda tidak diteruskan")
    await staff_reply(stub, NON_STAFF, card, "Saya bukan petugas")
    await stub.wait_for(
        lambda: len([m for m in stub.messages(STAFF_GROUP) if "hanya untuk petugas" in m.text]) == 1, 5, "refusal"
    )
    await stub.settle()
    assert not [m for m in stub.messages(USER) if "Jawaban petugas" in m.text]


async def test_antrian_and_tiket(desk_bot):
    stub = desk_bot.stub
    await stub.send_text(USER, "tolong sambungkan ke petugas")
    await wait_card(stub, 1)
    await stub.send_text(OTHER_USER, "ini kasus saya: saya dipecat dari KPPS, bisakah banding?")
    card2 = await wait_card(stub, 2)
    await press(stub, STAFF_B, card2, "🙋 Ambil")

    await stub.send_group_text(STAFF_GROUP, STAFF_A, "/antrian")
    queue = await wait_text(stub, STAFF_GROUP, "Antrian tiket terbuka")
    assert "(2)" in queue.text
    assert queue.text.index("#1 ·") < queue.text.index("#2 ·")  # oldest first
    assert "Budi" in queue.text and "baru" in queue.text and "diambil" in queue.text

    await stub.send_group_text(STAFF_GROUP, STAFF_A, "/tiket 2")
    shown = await stub.wait_for(
        lambda: next((m for m in stub.messages(STAFF_GROUP) if m.text.startswith("🎫 Tiket #2") and "Riwayat" in m.text), None),
        5, "/tiket 2",
    )
    assert "saya dipecat dari KPPS" in shown.text and "Ditangani: Budi" in shown.text
    await stub.send_group_text(STAFF_GROUP, STAFF_A, "/tiket 99")
    await wait_text(stub, STAFF_GROUP, "Tiket #99 tidak ditemukan.")

    # a citizen (not staff) cannot see the queue
    msgs = await desk_bot.reply_to(USER, lambda: stub.send_text(USER, "/antrian"))
    assert "hanya untuk petugas" in msgs[0].text


async def test_reminder_for_overdue_ticket_once_per_interval_across_restarts(stub, tmp_path, fake_engine):
    settings = desk_settings(stub, tmp_path, ticket_overdue_minutes=60, reminder_interval_minutes=30)
    bot = await start_bot(stub, settings, fake_engine)
    try:
        await stub.send_text(USER, "tolong sambungkan ke petugas")
        await wait_card(stub, 1)
        await stub.send_text(OTHER_USER, "tolong sambungkan ke petugas juga")
        await wait_card(stub, 2)
        [job] = bot.app.job_queue.get_jobs_by_name("ticket-reminders")
        assert job.callback.__wrapped__ is remind_overdue  # wrapped in leader_only
        assert await bot.services.desk.remind_overdue() == 0  # nothing overdue yet
        async with bot.db.sessions.begin() as s:
            (await s.get(Ticket, 1)).created_at = utcnow() - timedelta(hours=3)
        await job.run(bot.app)
        reminder = await wait_text(stub, STAFF_GROUP, "Pengingat")
        assert "#1 ·" in reminder.text and "#2 ·" not in reminder.text and "umur 3 jam" in reminder.text
        assert await bot.services.desk.remind_overdue() == 0  # not again within the interval
    finally:
        await stop_application(bot.app)

    bot = await start_bot(stub, settings, fake_engine)  # a restart: the state is in the database
    try:
        assert await bot.services.desk.remind_overdue() == 0
        async with bot.db.sessions.begin() as s:
            t = await s.get(Ticket, 1)
            t.last_reminded_at = utcnow() - timedelta(minutes=31)
        assert await bot.services.desk.remind_overdue() == 1
        await stub.wait_for(lambda: len([m for m in stub.messages(STAFF_GROUP) if "Pengingat" in m.text]) == 2, 5, "2nd")
    finally:
        await stop_application(bot.app)


async def test_thumbs_down_offers_escalation(desk_bot):
    stub = desk_bot.stub
    [answer] = await desk_bot.ask(USER, "syarat pendidikan calon bupati")
    await press(stub, USER, answer, "👎")
    offer = await wait_text(stub, USER, "Mau pertanyaan ini diteruskan ke petugas")
    toast = await press(stub, USER, offer, "🙋 Teruskan ke petugas")
    assert toast["text"] == "Diteruskan ke petugas."
    await wait_text(stub, USER, "Nomor tiket Anda: #1")
    ticket = await tickets(desk_bot).get(1)
    assert ticket.kind == "pertanyaan" and ticket.question == "syarat pendidikan calon bupati"
    card = await wait_card(stub, 1)
    assert "berpendidikan paling rendah" in card.text and "Sumber draf" in card.text


async def test_redelivered_update_is_handled_once(desk_bot):
    stub = desk_bot.stub
    message = stub.make_message(USER, text="tolong sambungkan ke petugas")
    raw = {"update_id": 424242, "message": message}
    app = desk_bot.app
    await asyncio.gather(
        app.process_update(Update.de_json(raw, app.bot)), app.process_update(Update.de_json(raw, app.bot))
    )
    await app.process_update(Update.de_json(raw, app.bot))
    await wait_card(stub, 1)
    await stub.settle()
    assert await tickets(desk_bot).count() == 1
    assert len([m for m in stub.messages(USER) if "Nomor tiket Anda" in m.text]) == 1
    assert len(desk_bot.engine.questions) == 1


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_card_survives_429_and_502_and_arrives_once(desk_bot):
    stub = desk_bot.stub
    stub.fail_next(1, status=502, method="sendMessage")
    stub.fail_next(1, status=429, retry_after=1, method="sendMessage")
    await stub.send_text(USER, "tolong sambungkan ke petugas")
    await wait_card(stub, 1, timeout=10)
    await wait_text(stub, USER, "Nomor tiket Anda: #1", timeout=10)
    await stub.settle()
    assert len([m for m in stub.messages(STAFF_GROUP) if m.text.startswith("🎫 Tiket #1 ")]) == 1
    assert len([m for m in stub.messages(USER) if "Nomor tiket Anda" in m.text]) == 1


async def test_staff_ids_jawab_button_and_a_closed_card(stub, tmp_path, fake_engine):
    """KEPEMILUAN_STAFF_IDS counts as staff without group membership; «Jawab» claims and explains."""
    settings = desk_settings(stub, tmp_path, staff_ids=[NON_STAFF + 1])
    bot = await start_bot(stub, settings, fake_engine)
    try:
        await stub.send_text(USER, "tolong sambungkan ke petugas")
        card = await wait_card(stub, 1)
        toast = await press(stub, NON_STAFF + 1, card, "✍️ Jawab")
        assert toast["show_alert"] and "Balas (reply) kartu tiket #1" in toast["text"]
        assert (await tickets(bot).get(1)).assignee_id == NON_STAFF + 1
        await press(stub, NON_STAFF + 1, card, "🔒 Tutup")
        await stub.wait_for(lambda: "🔒 ditutup" in card.text, 5, "the card to show it is closed")
        assert [b["text"] for b in card.buttons()] == ["⭐ Jadikan FAQ"]
        await staff_reply(stub, STAFF_A, card, "terlambat")
        await wait_text(stub, STAFF_GROUP, "sudah ditutup; jawaban tidak diteruskan")
    finally:
        await stop_application(bot.app)


async def test_undeliverable_message_fails_without_blocking_other_chats(desk_bot):
    from sqlalchemy import select

    from bot.outbox_store import FAILED, OutboxMessage, enqueue

    db, d = desk_bot.db, desk_bot.services.desk
    async with db.sessions.begin() as s:
        await enqueue(s, "x:gone", 987654, "untuk chat yang tidak ada", purpose="relay")
        row = (await s.execute(select(OutboxMessage))).scalar_one()
        row.attempts = 4  # the fifth failure gives up
    d.outbox.wake()
    await desk_bot.stub.send_text(USER, "tolong sambungkan ke petugas")
    await wait_card(desk_bot.stub, 1)  # other chats are not held up

    async def status():
        async with db.sessions() as s:
            return (await s.get(OutboxMessage, row.id)).status
    for _ in range(50):
        if await status() == FAILED:
            break
        await asyncio.sleep(0.1)
    assert await status() == FAILED


async def test_report_in_a_group_opens_a_ticket_and_points_to_private_chat(desk_bot):
    stub = desk_bot.stub
    group = -100555
    await stub.send_group_text(group, USER, "/tanya saya mau lapor politik uang di RT 3 kemarin")
    note = await wait_text(stub, group, "lewat chat pribadi")
    assert "/lapor" in note.text
    await wait_text(stub, group, "Nomor tiket Anda: #1")
    assert (await tickets(desk_bot).get(1)).kind == "laporan pelanggaran"
    card = await wait_card(stub, 1)
    assert "chat supergroup" in card.text


async def test_staff_commands_are_refused_in_a_public_group(desk_bot):
    stub, group = desk_bot.stub, -100555
    await stub.send_text(USER, "ini kasus saya: alamat saya Jl. Kenanga 5, saya dipecat dari KPPS")
    await wait_card(stub, 1)
    for command in ("/tiket 1", "/antrian"):
        await stub.send_group_text(group, STAFF_A, command)
    await stub.wait_for(lambda: len([m for m in stub.messages(group) if "grup petugas" in m.text]) == 2, 5, "refusals")
    assert not [m for m in stub.messages(group) if "Jl. Kenanga" in m.text or "Antrian" in m.text]
    # in a private chat with the bot, staff still can
    await stub.send_text(STAFF_A, "/tiket 1")
    await wait_text(stub, STAFF_A, "Jl. Kenanga 5")


async def test_a_staff_member_removed_from_the_group_can_no_longer_claim_or_answer(desk_bot):
    stub = desk_bot.stub
    await stub.send_text(USER, "tolong sambungkan ke petugas")
    card = await wait_card(stub, 1)
    await press(stub, STAFF_A, card, "🙋 Ambil")  # a member: allowed (and remembered for a while)
    stub.state.members[STAFF_GROUP][STAFF_A] = "left"  # removed from the staff group
    await staff_reply(stub, STAFF_A, card, "jawaban dari mantan petugas")
    await wait_text(stub, STAFF_GROUP, "hanya untuk petugas")
    await stub.send_text(OTHER_USER, "tolong sambungkan ke petugas juga")
    card2 = await wait_card(stub, 2)
    refused = await press(stub, STAFF_A, card2, "🙋 Ambil")
    assert "hanya untuk petugas" in refused["text"]
    await stub.settle()
    assert not [m for m in stub.messages(USER) if "Jawaban petugas" in m.text]


async def test_a_long_staff_answer_reaches_the_citizen_in_parts_and_staff_are_told_once_sent(desk_bot):
    from standins.bot_api import utf16_len

    stub = desk_bot.stub
    await stub.send_text(USER, "tolong sambungkan ke petugas")
    card = await wait_card(stub, 1)
    long_answer = "Penjelasan 📌 " + " ".join(f"kalimat{i} tentang DPT 🗳️." for i in range(600))
    assert utf16_len(long_answer) > 4096
    await staff_reply(stub, STAFF_A, card, long_answer)
    confirm = await wait_text(stub, STAFF_GROUP, "Jawaban diteruskan ke warga (tiket #1)", timeout=8)
    parts = [m for m in stub.messages(USER) if "kalimat" in m.text]
    assert len(parts) >= 2 and all(utf16_len(m.text) <= 4096 for m in parts)
    assert "kalimat599 tentang DPT" in parts[-1].text and "kalimat0 tentang" in parts[0].text
    assert confirm.sent_at >= parts[-1].sent_at  # told only once the citizen has it


async def test_a_relay_that_cannot_be_delivered_is_reported_to_staff(desk_bot):
    from sqlalchemy import update

    from bot.outbox import OutboxMessage

    stub, db = desk_bot.stub, desk_bot.db
    await stub.send_text(USER, "tolong sambungkan ke petugas")
    card = await wait_card(stub, 1)
    await stub.settle()
    stub.fail_for(30, status=403, chat_id=USER)  # the citizen blocked the bot
    await staff_reply(stub, STAFF_A, card, "Silakan datang ke kantor Bawaslu.")

    async def as_after_four_failed_tries():  # the next try gives up (a try in flight may undo it: again)
        async with db.sessions.begin() as s:
            await s.execute(update(OutboxMessage).where(OutboxMessage.purpose == "relay", OutboxMessage.status == "pending")
                            .values(attempts=4, next_attempt_at=utcnow()))
        desk_bot.services.desk.outbox.wake()
        return next((m for m in stub.messages(STAFF_GROUP) if "tidak terkirim" in m.text), None)

    notice = None
    for _ in range(40):
        notice = await as_after_four_failed_tries()
        if notice is not None:
            break
        await asyncio.sleep(0.5)
    assert notice is not None, "the staff member is told the relay failed"
    assert "#1" in notice.text
    assert not [m for m in stub.messages(STAFF_GROUP) if "Jawaban diteruskan" in m.text]

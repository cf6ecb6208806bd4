"""The desk's use cases without Telegram or the Bot API stand-in, on SQLite and PostgreSQL.

What each use case commits is read back from the outbox table: what the citizen and the staff
group will be sent, in which order, exactly once.
"""
from __future__ import annotations

from pydantic import SecretStr
from sqlalchemy import select

from bot.application.ask import Ask, Question
from bot.application.desk import IN_PROGRESS, Desk, NewTicket
from bot.application.knowledge_base import KnowledgeBase
from bot.outbox_store import OutboxMessage
from bot.render import answer_messages
from bot.settings import Settings
from bot.tickets import DIAMBIL, DIJAWAB, DITUTUP, LAPORAN, PERMINTAAN, TicketStore

from ..fakes import FakeEngine

STAFF_GROUP = -100777
CITIZEN = 5001


class Outbox:
    def __init__(self) -> None:
        self.wakes = 0

    def wake(self) -> None:
        self.wakes += 1


def settings(tmp_path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, staff_chat_id=STAFF_GROUP, staff_role="Petugas Bawaslu",
                    pseudonym_salt=SecretStr("garam-uji"), rate_limit_per_minute=2)


def make_desk(db, tmp_path, engine=None) -> Desk:
    engine = engine or FakeEngine()
    tickets = TicketStore(db)
    return Desk(settings(tmp_path), db, tickets, Outbox(), KnowledgeBase(engine, faq_entries=tickets.faq_entries))


async def outbox(db) -> list[tuple[str, int, str]]:
    async with db.sessions() as s:
        rows = (await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars()
        return [(r.key.split(":", 1)[1].split(":")[0], r.chat_id, r.text) for r in rows]


def request(**kw) -> NewTicket:
    values = dict(kind=PERMINTAAN, chat_id=CITIZEN, chat_type="private", pseudonym="p1", question="tolong bantu saya",
                  origin="petugas:1")
    values.update(kw)
    return NewTicket(**values)


async def test_open_commits_the_ticket_with_its_acknowledgement_and_card_once(db, tmp_path):
    desk = make_desk(db, tmp_path)
    ticket, created = await desk.open(request(before=["jawaban bot"]))
    assert created and desk.outbox.wakes == 1
    rows = await outbox(db)
    assert [(what, chat) for what, chat, _ in rows] == [("before", CITIZEN), ("ack", CITIZEN), ("card", STAFF_GROUP)]
    assert f"#{ticket.id}" in rows[1][2]
    again, created = await desk.open(request(before=["jawaban bot"]))  # a double tap, a redelivered update
    assert not created and again.id == ticket.id
    assert len(await outbox(db)) == 3 and desk.outbox.wakes == 1


async def test_first_claim_wins_and_only_the_assignee_answers_once(db, tmp_path):
    desk = make_desk(db, tmp_path)
    ticket, _ = await desk.open(request())
    n = ticket.id
    first = await desk.claim(n, 11, "Sari")
    second = await desk.claim(n, 12, "Budi")
    assert first.won and not second.won and second.ticket.assignee_name == "Sari"
    assert (await desk.tickets.get(n)).status == DIAMBIL
    refused = await desk.relay(n, staff_id=12, staff_name="Budi", text="jawaban", chat_id=STAFF_GROUP, message_id=90)
    assert refused is not None and "Sari" in refused
    for _ in range(2):  # the same staff message delivered twice is relayed once
        assert await desk.relay(n, staff_id=11, staff_name="Sari", text="Jawabannya: ya.", chat_id=STAFF_GROUP,
                                message_id=91) is None
    relays = [r for r in await outbox(db) if r[0] == "relay"]
    assert len(relays) == 1 and relays[0][1] == CITIZEN and "Jawabannya: ya." in relays[0][2]
    assert "Sari" not in relays[0][2] and "Petugas Bawaslu" in relays[0][2]  # signed with the role
    assert (await desk.tickets.get(n)).status == DIJAWAB


async def test_close_tells_the_citizen_once(db, tmp_path):
    desk = make_desk(db, tmp_path)
    ticket, _ = await desk.open(request())
    assert await desk.close(ticket.id)
    assert not await desk.close(ticket.id)
    assert [r[0] for r in await outbox(db)].count("closed") == 1
    assert (await desk.tickets.get(ticket.id)).status == DITUTUP


async def test_report_intake_collects_the_facts_then_tells_staff(db, tmp_path):
    desk = make_desk(db, tmp_path)
    ticket, _ = await desk.open(request(kind=LAPORAN, question="ada bagi-bagi amplop", origin="msg:1:1",
                                        report={"account": "ada bagi-bagi amplop", "state": IN_PROGRESS}))
    assert (await desk.report_step("p1", "reporter", "Ani, Desa Sukamaju")).id == ticket.id
    await desk.report_step("p1", "evidence", {"type": "photo", "file_id": "F1"})
    assert await desk.report_step("someone else", "reported", "x") is None  # not their report
    done = await desk.finish_report("p1")
    assert done.report["state"] == "lengkap" and done.report["reporter"] == "Ani, Desa Sukamaju"
    sent = [(what, chat) for what, chat, _ in await outbox(db)]
    assert ("report", STAFF_GROUP) in sent and ("evidence", STAFF_GROUP) in sent and ("report-done", CITIZEN) in sent
    assert await desk.cancel_report("p1") is None  # complete: nothing in progress to cancel


async def test_cancelled_report_closes_the_ticket_and_tells_staff(db, tmp_path):
    desk = make_desk(db, tmp_path)
    ticket, _ = await desk.open(request(kind=LAPORAN, origin="msg:1:2", report={"state": IN_PROGRESS}))
    assert (await desk.cancel_report("p1")).id == ticket.id
    assert (await desk.tickets.get(ticket.id)).status == DITUTUP
    assert ("cancelled", STAFF_GROUP) in [(w, c) for w, c, _ in await outbox(db)]


async def test_a_staff_answer_made_faq_is_quotable_until_withdrawn(db, tmp_path):
    engine = FakeEngine()
    desk = make_desk(db, tmp_path, engine)
    ticket, _ = await desk.open(request(question="bolehkah membawa ponsel ke bilik suara?"))
    assert "belum punya jawaban" in await desk.make_faq(ticket.id)
    await desk.relay(ticket.id, staff_id=11, staff_name="Sari", text="Ponsel dititipkan kepada KPPS.",
                     chat_id=STAFF_GROUP, message_id=92)
    text = await desk.make_faq(ticket.id)
    assert "FAQ #1" in text and "Tinjau" in text
    assert engine.passages() == []  # nothing is quotable before staff review it
    assert "FAQ #1" in await desk.publish_faq(1)
    [passage] = engine.passages()
    assert passage.text == "Ponsel dititipkan kepada KPPS." and passage.doc_type == "jawaban petugas"
    assert "Sari" not in passage.source
    assert await desk.withdraw_faq(1) == "FAQ #1 ditarik; bot tidak lagi mengutipnya."
    assert engine.passages() == [] and "tidak ditemukan" in await desk.withdraw_faq(1)


async def test_ask_answers_escalates_and_limits_without_telegram(db, tmp_path):
    desk = make_desk(db, tmp_path)
    ask = Ask(desk.settings, FakeEngine(), db, desk, answer_messages)

    def q(text: str, message_id: int, **kw) -> Question:
        return Question(user_id=CITIZEN, chat_id=CITIZEN, chat_type="private", message_id=message_id, text=text, **kw)

    reply = await ask.ask(q("apa syarat pendidikan calon gubernur?", 1))
    assert reply.ticket is None and "sekolah lanjutan tingkat atas" in "".join(reply.messages)
    assert any(b.data.startswith("fb:") for row in reply.keyboard.rows for b in row)
    assert await ask.ask(q("apa syarat pendidikan calon gubernur?", 1, edited=True)) is None  # an unchanged edit
    report = await ask.ask(q("saya mau lapor politik uang di desa saya", 2))
    assert report.ticket is not None and report.ticket.kind == LAPORAN
    assert report.ticket.report["state"] == IN_PROGRESS  # the intake starts with the acknowledgement
    assert ("after", CITIZEN) in [(w, c) for w, c, _ in await outbox(db)]
    limited = await ask.ask(q("apa syarat pendidikan calon bupati?", 3))  # 2 a minute
    assert "sudah mengirim 2 pertanyaan" in limited.messages[0] and limited.ticket is None


async def test_the_engines_reason_alone_decides_the_ticket_kind(db, tmp_path):
    # the engine says "own_report" for the sender's own report: the desk files a report, and a
    # question about the sender's own case a question, without reading the text a second time
    desk = make_desk(db, tmp_path)
    ask = Ask(desk.settings, FakeEngine(), db, desk, answer_messages)
    own = await ask.ask(Question(user_id=CITIZEN, chat_id=CITIZEN, chat_type="private", message_id=1,
                                 text="laporan saya ke panwaslu belum ada kabarnya"))
    assert own.ticket is not None and own.ticket.kind == LAPORAN
    case = await ask.ask(Question(user_id=CITIZEN + 1, chat_id=CITIZEN + 1, chat_type="private", message_id=2,
                                  text="ini kasus saya, pelanggaran apa yang dituduhkan?"))
    assert case.ticket is not None and case.ticket.kind == "pertanyaan"

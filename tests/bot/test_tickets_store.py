"""The ticket store, outbox and update dedupe: the same tests on SQLite and on the local PostgreSQL.

PostgreSQL: a database of our own (kep_tickets_<random>) is created for each test on the local
server (127.0.0.1:5432, user postgres) and dropped afterwards. When the server is unreachable the
PostgreSQL cases are skipped (.ci/run starts the server first, so CI runs them).
"""
from __future__ import annotations

import asyncio
import os
from datetime import timedelta

import pytest
from sqlalchemy import insert, inspect, select

from bot.texts import desk as dm
from bot.db import Database, StaffRequest, utcnow
from bot.dedupe import ProcessedUpdate, UpdateDeduper
from bot.outbox import OutboxMessage, enqueue
from bot.tickets import (
    DIAMBIL,
    DITUTUP,
    LAPORAN,
    PERMINTAAN,
    PERTANYAAN,
    Ticket,
    TicketStore,
    add_note,
    add_ticket,
    close,
)
from tests.bot.conftest import pg_admin as _pg_admin
from standins.bot_api import parse_html

def _values(**kw):
    values = dict(kind=PERTANYAAN, chat_id=1001, chat_type="private", user_pseudonym="p1", question="q?", draft_answer="",
                  sources=[], confidence=0.2, reason="", report={})
    values.update(kw)
    return values



# ------------------------------------------------------------------ the real engine


async def _open(db, **kw) -> Ticket:
    async with db.sessions.begin() as s:
        ticket, _ = await add_ticket(s, **_values(**kw))
    return ticket


async def test_migration_creates_the_desk_tables_and_keeps_old_requests(tmp_path):
    """0001 data (staff_requests) becomes tickets in 0002; nothing recorded is lost."""
    url = f"sqlite+aiosqlite:///{tmp_path}/m.sqlite3"
    database = Database(url)
    await database.migrate("0001_initial")
    async with database.engine.begin() as conn:
        await conn.execute(insert(StaffRequest).values(created_at=utcnow(), user_pseudonym="lama", chat_id=55,
                                                       message="tolong hubungi saya", status="baru"))
    await database.migrate()
    async with database.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {"tickets", "ticket_messages", "outbox", "processed_updates", "faq_entries", "conversation_states"} <= tables
    [ticket] = await TicketStore(database).open_tickets()
    assert (ticket.kind, ticket.chat_id, ticket.question, ticket.status) == (PERMINTAAN, 55, "tolong hubungi saya", "baru")
    await database.close()


async def test_ticket_lifecycle_and_origin_is_idempotent(db):
    store = TicketStore(db)
    t = await _open(db, origin="msg:1001:5", question="Apakah ASN boleh kampanye?", kind=PERTANYAAN)
    async with db.sessions.begin() as s:
        again, created = await add_ticket(s, **_values(origin="msg:1001:5"))
    assert not created and again.id == t.id
    assert await store.count() == 1
    [first] = await store.transcript(t.id)
    assert (first.author, first.text) == ("warga", "Apakah ASN boleh kampanye?")

    claim = await store.claim(t.id, 2001, "Sari")
    assert claim.won and claim.ticket.status == DIAMBIL and claim.ticket.assignee_name == "Sari"
    assert (await store.claim(t.id, 2001, "Sari")).won  # re-claiming your own ticket
    lost = await store.claim(t.id, 2002, "Budi")
    assert not lost.won and lost.ticket.assignee_name == "Sari"
    assert not (await store.claim(999, 2001, "Sari")).won

    async with db.sessions.begin() as s:
        assert await add_note(s, t.id, "petugas", "Tidak boleh.", source_key="staff:-1:7")
        assert not await add_note(s, t.id, "petugas", "Tidak boleh.", source_key="staff:-1:7")
        assert await close(s, t.id)
        assert not await close(s, t.id)
    t = await store.get(t.id)
    assert t.status == DITUTUP and t.closed_at is not None
    assert [e.author for e in await store.transcript(t.id)] == ["warga", "sistem", "petugas"]
    assert await store.open_tickets() == []


async def test_concurrent_claims_have_one_winner(db):
    t = await _open(db)
    store = TicketStore(db)
    results = await asyncio.gather(*(store.claim(t.id, 3000 + i, f"Petugas {i}") for i in range(6)))
    winners = [r for r in results if r.won]
    assert len(winners) == 1
    assert (await store.get(t.id)).assignee_id == winners[0].ticket.assignee_id


async def test_queue_overdue_delete_and_purge(db):
    store = TicketStore(db)
    old = await _open(db, kind=LAPORAN, user_pseudonym="a")
    new = await _open(db, kind=PERMINTAAN, user_pseudonym="b")
    async with db.sessions.begin() as s:
        (await s.get(Ticket, old.id)).created_at = utcnow() - timedelta(hours=5)
    assert [t.id for t in await store.open_tickets()] == [old.id, new.id]
    due = await store.overdue(older_than=timedelta(hours=2), remind_every=timedelta(minutes=30))
    assert [t.id for t in due] == [old.id]
    async with db.sessions.begin() as s:
        (await s.get(Ticket, old.id)).last_reminded_at = utcnow() - timedelta(minutes=10)
    assert await store.overdue(older_than=timedelta(hours=2), remind_every=timedelta(minutes=30)) == []

    assert await store.delete_for_user("b") == 1
    assert await store.get(new.id) is None and await store.count() == 1
    async with db.sessions.begin() as s:
        await close(s, old.id)
    assert await store.purge_closed_before(utcnow() - timedelta(days=1)) == 0
    assert await store.purge_closed_before(utcnow() + timedelta(seconds=1)) == 1


async def test_faq_entries(db):
    store = TicketStore(db)
    t = await _open(db)
    entry, created = await store.add_faq(ticket_id=t.id, question="q", answer="a", role="Petugas Bawaslu")
    assert created
    again, created = await store.add_faq(ticket_id=t.id, question="q", answer="a2", role="Petugas Bawaslu")
    assert not created and again.id == entry.id
    assert [e.answer for e in await store.faq_entries()] == ["a2"]
    assert await store.withdraw_faq(entry.id) and not await store.withdraw_faq(entry.id)
    assert await store.faq_entries() == []
    _, created = await store.add_faq(ticket_id=t.id, question="q", answer="a3", role="Petugas Bawaslu")
    assert created  # re-activated


async def test_outbox_key_is_stored_once(db):
    async with db.sessions.begin() as s:
        assert await enqueue(s, "t1:card", -100, "kartu", purpose="card", ticket_id=1)
        assert not await enqueue(s, "t1:card", -100, "kartu lagi")
    async with db.sessions() as s:
        rows = list((await s.execute(select(OutboxMessage))).scalars())
    assert [(r.key, r.text, r.status) for r in rows] == [("t1:card", "kartu", "pending")]


async def test_update_claim_is_atomic_and_a_crashed_claim_expires(db):
    deduper = UpdateDeduper(db, lease_seconds=60)
    results = await asyncio.gather(*(deduper.claim(77) for _ in range(8)))
    assert results.count(True) == 1
    assert not await deduper.claim(77)  # being handled (lease not expired)
    async with db.sessions.begin() as s:  # the handler died 2 minutes ago without finishing
        (await s.get(ProcessedUpdate, 77)).claimed_at = utcnow() - timedelta(minutes=2)
    assert await deduper.claim(77)
    await deduper.done(77)
    async with db.sessions.begin() as s:
        (await s.get(ProcessedUpdate, 77)).claimed_at = utcnow() - timedelta(minutes=2)
    assert not await deduper.claim(77)  # finished updates are never handled again
    assert await deduper.claim(78)


def test_pg_server_answers():
    """Guard: on CI the PostgreSQL cases must not be silently skipped."""
    if os.environ.get("KEPEMILUAN_REQUIRE_PG") != "1":
        pytest.skip("set KEPEMILUAN_REQUIRE_PG=1 (as .ci/run does) to require PostgreSQL")
    _pg_admin("SELECT 1")


def test_desk_messages_are_valid_telegram_html():
    t = Ticket(id=12, kind=LAPORAN, status="baru", chat_id=1, chat_type="private", user_pseudonym="abcdef0123456789",
               question="<b>amplop</b> & uang " * 100, draft_answer="Menurut <pasal> & ayat " * 80,
               sources=[{"label": "UU No. 1 Tahun 2015, Pasal 187A <x>", "status": "berlaku"}], confidence=0.4,
               report={"reporter": "A & B", "reported": "<C>", "when_where": "kemarin & tadi", "account": "x",
                       "evidence": [{"type": "photo", "file_id": "F"}], "state": "lengkap"},
               assignee_name="Sari <admin>", created_at=utcnow() - timedelta(hours=2))
    for html in (dm.card(t), dm.queue([t]), dm.reminder([t]), dm.report_followup(t), dm.relay(t, "<i>ok</i> & ya", "Petugas"),
                 dm.ack(t, 24), dm.closed_notice(t, "Petugas & Co"), dm.report_done(t), dm.already_open(t),
                 dm.INTAKE_START, dm.REPORT_INTRO, dm.ASK_EVIDENCE):
        plain, _ = parse_html(html)
        assert len(plain) <= 4096
    assert "Umur: 2 jam" in parse_html(dm.card(t))[0]

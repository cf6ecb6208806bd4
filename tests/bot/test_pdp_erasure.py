"""/hapusdata erases everything a citizen wrote, down to the bytes (issue 13 §3; UU 27/2022 PDP).

A distinctive marker goes into every field a citizen can fill: questions, /petugas, a report's
account, reporter, reported person, time and place, an evidence document's name, the
citizen's Telegram name. After /hapusdata the marker is nowhere in the database (the SQLite
file after a VACUUM; every text column of every table on PostgreSQL) nor under DATA_DIR, the
staff group's messages about the citizen are deleted (or, past Telegram's 48 hours, edited to
a redaction notice), and nothing pending about them is sent afterwards.
"""
from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import stop_application

from .conftest import USER, start_bot
from .test_desk import STAFF_A, STAFF_GROUP, desk_settings, press, staff_reply, wait_card, wait_text
from .test_report import next_message

M = "PDPMARK9XQ"


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield None
        return
    from .test_db import _postgres_admin_url

    admin = await _postgres_admin_url()
    if admin is None:
        from tests.conftest import skip_without_postgres

        skip_without_postgres("no local PostgreSQL on 127.0.0.1:5432")
    import asyncpg

    name = f"kepemiluan_pdp_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin.replace("+asyncpg", ""))
    await conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


async def _fill_every_field(bot, stub) -> None:
    # a question answered, then rated 👎 and escalated
    [answer] = await bot.ask(USER, f"syarat pendidikan calon bupati {M} tanya")
    await press(stub, USER, answer, "👎")
    offer = await wait_text(stub, USER, "Mau pertanyaan ini diteruskan ke petugas")
    await press(stub, USER, offer, "🙋 Teruskan ke petugas")
    card = await wait_card(stub, 1)
    # staff answer it (the relay carries the marker back: staff greet the citizen by name)
    await press(stub, STAFF_A, card, "🙋 Ambil")
    await staff_reply(stub, STAFF_A, card, f"Halo {M}, silakan cek DPT.")
    await wait_text(stub, USER, "Jawaban petugas untuk tiket #1")
    # a report with every fact and an evidence document
    await next_message(stub, USER, lambda: stub.send_text(USER, "/lapor"))
    await stub.send_text(USER, f"Kepala desa {M} membagikan amplop.")
    await wait_text(stub, USER, "nama dan alamat")
    await next_message(stub, USER, lambda: stub.send_text(USER, f"Rina {M} Jl. Melati 3"))
    await next_message(stub, USER, lambda: stub.send_text(USER, f"Pak Darto {M}"))
    await next_message(stub, USER, lambda: stub.send_text(USER, f"Sabtu malam di balai {M}"))
    got = await next_message(stub, USER, lambda: stub.send_document(USER, f"bukti {M}".encode(), f"{M}.pdf"))
    await press(stub, USER, got, "Selesai")
    await wait_text(stub, STAFF_GROUP, "Kelengkapan laporan tiket #2")
    # /petugas with a text, and a second report left half-way (a persisted conversation state)
    await stub.send_text(USER, f"/petugas tolong {M} petugas")
    await wait_text(stub, USER, "Nomor tiket Anda: #3")
    await next_message(stub, USER, lambda: stub.send_text(USER, "/lapor"))
    await stub.send_text(USER, f"Kampanye di sekolah {M} berjalan")
    await wait_text(stub, USER, "Nomor tiket Anda: #4")
    await asyncio.sleep(1.5)  # the conversation state is written (update_interval 1 s)


async def _marker_in_database(db, tmp_path: Path) -> list[str]:
    if db.is_sqlite:
        async with db.engine.begin() as conn:
            await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        async with db.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql("VACUUM")
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return []
    found = []
    async with db.engine.connect() as conn:
        cols = (await conn.execute(text(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND data_type IN ('text', 'character varying', 'json', 'jsonb')"
        ))).all()
        for table, column in cols:
            n = (await conn.execute(text(
                f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE :m'), {"m": f"%{M}%"})).scalar_one()
            if n:
                found.append(f"{table}.{column}")
    return found


def _marker_under(data_dir: Path) -> list[str]:
    hits = []
    for path in data_dir.rglob("*"):
        if path.is_file() and (M.encode() in path.read_bytes() or M in path.name):
            hits.append(str(path.relative_to(data_dir)))
    return hits


async def test_hapusdata_leaves_no_trace(stub, tmp_path, fake_engine, database_url):
    stub.user(USER, f"Budi {M}")
    settings = desk_settings(stub, tmp_path, **({"database_url": database_url} if database_url else {}))
    bot = await start_bot(stub, settings, fake_engine)
    try:
        await _fill_every_field(bot, stub)
        old_card = await wait_card(stub, 1)
        old_card.sent_at = time.time() - 49 * 3600  # past Telegram's 48 h: it can only be edited
        # a message about the citizen still pending when they ask to be forgotten
        stub.fail_for(3.0, status=502, chat_id=STAFF_GROUP)
        await next_message(stub, USER, lambda: stub.send_text(USER, f"/petugas sekali lagi {M}"))

        confirm = await next_message(stub, USER, lambda: stub.send_text(USER, "/hapusdata"))
        assert "semua" in confirm.text
        await press(stub, USER, confirm, "Ya, hapus")
        await wait_text(stub, USER, "Data Anda sudah dihapus")
        erased_at = time.time()
        await stub.wait_for(lambda: "dihapus atas permintaan warga" in old_card.text, 10, "the old card redacted")
        await asyncio.sleep(3.5)  # the staff group is reachable again: nothing pending is sent

        def staff_text():
            return "\n".join(m.text for m in stub.messages(STAFF_GROUP))

        await stub.wait_for(lambda: M not in staff_text(), 20, "every staff-group message about them gone")
        await stub.settle()
        assert M not in staff_text() and "Kepala desa" not in staff_text()  # cards and follow-ups deleted
        assert any(d.chat_id == STAFF_GROUP for d in stub.state.deleted)
        later = [m for chat in stub.state.sent.values() for m in chat if m.sent_at > erased_at]
        assert not [m for m in later if M in m.text]  # (one already in flight is deleted at once)
        found = await _marker_in_database(bot.db, tmp_path)
        from sqlalchemy import text as sql

        async with bot.db.sessions() as s:  # the rate-limit windows (questions, action budget)
            keys = [k for (k,) in (await s.execute(sql("SELECT user_key FROM rate_limits"))).all()]
        left = [k for k in keys if bot.services.ask.pseudonym(USER)[:60] in k]
    finally:
        await stop_application(bot.app)
    assert found == []
    assert _marker_under(tmp_path) == []
    assert left == []


async def test_retention_purges_everything_by_age(stub, tmp_path, fake_engine):
    """Open, taken and answered tickets, outbox rows, conversation states and inbox uploads
    older than the retention period are deleted, not only closed tickets and the question log."""
    import os
    from datetime import timedelta

    from sqlalchemy import func, select, update

    from bot.outbox import OutboxMessage
    from bot.persistence import ConversationState
    from bot.privacy import purge_older_than
    from bot.tickets import Ticket, TicketMessage, utcnow

    settings = desk_settings(stub, tmp_path)
    bot = await start_bot(stub, settings, fake_engine)
    try:
        await stub.send_text(USER, f"tolong sambungkan ke petugas {M}")  # an open ticket
        await wait_card(stub, 1)
        await stub.send_text(USER, "/lapor")
        # answered when asked (the next message may be the ticket's acknowledgement, still on its way)
        await wait_text(stub, USER, "Ceritakan apa yang terjadi")
        await stub.send_text(USER, f"Kepala desa {M} membagikan amplop.")
        await wait_text(stub, USER, "nama dan alamat")
        await asyncio.sleep(1.5)  # the intake's conversation state is written
        inbox = tmp_path / "inbox"
        inbox.mkdir(exist_ok=True)
        upload = inbox / f"20240101T000000-abc-{M}.pdf"
        upload.write_bytes(b"%PDF-1.4")
        old = utcnow() - timedelta(days=settings.log_retention_days + 1)
        os.utime(upload, (old.timestamp(), old.timestamp()))
        async with bot.db.sessions.begin() as s:
            await s.execute(update(Ticket).values(created_at=old, updated_at=old))
            await s.execute(update(OutboxMessage).values(created_at=old))
            await s.execute(update(ConversationState).values(updated_at=old))
        purged = await purge_older_than(bot.db, settings.log_retention_days, data_dir=tmp_path)
        assert purged.tickets == 2 and purged.outbox > 0 and purged.states == 1 and purged.files == 1
        async with bot.db.sessions() as s:
            for model in (Ticket, TicketMessage, OutboxMessage, ConversationState):
                assert (await s.execute(select(func.count()).select_from(model))).scalar_one() == 0, model
        assert not upload.exists()
    finally:
        await stop_application(bot.app)

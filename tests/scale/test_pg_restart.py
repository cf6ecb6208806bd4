"""PostgreSQL restarts under a running bot (shared state on: rate limits, the conversation log,
tickets and the outbox live there). While it is down citizens get the temporary-error reply; when
it is back, answers, logging and tickets resume without restarting the bot, and no ticket is lost
or its card sent twice.

Uses a private PostgreSQL cluster (initdb in a temp folder, its own port) so that restarting it
never disturbs the shared local server other test runs use.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.texts import citizen as m
from bot.db import Conversation, Database
from bot.outbox import pending_count
from bot.tickets import Ticket
from bot.web import WebhookRunner
from tests.bot.conftest import TOKEN, make_settings
from tests.bot.fakes import QUOTE_P7, FakeEngine
from tests.conftest import skip_without_postgres
from standins.bot_api import TelegramStub

from standins.servers import free_port

USER = 9001


def _pg_bin(name: str) -> str | None:
    return shutil.which(name)


class PrivatePostgres:
    def __init__(self, root: Path):
        self.dir = root / "pgdata"
        self.port = free_port()

    def _as_postgres(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        if os.geteuid() == 0:
            cmd = ("runuser", "-u", "postgres", "--", *cmd)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=check)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir.parent, "postgres")
        self._as_postgres("initdb", "-D", str(self.dir), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        opts = f"-p {self.port} -h 127.0.0.1 -k {self.dir} -c fsync=off -c full_page_writes=off"
        self._as_postgres("pg_ctl", "-D", str(self.dir), "-o", opts, "-l", str(self.dir / "log"), "-w", "start")

    def stop(self) -> None:
        self._as_postgres("pg_ctl", "-D", str(self.dir), "-m", "fast", "-w", "stop", check=False)

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def private_pg():
    if not (_pg_bin("initdb") and _pg_bin("pg_ctl")) or (os.geteuid() == 0 and not shutil.which("runuser")):
        skip_without_postgres("initdb/pg_ctl not available for a private PostgreSQL")
    # not under pytest's tmp (0700 root): the postgres user must reach it
    root = Path(tempfile.mkdtemp(prefix="kep-pg-"))
    pg = PrivatePostgres(root)
    try:
        try:
            pg.init()
            pg.start()
        except (subprocess.CalledProcessError, OSError, LookupError) as exc:
            detail = getattr(exc, "stderr", "") or ""
            skip_without_postgres(f"cannot run a private PostgreSQL here: {exc} {detail[-300:]}")
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(root, ignore_errors=True)


def is_answer(msg) -> bool:
    return any((b.get("callback_data") or "").startswith("hp:") for b in msg.buttons())


async def _ask(stub, text="syarat pendidikan calon bupati"):
    before = len(stub.messages(USER))
    await stub.send_text(USER, text)
    await stub.wait_for(lambda: stub.messages(USER)[before:] or None, 30, "a reply")
    await stub.settle(0.3)
    return stub.messages(USER)[before:]


async def test_postgres_restart_gives_temporary_reply_then_everything_resumes(private_pg, tmp_path):
    async with TelegramStub(TOKEN) as stub:
        port = free_port()
        settings = make_settings(stub, tmp_path, database_url=private_pg.url, webhook_url="https://bot.contoh.go.id/k",
                                 webhook_secret=SecretStr("pg-restart_1"), webhook_listen="127.0.0.1",
                                 webhook_port=port)
        assert settings.use_shared_state
        runner = WebhookRunner(settings, FakeEngine())
        await runner.start()
        stub.deliver_by_webhook([f"http://127.0.0.1:{port}/k"])
        try:
            first = await _ask(stub)
            assert QUOTE_P7 in first[-1].text and is_answer(first[-1])

            private_pg.stop()
            down = await _ask(stub)
            assert [x.text for x in down] == [m.TEMPORARY]

            private_pg.start()  # same data folder, same port; the bot is not restarted
            again = await _ask(stub)
            assert QUOTE_P7 in again[-1].text and is_answer(again[-1])
        finally:
            await runner.stop()
        db = Database(private_pg.url)
        try:
            assert await db.count(Conversation) == 2  # both answered questions are in the log
        finally:
            await db.close()


STAFF_GROUP = -100888
CITIZENS = (9011, 9012, 9013, 9014)


def _cards(stub, n: int) -> list:
    return [x for x in stub.messages(STAFF_GROUP) if x.text.startswith(f"🎫 Tiket #{n} ")]


async def test_postgres_restart_loses_no_ticket_and_sends_no_card_twice(private_pg, tmp_path):
    """Tickets live in PostgreSQL: a restart while a card is on its way to Telegram neither loses a
    ticket nor sends its card twice; a request while it is down gets the temporary reply (no ticket
    number is promised), and tickets work again afterwards without restarting the bot."""
    async with TelegramStub(TOKEN) as stub:
        stub.add_member(STAFF_GROUP, 2201, "member", "Sari")
        port = free_port()
        settings = make_settings(stub, tmp_path, database_url=private_pg.url, webhook_url="https://bot.contoh.go.id/k",
                                 webhook_secret=SecretStr("pg-restart_2"), webhook_listen="127.0.0.1",
                                 webhook_port=port, staff_chat_id=STAFF_GROUP, outbox_poll_seconds=0.2)
        runner = WebhookRunner(settings, FakeEngine())
        await runner.start()
        stub.deliver_by_webhook([f"http://127.0.0.1:{port}/k"])
        a, b, c, d = CITIZENS

        async def ticket_for(user: int, n: int):
            await stub.send_text(user, f"/petugas mohon bantuan petugas ({user})")
            await stub.wait_for(lambda: any(f"Nomor tiket Anda: #{n}" in x.text for x in stub.messages(user)), 30,
                                f"ticket #{n} for {user}")

        try:
            await ticket_for(a, 1)
            await stub.wait_for(lambda: _cards(stub, 1) or None, 30, "card #1")

            # ticket #2: Telegram is slow to accept its card; PostgreSQL goes down meanwhile
            stub.slow_next(1, seconds=2.5, method="sendMessage", chat_id=STAFF_GROUP)
            await ticket_for(b, 2)
            await stub.wait_for(lambda: len([x for x in stub.calls if x.method == "sendMessage"
                                             and str(x.params.get("chat_id")) == str(STAFF_GROUP)]) >= 2, 30,
                                "card #2 on its way")
            private_pg.stop()
            await stub.send_text(c, "/petugas tolong hubungi saya")
            await stub.wait_for(lambda: stub.messages(c), 30, "a reply while PostgreSQL is down")
            assert [x.text for x in stub.messages(c)] == [m.TEMPORARY]
            await stub.wait_for(lambda: _cards(stub, 2) or None, 30, "card #2 accepted by Telegram")

            private_pg.start()  # same data, same port; the bot is not restarted
            await ticket_for(d, 3)
            await stub.wait_for(lambda: _cards(stub, 3) or None, 30, "card #3")
            await asyncio.sleep(1.5)  # several outbox rounds after the restart
            await stub.settle(0.5)
        finally:
            await runner.stop()

        for n in (1, 2, 3):
            assert len(_cards(stub, n)) == 1, f"card #{n}: {len(_cards(stub, n))}"
        for user, n in ((a, 1), (b, 2), (d, 3)):
            assert len([x for x in stub.messages(user) if "Nomor tiket Anda" in x.text]) == 1
            assert f"#{n}" in next(x.text for x in stub.messages(user) if "Nomor tiket Anda" in x.text)
    db = Database(private_pg.url)
    try:
        async with db.sessions() as s:
            tickets = (await s.execute(select(Ticket).order_by(Ticket.id))).scalars().all()
            pending = await pending_count(db)
        assert [(t.id, t.status) for t in tickets] == [(1, "baru"), (2, "baru"), (3, "baru")]
        assert all(t.card_message_id for t in tickets)  # every card's delivery was recorded
        assert pending == 0
    finally:
        await db.close()

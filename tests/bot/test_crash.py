"""Crash safety: the bot runs as a real process and is killed with SIGKILL at the worst moments.

KEPEMILUAN_TEST_CRASH_AT (bot/crash.py) makes the process kill -9 itself right after a ticket
is stored, or right after a staff reply is stored. After a restart, the card, the citizen's
acknowledgement and the relay must each be delivered exactly once.
"""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.db import Database
from bot.tickets import TicketStore

from .conftest import TOKEN, USER
from .test_desk import STAFF_A, STAFF_GROUP

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
from bot.main import run_polling
from bot.settings import Settings
from tests.bot.fakes import FakeEngine
run_polling(Settings(_env_file=None), FakeEngine())
"""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


class BotProcess:
    def __init__(self, stub, data_dir: Path, crash_at: str | None = None):
        self.stub, self.data_dir, self.crash_at = stub, data_dir, crash_at
        self.proc: asyncio.subprocess.Process | None = None
        self.log = data_dir / f"bot-{crash_at or 'normal'}-{os.getpid()}.log"

    async def start(self) -> BotProcess:
        env = {
            **os.environ,
            "KEPEMILUAN_TELEGRAM_TOKEN": TOKEN,
            "KEPEMILUAN_TELEGRAM_BASE_URL": self.stub.base_url,
            "KEPEMILUAN_TELEGRAM_BASE_FILE_URL": self.stub.base_file_url,
            "KEPEMILUAN_DATA_DIR": str(self.data_dir),
            "KEPEMILUAN_STAFF_CHAT_ID": str(STAFF_GROUP),
            "KEPEMILUAN_OUTBOX_POLL_SECONDS": "0.2",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("KEPEMILUAN_TEST_CRASH_AT", None)
        if self.crash_at:
            env["KEPEMILUAN_TEST_CRASH_AT"] = self.crash_at
        self.stub.state.commands = []
        out = open(self.log, "ab")  # noqa: SIM115 - closed by the child's exit
        self.proc = await asyncio.create_subprocess_exec(sys.executable, "-c", SCRIPT, cwd=ROOT, env=env,
                                                         stdout=out, stderr=out)
        out.close()
        await self.stub.wait_for(lambda: self.stub.state.commands, 30, "the bot to start (setMyCommands)")
        return self

    async def killed(self, timeout: float = 20) -> int:
        return await asyncio.wait_for(self.proc.wait(), timeout)

    async def stop(self) -> None:
        if self.proc and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.proc.wait(), 20)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def cards(stub, n: int):
    return [m for m in stub.messages(STAFF_GROUP) if m.text.startswith(f"🎫 Tiket #{n} ")]


def acks(stub, n: int):
    return [m for m in stub.messages(USER) if f"Nomor tiket Anda: #{n}" in m.text]


def relays(stub, n: int):
    return [m for m in stub.messages(USER) if f"Jawaban petugas untuk tiket #{n}" in m.text]


async def _tickets(data_dir: Path) -> list:
    db = Database(f"sqlite+aiosqlite:///{data_dir}/kepemiluan.sqlite3")
    try:
        return await TicketStore(db).open_tickets()
    finally:
        await db.close()


async def test_kill_right_after_the_ticket_is_stored(stub, tmp_path):
    stub.add_member(STAFF_GROUP, STAFF_A, "member", "Sari")
    bot = await BotProcess(stub, tmp_path, crash_at="after_ticket_stored").start()
    try:
        await stub.send_text(USER, "tolong sambungkan ke petugas")
        assert await bot.killed() == -signal.SIGKILL, bot.output()
    finally:
        await bot.stop()
    assert "test crash point after_ticket_stored" in bot.output()
    [ticket] = await _tickets(tmp_path)  # stored before the crash...
    assert cards(stub, ticket.id) == [] and acks(stub, ticket.id) == []  # ...nobody told yet

    bot = await BotProcess(stub, tmp_path).start()
    try:
        await stub.wait_for(lambda: cards(stub, ticket.id) and acks(stub, ticket.id), 15, "card and ack after restart")
        await asyncio.sleep(1.0)  # a few more outbox rounds: nothing is sent twice
        await stub.settle()
    finally:
        await bot.stop()
    assert len(cards(stub, ticket.id)) == 1 and len(acks(stub, ticket.id)) == 1
    assert len(await _tickets(tmp_path)) == 1, "a redelivered update must not open a second ticket"


async def test_kill_right_after_a_staff_reply_is_received(stub, tmp_path):
    stub.add_member(STAFF_GROUP, STAFF_A, "member", "Sari")
    bot = await BotProcess(stub, tmp_path, crash_at="after_staff_reply").start()
    try:
        await stub.send_text(USER, "tolong sambungkan ke petugas")
        await stub.wait_for(lambda: cards(stub, 1) and acks(stub, 1), 15, "the card")
        [card] = cards(stub, 1)
        await stub.send_group_text(STAFF_GROUP, STAFF_A, "Baik, petugas kami akan menelepon Anda besok pagi.", reply_to=card)
        assert await bot.killed() == -signal.SIGKILL, bot.output()
    finally:
        await bot.stop()
    assert "test crash point after_staff_reply" in bot.output()
    assert relays(stub, 1) == []

    bot = await BotProcess(stub, tmp_path).start()
    try:
        await stub.wait_for(lambda: relays(stub, 1), 15, "the relay after restart")
        await stub.wait_for(
            lambda: [m for m in stub.messages(STAFF_GROUP) if "Jawaban diteruskan ke warga (tiket #1)" in m.text], 15,
            "the staff confirmation",
        )
        await asyncio.sleep(1.0)
        await stub.settle()
    finally:
        await bot.stop()
    [relay] = relays(stub, 1)
    assert "Baik, petugas kami akan menelepon Anda besok pagi." in relay.text and "Sari" not in relay.text
    assert len([m for m in stub.messages(STAFF_GROUP) if "Jawaban diteruskan ke warga (tiket #1)" in m.text]) == 1
    assert len(cards(stub, 1)) == 1 and len(acks(stub, 1)) == 1

"""PostgreSQL restarts under a running bot (shared state on: rate limits and the conversation log
live there). While it is down citizens get the temporary-error reply; when it is back, answers and
logging resume without restarting the bot.

Uses a private PostgreSQL cluster (initdb in a temp folder, its own port) so that restarting it
never disturbs the shared local server other test runs use.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot import messages as m
from bot.db import Conversation, Database
from bot.web import WebhookRunner
from tests.bot.conftest import TOKEN, make_settings
from tests.bot.fakes import QUOTE_P7, FakeEngine
from tests.telegram_stub import TelegramStub

from .servers import free_port

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
        pytest.skip("initdb/pg_ctl not available for a private PostgreSQL")
    # not under pytest's tmp (0700 root): the postgres user must reach it
    root = Path(tempfile.mkdtemp(prefix="kep-pg-"))
    pg = PrivatePostgres(root)
    try:
        try:
            pg.init()
            pg.start()
        except (subprocess.CalledProcessError, OSError, LookupError) as exc:
            detail = getattr(exc, "stderr", "") or ""
            pytest.skip(f"cannot run a private PostgreSQL here: {exc} {detail[-300:]}")
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

"""The production entry point, `bot.main.run_polling`, in its own process against the stand-in."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.db import Conversation, Database

from .conftest import TOKEN, USER, is_answer
from .fakes import QUOTE_P7

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
from bot.main import run_polling
from bot.settings import Settings
from tests.bot.fakes import FakeEngine
run_polling(Settings(_env_file=None), FakeEngine())
"""


async def test_run_polling_serves_until_interrupted(stub, tmp_path):
    env = {
        **os.environ,
        "KEPEMILUAN_TELEGRAM_TOKEN": TOKEN,
        "KEPEMILUAN_TELEGRAM_BASE_URL": stub.base_url,
        "KEPEMILUAN_TELEGRAM_BASE_FILE_URL": stub.base_file_url,
        "KEPEMILUAN_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SCRIPT, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await stub.wait_for(lambda: stub.state.commands, 20, "setMyCommands from post_init")
        await stub.send_text(USER, "syarat pendidikan calon bupati")
        msgs = await stub.wait_for(lambda: [m for m in stub.messages(USER) if is_answer(m)], 10, "an answer")
        assert QUOTE_P7 in msgs[-1].text
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = await asyncio.wait_for(proc.communicate(), 20)
    log = output.decode()
    assert proc.returncode == 0, log
    assert "ready" in log and "starting long polling" in log  # logging is configured
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/kepemiluan.sqlite3")
    assert await db.count(Conversation) == 1  # migrated by post_init, then logged
    await db.close()

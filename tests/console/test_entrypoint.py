"""`kepemiluan run` (bot.main.run_polling) in its own process serves the console on
127.0.0.1:$KEPEMILUAN_CONSOLE_PORT beside long polling, and stops cleanly on SIGINT."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx

from .conftest import LINK, STAFF_A, TOKEN, path_of
from .test_browser import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
from bot.main import run_polling
from bot.settings import Settings
from tests.bot.fakes import FakeEngine
run_polling(Settings(_env_file=None), FakeEngine())
"""


async def test_run_polling_serves_the_console_on_its_port(stub, tmp_path):
    port = free_port()
    env = {**os.environ, "KEPEMILUAN_TELEGRAM_TOKEN": TOKEN, "KEPEMILUAN_TELEGRAM_BASE_URL": stub.base_url,
           "KEPEMILUAN_TELEGRAM_BASE_FILE_URL": stub.base_file_url, "KEPEMILUAN_DATA_DIR": str(tmp_path),
           "KEPEMILUAN_CONSOLE_PORT": str(port), "KEPEMILUAN_STAFF_IDS": str(STAFF_A), "PYTHONPATH": str(ROOT)}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", SCRIPT, cwd=ROOT, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        await stub.wait_for(lambda: stub.state.commands, 20, "setMyCommands from post_init")
        await stub.send_text(STAFF_A, "/konsol")
        [msg] = await stub.wait_for_messages(STAFF_A, 1, 10)
        link = LINK.search(msg.text).group(1)
        assert link.startswith(f"http://127.0.0.1:{port}/konsol/masuk/")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            r = await client.get(path_of(link))
            assert r.status_code == 303
            assert (await client.get("/konsol/api/session")).json()["user_id"] == STAFF_A
            assert (await client.get(path_of(link))).status_code == 403
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = await asyncio.wait_for(proc.communicate(), 20)
    log = output.decode()
    assert proc.returncode == 0, log
    assert f"console on 127.0.0.1:{port}" in log or f"127.0.0.1:{port}" in log
    assert link.rsplit("/", 1)[1] not in log  # the login token is never logged

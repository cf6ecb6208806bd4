"""Fixtures for the console tests: the real bot against the Bot API stand-in, and its console
over HTTP (httpx on the console's ASGI app, in the bot's own event loop; the browser test serves
it with uvicorn)."""
from __future__ import annotations

import re

import httpx
import pytest

from bot.app import stop_application
from bot.console.app import create_console_app
from tests.bot.conftest import (  # noqa: F401  (fixtures)
    ADMIN,
    TOKEN,
    USER,
    db,
    fake_engine,
    make_settings,
    pg_url,
    start_bot,
    stub,
)

STAFF_GROUP = -100777
STAFF_A, STAFF_B, NON_STAFF = 2001, 2002, 3003
LINK = re.compile(r"(https?://\S+/konsol/masuk/[A-Za-z0-9_-]+)")


def console_settings(stub, tmp_path, **kw):
    stub.add_member(STAFF_GROUP, STAFF_A, "member", "Sari")
    stub.add_member(STAFF_GROUP, STAFF_B, "administrator", "Budi")
    stub.user(NON_STAFF, "Tamu")
    stub.user(ADMIN, "Admin")
    values = dict(staff_chat_id=STAFF_GROUP, outbox_poll_seconds=0.2, console_port=18080)
    values.update(kw)
    return make_settings(stub, tmp_path, **values)


@pytest.fixture
async def desk_bot(stub, tmp_path, fake_engine):
    harness = await start_bot(stub, console_settings(stub, tmp_path), fake_engine)
    try:
        yield harness
    finally:
        await stop_application(harness.app)


def client_for(harness) -> httpx.AsyncClient:
    app = create_console_app(harness.services, harness.app.bot)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def login_link(stub, user_id: int) -> str:
    """Send /konsol in the private chat and return the login link from the bot's answer."""
    before = len(stub.messages(user_id))
    await stub.send_text(user_id, "/konsol")
    [msg] = (await stub.wait_for_messages(user_id, before + 1, 5.0))[before:before + 1]
    m = LINK.search(msg.text)
    assert m, msg.text
    return m.group(1)


async def logged_in(harness, user_id: int) -> httpx.AsyncClient:
    client = client_for(harness)
    link = await login_link(harness.stub, user_id)
    r = await client.get(path_of(link))
    assert r.status_code == 303, r.text
    return client


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]

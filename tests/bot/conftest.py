"""Fixtures for the bot tests: a socket guard, the Telegram stand-in, the running bot.

The bot is the real python-telegram-bot Application from `bot.app.build_application`,
long-polling the stand-in (tests/telegram_stub.py) over real HTTP on 127.0.0.1.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from bot.app import build_application, start_application, stop_application  # noqa: E402
from bot.composition import BotServices  # noqa: E402
from bot.context import services_of  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.settings import Settings  # noqa: E402
from standins.bot_api import SentMessage, TelegramStub  # noqa: E402

from .fakes import FakeEngine  # noqa: E402

TOKEN = "123456789:AAHtestTOKENdoNOTleak_0123456789abcd"
USER = 1001
OTHER_USER = 1002
ADMIN = 4242
GROUP = -100555


# ------------------------------------------------------------------ network guard


from tests.conftest import NetworkBlocked, skip_without_postgres  # noqa: E402,F401  (the guard itself is in tests/conftest.py)


# ------------------------------------------------------------------ stand-in and bot


@pytest.fixture
async def stub():
    async with TelegramStub(TOKEN) as s:
        yield s


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


def make_settings(stub: TelegramStub, tmp_path, **overrides) -> Settings:
    values = dict(
        telegram_token=SecretStr(TOKEN),
        telegram_base_url=stub.base_url,
        telegram_base_file_url=stub.base_file_url,
        data_dir=tmp_path,
        admin_ids=[ADMIN],
        rate_limit_per_minute=10,
        pseudonym_salt=SecretStr("garam-uji"),
    )
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def settings(stub, tmp_path) -> Settings:
    return make_settings(stub, tmp_path)


@dataclass
class Harness:
    stub: TelegramStub
    app: object
    db: Database
    engine: object
    settings: Settings

    @property
    def services(self) -> BotServices:
        return services_of(self.app)

    async def ask(self, user_id: int, text: str, *, chat_id: int | None = None, timeout: float = 5.0, **kw) -> list[SentMessage]:
        """Send a question and return the bot's new messages up to the final answer part."""
        chat = chat_id if chat_id is not None else user_id
        before = len(self.stub.messages(chat))
        if chat_id is None:
            await self.stub.send_text(user_id, text, **kw)
        else:
            await self.stub.send_group_text(chat_id, user_id, text, **kw)
        return await self.wait_answer(chat, before, timeout)

    async def wait_answer(self, chat: int, before: int, timeout: float = 5.0) -> list[SentMessage]:
        def done():
            new = self.stub.messages(chat)[before:]
            return new if any(is_answer(m) for m in new) else None

        return await self.stub.wait_for(done, timeout, f"an answer in chat {chat}")

    async def reply_to(self, user_id: int, send, timeout: float = 5.0) -> list[SentMessage]:
        """Run `send()` (a stub injection) and wait for one new message in the user's chat."""
        before = len(self.stub.messages(user_id))
        await send()
        msgs = await self.stub.wait_for_messages(user_id, before + 1, timeout)
        return msgs[before:]


def is_answer(msg: SentMessage) -> bool:
    """The final part of an answer carries the «Tanya petugas» button."""
    return any((b.get("callback_data") or "").startswith("hp:") for b in msg.buttons())


async def start_bot(stub, settings, engine, *, store=None, **kw) -> Harness:
    db = Database(settings.db_url)
    app = build_application(settings, engine, store=store, db=db, **kw)
    await start_application(app, poll_timeout=1.0)
    return Harness(stub, app, db, engine, settings)


@pytest.fixture
async def bot(stub, settings, fake_engine):
    harness = await start_bot(stub, settings, fake_engine)
    try:
        yield harness
    finally:
        await stop_application(harness.app)


# ------------------------------------------------------------------ one database, SQLite and PostgreSQL
# PostgreSQL: a database of our own (kep_tickets_<random>) per module on the local server
# (KEPEMILUAN_TEST_PG_HOST, default 127.0.0.1:5432, user postgres), dropped afterwards. Unreachable:
# the PostgreSQL cases skip (fail with KEPEMILUAN_REQUIRE_PG=1, as .ci/run sets).

PG_HOST = os.environ.get("KEPEMILUAN_TEST_PG_HOST", "127.0.0.1")
PG_ADMIN_DSN = f"postgresql://postgres@{PG_HOST}:5432/test"


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_DSN, connect_timeout=3, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="module")
def pg_url():
    """One database of our own on the local server for this module; dropped at the end."""
    name = f"kep_tickets_{secrets.token_hex(4)}"
    try:
        pg_admin(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # psycopg.OperationalError: no server
        skip_without_postgres(f"PostgreSQL not reachable on {PG_HOST}:5432: {exc}")
    try:
        yield f"postgresql+asyncpg://postgres@{PG_HOST}:5432/{name}"
    finally:
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request, tmp_path):
    if request.param == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{tmp_path}/t.sqlite3")
        await database.migrate()
        yield database
        await database.close()
        return
    database = Database(request.getfixturevalue("pg_url"))
    try:
        await database.migrate()
        async with database.engine.begin() as conn:  # each test starts empty
            await conn.execute(text(
                "TRUNCATE tickets, ticket_messages, outbox, processed_updates, faq_entries, conversation_states, "
                "staff_requests, conversations RESTART IDENTITY CASCADE"
            ))
        yield database
    finally:
        await database.close()



@pytest.fixture(scope="session")
def _corpus_engine():
    """Lexical-only knowledge.engine.Engine over the bundled corpus (no Chroma, no model)."""
    from ingest.pipeline import default_sources, prepare_path
    from knowledge.engine import Engine

    passages = []
    for path, info in default_sources():
        _, _, ps = prepare_path(path, info)
        passages += ps
    return Engine(passages)


@pytest.fixture
def real_engine(request):
    """The project's `engine` fixture (tests/conftest.py) when it exists, else `_corpus_engine`."""
    if "engine" in request.fixturenames or _has_fixture(request, "engine"):
        return request.getfixturevalue("engine")
    return request.getfixturevalue("_corpus_engine")


def _has_fixture(request, name: str) -> bool:
    try:
        return bool(request._fixturemanager.getfixturedefs(name, request.node))  # noqa: SLF001
    except Exception:
        return False

"""The conversation log schema: Alembic owns it and matches the models."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.db import Database, pseudonymize
from bot.schema import Base


async def test_migrations_match_models_and_are_idempotent(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/log.sqlite3")
    await db.migrate()
    await db.migrate()
    async with db.engine.connect() as conn:
        diff = await conn.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata)
        )
        tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
    await db.close()
    assert diff == []
    assert {"alembic_version", "conversations", "staff_requests"} <= set(tables)


def test_pseudonym_is_keyed_and_stable():
    a = pseudonymize(1001, "garam")
    assert a == pseudonymize(1001, "garam") and a != pseudonymize(1001, "lain") and "1001" not in a


async def _postgres_admin_url() -> str | None:
    """A local PostgreSQL we may create a scratch database in (skip the test otherwise)."""
    import os

    url = os.environ.get("KEPEMILUAN_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    try:
        import asyncpg

        conn = await asyncpg.connect(url.replace("+asyncpg", ""), timeout=1.5)
        await conn.close()
        return url
    except Exception:
        return None


async def test_postgres_migrations_and_queries():
    import uuid

    import asyncpg
    import pytest

    from bot.db import Conversation, StaffRequest, utcnow

    admin = await _postgres_admin_url()
    if admin is None:
        from tests.conftest import skip_without_postgres

        skip_without_postgres("no local PostgreSQL on 127.0.0.1:5432")
    name = f"kepemiluan_test_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin.replace("+asyncpg", ""))
    await conn.execute(f'CREATE DATABASE "{name}"')
    try:
        db = Database(admin.rsplit("/", 1)[0] + f"/{name}")
        await db.migrate()
        async with db.engine.connect() as c:
            diff = await c.run_sync(
                lambda sc: compare_metadata(MigrationContext.configure(sc, opts={"compare_type": True}), Base.metadata)
            )
        assert diff == []
        cid = await db.log_conversation(
            user_pseudonym="p", chat_type="private", question="q", question_truncated=False, decision="answer",
            reason="", confidence=0.5, sources=[{"n": 1, "passage_id": "x"}], engine_ms=1.0, latency_ms=2.0,
        )
        assert await db.set_feedback(cid, "p", -1)
        async with db.sessions.begin() as s:  # a row of the legacy table (tickets replaced it)
            s.add(StaffRequest(created_at=utcnow(), user_pseudonym="p", chat_id=-100123, conversation_id=cid, message="m"))
        assert [r.conversation_id for r in await db.staff_requests_for("p")] == [cid]
        assert (await db.get_conversation(cid)).sources == [{"n": 1, "passage_id": "x"}]
        deleted = await db.purge_older_than(0)
        assert (deleted.conversations, deleted.staff_requests) == (1, 1)
        assert await db.count(Conversation) == 0
        await db.close()
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

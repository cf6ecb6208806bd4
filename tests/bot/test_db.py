"""The conversation log schema: Alembic owns it and matches the models."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.db import Base, Database, pseudonymize


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

"""Citizen text never reaches the logs through a database error (issue 13 §7)."""
from __future__ import annotations

import logging

from sqlalchemy import text

from .conftest import USER

MARKER = "Nama saya Budi PENANDA-7Q3ZK alamat Jl. Mawar"


async def test_a_database_error_does_not_log_the_citizens_question(bot, caplog):
    async with bot.db.engine.begin() as conn:  # the conversation log breaks (a failing database)
        await conn.execute(text("DROP TABLE conversations"))
    caplog.set_level(logging.INFO)
    msgs = await bot.ask(USER, f"syarat pendidikan calon bupati {MARKER}")
    assert msgs  # the citizen still gets the answer
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("conversation log" in r.getMessage() for r in errors)
    logged = "\n".join(  # what a WARNING/ERROR log line carries, traceback included
        r.getMessage() + (logging.Formatter().formatException(r.exc_info) if r.exc_info else "") for r in errors
    )
    assert "PENANDA-7Q3ZK" not in logged

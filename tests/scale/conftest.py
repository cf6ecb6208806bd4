"""Fixtures for the scale-out tests: a scratch PostgreSQL database per test session.

PostgreSQL is the local server (127.0.0.1:5432, trust auth; .ci/run starts it). Each session
creates its own database `kep_scale_<random>` and drops it afterwards (other test runs may share
the server). Without a reachable server the PostgreSQL variants are skipped.
"""
from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from tests.conftest import skip_without_postgres

ADMIN_URL = os.environ.get("KEPEMILUAN_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


def _run(coro_fn) -> None:
    """asyncio.run, also from inside a running loop (async fixtures): in a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coro_fn())
        return
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coro_fn()).result()


async def _admin_conn():
    import asyncpg

    return await asyncpg.connect(ADMIN_URL.replace("+asyncpg", ""), timeout=2)


def pg_available() -> bool:
    async def probe():
        conn = await _admin_conn()
        await conn.close()

    try:
        _run(probe)
        return True
    except Exception:
        return False


class PgDatabases:
    """Creates scratch databases on the local server; drops them all at the end."""

    def __init__(self):
        self.names: list[str] = []

    def create(self, prefix: str = "kep_scale") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"

        async def go():
            conn = await _admin_conn()
            try:
                await conn.execute(f'CREATE DATABASE "{name}"')
            finally:
                await conn.close()

        _run(go)
        self.names.append(name)
        return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

    def drop_all(self) -> None:
        async def go():
            conn = await _admin_conn()
            try:
                for name in self.names:
                    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await conn.close()

        if self.names:
            _run(go)


@pytest.fixture(scope="session")
def pg_databases():
    if not pg_available():
        skip_without_postgres("no local PostgreSQL on 127.0.0.1:5432 (.ci/run starts it)")
    dbs = PgDatabases()
    yield dbs
    dbs.drop_all()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The same test on SQLite and on the local PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/shared.sqlite3"
    return request.getfixturevalue("pg_databases").create()


# ---------------------------------------------------------------------------- Chroma server

CHROMA_DOCS = ["uu-10-2016"]  # 163 passages: small enough to embed in a few seconds


@pytest.fixture(scope="session")
def chroma(tmp_path_factory):
    """A real `chroma run` server on 127.0.0.1 with the fixture document ingested through HttpClient."""
    from .servers import ChromaServer, chroma_binary, ingest_fixture

    if chroma_binary() is None:
        pytest.skip("the `chroma` command is not installed")
    server = ChromaServer(tmp_path_factory.mktemp("chroma") / "data")
    server.start()
    try:
        server.passages = ingest_fixture(server.url, CHROMA_DOCS)
        yield server
    finally:
        server.stop()

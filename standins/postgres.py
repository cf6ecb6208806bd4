"""Scratch PostgreSQL databases on the local server (KEPEMILUAN_TEST_POSTGRES_URL, default
postgres@127.0.0.1:5432), created per test run and dropped at the end."""
from __future__ import annotations

import asyncio
import os
import uuid

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

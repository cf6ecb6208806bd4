"""What every `kepemiluan` command shares: the consoles it prints on, a failure that exits, the
index store and the audit log (the database, migrated first)."""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the CLI never downloads a model (telemetry: knowledge/__init__)

import typer  # noqa: E402
from rich.console import Console  # noqa: E402

from .settings import Settings  # noqa: E402

err = Console(stderr=True)
out = Console()


def fail(msg: str, code: int = 2) -> None:
    err.print(f"[bold red]Gagal:[/] {msg}")
    raise typer.Exit(code)


def open_store(settings: Settings):
    from knowledge.store import StoreError

    from .wiring import build_store

    try:
        return build_store(settings)
    except StoreError as e:
        fail(str(e))


def admin(settings: Settings, fn):
    """Run `fn(AdminLog)` (async) against the database, migrated first. Returns its result."""
    import asyncio

    from .audit import AdminLog
    from .db import Database

    async def go():
        db = Database(settings.db_url)
        try:
            await db.migrate()
            return await fn(AdminLog(db))
        finally:
            await db.close()

    return asyncio.run(go())

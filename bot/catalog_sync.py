"""Keep every replica's in-memory passage catalog in step with the shared Chroma index.

Each replica answers from a catalog (BM25 over all passages) loaded from Chroma at start-up. When
another process changes the index (`kepemiluan ingest` / `docker compose run --rm ingest`, a staff
FAQ on another replica), this JobQueue job notices it within `catalog_refresh_s` seconds: it
reads the passage ids from Chroma (no texts, no vectors) and, if any id is new or the count
differs, reloads the engine from Chroma (`Engine.reload` swaps the snapshot atomically). While
Chroma is unreachable the job logs a warning and the replica keeps its last catalog.
"""
from __future__ import annotations

import asyncio
import logging

from telegram.ext import Application, ContextTypes

from .services import KEY

log = logging.getLogger(__name__)


def catalog_is_stale(engine, ids: list[str]) -> bool:
    return len(ids) != engine.size or any(engine.passage(i) is None for i in ids)


async def sync_catalog(context: ContextTypes.DEFAULT_TYPE) -> bool:
    """One check; True when the catalog was reloaded."""
    svc = context.application.bot_data[KEY]
    engine = svc.engine
    store = getattr(engine, "store", None)
    loop = asyncio.get_running_loop()
    try:
        ids = await loop.run_in_executor(svc.executor, store.ids)
        if not catalog_is_stale(engine, ids):
            return False
        passages, _ = await loop.run_in_executor(svc.executor, store.all)
    except Exception as exc:  # Chroma down: keep answering from the catalog we have
        log.warning("catalog sync: Chroma unreachable (%s); keeping %d passages", type(exc).__name__, engine.size)
        return False
    before = engine.size
    await loop.run_in_executor(svc.executor, engine.reload, passages)
    log.info("catalog sync: the index changed, reloaded %d passages (was %d)", engine.size, before)
    return True


def schedule_catalog_sync(app: Application, engine, interval_s: float) -> None:
    """Every replica runs it (each has its own catalog): not a leader-only job."""
    if interval_s <= 0 or getattr(engine, "store", None) is None or not hasattr(engine, "reload"):
        return
    app.job_queue.run_repeating(sync_catalog, interval=interval_s, first=interval_s, name="catalog-sync")

"""Keep every replica's in-memory passage catalog in step with the shared Chroma index.

Each replica answers from a catalog (BM25 over all passages) loaded from Chroma at start-up. When
another process changes the index (`kepemiluan ingest` / `docker compose run --rm ingest`, a staff
FAQ on another replica), this JobQueue job notices it within `catalog_refresh_s` seconds: it
reads the passage ids from Chroma (no texts, no vectors) and, if any id is new or the count
differs, reloads the engine from Chroma (`Engine.reload` swaps the snapshot atomically). While
Chroma is unreachable the job logs a warning and the replica keeps its last catalog.

Staff answers made FAQ live in the database, not in Chroma (bot/faq.py): they are left out of
the comparison, put back into every reload, and the same job picks up the FAQ entries another
replica added or withdrew (`FaqIndex.refresh`).
"""
from __future__ import annotations

import asyncio
import logging

from telegram.ext import Application, ContextTypes

from .escalation import DESK_KEY
from .faq import is_faq
from .services import KEY

log = logging.getLogger(__name__)


def catalog_is_stale(engine, ids: list[str]) -> bool:
    """Chroma's ids differ from the engine's indexed passages (FAQ passages are not in Chroma)."""
    base = [p for p in engine.passages() if not is_faq(p)] if hasattr(engine, "passages") else None
    size = len(base) if base is not None else engine.size
    return len(ids) != size or any(engine.passage(i) is None for i in ids)


async def sync_catalog(context: ContextTypes.DEFAULT_TYPE) -> bool:
    """One check; True when the catalog (or the FAQ part of it) was reloaded."""
    svc = context.application.bot_data[KEY]
    faq = getattr(context.application.bot_data.get(DESK_KEY), "faq", None)
    engine = svc.engine
    store = getattr(engine, "store", None)
    loop = asyncio.get_running_loop()
    try:
        ids = await loop.run_in_executor(svc.executor, store.ids)
        stale = catalog_is_stale(engine, ids)
        passages = (await loop.run_in_executor(svc.executor, store.all))[0] if stale else None
    except Exception as exc:  # Chroma down: keep answering from the catalog we have
        log.warning("catalog sync: Chroma unreachable (%s); keeping %d passages", type(exc).__name__, engine.size)
        stale, passages = False, None
    if stale:
        before = engine.size
        if faq is not None:
            await faq.refresh(base=passages)
        else:
            await loop.run_in_executor(svc.executor, engine.reload, passages)
        log.info("catalog sync: the index changed, reloaded %d passages (was %d)", engine.size, before)
        return True
    if faq is None:
        return False
    try:
        changed = await faq.refresh()
    except Exception as exc:  # the database is down: keep the FAQ we have
        log.warning("catalog sync: FAQ entries unreadable (%s)", type(exc).__name__)
        return False
    if changed:
        log.info("catalog sync: FAQ entries changed on another replica, %d passages now", engine.size)
    return changed


def schedule_catalog_sync(app: Application, engine, interval_s: float) -> None:
    """Every replica runs it (each has its own catalog): not a leader-only job."""
    if interval_s <= 0 or getattr(engine, "store", None) is None or not hasattr(engine, "reload"):
        return
    app.job_queue.run_repeating(sync_catalog, interval=interval_s, first=interval_s, name="catalog-sync")

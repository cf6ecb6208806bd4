"""Stopping the outbox worker (post_shutdown) always ends it, however the stop meets the worker.

The bug (seen as a CI run held until its cap): the worker idled in
`asyncio.wait_for(self._wake.wait(), poll)`. A wake-up (a new row) just before the stop's cancel
completed the inner wait first, and Python 3.11's wait_for then returns the result and drops the
cancellation: the worker went on polling and `stop()`, which awaits it, never returned: the bot
could not shut down.
"""
from __future__ import annotations

import asyncio

from bot.db import Database
from bot.outbox import OutboxWorker


class NoBot:
    """The worker never sends here: the outbox is empty."""


async def _idle_worker(tmp_path) -> tuple[Database, OutboxWorker]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/o.sqlite3")
    await db.migrate()
    worker = OutboxWorker(db, NoBot(), poll_seconds=30.0)
    worker.start()
    for _ in range(50):  # its first round over the empty outbox is done: it idles in its wait
        await asyncio.sleep(0.02)
    assert worker.alive
    return db, worker


async def _stops(worker: OutboxWorker, within: float = 5.0) -> bool:
    """Whether `worker.stop()` returns within `within` seconds (a stop of its own, not cancelled
    from outside: a cancelled stop would cancel the worker a second time and hide the hang)."""
    task = worker._task
    stop = asyncio.create_task(worker.stop())
    done, _ = await asyncio.wait({stop}, timeout=within)
    if not done:  # end the hung worker, so that the test fails instead of hanging too
        task.cancel()
        await stop
    return bool(done)


async def test_a_stop_right_after_a_wake_up_ends_the_worker(tmp_path):
    db, worker = await _idle_worker(tmp_path)
    task = worker._task
    try:
        worker.wake()  # a row was enqueued just as the bot shuts down:
        await asyncio.sleep(0)  # its wait is over, the worker not yet resumed
        assert await _stops(worker)
        assert task.done() and not worker.alive
    finally:
        if not task.done():
            task.cancel()
        await db.close()


async def test_a_stop_while_idle_ends_the_worker(tmp_path):
    db, worker = await _idle_worker(tmp_path)
    task = worker._task
    try:
        assert await _stops(worker)
        assert task.done() and not worker.alive
    finally:
        await db.close()

"""State that several bot replicas share through the database (PostgreSQL in production).

* `DbRateLimiter`: the per-user question limit, counted in the `rate_limits` table, so a
  citizen whose messages are spread over replicas by the load balancer still gets
  `per_minute` questions a minute in total, not per replica.
* `Leases`: named, expiring leases in the `leases` table. `leader_only(name)` wraps a
  JobQueue callback so that it runs on one replica at a time (the current lease holder);
  `job_lease(...)` is the same lease as an `async with` block for one-off work.
* `IngestRuns`: one row per ingest run (CLI or bot), read by /metrics on every replica.

Every statement is a single atomic upsert/update (INSERT ... ON CONFLICT DO UPDATE ...
RETURNING on PostgreSQL and SQLite >= 3.35), so two replicas racing for the same row see
a consistent result without explicit locks.
"""
from __future__ import annotations

import contextlib
import functools
import logging
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from sqlalchemy import Boolean, Float, Integer, String, case, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, BigId, Database
from .ratelimit import Verdict

log = logging.getLogger(__name__)

Clock = Callable[[], float]


class RateLimit(Base):
    """The current window of one user's questions (pseudonymous key, never the Telegram id)."""

    __tablename__ = "rate_limits"

    user_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[float] = mapped_column(Float)  # epoch seconds
    hits: Mapped[int] = mapped_column(Integer)
    notified: Mapped[bool] = mapped_column(Boolean, default=False)


class Lease(Base):
    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[float] = mapped_column(Float)  # epoch seconds
    acquired_at: Mapped[float] = mapped_column(Float)


class IngestRun(Base):
    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    started_at: Mapped[float] = mapped_column(Float, index=True)
    finished_at: Mapped[float] = mapped_column(Float)
    result: Mapped[str] = mapped_column(String(16))  # ok | failed
    documents: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)


def _insert(db: Database):
    """The dialect's INSERT with ON CONFLICT support."""
    if db.is_sqlite:
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    return insert


def replica_id() -> str:
    """Who holds a lease: host, pid and a random part (a restarted process is a new holder)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


# ---------------------------------------------------------------------------- rate limit


class DbRateLimiter:
    """`per_minute` questions per `window` seconds per user, counted in the shared database.

    The window starts with the user's first question and lasts `window` seconds (an anchored
    window; the in-memory `UserRateLimiter` slides). The first refused question in a window
    gets `notify=True` (exactly one replica wins that update), later ones are silent.
    """

    def __init__(self, db: Database, per_minute: int, *, window: float = 60.0, clock: Clock = time.time):
        self.db = db
        self.per_minute = per_minute
        self.window = window
        self.clock = clock

    async def check(self, user_key: str) -> Verdict:
        if self.per_minute <= 0:
            return Verdict(True)
        now = self.clock()
        expired = RateLimit.window_start <= now - self.window
        insert = _insert(self.db)
        stmt = insert(RateLimit).values(user_key=user_key, window_start=now, hits=1, notified=False)
        stmt = stmt.on_conflict_do_update(
            index_elements=[RateLimit.user_key],
            set_={
                "hits": case((expired, 1), else_=RateLimit.hits + 1),
                "window_start": case((expired, now), else_=RateLimit.window_start),
                "notified": case((expired, False), else_=RateLimit.notified),
            },
        ).returning(RateLimit.hits, RateLimit.window_start, RateLimit.notified)
        async with self.db.engine.begin() as conn:
            hits, start, notified = (await conn.execute(stmt)).one()
            if hits <= self.per_minute:
                return Verdict(True)
            retry_after = max(0.0, start + self.window - now)
            notify = False
            if not notified:
                res = await conn.execute(
                    update(RateLimit)
                    .where(RateLimit.user_key == user_key, RateLimit.window_start == start,
                           RateLimit.notified.is_(False))
                    .values(notified=True)
                )
                notify = res.rowcount == 1
        return Verdict(False, retry_after, notify)

    async def purge(self) -> int:
        """Forget windows that ended (a daily job)."""
        async with self.db.engine.begin() as conn:
            res = await conn.execute(
                RateLimit.__table__.delete().where(RateLimit.window_start <= self.clock() - self.window))
        return res.rowcount or 0


# ---------------------------------------------------------------------------- leases


class Leases:
    """Named expiring leases. A lease is held by one holder until it expires or is released."""

    def __init__(self, db: Database, holder: str | None = None, *, clock: Clock = time.time):
        self.db = db
        self.holder = holder or replica_id()
        self.clock = clock

    async def acquire(self, name: str, ttl: float) -> bool:
        """Take or renew `name` for `ttl` seconds. True if this holder has it now."""
        now = self.clock()
        insert = _insert(self.db)
        stmt = insert(Lease).values(name=name, holder=self.holder, expires_at=now + ttl, acquired_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Lease.name],
            set_={
                "holder": self.holder,
                "expires_at": now + ttl,
                "acquired_at": case((Lease.holder == self.holder, Lease.acquired_at), else_=now),
            },
            where=(Lease.expires_at <= now) | (Lease.holder == self.holder),
        ).returning(Lease.holder)
        async with self.db.engine.begin() as conn:
            row = (await conn.execute(stmt)).first()
        return row is not None and row[0] == self.holder

    async def release(self, name: str) -> None:
        async with self.db.engine.begin() as conn:
            await conn.execute(
                update(Lease).where(Lease.name == name, Lease.holder == self.holder).values(expires_at=self.clock())
            )

    async def holder_of(self, name: str) -> str | None:
        async with self.db.engine.connect() as conn:
            row = (await conn.execute(
                select(Lease.holder).where(Lease.name == name, Lease.expires_at > self.clock()))).first()
        return row[0] if row else None


@contextlib.asynccontextmanager
async def job_lease(leases: Leases, name: str, ttl: float = 300.0) -> AsyncIterator[bool]:
    """`async with job_lease(leases, "reindex") as held:` — held is False when another
    replica holds the lease (skip the work). Released when the block ends."""
    held = await leases.acquire(name, ttl)
    try:
        yield held
    finally:
        if held:
            await leases.release(name)


def leader_only(name: str, ttl: float, leases: Leases | None) -> Callable:
    """Decorator for periodic JobQueue callbacks: run only on the replica holding lease `name`.

    The lease is renewed on every run and never released, so the same replica keeps the job
    (leader election); choose `ttl` > the job's interval (e.g. 2-3x). If the leader dies, another
    replica takes over once the lease has expired. Without a lease store (`leases` None: a single
    process) the job always runs.
    """

    def wrap(fn: Callable[[Any], Awaitable[Any]]):
        @functools.wraps(fn)
        async def job(context) -> Any:
            if leases is not None:
                try:
                    held = await leases.acquire(name, ttl)
                except Exception:
                    log.warning("lease %s: database unreachable, skipping this run", name, exc_info=True)
                    return None
                if not held:
                    log.debug("lease %s is held by another replica: skipping", name)
                    return None
            return await fn(context)

        return job

    return wrap


async def run_if_leader(leases: Leases, name: str, ttl: float, fn: Callable[[], Awaitable[Any]]) -> tuple[bool, Any]:
    """Run `fn()` if this replica holds (or can take) lease `name`. Returns (ran, result)."""
    if not await leases.acquire(name, ttl):
        return False, None
    return True, await fn()


# ---------------------------------------------------------------------------- ingest runs


class IngestRuns:
    def __init__(self, db: Database):
        self.db = db

    async def record(self, *, started_at: float, finished_at: float, result: str, documents: int = 0,
                     added: int = 0, removed: int = 0) -> None:
        async with self.db.engine.begin() as conn:
            await conn.execute(IngestRun.__table__.insert().values(
                started_at=started_at, finished_at=finished_at, result=result, documents=documents,
                added=added, removed=removed))

    async def totals(self) -> dict[str, int]:
        async with self.db.engine.connect() as conn:
            rows = (await conn.execute(select(IngestRun.result, func.count()).group_by(IngestRun.result))).all()
        return {r: int(n) for r, n in rows}

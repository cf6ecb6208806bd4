"""Shared state for replicas: the DB rate limit and the job leases, on SQLite and PostgreSQL.

"Replicas" here are separate limiter/lease objects with their own database engines (their own
connection pools), as two processes would have.
"""
from __future__ import annotations

import asyncio

from bot.db import Database
from bot.shared import DbRateLimiter, IngestRuns, Leases, job_lease, leader_only


class Clock:
    def __init__(self, t: float = 1_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


async def _replicas(url: str, n: int = 2) -> list[Database]:
    dbs = [Database(url) for _ in range(n)]
    await dbs[0].migrate()
    return dbs


async def test_rate_limit_is_shared_by_replicas_and_tells_the_user_once(db_url):
    clock = Clock()
    a, b = await _replicas(db_url)
    try:
        la, lb = DbRateLimiter(a, 3, clock=clock), DbRateLimiter(b, 3, clock=clock)
        # the user's questions land on both replicas, all at once
        verdicts = await asyncio.gather(*[(la if i % 2 else lb).check("warga-1") for i in range(10)])
        assert sum(v.allowed for v in verdicts) == 3
        assert sum(v.notify for v in verdicts) == 1  # one friendly wait message, not one per replica
        refused = [v for v in verdicts if not v.allowed]
        assert all(0 < v.retry_after <= 60 for v in refused)
        assert (await la.check("warga-2")).allowed  # others are not affected
        clock.t += 61  # the window is over: allowed again, and told again next time
        assert (await lb.check("warga-1")).allowed
        for _ in range(2):
            assert (await la.check("warga-1")).allowed
        over = await lb.check("warga-1")
        assert not over.allowed and over.notify
        clock.t += 3600
        assert await la.purge() == 2
    finally:
        for db in (a, b):
            await db.close()


async def test_lease_has_one_holder_at_a_time_and_moves_on_expiry(db_url):
    clock = Clock()
    dbs = await _replicas(db_url, 4)
    try:
        replicas = [Leases(db, f"replica-{i}", clock=clock) for i, db in enumerate(dbs)]
        won = await asyncio.gather(*[r.acquire("reminders", 30) for r in replicas])
        assert sum(won) == 1
        leader = replicas[won.index(True)]
        others = [r for r in replicas if r is not leader]
        assert await leader.holder_of("reminders") == leader.holder
        clock.t += 20
        assert await leader.acquire("reminders", 30)  # renewal
        assert not any([await r.acquire("reminders", 30) for r in others])
        clock.t += 31  # the leader died (no renewal): the next one takes over
        assert await others[0].acquire("reminders", 30)
        assert not await leader.acquire("reminders", 30)
        await others[0].release("reminders")
        assert await others[1].acquire("reminders", 30)  # released: free at once
    finally:
        for db in dbs:
            await db.close()


async def test_leader_only_job_runs_on_one_replica_per_tick(db_url):
    clock = Clock()
    dbs = await _replicas(db_url, 2)
    runs: list[str] = []

    def replica_job(leases: Leases):
        @leader_only("reminders", 150, leases)
        async def reminders(context):
            runs.append(leases.holder)

        return reminders

    try:
        leases = [Leases(db, f"r{i}", clock=clock) for i, db in enumerate(dbs)]
        jobs = [replica_job(lease) for lease in leases]
        for _tick in range(5):  # every replica's JobQueue fires every 60 s
            await asyncio.gather(*[job(None) for job in jobs])
            clock.t += 60
        assert len(runs) == 5 and len(set(runs)) == 1
        survivor = 1 if runs[0] == "r0" else 0
        clock.t += 200  # the leader is gone: the other replica takes over
        await jobs[survivor](None)
        assert runs[-1] == leases[survivor].holder
    finally:
        for db in dbs:
            await db.close()


async def test_job_lease_block_is_exclusive_then_released(db_url):
    dbs = await _replicas(db_url, 2)
    try:
        a, b = Leases(dbs[0], "a"), Leases(dbs[1], "b")
        async with job_lease(a, "reindex") as held_a:
            assert held_a
            async with job_lease(b, "reindex") as held_b:
                assert not held_b
        async with job_lease(b, "reindex") as held_b:
            assert held_b
    finally:
        for db in dbs:
            await db.close()


async def test_ingest_runs_are_counted_for_metrics(db_url):
    [db] = await _replicas(db_url, 1)
    try:
        runs = IngestRuns(db)
        assert await runs.totals() == {}
        await runs.record(started_at=1.0, finished_at=2.0, result="ok", documents=3, added=10)
        await runs.record(started_at=3.0, finished_at=4.0, result="ok")
        await runs.record(started_at=5.0, finished_at=6.0, result="failed")
        assert await runs.totals() == {"ok": 2, "failed": 1}
    finally:
        await db.close()


async def test_cli_ingest_records_its_runs_for_the_metrics(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from bot.cli import app

    monkeypatch.setenv("KEPEMILUAN_DATA_DIR", str(tmp_path))
    doc = tmp_path / "berita.txt"
    doc.write_text("Bawaslu Kabupaten Contoh menandatangani nota kesepahaman pengawasan partisipatif pemilu.\n"
                   "Kerja sama ini melibatkan perguruan tinggi dan organisasi masyarakat.\n", encoding="utf-8")
    runner = CliRunner()
    ok = await asyncio.to_thread(runner.invoke, app, ["ingest", "-q", str(doc)])
    assert ok.exit_code == 0, ok.output
    bad = await asyncio.to_thread(runner.invoke, app, ["ingest", "-q", str(tmp_path / "tidak-ada.pdf")])
    assert bad.exit_code != 0
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/kepemiluan.sqlite3")
    try:
        assert await IngestRuns(db).totals() == {"ok": 1, "failed": 1}
    finally:
        await db.close()

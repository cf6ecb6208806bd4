"""JobQueue work runs on one replica at a time: two bot Applications (own JobQueues, own database
pools) share one PostgreSQL database; a repeating job wrapped in `leader_only` runs once per tick
in total, not once per replica, and moves to the survivor when the leader stops.

(The ticket reminders of issue 4 use the same wrapper; their end-to-end test waits in
test_replicas.py.)
"""
from __future__ import annotations

import asyncio

from bot.app import build_application, stop_application
from bot.context import services_of
from bot.shared import leader_only
from tests.bot.conftest import TOKEN, make_settings
from tests.bot.fakes import FakeEngine
from standins.bot_api import TelegramStub

INTERVAL = 0.3
TTL = 1.2


async def test_leader_only_job_runs_once_per_tick_across_two_applications(pg_databases, tmp_path):
    db_url = pg_databases.create("kep_jobs")
    runs: list[tuple[str, float]] = []

    async def reminders(context):
        runs.append((context.services.replica, asyncio.get_running_loop().time()))

    async with TelegramStub(TOKEN) as stub:
        apps = []
        for i in range(2):
            settings = make_settings(stub, tmp_path / f"r{i}", database_url=db_url)
            app = build_application(settings, FakeEngine())
            app.job_queue.run_repeating(leader_only("reminders", TTL, services_of(app).leases)(reminders), interval=INTERVAL, first=0.05,
                                        name="reminders")
            apps.append(app)
        for app in apps:
            await app.initialize()
            await app.post_init(app)  # migrations (under the advisory lock)
        try:
            await asyncio.gather(*[app.start() for app in apps])
            await asyncio.sleep(3.0)
            leaders = {r for r, _ in runs}
            assert len(leaders) == 1, runs  # one replica ran it ...
            ticks = 3.0 / INTERVAL
            assert 0.6 * ticks <= len(runs) <= 1.2 * ticks  # ... once per tick, not twice
            [leader] = leaders
            first, second = apps if services_of(apps[0]).replica == leader else apps[::-1]

            await stop_application(first)  # the leader goes away without handing over
            cut = len(runs)
            await asyncio.sleep(TTL + 1.5)
            after = runs[cut:]
            assert after and {r for r, _ in after} == {services_of(second).replica}  # the survivor took over
        finally:
            for app in apps:
                if app.running:
                    await stop_application(app)

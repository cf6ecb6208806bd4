"""Operations: a 429 storm, the flood / pool / worker settings, the retention setting."""
from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from bot.app import stop_application
from bot.db import Conversation, utcnow
from bot.context import services_of
from bot.settings import Settings

from .conftest import is_answer, make_settings, start_bot
from .fakes import QUOTE_P7

STORM_USERS = list(range(2001, 2009))  # 8 citizens at once
LONG = 2004  # this one asks for a long answer: several parts, each must arrive once, in order


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own RetryAfter
async def test_429_storm_every_reply_delivered_once(stub, tmp_path, fake_engine):
    bot = await start_bot(stub, make_settings(stub, tmp_path), fake_engine)
    try:
        # Telegram throttles the bot: the next 12 calls of any kind (chat actions, messages) get
        # 429 retry_after=1, while 8 users ask at the same moment.
        stub.fail_next(12, status=429, retry_after=1)
        started = time.monotonic()
        questions = {u: ("tolong kutip ketentuan yang panjang" if u == LONG else "syarat pendidikan calon bupati")
                     for u in STORM_USERS}
        await asyncio.gather(*(stub.send_text(u, q) for u, q in questions.items()))
        await stub.wait_for(lambda: all(any(is_answer(m) for m in stub.messages(u)) for u in STORM_USERS),
                            20, "an answer for every user")
        elapsed = time.monotonic() - started
        await stub.settle(quiet=1.5, timeout=10)  # a late retry would show up as a duplicate here
    finally:
        await stop_application(bot.app)

    throttled = [c for c in stub.calls if c.status == 429]
    assert len(throttled) == 12  # the storm really happened ...
    assert {c.method for c in throttled} >= {"sendChatAction"}
    assert elapsed >= 1.0  # ... and retry_after was waited out
    for user in STORM_USERS:
        msgs = stub.messages(user)
        assert not any("terjadi kesalahan" in m.text for m in msgs), user
        answers = [m for m in msgs if is_answer(m)]
        assert len(answers) == 1, (user, [m.text[:40] for m in msgs])  # once, no duplicate
        if user == LONG:
            assert len(msgs) >= 3 and msgs[-1] is answers[0]
            joined = "".join(m.text for m in msgs)
            for n in (1, 20, 55):  # every part, each once, in order
                assert joined.count(f"nomor {n} mengenai") == 1
            assert joined.index("nomor 1 mengenai") < joined.index("nomor 20 mengenai") < joined.index("nomor 55 mengenai")
        else:
            assert len(msgs) == 1 and QUOTE_P7 in msgs[0].text
    assert await bot.db.count(Conversation) == len(STORM_USERS)  # each question answered (and logged) once


async def test_flood_limit_setting_paces_outgoing_messages(stub, tmp_path, fake_engine):
    users = [3001, 3002, 3003, 3004, 3005]

    async def burst(**overrides) -> float:
        bot = await start_bot(stub, make_settings(stub, tmp_path, **overrides), fake_engine)
        try:
            before = {u: len(stub.messages(u)) for u in users}
            t0 = time.monotonic()
            await asyncio.gather(*(stub.send_text(u, "syarat pendidikan calon bupati") for u in users))
            await stub.wait_for(lambda: all(len(stub.messages(u)) > before[u] for u in users), 10, "5 answers")
            return time.monotonic() - t0
        finally:
            await stop_application(bot.app)

    unthrottled = await burst(telegram_flood_limit=0)
    paced = await burst(telegram_flood_limit=2)  # 2 messages/s: 5 answers need >= ~1.5 s
    assert paced >= 1.2 and paced > unthrottled + 0.8, (paced, unthrottled)


async def test_group_rate_is_this_process_share_of_telegrams_20_a_minute(stub, tmp_path, fake_engine):
    """telegram_flood_limit 15 (compose: 2 replicas) makes one process send at most 10 messages a
    minute into one group (the staff group), so 2 replicas stay within Telegram's 20."""
    group = -100321
    stub.group(group)
    bot = await start_bot(stub, make_settings(stub, tmp_path, telegram_flood_limit=15), fake_engine)
    try:
        t0 = time.monotonic()
        sends = [asyncio.create_task(bot.app.bot.send_message(group, f"pesan {i}")) for i in range(11)]
        await stub.wait_for(lambda: len(stub.messages(group)) >= 10, 3, "a burst of 10")
        await asyncio.sleep(0.5)
        assert len(stub.messages(group)) == 10  # the 11th waits for the group's budget
        await asyncio.gather(*sends)
        assert time.monotonic() - t0 >= 4.0 and len(stub.messages(group)) == 11
    finally:
        await stop_application(bot.app)


def test_pool_size_workers_and_flood_limit_come_from_the_environment(monkeypatch, tmp_path, fake_engine):
    from bot.app import build_application

    monkeypatch.setenv("KEPEMILUAN_TELEGRAM_TOKEN", "123:ABC")
    monkeypatch.setenv("KEPEMILUAN_TELEGRAM_FLOOD_LIMIT", "12.5")
    monkeypatch.setenv("KEPEMILUAN_TELEGRAM_POOL_SIZE", "7")
    monkeypatch.setenv("KEPEMILUAN_ENGINE_WORKERS", "3")
    monkeypatch.setenv("KEPEMILUAN_LOG_RETENTION_DAYS", "14")
    settings = Settings(_env_file=None, data_dir=tmp_path)
    assert (settings.telegram_flood_limit, settings.telegram_pool_size, settings.engine_workers,
            settings.log_retention_days) == (12.5, 7, 3, 14)
    app = build_application(settings, fake_engine)
    limiter = app.bot.rate_limiter
    assert limiter._base_limiter.max_rate == 12.5  # noqa: SLF001 - PTB keeps it private
    assert services_of(app).executor._max_workers == 3  # noqa: SLF001
    limits = app.bot.request._client_kwargs["limits"]  # noqa: SLF001 - the httpx pool PTB builds
    assert limits.max_connections == 7
    # defaults: Telegram's ~30 msg/s, 16 connections, min(4, CPUs) engine threads
    for name in ("KEPEMILUAN_TELEGRAM_FLOOD_LIMIT", "KEPEMILUAN_TELEGRAM_POOL_SIZE", "KEPEMILUAN_ENGINE_WORKERS"):
        monkeypatch.delenv(name)
    app = build_application(Settings(_env_file=None, data_dir=tmp_path), fake_engine)
    assert app.bot.rate_limiter._base_limiter.max_rate == 30  # noqa: SLF001
    assert app.bot.request._client_kwargs["limits"].max_connections == 16  # noqa: SLF001
    assert 1 <= services_of(app).executor._max_workers <= 4  # noqa: SLF001


async def test_retention_setting_decides_what_the_purge_deletes(stub, tmp_path, fake_engine):
    bot = await start_bot(stub, make_settings(stub, tmp_path, log_retention_days=7), fake_engine)
    try:
        ids = {}
        for age in (10, 8, 6, 0):
            cid = await bot.db.log_conversation(
                user_pseudonym=f"u{age}", chat_type="private", question=f"{age} hari", question_truncated=False,
                decision="answer", reason="", confidence=1, sources=[], engine_ms=1, latency_ms=1,
            )
            async with bot.db.sessions.begin() as s:
                (await s.get(Conversation, cid)).created_at = utcnow() - timedelta(days=age, minutes=1)
            ids[age] = cid
        [job] = bot.app.job_queue.get_jobs_by_name("retention-purge")
        await job.run(bot.app)
        kept = {age for age, cid in ids.items() if await bot.db.get_conversation(cid) is not None}
        assert kept == {6, 0}  # older than 7 days: gone; younger: kept
        bot.settings.log_retention_days = 1  # the setting, not a constant, decides
        await job.run(bot.app)
        assert await bot.db.get_conversation(ids[6]) is None
        assert await bot.db.get_conversation(ids[0]) is not None
    finally:
        await stop_application(bot.app)


async def test_slow_bot_api_for_one_chat_does_not_hold_up_others(bot):
    from .conftest import OTHER_USER, USER

    bot.stub.slow_next(1, seconds=1.5, method="sendMessage", chat_id=USER)
    slow = asyncio.create_task(bot.ask(USER, "syarat pendidikan calon bupati", timeout=8))
    await asyncio.sleep(0.3)
    t0 = time.monotonic()
    fast = await bot.ask(OTHER_USER, "syarat pendidikan calon bupati", timeout=5)
    assert time.monotonic() - t0 < 1.0 and QUOTE_P7 in fast[-1].text
    assert not slow.done()  # the first citizen's reply is still on its (slow) way ...
    [reply] = await slow
    assert QUOTE_P7 in reply.text
    await bot.stub.settle(quiet=0.5)
    assert len(bot.stub.messages(USER)) == 1  # ... and arrives once: no retry, no duplicate

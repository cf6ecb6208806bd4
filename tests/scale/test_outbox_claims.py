"""The outbox with several replicas: two workers (as two replicas run them) share one outbox table
and deliver every row exactly once, each chat's rows in order; a claim left by a dead worker
expires and another worker sends the row. On SQLite and on the local PostgreSQL.
"""
from __future__ import annotations

import asyncio

from telegram import Bot

from bot.db import Database
from bot.outbox import OutboxMessage, OutboxWorker, enqueue, pending_count
from bot.outbox_store import SENT
from tests.bot.conftest import TOKEN
from standins.bot_api import TelegramStub

CHATS = [9101, 9102, 9103, 9104, 9105, 9106]
PER_CHAT = 8


def _counting(worker: OutboxWorker, counts: dict[str, int]) -> None:
    send = worker._send

    async def counted(row):
        result = await send(row)
        counts[worker.holder] = counts.get(worker.holder, 0) + 1
        return result

    worker._send = counted


async def test_two_workers_deliver_each_row_once_in_chat_order(db_url):
    db = Database(db_url)
    await db.migrate()
    async with TelegramStub(TOKEN) as stub:
        for c in CHATS:
            stub.user(c)
        async with Bot(TOKEN, base_url=stub.base_url) as bot_a, Bot(TOKEN, base_url=stub.base_url) as bot_b:
            workers = [OutboxWorker(db, bot_a, poll_seconds=0.05, holder="replica-a"),
                       OutboxWorker(db, bot_b, poll_seconds=0.05, holder="replica-b")]
            counts: dict[str, int] = {}
            for w in workers:
                _counting(w, counts)
            async with db.sessions.begin() as s:
                for i in range(PER_CHAT):
                    for c in CHATS:
                        await enqueue(s, f"t:{c}:{i}", c, f"pesan {i} untuk {c}")
            # slow answers: both workers are in the middle of sends at the same time
            stub.slow_next(len(CHATS) * PER_CHAT, seconds=0.03, method="sendMessage")
            # both race from the start: every round of each worker competes for the same heads
            for w in workers:
                w.start()
            try:
                for _ in range(300):
                    if await pending_count(db) == 0:
                        break
                    await asyncio.sleep(0.1)
                await stub.settle(0.3)
            finally:
                for w in workers:
                    await w.stop()
    try:
        assert await pending_count(db) == 0
        for c in CHATS:
            assert [m.text for m in stub.messages(c)] == [f"pesan {i} untuk {c}" for i in range(PER_CHAT)]
        assert sum(counts.values()) == len(CHATS) * PER_CHAT  # no send attempted twice
        assert set(counts) == {"replica-a", "replica-b"}  # both replicas did part of the work
        async with db.sessions() as s:
            from sqlalchemy import select

            rows = (await s.execute(select(OutboxMessage))).scalars().all()
        assert {r.status for r in rows} == {SENT} and all(r.claimed_by is None for r in rows)
    finally:
        await db.close()


async def test_a_dead_workers_claim_expires_and_another_worker_sends_the_row(db_url):
    db = Database(db_url)
    await db.migrate()
    async with TelegramStub(TOKEN) as stub:
        stub.user(CHATS[0])
        async with Bot(TOKEN, base_url=stub.base_url) as bot:
            dead = OutboxWorker(db, bot, holder="replica-dead", claim_seconds=1.0)
            live = OutboxWorker(db, bot, holder="replica-live", claim_seconds=1.0)
            async with db.sessions.begin() as s:
                await enqueue(s, "t:first", CHATS[0], "pesan pertama")
                await enqueue(s, "t:second", CHATS[0], "pesan kedua")
            [claimed] = await dead._claim_due()  # the head of the chat, then the process dies
            assert claimed.text == "pesan pertama"
            assert await live.deliver_due() == 0  # claimed by another: not sent, nor the row behind it
            assert stub.messages(CHATS[0]) == []
            await asyncio.sleep(1.1)  # the claim expires
            assert await live.deliver_due() == 1
            assert await live.deliver_due() == 1
            assert [m.text for m in stub.messages(CHATS[0])] == ["pesan pertama", "pesan kedua"]
            assert await live.deliver_due() == 0
    await db.close()

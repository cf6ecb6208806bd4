"""Smaller abuse findings (issue 13 §11), through the stand-in where a user would notice:
passage-button ownership, the supervised outbox worker and /readyz, the news job's snapshot of
the index, an admin upload without file_size."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

from bot import jobs
from bot.app import stop_application
from bot.web import Readiness

from .conftest import ADMIN, OTHER_USER, USER, is_answer, make_settings, start_bot
from .fakes import QUOTE_P7
from .test_desk import desk_settings, wait_card


async def test_a_forged_passage_button_for_someone_elses_answer_shows_nothing(bot):
    stub = bot.stub
    mine = (await bot.ask(USER, "apa syarat pendidikan calon bupati?"))[-1]
    data = next(b["callback_data"] for b in mine.buttons() if b["callback_data"].startswith("ps:"))
    theirs = (await bot.ask(OTHER_USER, "apa syarat pendidikan calon gubernur?"))[-1]
    before = len(stub.messages(OTHER_USER))
    qid = await stub.press(OTHER_USER, theirs, data)  # USER's conversation id, on OTHER_USER's message
    answer = await stub.wait_for_answer(qid)
    await stub.settle()
    assert "tidak tersedia" in answer["text"]
    assert len(stub.messages(OTHER_USER)) == before  # no passage sent
    # the asker's own button still works
    qid = await stub.press(USER, mine, data)
    await stub.wait_for(lambda: any(QUOTE_P7 in m.text for m in stub.messages(USER)[-2:]), 5, "the passage")


class Boom(BaseException):
    """Escapes the worker's per-round `except Exception`: ends its task."""


async def test_an_outbox_worker_that_ends_is_restarted_and_readyz_says_so(stub, tmp_path, fake_engine, monkeypatch):
    monkeypatch.setattr("bot.outbox.RESTART_DELAY_S", 1.5)
    bot = await start_bot(stub, desk_settings(stub, tmp_path), fake_engine)
    try:
        worker = bot.services.outbox
        readiness = Readiness(bot.db, outbox=worker)
        assert (await readiness.check())["outbox"] == "ok"
        real = worker.deliver_due
        calls = {"n": 0}

        async def broken():
            calls["n"] += 1
            if calls["n"] == 1:
                raise Boom()
            return await real()

        monkeypatch.setattr(worker, "deliver_due", broken)
        worker.wake()
        for _ in range(100):
            if not worker.alive:
                break
            await asyncio.sleep(0.02)
        assert (await readiness.check())["outbox"].startswith("outbox worker not running")
        # restarted: a ticket's card still reaches the staff group
        await stub.send_text(USER, "tolong sambungkan ke petugas")
        await wait_card(stub, 1, timeout=8)
        assert worker.alive and worker.restarts == 1
        assert (await readiness.check())["outbox"] == "ok (restarted 1 times)"
    finally:
        await stop_application(bot.app)


async def test_the_news_job_reads_the_index_only_while_no_ingest_changes_it():
    by_doc: dict[str, list[str]] = {"a": ["https://a"]}
    lock = asyncio.Lock()
    seen: list[bool] = []

    def known_urls():  # iterates the dict an ingest thread changes
        seen.append(lock.locked())
        return {u for urls in list(by_doc.values()) for u in urls}

    class Feed:
        async def poll(self, ingest, known_urls):
            self.known = known_urls
            return SimpleNamespace(failed=[], listings=0, not_modified=0, found=[], ingested=[])

    kb = SimpleNamespace(_lock=lock, known_urls=known_urls)
    feed = Feed()
    context = SimpleNamespace(services=SimpleNamespace(news=feed, knowledge=kb))
    await lock.acquire()  # an ingest is writing the index
    job = asyncio.create_task(jobs.news_job(context))
    await asyncio.sleep(0.2)
    assert not job.done() and seen == []  # the job waits instead of reading a dict in flux
    by_doc["b"] = ["https://b"]
    lock.release()
    await asyncio.wait_for(job, 2)
    assert feed.known == {"https://a", "https://b"} and seen == [True]


async def test_an_admin_upload_without_file_size_is_still_capped(stub, tmp_path, fake_engine):
    bot = await start_bot(stub, make_settings(stub, tmp_path, ingest_max_bytes=1000), fake_engine)
    try:
        data = b"%PDF-1.4 PKPU baru " * 200  # 3,800 bytes; Telegram sent no file_size
        msgs = await bot.reply_to(ADMIN, lambda: stub.send_document(ADMIN, data, "besar.pdf", with_size=False))
        assert "terlalu besar" in msgs[0].text
        assert not list((tmp_path / "inbox").glob("*besar.pdf"))
    finally:
        await stop_application(bot.app)

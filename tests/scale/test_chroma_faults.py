"""The Chroma server dies mid-run and comes back: citizens keep getting answers, without
restarting the bot.

What depends on Chroma (honestly): the bot loads the passage catalog from Chroma at start-up and
keeps it in memory for BM25, and with a dense weight > 0 (the default with the bundled model's
query adapter) a copy of the passage vectors for the exact dense search (knowledge/vectors.py), so
by default no question touches Chroma. With KEPEMILUAN_DENSE_SEARCH=chroma (the first test) every
question runs a dense query on the Chroma server; while the server is down that search finds
nothing and the question is answered from the in-memory lexical index (bot/wiring.py). Either way
/readyz reports the server to the operator. With dense weight 0 no question touches Chroma at
all; the second test pins that.
"""
from __future__ import annotations

import asyncio

import httpx
import pytest
from pydantic import SecretStr

from bot.texts import citizen as m
from bot.web import WebhookRunner
from bot.wiring import build_engine, build_store
from tests.bot.conftest import TOKEN, make_settings
from standins.bot_api import TelegramStub

from standins.servers import free_port

USER = 5001
QUESTION = "apa syarat pendidikan calon bupati?"
SECRET = "rahasia-replika_01"


def answered(msg) -> bool:
    return "Pasal 7" in msg.text and any((b.get("callback_data") or "").startswith("hp:") for b in msg.buttons())


async def _runner(stub, tmp_path, chroma, dense_weight, dense_search="exact"):
    port = free_port()
    settings = make_settings(stub, tmp_path, chroma_url=chroma.url, dense_weight=dense_weight, dense_search=dense_search,
                             webhook_url="https://bot.contoh.go.id/kait", webhook_secret=SecretStr(SECRET),
                             webhook_listen="127.0.0.1", webhook_port=port, rate_limit_per_minute=100)
    store = build_store(settings)
    runner = WebhookRunner(settings, build_engine(settings, store), store)
    await runner.start()
    stub.deliver_by_webhook([f"http://127.0.0.1:{port}/kait"])
    return runner, f"http://127.0.0.1:{port}"


async def _ask(stub, user, text, timeout=30.0):
    before = len(stub.messages(user))
    await stub.send_text(user, text)
    await stub.wait_for(lambda: stub.messages(user)[before:] or None, timeout, "a reply")
    await stub.settle(0.2)
    return stub.messages(user)[before:]


async def test_chroma_killed_mid_run_answers_continue_from_the_words_then_dense_resumes(chroma, tmp_path):
    async with TelegramStub(TOKEN) as stub:
        runner, base = await _runner(stub, tmp_path, chroma, dense_weight=0.3, dense_search="chroma")
        try:
            async with httpx.AsyncClient(trust_env=False, base_url=base, timeout=150) as client:
                assert (await client.get("/readyz")).status_code == 200  # loads the model too
                first = await _ask(stub, USER, QUESTION)
                assert any(answered(x) for x in first), [x.text[:200] for x in first]

                chroma.kill()
                down = await _ask(stub, USER, QUESTION)
                assert any(answered(x) for x in down), [x.text[:200] for x in down]  # no error reply
                ready = await client.get("/readyz")
                assert ready.status_code == 503 and ready.json()["checks"]["chroma"].startswith("chroma unreachable")

                chroma.start()  # same data folder, same port; the bot is not restarted
                again = await _ask(stub, USER, QUESTION)
                assert any(answered(x) for x in again), [x.text[:200] for x in again]
                assert (await client.get("/readyz")).status_code == 200
                metrics = (await client.get("/metrics")).text
            assert 'kepemiluan_temporary_errors_total{dependency="chroma"} 1.0' not in metrics
            assert not any("terjadi kesalahan" in x.text or x.text == m.TEMPORARY for x in stub.messages(USER))
        finally:
            await runner.stop()
            if chroma.proc.poll() is not None:
                chroma.start()


@pytest.mark.parametrize("dense_weight", [0.3, 0.0])
async def test_answers_stay_the_same_while_chroma_is_down(chroma, tmp_path, dense_weight):
    """The default exact dense search copied the vectors at start-up, and with dense weight 0 no
    question touches Chroma: either way a dead Chroma changes no answer, and the operator sees it."""
    async with TelegramStub(TOKEN) as stub:
        runner, base = await _runner(stub, tmp_path, chroma, dense_weight=dense_weight)
        try:
            engine = runner.services.engine
            assert engine.uses_dense == (dense_weight > 0)
            before = [s.passage.id for s in engine.answer(QUESTION).sources]
            chroma.kill()
            down = await _ask(stub, USER, QUESTION)
            assert any(answered(x) for x in down), [x.text[:200] for x in down]
            assert [s.passage.id for s in engine.answer(QUESTION).sources] == before
            async with httpx.AsyncClient(trust_env=False, base_url=base, timeout=30) as client:
                assert (await client.get("/readyz")).status_code == 503  # the operator still sees it
        finally:
            await runner.stop()
            if chroma.proc.poll() is not None:
                chroma.start()


async def test_replica_follows_an_ingest_made_by_another_process(chroma, tmp_path):
    """`docker compose run --rm ingest` writes to the Chroma server; running replicas pick it up."""
    from tests.conftest import CORPUS

    from standins.servers import ingest_fixture

    async with TelegramStub(TOKEN) as stub:
        runner, _base = await _runner(stub, tmp_path, chroma, dense_weight=0.0)
        engine = runner.services.engine
        try:
            [job] = runner.application.job_queue.get_jobs_by_name("catalog-sync")
            before = engine.size
            assert not await runner.services.knowledge.sync()  # nothing changed yet

            news = sorted((CORPUS / "news").glob("*.txt"))[0]
            await asyncio.to_thread(ingest_fixture, chroma.url, [], [news])  # "another process"
            assert engine.size == before  # not yet seen ...
            assert await runner.services.knowledge.sync()  # ... until the next sync
            assert engine.size > before
            assert any(p.doc_type == "berita" for p in (engine.passage(i) for i in chroma_ids(chroma)) if p)

            chroma.kill()  # the sync job must not break anything while Chroma is down
            assert not await runner.services.knowledge.sync()
            assert engine.size > before
        finally:
            await runner.stop()
            if chroma.proc.poll() is not None:
                chroma.start()
            await asyncio.to_thread(_remove_news, chroma.url)


def chroma_ids(chroma) -> list[str]:
    from bot.settings import Settings
    from bot.wiring import build_store

    return build_store(Settings(_env_file=None, chroma_url=chroma.url)).ids()


def _remove_news(url: str) -> None:
    from bot.settings import Settings
    from bot.wiring import build_store

    store = build_store(Settings(_env_file=None, chroma_url=url))
    passages, _ = store.all()
    store.delete([p.id for p in passages if p.doc_type == "berita"])

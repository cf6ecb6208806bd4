"""Abuse control, flood control (429), errors, secrets in logs, the network guard."""
from __future__ import annotations

import logging
import socket
import time

import pytest

from bot.app import purge_old_conversations
from bot.db import Conversation, utcnow

from .conftest import TOKEN, USER, NetworkBlocked, is_answer, make_settings, start_bot
from .fakes import QUOTE_P7


@pytest.fixture
async def strict_bot(stub, tmp_path, fake_engine):
    harness = await start_bot(stub, make_settings(stub, tmp_path, rate_limit_per_minute=3), fake_engine)
    try:
        yield harness
    finally:
        from bot.app import stop_application

        await stop_application(harness.app)


async def test_per_user_rate_limit_message_once(strict_bot):
    bot = strict_bot
    for _ in range(3):
        await bot.ask(USER, "syarat pendidikan calon bupati")
    msgs = await bot.reply_to(USER, lambda: bot.stub.send_text(USER, "syarat pendidikan lagi"))
    assert "Mohon maaf" in msgs[0].text and "tunggu sekitar" in msgs[0].text and "detik" in msgs[0].text
    await bot.stub.send_text(USER, "dan lagi")  # over the limit again: silently dropped
    await bot.stub.settle()
    assert len(bot.engine.questions) == 3
    assert len(bot.stub.messages(USER)) == 4


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own RetryAfter
async def test_429_retry_after_is_honoured_and_reply_arrives_once(bot):
    bot.stub.fail_next(1, status=429, retry_after=1, method="sendMessage")
    started = time.monotonic()
    msgs = await bot.ask(USER, "syarat pendidikan calon bupati", timeout=8)
    elapsed = time.monotonic() - started
    assert elapsed >= 1.0
    assert QUOTE_P7 in msgs[-1].text
    sends = bot.stub.calls_of("sendMessage")
    assert [c.status for c in sends] == [429, 200]
    await bot.stub.settle()
    assert len([m for m in bot.stub.messages(USER) if is_answer(m)]) == 1


async def test_engine_error_gets_apology_then_retry_works(bot, caplog):
    bot.engine.fail_next = 1
    msgs = await bot.reply_to(USER, lambda: bot.stub.send_text(USER, "syarat pendidikan calon bupati"))
    assert "terjadi kesalahan" in msgs[0].text
    assert "simulated engine failure" in caplog.text and "Traceback" in caplog.text
    retry = await bot.ask(USER, "syarat pendidikan calon bupati")
    assert QUOTE_P7 in retry[-1].text


async def test_bad_gateway_on_send_is_retried_and_the_answer_arrives_once(bot):
    bot.stub.fail_next(3, status=502, method="sendMessage")
    msgs = await bot.ask(USER, "syarat pendidikan calon bupati", timeout=10)
    assert QUOTE_P7 in msgs[-1].text
    assert [c.status for c in bot.stub.calls_of("sendMessage")] == [502, 502, 502, 200]
    await bot.stub.settle()
    assert not any("terjadi kesalahan" in m.text for m in bot.stub.messages(USER))
    assert len([m for m in bot.stub.messages(USER) if is_answer(m)]) == 1


async def test_token_never_appears_in_logs(stub, settings, fake_engine, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    bot = await start_bot(stub, settings, fake_engine)
    assert logging.getLogger("httpx").level == logging.WARNING  # URL logging is off by default
    logging.getLogger("httpx").setLevel(logging.DEBUG)  # ...and even when it is on:
    try:
        await bot.ask(USER, "syarat pendidikan calon bupati")
        fake_engine.fail_next = 1
        fake_engine.fail_message = f"gagal menghubungi https://api.telegram.org/bot{TOKEN}/sendMessage"
        await bot.reply_to(USER, lambda: bot.stub.send_text(USER, "syarat pendidikan"))
        stub.fail_next(1, status=502, method="sendMessage")
        await bot.reply_to(USER, lambda: bot.stub.send_text(USER, "syarat pendidikan"))
    finally:
        from bot.app import stop_application

        await stop_application(bot.app)
        logging.getLogger("httpx").setLevel(logging.WARNING)
    secret_part = TOKEN.split(":", 1)[1]
    captured = caplog.text + "".join(capfd.readouterr())
    assert "[REDACTED]" in captured  # the redaction was exercised (httpx URLs, the traceback)
    assert "HTTP Request" in caplog.text
    assert TOKEN not in captured and secret_part not in captured
    for record in caplog.records:
        assert secret_part not in record.getMessage()


async def test_retention_purge_job(bot):
    await bot.ask(USER, "syarat pendidikan calon bupati")
    old_id = await bot.db.log_conversation(
        user_pseudonym="x", chat_type="private", question="lama", question_truncated=False, decision="answer",
        reason="", confidence=1, sources=[], engine_ms=1, latency_ms=1,
    )
    async with bot.db.sessions.begin() as s:
        row = await s.get(Conversation, old_id)
        row.created_at = utcnow().replace(year=utcnow().year - 1)
    jobs = [j.name for j in bot.app.job_queue.jobs()]
    assert "retention-purge" in jobs
    [job] = bot.app.job_queue.get_jobs_by_name("retention-purge")
    assert getattr(job.callback, "__wrapped__", job.callback) is purge_old_conversations  # leader_only wraps it
    await job.run(bot.app)
    assert await bot.db.get_conversation(old_id) is None
    assert await bot.db.count(Conversation) == 1


def test_socket_guard_blocks_the_network():
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("10.255.255.1", 443), timeout=0.1)
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("api.telegram.org", 443)


async def test_passage_button_spam_is_rate_limited(strict_bot):
    bot = strict_bot
    [answer] = await bot.ask(USER, "syarat pendidikan calon bupati")  # 1 of 3
    toasts = []
    for _ in range(3):
        qid = await bot.stub.click(USER, answer, "📖")
        toasts.append(await bot.stub.wait_for_answer(qid))
    assert toasts[-1]["show_alert"] and "Terlalu banyak permintaan" in toasts[-1]["text"]
    await bot.stub.settle(quiet=0.1)
    assert len(bot.stub.messages(USER)) == 3  # the answer and two passages

"""Production webhook mode (bot.web): PTB inside Starlette + uvicorn, over real HTTP.

The stand-in records setWebhook and delivers updates by POSTing them, like Telegram.
"""
from __future__ import annotations

import io
import json
import logging
import socket

import httpx
import pytest
from pydantic import SecretStr

from bot.observability import configure_json_logging
from bot.web import WebhookRunner

from .conftest import TOKEN, USER, is_answer, make_settings
from .fakes import QUOTE_P7

SECRET = "rahasia_webhook-ASGI-123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DownStore:
    """A vector store whose server is down (heartbeat fails)."""

    embedder = None

    def __init__(self):
        self.alive = False
        self.passages = 0

    def heartbeat(self) -> bool:
        return self.alive

    def count(self) -> int:
        return self.passages


@pytest.fixture
async def web(stub, tmp_path, fake_engine):
    port = _free_port()
    settings = make_settings(
        stub, tmp_path, webhook_url="https://bot.contoh.go.id/tg/kait", webhook_secret=SecretStr(SECRET),
        webhook_listen="127.0.0.1", webhook_port=port,
    )
    runner = WebhookRunner(settings, fake_engine)
    await runner.start()
    stub.deliver_by_webhook([f"http://127.0.0.1:{port}/tg/kait"])
    runner.base = f"http://127.0.0.1:{port}"
    try:
        yield runner
    finally:
        await runner.stop()


async def test_webhook_is_registered_with_secret_and_answers_delivered_updates(web, stub, fake_engine):
    assert stub.webhook["url"] == "https://bot.contoh.go.id/tg/kait"
    assert stub.webhook["secret_token"] == SECRET
    await stub.send_text(USER, "syarat pendidikan calon bupati")
    msgs = await stub.wait_for(lambda: [m for m in stub.messages(USER) if is_answer(m)], 5, "answer")
    assert QUOTE_P7 in msgs[-1].text
    await stub.wait_for(lambda: stub.deliveries, 5, "the webhook POST to finish")
    assert [d.status for d in stub.deliveries] == [200]
    # the POST is answered only after the update was handled (a killed replica => redelivery)
    assert stub.deliveries[0].finished >= stub.calls_of("sendMessage")[-1].at


async def test_wrong_or_missing_secret_is_refused(web, stub, fake_engine):
    update = {"update_id": 99, "message": stub.make_message(USER, text="syarat pendidikan calon bupati")}
    async with httpx.AsyncClient(trust_env=False) as client:
        missing = await client.post(f"{web.base}/tg/kait", json=update)
        wrong = await client.post(f"{web.base}/tg/kait", json=update,
                                  headers={"X-Telegram-Bot-Api-Secret-Token": SECRET + "x"})
        bad_json = await client.post(f"{web.base}/tg/kait", content=b"{nope",
                                     headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert (missing.status_code, wrong.status_code, bad_json.status_code) == (403, 403, 400)
    await stub.settle()
    assert fake_engine.questions == [] and stub.messages(USER) == []


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own RetryAfter
async def test_health_readiness_and_metrics(web, stub):
    async with httpx.AsyncClient(trust_env=False, base_url=web.base) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"]["database"] == "ok"

        web.readiness.store = DownStore()  # the Chroma server goes away
        down = await client.get("/readyz")
        assert down.status_code == 503
        assert down.json()["status"] == "unavailable"
        assert down.json()["checks"]["chroma"].startswith("chroma unreachable")
        web.readiness.store.alive = True  # back, but nobody has run `kepemiluan ingest` yet
        empty = await client.get("/readyz")
        assert empty.status_code == 503 and "index is empty" in empty.json()["checks"]["chroma"]
        web.readiness.store.passages = 163
        assert (await client.get("/readyz")).status_code == 200

        stub.fail_next(1, status=429, retry_after=1, method="sendMessage")
        await stub.send_text(USER, "syarat pendidikan calon bupati")
        await stub.wait_for(lambda: [m for m in stub.messages(USER) if is_answer(m)], 8, "answer")
        await stub.send_text(USER, "siapa yang akan menang?")  # abstain
        await stub.wait_for(lambda: len(stub.messages(USER)) >= 2, 5, "second answer")
        await stub.settle()

        async def tickets():
            return {"<1j": 2, ">24j": 1}

        web.services.metrics.register_open_tickets(tickets)
        resp = await client.get("/metrics")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/plain")
    text = resp.text
    assert 'kepemiluan_questions_total{decision="answer"} 1.0' in text
    assert 'kepemiluan_questions_total{decision="abstain"} 1.0' in text
    assert "kepemiluan_answer_seconds_count 2.0" in text
    assert "kepemiluan_update_seconds_count 2.0" in text
    assert 'kepemiluan_telegram_api_errors_total{kind="429",method="sendMessage"} 1.0' in text
    assert 'kepemiluan_open_tickets{age="<1j"} 2.0' in text and 'kepemiluan_open_tickets{age="1-4j"} 0.0' in text
    assert 'kepemiluan_ingest_runs_total{result="ok"} 0.0' in text


async def test_json_logs_carry_request_ids_and_never_the_token_or_message_text(stub, tmp_path, fake_engine):
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    handler = configure_json_logging(logging.INFO, stream=stream)
    port = _free_port()
    settings = make_settings(stub, tmp_path, webhook_url="https://bot.contoh.go.id/tg/kait",
                             webhook_secret=SecretStr(SECRET), webhook_listen="127.0.0.1", webhook_port=port)
    runner = WebhookRunner(settings, fake_engine)
    try:
        await runner.start()
        stub.deliver_by_webhook([f"http://127.0.0.1:{port}/tg/kait"])
        secret_question = "syarat pendidikan calon bupati RAHASIA-WARGA-7781"
        await stub.send_text(USER, secret_question)
        await stub.wait_for(lambda: [m for m in stub.messages(USER) if is_answer(m)], 5, "answer")
        fake_engine.fail_next = 1  # an error with a traceback, logged at ERROR
        fake_engine.fail_message = f"gagal https://api.telegram.org/bot{TOKEN}/sendMessage"
        await stub.send_text(USER, "syarat pendidikan RAHASIA-WARGA-7782")
        await stub.wait_for(lambda: len(stub.messages(USER)) >= 2, 5, "error reply")
        await stub.settle()
    finally:
        await runner.stop()
        root.removeHandler(handler)
        for h in saved[0]:
            root.addHandler(h)
        root.setLevel(saved[1])
    out = stream.getvalue()
    records = [json.loads(line) for line in out.splitlines()]  # every line is one JSON object
    assert records and all({"ts", "level", "logger", "msg", "request_id"} <= set(r) for r in records)
    assert "RAHASIA-WARGA" not in out  # no message text above DEBUG
    assert TOKEN not in out and TOKEN.split(":")[1] not in out and SECRET not in out
    [error] = [r for r in records if r["level"] == "ERROR"]
    assert error["request_id"].startswith("u2-") and "Traceback" in error["exc"]
    assert "[REDACTED]" in error["exc"]


async def test_polling_mode_logs_carry_request_ids_too(stub, tmp_path, fake_engine):
    from .conftest import start_bot

    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    handler = configure_json_logging(logging.INFO, stream=stream)
    bot = await start_bot(stub, make_settings(stub, tmp_path), fake_engine)
    try:
        fake_engine.fail_next = 1
        await stub.send_text(USER, "syarat pendidikan calon bupati")
        await stub.wait_for(lambda: stub.messages(USER), 5, "error reply")
        await stub.settle()
    finally:
        from bot.app import stop_application

        await stop_application(bot.app)
        root.removeHandler(handler)
        for h in saved[0]:
            root.addHandler(h)
        root.setLevel(saved[1])
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    [error] = [r for r in records if r["level"] == "ERROR"]
    assert error["request_id"].startswith("u1-")
    assert all(r["request_id"] == "-" for r in records if r["logger"] == "bot.app")  # outside updates

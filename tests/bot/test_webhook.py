"""Webhook mode: setWebhook with a secret token; updates without the token are refused."""
from __future__ import annotations

import socket

import httpx
from pydantic import SecretStr

from bot.app import build_application, stop_application, webhook_options
from bot.db import Database

from .conftest import USER, is_answer, make_settings
from .fakes import QUOTE_P7


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_mode_checks_the_secret_token(stub, tmp_path, fake_engine):
    port = _free_port()
    settings = make_settings(
        stub,
        tmp_path,
        webhook_url="https://bot.contoh.go.id/tg/kait-rahasia",
        webhook_secret=SecretStr("rahasia_webhook-123"),
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    options = webhook_options(settings)
    assert options["url_path"] == "tg/kait-rahasia"
    app = build_application(settings, fake_engine, db=Database(settings.db_url))
    await app.initialize()
    await app.post_init(app)
    await app.updater.start_webhook(**options)
    await app.start()
    try:
        assert stub.webhook == {"url": settings.webhook_url, "secret_token": "rahasia_webhook-123"}
        update = {"update_id": 1, "message": stub.make_message(USER, text="syarat pendidikan calon bupati")}
        url = f"http://127.0.0.1:{port}/tg/kait-rahasia"
        async with httpx.AsyncClient(trust_env=False) as client:
            forged = await client.post(url, json=update)
            assert forged.status_code == 403
            ok = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "rahasia_webhook-123"})
            assert ok.status_code == 200
        msgs = await stub.wait_for(lambda: [m for m in stub.messages(USER) if is_answer(m)], 5, "answer")
        assert QUOTE_P7 in msgs[-1].text
        assert len(fake_engine.questions) == 1  # the forged update was never processed
    finally:
        await stop_application(app)

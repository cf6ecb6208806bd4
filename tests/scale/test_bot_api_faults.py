"""The Bot API answers 502 and then 429 for a while: every reply is delivered once afterwards.

Webhook mode in process (bot.web.WebhookRunner), updates delivered by webhook, many users at once.
"""
from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from pydantic import SecretStr

from bot.web import WebhookRunner
from tests.bot.conftest import TOKEN, make_settings
from tests.bot.fakes import QUOTE_P7, FakeEngine
from standins.bot_api import TelegramStub

from standins.servers import free_port

USERS = list(range(7001, 7013))


def is_answer(msg) -> bool:
    return any((b.get("callback_data") or "").startswith("hp:") for b in msg.buttons())


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_502_then_429_outage_every_reply_delivered_once(tmp_path):
    async with TelegramStub(TOKEN) as stub:
        port = free_port()
        settings = make_settings(stub, tmp_path, webhook_url="https://bot.contoh.go.id/kait",
                                 webhook_secret=SecretStr("s3cret-kait"), webhook_listen="127.0.0.1",
                                 webhook_port=port)
        runner = WebhookRunner(settings, FakeEngine())
        await runner.start()
        stub.deliver_by_webhook([f"http://127.0.0.1:{port}/kait"])
        try:
            stub.fail_for(2.0, status=502, method="sendMessage")  # Bad Gateway for 2 s ...
            stub.fail_next(6, status=429, retry_after=1, method="sendMessage")  # ... then flood control
            await asyncio.gather(*[stub.send_text(u, "syarat pendidikan calon bupati") for u in USERS])
            await stub.wait_for(lambda: all(any(is_answer(x) for x in stub.messages(u)) for u in USERS), 40,
                                "an answer for every user")
            await stub.settle(0.5)
        finally:
            await runner.stop()
        statuses = Counter(c.status for c in stub.calls_of("sendMessage"))
        assert statuses[502] >= len(USERS) and statuses[429] >= 1  # the outage really hit the replies
        for u in USERS:
            msgs = stub.messages(u)
            assert len(msgs) == 1 and QUOTE_P7 in msgs[0].text, [x.text[:80] for x in msgs]  # once, no apology
        assert all(d.status == 200 for d in stub.deliveries) and len(stub.deliveries) == len(USERS)

"""The Bot API stand-in answers like Telegram: checked with PTB's own Bot over real HTTP."""
from __future__ import annotations

import time

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, RetryAfter

from standins.bot_api import TelegramStub

TOKEN = "123456789:AAHstubTESTtoken_0123456789abcdefgh"
USER = 5001


@pytest.fixture
async def api():
    async with TelegramStub(TOKEN) as stub:
        stub.user(USER)
        async with Bot(TOKEN, base_url=stub.base_url, base_file_url=stub.base_file_url) as bot:
            yield stub, bot


async def test_validation_errors_are_telegrams(api):
    stub, bot = api
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(USER, "a" * 4097)
    await bot.send_message(USER, "a" * 4096)  # the limit itself is fine
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(USER, "<b>tebal tanpa penutup", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(424242, "halo")
    button = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(USER, "halo", reply_markup=button)
    assert [c.status for c in stub.calls_of("sendMessage")] == [400, 200, 400, 400, 400]
    assert [m.text for m in stub.messages(USER)] == ["a" * 4096]  # rejected calls deliver nothing


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own RetryAfter
async def test_injected_faults(api):
    stub, bot = api
    stub.fail_next(1, status=429, retry_after=7, method="sendMessage")
    with pytest.raises(RetryAfter) as exc:
        await bot.send_message(USER, "halo")
    ra = exc.value.retry_after
    assert (ra.total_seconds() if hasattr(ra, "total_seconds") else ra) == 7
    stub.fail_next(1, status=502)
    with pytest.raises(NetworkError, match="(?i)bad gateway"):
        await bot.send_chat_action(USER, "typing")
    stub.slow_next(1, seconds=0.6, method="sendMessage", chat_id=USER)
    t0 = time.monotonic()
    await bot.send_message(USER, "lambat")
    assert time.monotonic() - t0 >= 0.6
    t0 = time.monotonic()
    await bot.send_message(USER, "cepat")  # only the next call was slow
    assert time.monotonic() - t0 < 0.5
    assert [m.text for m in stub.messages(USER)] == ["lambat", "cepat"]  # each delivered once


async def test_get_updates_offset_confirms(api):
    stub, bot = api
    await stub.send_text(USER, "satu")
    await stub.send_text(USER, "dua")
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates] == ["satu", "dua"]
    assert len(await bot.get_updates(timeout=0)) == 2  # not confirmed yet: delivered again
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
    t0 = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()  # long poll waits for the timeout
    assert time.monotonic() - t0 >= 0.9

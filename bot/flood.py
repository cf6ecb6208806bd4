"""Outgoing flood control: PTB's AIORateLimiter, tuned for this bot.

* `max_retries` > 0, so a 429 "Too Many Requests" from Telegram is honoured: every request
  pauses for `retry_after` (+0.1 s) and the failed one is retried, so the reply arrives once.
* Chat actions ("typing…") and callback-query answers are not messages: they are still
  paused by a 429 but do not use up the per-second message budget (otherwise each answer
  would cost two slots of Telegram's ~30 messages/s).
* A Bot API that answers 5xx (502 Bad Gateway) or cannot be reached is retried with
  exponential backoff for up to `network_retry_s` seconds for the calls that deliver
  something to a user (RETRIED), so a short outage delays replies instead of losing them.
  A timed-out call is not retried (it may have been delivered).
* `observer(method, exc)` sees every failed attempt (the /metrics Telegram error counter).
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from telegram.constants import FloodLimit
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

UNTHROTTLED = frozenset({"sendChatAction", "answerCallbackQuery", "getUpdates", "getFile", "getMe"})
RETRIED = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery",
                     "sendDocument", "sendPhoto", "sendMediaGroup", "copyMessage", "forwardMessage"})


class FloodControl(AIORateLimiter):
    def __init__(
        self,
        *,
        overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        group_max_rate: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        max_retries: int = 10,
        network_retry_s: float = 45.0,
        observer: Callable[[str, BaseException], None] | None = None,
    ) -> None:
        self.network_retry_s = network_retry_s
        self.observer = observer
        super().__init__(
            overall_max_rate=overall_max_rate,
            overall_time_period=1,
            group_max_rate=group_max_rate,
            group_time_period=60,
            max_retries=max_retries,
        )

    async def process_request(self, callback, args, kwargs, endpoint: str, data: dict[str, Any], rate_limit_args):
        if endpoint in UNTHROTTLED and "chat_id" in data:
            # the limiter only reads chat_id from `data` to pick its buckets; the request
            # itself is built from args/kwargs, so it still goes to the right chat
            data = {k: v for k, v in data.items() if k != "chat_id"}
        if self.observer is not None:
            callback = self._observed(callback, endpoint)
        if endpoint not in RETRIED or self.network_retry_s <= 0:
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        deadline = time.monotonic() + self.network_retry_s
        delay = 0.25
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except (TimedOut, BadRequest):
                raise
            except NetworkError as exc:  # 5xx from the Bot API, connection refused/reset
                if time.monotonic() + delay > deadline:
                    raise
                log.warning("Bot API %s failed (%s): retrying in %.2f s", endpoint, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    def _observed(self, callback, endpoint: str):
        observer = self.observer

        async def call(*args, **kwargs):
            try:
                return await callback(*args, **kwargs)
            except TelegramError as exc:
                observer(endpoint, exc)
                raise

        return call

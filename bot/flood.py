"""Outgoing flood control: PTB's AIORateLimiter, tuned for this bot.

* `max_retries` > 0, so a 429 "Too Many Requests" from Telegram is honoured: every request
  pauses for `retry_after` (+0.1 s) and the failed one is retried, so the reply arrives once.
* Chat actions ("typing…") and callback-query answers are not messages: they are still
  paused by a 429 but do not use up the per-second message budget (otherwise each answer
  would cost two slots of Telegram's ~30 messages/s).
"""
from __future__ import annotations

from typing import Any

from telegram.constants import FloodLimit
from telegram.ext import AIORateLimiter

UNTHROTTLED = frozenset({"sendChatAction", "answerCallbackQuery", "getUpdates", "getFile", "getMe"})


class FloodControl(AIORateLimiter):
    def __init__(
        self,
        *,
        overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        group_max_rate: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        max_retries: int = 3,
    ) -> None:
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
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)

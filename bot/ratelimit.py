"""Per-user question rate limit (abuse control), in memory.

A sliding window of `per_minute` questions per 60 s per Telegram user. When a user goes
over, the first refused question gets a friendly wait message; further ones in the same
window are dropped silently so the limit cannot be used to make the bot spam.
"""
from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


def budget_key(pseudonym: str) -> str:
    """The shared store's key of a user's action budget (bot/application/budget.py): derived
    from the pseudonym, never the Telegram id; /hapusdata deletes it (bot/privacy.py)."""
    return "bgt:" + pseudonym[:60]


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: float = 0.0  # seconds until the next question is accepted
    notify: bool = False  # refused, and the user has not been told yet in this window

    @property
    def wait_seconds(self) -> int:
        return max(1, math.ceil(self.retry_after))


class UserRateLimiter:
    def __init__(self, per_minute: int, *, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.per_minute = per_minute
        self.window = window
        self.clock = clock
        self._hits: dict[int, deque[float]] = {}
        self._told_until: dict[int, float] = {}
        self._checks = 0

    def check(self, user_id: int) -> Verdict:
        """Record a question from `user_id` if allowed (atomic: no await inside)."""
        if self.per_minute <= 0:
            return Verdict(True)
        now = self.clock()
        hits = self._hits.setdefault(user_id, deque())
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        self._checks += 1
        if self._checks % 1024 == 0:
            self._gc(now)
        if len(hits) < self.per_minute:
            hits.append(now)
            return Verdict(True)
        retry_after = self.window - (now - hits[0])
        notify = self._told_until.get(user_id, 0.0) <= now
        if notify:
            self._told_until[user_id] = now + retry_after
        return Verdict(False, retry_after, notify)

    def _gc(self, now: float) -> None:
        for uid in [u for u, h in self._hits.items() if not h or now - h[-1] >= self.window]:
            self._hits.pop(uid, None)
            self._told_until.pop(uid, None)

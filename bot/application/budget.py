"""One per-user budget across every handler that sends a message or runs the engine (issue 13 §2).

Questions have their own, tighter limit (settings.rate_limit_per_minute, in `Ask.ask`): this
budget covers everything else as well — /start, /bantuan, /sumber, /petugas, unknown commands,
stickers and other media, the «Tanya petugas» / 👎 / passage buttons (forged or someone else's),
each step of the report intake, /batal — so no path gives an unlimited stream of replies,
tickets, staff cards or engine runs. `settings.user_budget_per_minute` actions per user per
minute; the first refused action is told to wait (once per window), later ones get nothing.
Staff (settings.staff_ids) and admins are exempt: the desk must never lock them out.

With several replicas the count lives in the shared database (bot.shared.DbRateLimiter, under
a key derived from the pseudonym, never the Telegram id); else in memory.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..ratelimit import UserRateLimiter, Verdict
from ..settings import Settings
from ..shared import DbRateLimiter
from ..texts import citizen as m


@dataclass(frozen=True)
class Admission:
    allowed: bool
    notice: str | None = None  # refused: what to tell the user (only the first time in a window)


class Budget:
    def __init__(self, settings: Settings, *, shared: DbRateLimiter | None = None) -> None:
        self.settings = settings
        self.per_minute = settings.user_budget_per_minute
        self.memory = UserRateLimiter(self.per_minute)
        self.shared = shared

    def exempt(self, user_id: int) -> bool:
        return user_id in self.settings.staff_ids or user_id in self.settings.admin_ids

    async def verdict(self, user_id: int, key: str) -> Verdict:
        if self.per_minute <= 0 or self.exempt(user_id):
            return Verdict(True)
        if self.shared is not None:
            return await self.shared.check(key)
        return self.memory.check(user_id)

    async def spend(self, user_id: int, key: str) -> Admission:
        """One action of `user_id` (`key`: the shared-store key, from the pseudonym)."""
        v = await self.verdict(user_id, key)
        if v.allowed:
            return Admission(True)
        return Admission(False, m.OVER_BUDGET.format(seconds=v.wait_seconds) if v.notify else None)

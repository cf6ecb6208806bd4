"""What the handlers need, in one object stored in `application.bot_data`.

Handlers get it with `services(context)`. It owns the engine's thread pool: the engine is
synchronous and CPU-bound, so every call goes through `run_in_executor` and a slow question
never blocks the event loop (other users keep getting answers).
"""
from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from telegram.ext import CallbackContext

from knowledge.model import Answer, Passage

from .db import Database, pseudonymize
from .ratelimit import UserRateLimiter, Verdict
from .settings import Settings

KEY = "services"


class EngineLike(Protocol):
    def answer(self, question: str) -> Answer: ...
    def passage(self, passage_id: str) -> Passage | None: ...
    def documents(self) -> list[dict]: ...


@dataclass
class Services:
    settings: Settings
    engine: EngineLike
    db: Database
    limiter: UserRateLimiter
    executor: ThreadPoolExecutor
    # (chat id, message id) -> last question answered for it: an edit answers once
    answered: OrderedDict[tuple[int, int], str] = field(default_factory=OrderedDict)
    answered_max: int = 10_000
    # admin re-ingestion (ingest.live.LiveIndex) and its audit log (bot.audit.AdminLog); None when
    # the engine has no store (tests with a fake engine)
    live: Any = None
    admin_log: Any = None

    # scale-out (bot.shared / bot.metrics): the DB-backed limiter replaces `limiter` when set
    shared_limiter: Any = None  # bot.shared.DbRateLimiter
    metrics: Any = None  # bot.metrics.Metrics
    replica: str = "-"  # this process's id (lease holder)

    async def rate_check(self, user_id: int) -> Verdict:
        """The per-user question limit: shared by all replicas (database) or in memory."""
        if self.shared_limiter is not None:
            return await self.shared_limiter.check(self.pseudonym(user_id))
        return self.limiter.check(user_id)

    def pseudonym(self, user_id: int) -> str:
        return pseudonymize(user_id, self.settings.pseudonym_salt.get_secret_value())

    async def _off_loop(self, fn, *args) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def answer(self, question: str) -> Answer:
        t0 = time.perf_counter()
        answer = await self._off_loop(self.engine.answer, question)
        if self.metrics is not None:
            decision = getattr(answer.decision, "value", str(answer.decision))
            self.metrics.observe_answer(decision, time.perf_counter() - t0)
        return answer

    async def passage(self, passage_id: str) -> Passage | None:
        return await self._off_loop(self.engine.passage, passage_id)

    async def article_chain(self, passage_id: str) -> list[str]:
        chain = getattr(self.engine, "article_chain", None)  # test fakes may not have it
        return await self._off_loop(chain, passage_id) if chain else []

    async def documents(self) -> list[dict]:
        return await self._off_loop(self.engine.documents)

    def already_answered(self, chat_id: int, message_id: int, question: str) -> bool:
        return self.answered.get((chat_id, message_id)) == question

    def remember_answer(self, chat_id: int, message_id: int, question: str) -> None:
        key = (chat_id, message_id)
        self.answered[key] = question
        self.answered.move_to_end(key)
        while len(self.answered) > self.answered_max:
            self.answered.popitem(last=False)


def services(context: CallbackContext) -> Services:
    return context.application.bot_data[KEY]

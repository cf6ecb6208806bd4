"""A citizen's side: a question in, a reply out; the buttons under an answer; /hapusdata.

`Ask.ask` is the whole path of a question: clean it, answer an edit only when its text changed,
apply the per-user limit, cut it to the length limit, run the engine in the thread pool (never
on the event loop), log the conversation, and, when the engine escalates, open the ticket whose
reply, acknowledgement and card then go through the outbox. The engine's decision is the one
classification of the message: its reason names the ticket's kind.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from knowledge.engine import QuestionError
from knowledge.model import Answer, Decision, Passage
from knowledge.pieces import joined

from ..buttons import Keyboard, answer_keyboard, reporter_keyboard
from ..db import Conversation, Database, pseudonymize
from ..metrics import Metrics
from ..privacy import erase_user
from ..ratelimit import UserRateLimiter, Verdict, budget_key
from ..render import esc, render_plain
from ..settings import Settings
from ..shared import DbRateLimiter
from ..text import clean_question, truncate_question
from ..texts import citizen as m
from ..texts import desk as dm
from ..tickets import LAPORAN, PERMINTAAN, PERTANYAAN, Ticket
from .budget import Admission, Budget
from .desk import IN_PROGRESS, Desk, NewTicket
from .ports import Engine

log = logging.getLogger(__name__)

class Render(Protocol):
    """bot.render.answer_messages: an answer as Telegram HTML messages."""

    def __call__(self, answer: Answer, *, notices: Sequence[str] = ()) -> list[str]: ...


Thinking = Callable[[], AbstractAsyncContextManager[None]]

def kind_for(reason: str) -> str:
    """The ticket kind for an engine escalation, from its reason alone (knowledge.decide)."""
    if reason in ("violation_report", "own_report"):  # "laporan saya ...": the citizen's own report
        return LAPORAN
    if reason == "human_requested":
        return PERMINTAAN
    return PERTANYAAN


def sources_of(answer: Answer | None, limit: int = 5) -> list[dict[str, Any]]:
    """The answer's sources as stored with a conversation or a ticket."""
    if answer is None:
        return []
    return [
        {"n": i, "label": s.citation.label, "passage_id": s.citation.passage_id or s.passage.id,
         "doc_id": s.citation.doc_id, "url": s.citation.url, "status": s.citation.status,
         **({"parts": [x.id for x in s.parts]} if s.parts else {})}  # one source of joined pieces
        for i, s in enumerate(answer.sources[:limit], 1)
    ]


@dataclass(frozen=True)
class Question:
    user_id: int
    chat_id: int
    chat_type: str
    message_id: int
    text: str | None
    edited: bool = False
    notices: Sequence[str] = ()
    quote: bool = False  # reply to the question (groups, edits)


@dataclass
class Reply:
    """What to send: `messages` in order, `keyboard` under the last one. With `ticket` set the
    reply went through the outbox with the ticket's acknowledgement: nothing more to send."""

    messages: list[str] = field(default_factory=list)
    keyboard: Keyboard | None = None
    ticket: Ticket | None = None


class Ask:
    def __init__(self, settings: Settings, engine: Engine, db: Database, desk: Desk, render: Render, *,
                 executor: Executor | None = None, metrics: Metrics | None = None,
                 shared_limiter: DbRateLimiter | None = None, shared_budget: DbRateLimiter | None = None,
                 answered_max: int = 10_000) -> None:
        self.settings = settings
        self.engine = engine
        self.db = db
        self.desk = desk
        self.render = render
        self.executor = executor
        self.metrics = metrics
        self.limiter = UserRateLimiter(settings.rate_limit_per_minute)
        self.shared_limiter = shared_limiter
        self.budget = Budget(settings, shared=shared_budget)
        # (chat id, message id) -> last question answered for it: an edit answers once
        self.answered: OrderedDict[tuple[int, int], str] = OrderedDict()
        self.answered_max = answered_max

    def pseudonym(self, user_id: int) -> str:
        return pseudonymize(user_id, self.settings.pseudonym_salt.get_secret_value())

    async def rate_check(self, user_id: int) -> Verdict:
        """The per-user question limit: shared by all replicas (database) or in memory."""
        if self.shared_limiter is not None:
            return await self.shared_limiter.check(self.pseudonym(user_id))
        return self.limiter.check(user_id)

    async def admit(self, user_id: int) -> Admission:
        """One action of the user against the per-user budget (every handler that sends or runs
        the engine spends one: bot/application/budget.py)."""
        return await self.budget.spend(user_id, budget_key(self.pseudonym(user_id)))

    async def answer(self, question: str) -> Answer:
        """The engine's answer, computed in the thread pool."""
        t0 = time.perf_counter()
        answer = await asyncio.get_running_loop().run_in_executor(self.executor, self.engine.answer, question)
        if self.metrics is not None:
            self.metrics.observe_answer(answer.decision.value, time.perf_counter() - t0)
        return answer

    async def passage(self, passage_id: str) -> Passage | None:
        return await asyncio.get_running_loop().run_in_executor(self.executor, self.engine.passage, passage_id)

    async def documents(self) -> list[dict]:
        return await asyncio.get_running_loop().run_in_executor(self.executor, self.engine.documents)

    def _remember(self, key: tuple[int, int], question: str) -> None:
        self.answered[key] = question
        self.answered.move_to_end(key)
        while len(self.answered) > self.answered_max:
            self.answered.popitem(last=False)

    # ------------------------------------------------------------------ a question

    async def ask(self, q: Question, *, thinking: Thinking | None = None) -> Reply | None:
        """The reply to a question; None when nothing is to be said (a repeated edit, a limit
        already announced)."""
        started = time.perf_counter()
        question = clean_question(q.text)
        if not question:
            return Reply([m.EMPTY])
        key = (q.chat_id, q.message_id)
        if q.edited and self.answered.get(key) == question:
            return None  # same text as already answered (an edit that changed nothing we read)
        verdict = await self.rate_check(q.user_id)
        if not verdict.allowed:
            limit = self.settings.rate_limit_per_minute
            return Reply([m.RATE_LIMITED.format(limit=limit, seconds=verdict.wait_seconds)]) if verdict.notify else None
        self._remember(key, question)
        limit = self.settings.max_question_chars
        asked, truncated = truncate_question(question, limit)
        notices = list(q.notices) + ([m.TOO_LONG.format(length=len(question), limit=limit)] if truncated else [])
        try:
            async with thinking() if thinking is not None else contextlib.nullcontext():
                t0 = time.perf_counter()
                answer = await self.answer(asked)
                engine_ms = (time.perf_counter() - t0) * 1000
        except QuestionError as exc:
            return Reply([esc(str(exc))])
        except BaseException:
            self.answered.pop(key, None)  # a retry (or re-edit) gets answered
            raise
        chunks = self.render(answer, notices=notices)
        conversation_id = await self._log(q, asked, truncated, answer, engine_ms, started)
        if answer.decision == Decision.ESCALATE:
            # the engine tells the citizen the message goes to staff: make that true (a ticket)
            ticket, created = await self._escalate(q, answer, asked, conversation_id, chunks)
            if created:
                return Reply(chunks, None, ticket)
            if ticket is not None:  # the cap per citizen: their newest ticket instead of a new one
                return Reply([dm.already_open(ticket)])
        shown = len(answer.sources) if answer.decision == Decision.ANSWER else 0
        return Reply(chunks, answer_keyboard(conversation_id, shown))

    async def _log(self, q: Question, asked: str, truncated: bool, answer: Answer, engine_ms: float,
                   started: float) -> int | None:
        try:
            return await self.db.log_conversation(
                user_pseudonym=self.pseudonym(q.user_id), chat_type=q.chat_type, question=asked,
                question_truncated=truncated, decision=answer.decision.value, reason=answer.reason or "",
                confidence=answer.confidence, sources=sources_of(answer, len(answer.sources)),
                engine_ms=engine_ms, latency_ms=(time.perf_counter() - started) * 1000,
            )
        except Exception:  # the citizen still gets the answer, without the log-backed buttons
            log.exception("could not write the conversation log")
            return None

    async def _escalate(self, q: Question, answer: Answer, asked: str, conversation_id: int | None,
                        chunks: list[str]) -> tuple[Ticket | None, bool]:
        """Open the ticket for an escalated message: (ticket, True). (None, False): reply the usual
        way instead; (ticket, False): the citizen's cap returned this one of theirs."""
        kind = kind_for(answer.reason or "")
        private = q.chat_type == "private"
        after: list[tuple[str, Keyboard | None]] = []
        report = None
        if kind == LAPORAN:
            if private:
                after = [(dm.INTAKE_START, reporter_keyboard())]
                report = {"account": asked, "state": IN_PROGRESS}
            else:
                after = [(dm.REPORT_IN_GROUP, None)]
        origin = f"msg:{q.chat_id}:{q.message_id}"
        try:
            ticket, created = await self.desk.open(NewTicket(
                kind=kind, chat_id=q.chat_id, chat_type=q.chat_type, pseudonym=self.pseudonym(q.user_id),
                question=asked, draft=render_plain(answer), sources=sources_of(answer), confidence=answer.confidence,
                reason=answer.reason or "", conversation_id=conversation_id, origin=origin,
                report=report, before=chunks, after=after, reply_to=q.message_id if q.quote else None,
            ))
        except Exception:
            log.exception("could not open a ticket")
            return None, False
        if created:
            return ticket, True
        return (ticket, False) if ticket.origin != origin else (None, False)

    # ------------------------------------------------------------------ a person, please

    async def _draft(self, question: str) -> Answer | None:
        """The bot's draft answer for staff (the engine's answer to the question), or None."""
        if not question.strip():
            return None
        try:
            return await self.answer(question)
        except Exception as exc:  # bad input or engine failure: staff get the question without a draft
            log.info("no draft for a ticket: %s", exc)
            return None

    async def request_staff(self, *, kind: str, user_id: int, chat_id: int, chat_type: str, question: str,
                            origin: str, conversation_id: int | None = None,
                            reply_to: int | None = None) -> tuple[Ticket, bool]:
        """Open (or find) the ticket; the acknowledgement reaches the citizen through the outbox."""
        answer = await self._draft(question)
        answered = answer is not None and answer.decision == Decision.ANSWER
        return await self.desk.open(NewTicket(
            kind=kind, chat_id=chat_id, chat_type=chat_type, pseudonym=self.pseudonym(user_id), question=question,
            draft=render_plain(answer) if answered else "", sources=sources_of(answer) if answered else [],
            confidence=answer.confidence if answer is not None else 0.0,
            reason=(answer.reason if answer is not None else "") or "", conversation_id=conversation_id,
            origin=origin, reply_to=reply_to,
        ))

    async def staff_from_command(self, *, user_id: int, chat_id: int, chat_type: str, message_id: int,
                                 note: str) -> tuple[Ticket, bool]:
        """/petugas [pesan]: about the message, else about the user's last question."""
        latest = None if note else await self.db.latest_conversation(self.pseudonym(user_id))
        return await self.request_staff(
            kind=PERMINTAAN, user_id=user_id, chat_id=chat_id, chat_type=chat_type,
            conversation_id=latest.id if latest else None, question=note or (latest.question if latest else ""),
            origin=f"petugas:{latest.id}" if latest else f"msg:{chat_id}:{message_id}",
            reply_to=message_id if chat_type != "private" else None,
        )

    async def staff_from_button(self, *, after_feedback: bool, conversation_id: int | None, user_id: int,
                                chat_id: int, chat_type: str, query_id: str) -> tuple[Ticket, bool]:
        """«Tanya petugas» under an answer (a «permintaan petugas») or «Teruskan ke petugas» after 👎."""
        conversation = await self.db.get_conversation(conversation_id) if conversation_id else None
        if conversation is not None and conversation.user_pseudonym != self.pseudonym(user_id):
            conversation = None  # someone else's answer (in a group): a request of one's own, without it
        return await self.request_staff(
            kind=PERTANYAAN if after_feedback else PERMINTAAN, user_id=user_id, chat_id=chat_id, chat_type=chat_type,
            conversation_id=conversation.id if conversation else None,
            question=conversation.question if conversation else "",
            origin=f"petugas:{conversation.id}" if conversation else f"cb:{query_id}",
        )

    # ------------------------------------------------------------------ the buttons under an answer

    async def feedback(self, conversation_id: int, user_id: int, positive: bool) -> str | None:
        """👍/👎. None when stored; else the reason it was not (gone, or someone else's answer), or
        the thanks alone when the same rating was given before (a repeated 👎 is not offered to
        staff again: each offer is a message)."""
        before = await self.db.get_conversation(conversation_id)
        if (before is not None and before.user_pseudonym == self.pseudonym(user_id)
                and before.feedback == (1 if positive else -1)):
            return m.FEEDBACK_THANKS
        if await self.db.set_feedback(conversation_id, self.pseudonym(user_id), 1 if positive else -1):
            return None
        return m.GONE if await self.db.get_conversation(conversation_id) is None else m.FEEDBACK_NOT_YOURS

    async def source(self, conversation_id: int, n: int, *, user_id: int | None = None,
                     on_message: bool = True) -> tuple[dict[str, Any] | None, Passage | None]:
        """Source n of a logged answer and its passage (either None when gone).

        The ownership check of ps:<conv>:<n> (issue 13 §11): the asker's own answer, or a button
        on the very message the tap came from (`on_message`: in a group everyone sees the answer
        it is under). A forged id for someone else's answer gets nothing (as if gone), so no one
        can walk the conversation log to learn what others asked about."""
        conversation: Conversation | None = await self.db.get_conversation(conversation_id)
        if (conversation is not None and user_id is not None and not on_message
                and conversation.user_pseudonym != self.pseudonym(user_id)):
            conversation = None
        row = next((s for s in (conversation.sources if conversation else []) if s.get("n") == n), None)
        if row is None:
            return None, None
        if row.get("parts"):  # a source of neighbouring pieces of one article: shown as it was cited
            pieces = [await self.passage(pid) for pid in row["parts"]]
            got = joined(pieces, row["passage_id"]) if all(pieces) else None
            if got is not None:
                return row, got[0]
        return row, await self.passage(row["passage_id"])

    async def forget(self, user_id: int) -> str:
        """/hapusdata confirmed: everything tied to the user is erased (bot/privacy.py), FAQ entries
        from their tickets leave the index, the staff-group messages about them are deleted."""
        erased = await erase_user(self.db, pseudonym=self.pseudonym(user_id), user_id=user_id,
                                  data_dir=self.settings.data_dir)
        for faq_id in erased.faq_ids:
            await self.desk.knowledge.withdraw_faq(faq_id)
        self.desk.outbox.wake()
        return m.DELETE_DONE.format(conversations=erased.conversations, requests=erased.staff_requests + erased.tickets)

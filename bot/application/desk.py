"""The staff desk's use cases: tickets from a citizen's trigger to a closed ticket or a FAQ.

Each use case is ONE database transaction: the ticket's change, its transcript line and every
message it promises (the citizen's acknowledgement, the staff-group card and its edits, the
relay of a staff answer) are committed together, and only then is the outbox woken. The ticket
is persisted before anyone is told, and a crash after the commit loses nothing: the outbox
sends on restart (bot/outbox.py).

Triggers: the engine's `escalate` decision, /petugas, the «Tanya petugas» button, 👎 then
«Teruskan ke petugas», and violation reports (/lapor or an escalated report, whose facts the
intake collects one step at a time: UU 1/2015 Pasal 134 ayat (3)).
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..buttons import Keyboard, card_keyboard, faq_keyboard, faq_review_keyboard
from ..crash import AFTER_STAFF_REPLY, AFTER_TICKET_STORED, crash_point
from ..db import Database, utcnow
from ..outbox_store import enqueue, move_chat_rows, sent_message_purpose, sent_message_ticket
from ..render.split import TELEGRAM_MAX
from ..settings import Settings
from ..text import utf16_len
from ..texts import desk as dm
from ..tickets import (
    DITUTUP,
    LAPORAN,
    PETUGAS,
    SISTEM,
    WARGA,
    ChatMove,
    Claim,
    Ticket,
    TicketStore,
    add_faq,
    add_note,
    add_ticket,
    claim,
    close,
    held_ticket,
    mark_answered,
    origin_exists,
    set_report,
)
from .knowledge_base import KnowledgeBase
from .ports import Outbox

log = logging.getLogger(__name__)

FAQ_REVIEW = "faq-review"  # the outbox purpose of a FAQ review message
IN_PROGRESS = "berjalan"  # a report whose intake is collecting facts
COMPLETE = "lengkap"
CANCELLED = "dibatalkan"


class ReportRefused(Exception):
    """A report step that cannot be stored as sent (too long, too much evidence): `text` says why
    (in Indonesian, for the citizen), and the step is asked again."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class NewTicket:
    """What opens a ticket. before: messages for the citizen ahead of the acknowledgement (the
    bot's reply); after: messages with their buttons sent after it (the first intake question);
    reply_to: the citizen's message the first of them replies to (in groups)."""

    kind: str
    chat_id: int
    chat_type: str
    pseudonym: str
    question: str
    draft: str = ""
    sources: list[dict[str, Any]] = field(default_factory=list)
    confidence: float = 0.0
    reason: str = ""
    conversation_id: int | None = None
    origin: str | None = None
    report: dict[str, Any] | None = None
    before: Sequence[str] = ()
    after: Sequence[tuple[str, Keyboard | None]] = ()
    reply_to: int | None = None


@dataclass(frozen=True)
class Shown:
    """/tiket N: the text and buttons; `queued` when it went to the staff group via the outbox."""

    text: str
    keyboard: Keyboard | None
    queued: bool


class Desk:
    def __init__(self, settings: Settings, db: Database, tickets: TicketStore, outbox: Outbox,
                 knowledge: KnowledgeBase) -> None:
        self.settings = settings
        self.db = db
        self.tickets = tickets
        self.outbox = outbox
        self.knowledge = knowledge
        self._locks: dict[str, asyncio.Lock] = {}
        self.moves: dict[int, int] = {}  # group id -> the supergroup Telegram migrated it to

    @contextlib.asynccontextmanager
    async def _citizen(self, pseudonym: str) -> AsyncIterator[None]:
        """One change at a time per citizen (updates run concurrently): the ticket cap and the
        report's read-modify-write see each other's result. In-process lock; with several
        replicas on PostgreSQL also a transaction-scoped advisory lock (`_serialize`)."""
        lock = self._locks.get(pseudonym)
        if lock is None:
            lock = self._locks[pseudonym] = asyncio.Lock()
        try:
            async with lock:
                yield
        finally:
            if not lock.locked() and len(self._locks) > 10_000:
                self._locks.pop(pseudonym, None)

    async def _serialize(self, s: AsyncSession, pseudonym: str) -> None:
        if not self.db.is_sqlite:
            key = int.from_bytes(hashlib.sha256(b"citizen:" + pseudonym.encode()).digest()[:8], "big", signed=True)
            await s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})

    @property
    def staff_chat_id(self) -> int | None:
        """settings.staff_chat_id, followed through the migrations Telegram made (`follow_chat`)."""
        chat, seen = self.settings.staff_chat_id, set()
        while chat in self.moves and chat not in seen:
            seen.add(chat)
            chat = self.moves[chat]
        return chat

    async def load_moves(self) -> None:
        """At start-up: the groups Telegram migrated earlier (chat_moves, migration 0006)."""
        async with self.db.sessions() as s:
            self.moves.update({m.old_chat_id: m.new_chat_id for m in (await s.execute(select(ChatMove))).scalars()})

    async def follow_chat(self, old_chat_id: int, new_chat_id: int) -> bool:
        """Telegram upgraded group `old_chat_id` to supergroup `new_chat_id` (the migrate_to_chat_id
        service message, or a send refused with it). Pending outbox rows move along; when it is the
        staff group, the desk follows it (stored, so a restart follows too) and the admins are told
        to update KEPEMILUAN_STAFF_CHAT_ID. True when the staff group moved now."""
        staff = self.staff_chat_id
        async with self.db.sessions.begin() as s:
            await move_chat_rows(self.db, old_chat_id, new_chat_id, s=s)
            if old_chat_id != staff or self.moves.get(old_chat_id) == new_chat_id:
                return False
            if await s.get(ChatMove, old_chat_id) is None:
                s.add(ChatMove(old_chat_id=old_chat_id, new_chat_id=new_chat_id, moved_at=utcnow()))
            for admin in self.settings.admin_ids:
                await enqueue(s, f"moved:{old_chat_id}:{new_chat_id}:{admin}", admin,
                              dm.STAFF_CHAT_MOVED.format(old=old_chat_id, new=new_chat_id), purpose="notice")
            await enqueue(s, f"moved:{old_chat_id}:{new_chat_id}", new_chat_id,
                          dm.STAFF_CHAT_MOVED_GROUP, purpose="staff")
        self.moves[old_chat_id] = new_chat_id
        log.warning("the staff group %s was migrated to %s: following it", old_chat_id, new_chat_id)
        self.outbox.wake()
        return True

    # ------------------------------------------------------------------ helpers (in a session)

    async def _card_edit(self, s: AsyncSession, ticket_id: int) -> None:
        """Queue an edit of the card so it shows the ticket's current status and assignee."""
        ticket = await s.get(Ticket, ticket_id, populate_existing=True)
        if ticket is None or ticket.card_message_id is None or self.staff_chat_id is None:
            return
        # the edit goes to the chat the card is in (a staff group changed since: the old one)
        chat = ticket.card_chat_id if ticket.card_chat_id is not None else self.staff_chat_id
        await enqueue(s, f"t{ticket.id}:edit:{time.time_ns()}", chat, dm.card(ticket),
                      method="editMessageText", purpose="card-edit", ticket_id=ticket.id,
                      message_id=ticket.card_message_id,
                      reply_markup=card_keyboard(ticket.id, closed=ticket.status == DITUTUP))

    async def _to_staff(self, s: AsyncSession, key: str, text: str, *, ticket_id: int | None = None,
                        reply_to: int | None = None, keyboard: Keyboard | None = None) -> None:
        if self.staff_chat_id is None:
            return
        payload = {"reply_to": reply_to} if reply_to else ({"reply_to_card": ticket_id} if ticket_id else {})
        await enqueue(s, key, self.staff_chat_id, text, purpose="staff", ticket_id=ticket_id,
                      reply_markup=keyboard, **payload)

    async def _promises(self, s: AsyncSession, ticket: Ticket, new: NewTicket) -> None:
        """Everything a new ticket promises: the reply, the acknowledgement, the card."""
        n, reply_to = ticket.id, new.reply_to
        for i, text in enumerate(new.before):
            await enqueue(s, f"t{n}:before:{i}", new.chat_id, text, purpose="reply", ticket_id=n,
                          **({"reply_to": reply_to} if reply_to and i == 0 else {}))
        await enqueue(s, f"t{n}:ack", new.chat_id, dm.ack(ticket, self.settings.staff_response_hours),
                      purpose="ack", ticket_id=n, **({"reply_to": reply_to} if reply_to and not new.before else {}))
        for i, (text, keyboard) in enumerate(new.after):
            await enqueue(s, f"t{n}:after:{i}", new.chat_id, text, purpose="reply", ticket_id=n, reply_markup=keyboard)
        if self.staff_chat_id is not None:
            await enqueue(s, f"t{n}:card", self.staff_chat_id, dm.card(ticket), purpose="card", ticket_id=n,
                          reply_markup=card_keyboard(n, closed=False))
        else:
            log.warning("KEPEMILUAN_STAFF_CHAT_ID is not set: ticket #%d waits in /antrian only", n)

    # ------------------------------------------------------------------ open

    async def open(self, new: NewTicket) -> tuple[Ticket, bool]:
        """Store a ticket and everything it promises; (ticket, created). An existing origin: (that, False)."""
        async with self._citizen(new.pseudonym), self.db.sessions.begin() as s:
            await self._serialize(s, new.pseudonym)
            # a cap per citizen (issue 13 §2): with too many open tickets, or too many opened
            # within the hour (a /lapor → /batal loop), the newest one is returned instead
            held = None if await origin_exists(s, new.origin) else await held_ticket(
                s, new.pseudonym, max_open=self.settings.max_open_tickets_per_user,
                max_per_hour=self.settings.max_tickets_per_hour)
            if held is not None:
                log.info("ticket not opened: the citizen's ticket #%d is returned (cap)", held.id)
                return held, False
            ticket, created = await add_ticket(
                s, kind=new.kind, chat_id=new.chat_id, chat_type=new.chat_type, user_pseudonym=new.pseudonym,
                origin=new.origin, conversation_id=new.conversation_id, question=new.question or "",
                draft_answer=new.draft or "", sources=list(new.sources), confidence=float(new.confidence or 0.0),
                reason=(new.reason or "")[:64], report=dict(new.report or {}),
            )
            if created:
                await self._promises(s, ticket, new)
        if created:
            log.info("ticket #%d opened (%s, %s)", ticket.id, ticket.kind, new.reason or "-")
            crash_point(AFTER_TICKET_STORED)
            self.outbox.wake()
        return ticket, created

    # ------------------------------------------------------------------ the report intake

    async def intake(self, pseudonym: str) -> Ticket | None:
        """The user's report whose intake is in progress (the newest open one)."""
        for t in reversed(await self.tickets.for_user(pseudonym)):
            if t.kind == LAPORAN and t.is_open and (t.report or {}).get("state") == IN_PROGRESS:
                return t
        return None

    async def report_step(self, pseudonym: str, name: str, value: str | dict[str, str]) -> Ticket | None:
        """One fact of the report (reporter, reported, when_where, or one evidence item); None: no intake."""
        async with self._citizen(pseudonym):
            return await self._report_step(pseudonym, name, value)

    async def _report_step(self, pseudonym: str, name: str, value: str | dict[str, str]) -> Ticket | None:
        ticket = await self.intake(pseudonym)
        if ticket is None:
            return None
        report = dict(ticket.report or {})
        if name == "evidence" and isinstance(value, dict):
            if len(report.get("evidence") or []) >= self.settings.max_evidence_items:
                raise ReportRefused(dm.EVIDENCE_FULL.format(limit=self.settings.max_evidence_items))
            report["evidence"] = list(report.get("evidence") or []) + [value]
            note = f"bukti: {value['type']}"
        else:
            refused = self.field_refusal(str(value))
            if refused is not None:
                raise ReportRefused(refused)
            report[name] = value
            note = f"{name}: {value}"
        async with self.db.sessions.begin() as s:
            await set_report(s, ticket.id, report)
            await add_note(s, ticket.id, WARGA, note)
        ticket.report = report
        return ticket

    def field_refusal(self, text: str) -> str | None:
        """A report fact over settings.max_report_field_chars: what to tell the citizen (else None)."""
        limit = self.settings.max_report_field_chars
        if limit > 0 and len(text) > limit:
            return dm.FIELD_TOO_LONG.format(length=len(text), limit=limit)
        return None

    async def finish_report(self, pseudonym: str) -> Ticket | None:
        """The facts are complete: staff get the follow-up and the evidence under the card."""
        ticket = await self.intake(pseudonym)
        if ticket is None:
            return None
        n, staff = ticket.id, self.staff_chat_id
        ticket.report = report = dict(ticket.report or {}, state=COMPLETE)
        async with self.db.sessions.begin() as s:
            await set_report(s, n, report)
            await add_note(s, n, SISTEM, "keterangan laporan lengkap")
            if staff is not None:
                await enqueue(s, f"t{n}:report", staff, dm.report_followup(ticket), purpose="staff",
                              ticket_id=n, reply_to_card=n)
                await self._evidence(s, n, staff, report.get("evidence") or [])
            await enqueue(s, f"t{n}:report-done", ticket.chat_id, dm.report_done(ticket), purpose="notice", ticket_id=n)
            await self._card_edit(s, n)
        self.outbox.wake()
        return ticket

    async def _evidence(self, s: AsyncSession, n: int, staff: int, items: list[dict[str, str]]) -> None:
        """The evidence under the card as albums (sendMediaGroup: photos in one, documents in
        another; Telegram takes 2-10 items), so 10 photos cost the staff group one send, not 10."""
        numbered = list(enumerate(items, 1))
        for kind, method in (("photo", "sendPhoto"), ("document", "sendDocument")):
            group = [(i, item) for i, item in numbered if (item["type"] == "photo") == (kind == "photo")]
            for start in range(0, len(group), 10):
                chunk = group[start:start + 10]
                if len(chunk) == 1:
                    i, item = chunk[0]
                    await enqueue(s, f"t{n}:evidence:{i - 1}", staff, dm.EVIDENCE_CAPTION.format(i=i, n=n),
                                  method=method, purpose="evidence", ticket_id=n, reply_to_card=n,
                                  file_id=item["file_id"])
                    continue
                media = [{"type": kind, "file_id": item["file_id"], "caption": dm.EVIDENCE_CAPTION.format(i=i, n=n)}
                         for i, item in chunk]
                await enqueue(s, f"t{n}:evidence:{kind}:{start}", staff, "", method="sendMediaGroup",
                              purpose="evidence", ticket_id=n, reply_to_card=n, media=media)

    async def cancel_report(self, pseudonym: str) -> Ticket | None:
        """/batal: the report is withdrawn, the ticket closed, staff told."""
        ticket = await self.intake(pseudonym)
        if ticket is None:
            return None
        n = ticket.id
        async with self.db.sessions.begin() as s:
            await set_report(s, n, dict(ticket.report or {}, state=CANCELLED))
            await close(s, n)
            await add_note(s, n, WARGA, "laporan dibatalkan oleh pelapor")
            await self._to_staff(s, f"t{n}:cancelled", dm.report_cancelled_staff(ticket), ticket_id=n)
            await self._card_edit(s, n)
        self.outbox.wake()
        return ticket

    # ------------------------------------------------------------------ staff

    async def claim(self, n: int, staff_id: int, staff_name: str) -> Claim:
        """The first claim wins (an atomic UPDATE); the card shows the assignee."""
        async with self.db.sessions.begin() as s:
            result = await claim(s, n, staff_id, staff_name)
            if result.fresh:
                await add_note(s, n, SISTEM, "diambil oleh petugas")
            if result.won:
                await self._card_edit(s, n)
        if result.won:
            self.outbox.wake()
        return result

    async def close(self, n: int, *, notify_citizen: bool = True) -> bool:
        async with self.db.sessions.begin() as s:
            ticket = await s.get(Ticket, n)
            if ticket is None or not await close(s, n):
                return False
            await add_note(s, n, SISTEM, "ditutup")
            if notify_citizen:
                await enqueue(s, f"t{n}:closed", ticket.chat_id, dm.closed_notice(ticket, self.settings.staff_role),
                              purpose="notice", ticket_id=n)
            await self._card_edit(s, n)
        self.outbox.wake()
        return True

    async def ticket_for_reply(self, replied_message_id: int, chat_id: int | None = None) -> Ticket | None:
        """The ticket a staff-group message (card, reminder, follow-up) belongs to.

        Found by (chat id, message id) in the outbox: Telegram's message ids are per chat, so a
        new staff group (or a migrated one) reuses ids old cards had (issue 13 §10)."""
        chat = self.staff_chat_id if chat_id is None else chat_id
        if chat is None:
            return None
        ticket_id = await sent_message_ticket(self.db, chat, replied_message_id)
        return await self.tickets.get(ticket_id) if ticket_id else None

    async def relay(self, n: int, *, staff_id: int, staff_name: str, text: str, chat_id: int,
                    message_id: int) -> str | None:
        """A staff reply to ticket n: stored and relayed to the citizen (signed with the role).

        None when relayed (or relayed before); else what to tell the staff member instead."""
        async with self.db.sessions.begin() as s:
            ticket = await s.get(Ticket, n)
            if ticket is None or ticket.status == DITUTUP:
                return dm.CLOSED_TICKET_REPLY.format(n=n)
            if ticket.assignee_id not in (None, staff_id):
                return dm.NOT_ASSIGNEE.format(n=n, name=ticket.assignee_name or "petugas lain")
            if ticket.assignee_id is None:
                await claim(s, n, staff_id, staff_name)
            if await add_note(s, n, PETUGAS, text, source_key=f"staff:{chat_id}:{message_id}"):
                await mark_answered(s, ticket)
                # split under Telegram's limit; staff hear "relayed" once the last part is
                # marked sent, or that it failed for good (bot/outbox.py `_confirm`)
                parts = dm.relay_parts(ticket, text, self.settings.staff_role)
                for i, part in enumerate(parts):
                    confirm = {"chat_id": chat_id, "reply_to": message_id,
                               "sent": dm.RELAYED.format(n=n) if i == len(parts) - 1 else "",
                               "failed": dm.RELAY_FAILED.format(n=n)}
                    await enqueue(s, f"t{n}:relay:{message_id}" + (f":{i}" if i else ""), ticket.chat_id, part,
                                  purpose="relay", ticket_id=n, confirm=confirm)
            await self._card_edit(s, n)
        log.info("staff answer for ticket #%d stored", n)
        crash_point(AFTER_STAFF_REPLY)
        self.outbox.wake()
        return None

    async def make_faq(self, n: int) -> str:
        """«Jadikan FAQ»: the latest staff answer becomes a draft entry (not indexed), posted for
        review. Nothing goes live until staff reply to the review with the FAQ question or press
        «Terbitkan»; proposals never carry the citizen's name or numbers (dm.faq_scrub)."""
        ticket = await self.tickets.get(n)
        if ticket is None:
            return dm.NO_TICKET.format(n=n)
        answers = [e for e in await self.tickets.transcript(n) if e.author == PETUGAS]
        if not answers:
            return dm.FAQ_NEEDS_ANSWER.format(n=n)
        question = dm.faq_scrub(ticket.question, ticket.report)
        answer = dm.faq_scrub(answers[-1].text, ticket.report)
        entry = await self.tickets.draft_faq(ticket_id=n, question=question, answer=answer,
                                             role=self.settings.staff_role)
        await self.knowledge.withdraw_faq(entry.id)  # a re-review of a live entry takes it down meanwhile
        if self.staff_chat_id is not None:
            async with self.db.sessions.begin() as s:
                await enqueue(s, f"t{n}:faq-review:{time.time_ns()}", self.staff_chat_id,
                              dm.faq_review(n, entry.id, question, answer), purpose=FAQ_REVIEW, ticket_id=n,
                              reply_to_card=n, reply_markup=faq_review_keyboard(entry.id))
            self.outbox.wake()
        return dm.FAQ_REVIEW_TOAST.format(faq=entry.id)[:200]

    async def is_faq_review(self, replied_message_id: int, chat_id: int | None = None) -> bool:
        """Is this staff-group message a FAQ review (a reply to it is the FAQ question, not an answer)?"""
        chat = self.staff_chat_id if chat_id is None else chat_id
        if chat is None:
            return False
        return await sent_message_purpose(self.db, chat, replied_message_id) == FAQ_REVIEW

    async def publish_faq(self, faq_id: int, question: str | None = None) -> str:
        """Staff reviewed the entry: it goes live (with the question they wrote)."""
        entry = await self.tickets.publish_faq(faq_id, question)
        if entry is None:
            return dm.FAQ_ALREADY_LIVE.format(faq=faq_id)
        await self.knowledge.put_faq(entry)  # indexed before staff are told it is live
        role, n = self.settings.staff_role, entry.ticket_id
        text = dm.FAQ_DONE.format(n=n, faq=entry.id, date=dm.local_time(entry.created_at)[:10], role=role)
        async with self.db.sessions.begin() as s:
            await self._to_staff(s, f"t{n}:faq:{entry.id}:{time.time_ns()}", text, ticket_id=n,
                                 keyboard=faq_keyboard(entry.id))
        self.outbox.wake()
        return text[:200]

    async def publish_reviewed(self, n: int, question: str) -> str | None:
        """A staff reply to ticket n's FAQ review: publish with that question. None when published."""
        entry = await self.tickets.faq_for_ticket(n)
        if entry is None:
            return dm.NO_TICKET.format(n=n)
        text = await self.publish_faq(entry.id, question[:500])
        return None if text.startswith("⭐") else text

    async def withdraw_faq(self, faq_id: int) -> str:
        if not await self.tickets.withdraw_faq(faq_id):
            return dm.FAQ_NOT_FOUND.format(faq=faq_id)
        await self.knowledge.withdraw_faq(faq_id)
        return dm.FAQ_WITHDRAWN.format(faq=faq_id)

    async def queue(self) -> str:
        return dm.queue(await self.tickets.open_tickets())

    async def show(self, n: int, *, chat_id: int, message_id: int) -> Shown | None:
        """/tiket N: card + transcript. In the staff group through the outbox (a reply to it answers)."""
        ticket = await self.tickets.get(n)
        if ticket is None:
            return None
        history = dm.transcript(await self.tickets.transcript(n))
        text = dm.card(ticket) + ("\n\n" + history if history else "")
        if utf16_len(text) > TELEGRAM_MAX:
            text = dm.card(ticket)
        keyboard = card_keyboard(n, closed=ticket.status == DITUTUP)
        if chat_id != self.staff_chat_id:
            return Shown(text, keyboard, queued=False)
        async with self.db.sessions.begin() as s:
            await self._to_staff(s, f"t{n}:show:{message_id}", text, ticket_id=n, reply_to=message_id, keyboard=keyboard)
        self.outbox.wake()
        return Shown(text, keyboard, queued=True)

    async def remind_overdue(self) -> int:
        """Post overdue open tickets in the staff group; returns how many were included."""
        every = timedelta(minutes=self.settings.reminder_interval_minutes)
        due = await self.tickets.overdue(older_than=timedelta(minutes=self.settings.ticket_overdue_minutes),
                                         remind_every=every)
        if not due or self.staff_chat_id is None:
            return 0
        now = utcnow()
        reminded: list[Ticket] = []
        async with self.db.sessions.begin() as s:
            for t in due:  # conditional update: two replicas (or a re-run) do not remind twice
                res = await s.execute(
                    update(Ticket)
                    .where(Ticket.id == t.id, (Ticket.last_reminded_at.is_(None)) | (Ticket.last_reminded_at < now - every))
                    .values(last_reminded_at=now)
                )
                if res.rowcount == 1:
                    reminded.append(t)
            if reminded:
                await enqueue(s, f"remind:{now.isoformat()}:{reminded[0].id}", self.staff_chat_id,
                              dm.reminder(reminded, now=now), purpose="reminder")
        if reminded:
            log.info("reminder: %d overdue tickets", len(reminded))
            self.outbox.wake()
        return len(reminded)

"""Opening a ticket (with everything it promises) and the violation-report intake: the facts
collected one step at a time, then finished or cancelled (UU 1/2015 Pasal 134 ayat (3))."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ...buttons import Keyboard, card_keyboard
from ...crash import AFTER_TICKET_STORED, crash_point
from ...outbox_store import enqueue
from ...texts import desk as dm
from ...tickets import (
    LAPORAN,
    SISTEM,
    WARGA,
    Ticket,
    add_note,
    add_ticket,
    close,
    held_ticket,
    origin_exists,
    set_report,
)
from .base import DeskBase

log = logging.getLogger(__name__)

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


class TicketIntake(DeskBase):
    """A ticket opened from a citizen's trigger; a report's facts collected step by step."""

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

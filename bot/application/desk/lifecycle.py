"""A ticket's life at the staff desk: claim, relay a staff answer, close, show, the queue and
the overdue reminders."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update

from ...buttons import Keyboard, card_keyboard
from ...crash import AFTER_STAFF_REPLY, crash_point
from ...db import utcnow
from ...outbox_store import enqueue, sent_message_ticket
from ...render.split import TELEGRAM_MAX
from ...text import utf16_len
from ...texts import desk as dm
from ...tickets import DITUTUP, PETUGAS, SISTEM, Claim, Ticket, add_note, claim, close, mark_answered
from .base import DeskBase

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shown:
    """/tiket N: the text and buttons; `queued` when it went to the staff group via the outbox."""

    text: str
    keyboard: Keyboard | None
    queued: bool


class TicketLifecycle(DeskBase):
    """What staff do with a ticket, and what the desk tells them about open ones."""

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
                # marked sent, or that it failed for good (bot/outbox_rows.py `confirm`)
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

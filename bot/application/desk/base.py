"""What every desk use case shares: the per-citizen lock, the staff group (followed through
Telegram's migrations), and the card and staff-group messages queued in a session."""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import AsyncIterator

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from ...buttons import Keyboard, card_keyboard
from ...db import Database, utcnow
from ...outbox_store import enqueue, move_chat_rows
from ...settings import Settings
from ...texts import desk as dm
from ...tickets import DITUTUP, ChatMove, Ticket, TicketStore
from ..knowledge_base import KnowledgeBase
from ..ports import Outbox

log = logging.getLogger(__name__)


class DeskBase:
    """The desk's collaborators and shared state; the use cases are in intake.py, lifecycle.py, faq.py."""

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

"""«Jadikan FAQ»: a staff answer becomes a draft FAQ entry, reviewed in the staff group, then
published (indexed) or withdrawn."""
from __future__ import annotations

import time

from ...buttons import faq_keyboard, faq_review_keyboard
from ...outbox_store import enqueue, sent_message_purpose
from ...texts import desk as dm
from ...tickets import PETUGAS
from .base import DeskBase

FAQ_REVIEW = "faq-review"  # the outbox purpose of a FAQ review message


class FaqReview(DeskBase):
    """A staff answer turned into a FAQ entry: drafted, reviewed, published or withdrawn."""

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

"""Opening tickets: the one path from a citizen's trigger to the staff desk.

Triggers: the engine's `escalate` decision, /petugas, the «Tanya petugas» button, 👎 feedback
(which offers escalation), and violation reports (bot/handlers/report.py).

`open_ticket` stores the ticket, its transcript line, the citizen's reply + acknowledgement
(ticket number, next step, expected response time) and the staff-group card in ONE database
transaction, and only then wakes the outbox: the ticket is persisted before the citizen is
told, and a crash after the commit loses nothing (the outbox sends on restart).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.ext import Application, CallbackContext

from knowledge.model import Answer

from . import desk_messages as dm
from .crash import AFTER_TICKET_STORED, crash_point
from .db import Database
from .outbox import OutboxWorker, enqueue
from .settings import Settings
from .tickets import LAPORAN, PERMINTAAN, PERTANYAAN, Ticket, TicketStore, add_ticket

log = logging.getLogger(__name__)

DESK_KEY = "desk"

_REPORT_VERBS = re.compile(r"\b(lapor\w*|melapor\w*|mengadu\w*|adu(?:kan)?|pelanggaran|kecurangan)\b", re.I)


def kind_for(reason: str, text: str) -> str:
    """The ticket kind for an engine escalation (knowledge.decide reasons)."""
    if reason == "violation_report":
        return LAPORAN
    if reason == "human_requested":
        return PERMINTAAN
    if reason == "own_case" and _REPORT_VERBS.search(text or ""):
        return LAPORAN  # "saya mau melaporkan ..." is a report of the citizen's own case
    return PERTANYAAN


@dataclass
class Desk:
    """The ticket desk's parts, kept in application.bot_data[DESK_KEY]."""

    settings: Settings
    db: Database
    tickets: TicketStore
    outbox: OutboxWorker
    faq: Any = None  # bot.faq.FaqIndex
    staff_cache: dict[int, tuple[bool, float]] = field(default_factory=dict)

    @property
    def staff_chat_id(self) -> int | None:
        return self.settings.staff_chat_id


def desk(context: CallbackContext | Application) -> Desk:
    app = context if isinstance(context, Application) else context.application
    return app.bot_data[DESK_KEY]


def sources_of(answer: Answer | None) -> list[dict[str, Any]]:
    if answer is None:
        return []
    return [
        {"n": i, "label": s.citation.label, "passage_id": s.citation.passage_id, "status": s.citation.status,
         "url": s.citation.url}
        for i, s in enumerate(answer.sources[:5], 1)
    ]


async def open_ticket(
    d: Desk,
    *,
    kind: str,
    chat_id: int,
    chat_type: str,
    pseudonym: str,
    question: str,
    draft: str = "",
    sources: list[dict[str, Any]] | None = None,
    confidence: float = 0.0,
    reason: str = "",
    conversation_id: int | None = None,
    origin: str | None = None,
    report: dict[str, Any] | None = None,
    before: Sequence[str] = (),
    after: Sequence[tuple[str, InlineKeyboardMarkup | None]] = (),
    reply_to: int | None = None,
) -> tuple[Ticket, bool]:
    """Store a ticket and everything it promises; (ticket, created). An existing origin: (that, False).

    before: messages for the citizen sent ahead of the acknowledgement (e.g. the bot's reply);
    after: messages (with keyboards) sent after it (e.g. the first report-intake question);
    reply_to: the citizen's message the first of them replies to (in groups).
    """
    async with d.db.sessions.begin() as s:
        ticket, created = await add_ticket(
            s,
            kind=kind,
            chat_id=chat_id,
            chat_type=chat_type,
            user_pseudonym=pseudonym,
            origin=origin,
            conversation_id=conversation_id,
            question=question or "",
            draft_answer=draft or "",
            sources=sources or [],
            confidence=float(confidence or 0.0),
            reason=(reason or "")[:64],
            report=report or {},
        )
        if created:
            n = ticket.id
            for i, text in enumerate(before):
                await enqueue(s, f"t{n}:before:{i}", chat_id, text, purpose="reply", ticket_id=n,
                              **({"reply_to": reply_to} if reply_to and i == 0 else {}))
            await enqueue(s, f"t{n}:ack", chat_id, dm.ack(ticket, d.settings.staff_response_hours),
                          purpose="ack", ticket_id=n,
                          **({"reply_to": reply_to} if reply_to and not before else {}))
            for i, (text, markup) in enumerate(after):
                await enqueue(s, f"t{n}:after:{i}", chat_id, text, purpose="reply", ticket_id=n, reply_markup=markup)
            if d.staff_chat_id is not None:
                await enqueue(s, f"t{n}:card", d.staff_chat_id, dm.card(ticket), purpose="card", ticket_id=n,
                              reply_markup=dm.card_keyboard(ticket))
            else:
                log.warning("KEPEMILUAN_STAFF_CHAT_ID is not set: ticket #%d waits in /antrian only", n)
    if created:
        log.info("ticket #%d opened (%s, %s)", ticket.id, ticket.kind, reason or "-")
        crash_point(AFTER_TICKET_STORED)
        d.outbox.wake()
    return ticket, created

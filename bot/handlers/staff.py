"""A citizen asks for a human: /petugas, the «Tanya petugas» button, 👎 then «Teruskan ke petugas».

Each opens a ticket (bot/escalation.py): the citizen is told its number, what happens next and
the expected response time; the card goes to the staff group. A second tap on the same answer
(or /petugas after it) refers to the same ticket.
"""
from __future__ import annotations

import logging

from telegram.ext import ContextTypes

from knowledge.model import Decision

from .. import desk_messages as dm
from ..escalation import desk, open_ticket, sources_of
from ..render import render_plain
from ..services import services
from ..tickets import Ticket

log = logging.getLogger(__name__)


async def _draft(context: ContextTypes.DEFAULT_TYPE, question: str):
    """The bot's draft answer for staff (the engine's answer to the question), or None."""
    if not question.strip():
        return None
    try:
        answer = await services(context).answer(question)
    except Exception as exc:  # bad input or engine failure: staff get the question without a draft
        log.info("no draft for a ticket: %s", exc)
        return None
    return answer


async def request_staff(
    context: ContextTypes.DEFAULT_TYPE,
    *,
    kind: str,
    user_id: int,
    chat_id: int,
    chat_type: str,
    conversation_id: int | None,
    question: str,
    origin: str,
    reply_to: int | None = None,
) -> tuple[Ticket, bool]:
    """Open (or find) the ticket; the acknowledgement reaches the citizen through the outbox."""
    answer = await _draft(context, question)
    answered = answer is not None and answer.decision == Decision.ANSWER
    return await open_ticket(
        desk(context),
        kind=kind,
        chat_id=chat_id,
        chat_type=chat_type,
        pseudonym=services(context).pseudonym(user_id),
        question=question,
        draft=render_plain(answer) if answered else "",
        sources=sources_of(answer) if answered else [],
        confidence=answer.confidence if answer is not None else 0.0,
        reason=(answer.reason if answer is not None else "") or "",
        conversation_id=conversation_id,
        origin=origin,
        reply_to=reply_to,
    )


def already_open_text(ticket: Ticket) -> str:
    return dm.already_open(ticket)

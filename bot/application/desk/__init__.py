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

from .faq import FAQ_REVIEW, FaqReview
from .intake import CANCELLED, COMPLETE, IN_PROGRESS, NewTicket, ReportRefused, TicketIntake
from .lifecycle import Shown, TicketLifecycle


class Desk(TicketIntake, TicketLifecycle, FaqReview):
    """The desk's use cases: opening tickets and the report intake (intake.py), the staff's work
    on a ticket (lifecycle.py), FAQ review (faq.py), over the shared state of base.py."""


__all__ = ["CANCELLED", "COMPLETE", "FAQ_REVIEW", "IN_PROGRESS", "Desk", "NewTicket", "ReportRefused", "Shown"]

"""Personal data: /hapusdata (erase one citizen) and the retention purge (erase by age).

`erase_user` removes, in ONE transaction, every row tied to the citizen:
- the conversation log (questions, ratings) and legacy staff requests;
- their tickets with transcripts and report facts (names, addresses, evidence file ids);
- FAQ entries made from those tickets (withdrawn from the bot's answers too);
- outbox rows about those tickets or to their chat (cards, relays, follow-ups, evidence,
  acknowledgements; pending ones are cancelled, so nothing about them is sent afterwards);
- the report-intake conversation state (its key holds the raw chat and user id) and the
  rate-limit windows (questions, and the per-user action budget);
the web console's sessions and login links when the sender is a staff member;
and then files under DATA_DIR/inbox they uploaded (admins' documents). The bot's messages
about them in the staff group are deleted (Telegram allows it for 48 hours) or edited to a
redaction notice (bot/outbox_store.py `erase_for`). What Telegram already delivered to people (the
citizen's own chat, what staff read) cannot be taken back; README «Privacy» says so.

`purge_older_than` is the same by age (settings.log_retention_days): conversations, tickets of
any status not touched within the period, outbox rows, conversation states, inbox files.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import DateTime, String, column, delete, or_, select, table, update

from .application.console import erase_staff, purge_console
from .db import Conversation, Database, StaffRequest, utcnow
from .outbox_store import erase_for, purge_before
from .ratelimit import budget_key
from .shared import RateLimit
from .texts.desk import REDACTED
from .tickets import FaqEntry, Ticket, TicketMessage

log = logging.getLogger(__name__)

# bot/persistence.py's table, named here without importing PTB (the application layer uses this)
conversation_states = table("conversation_states", column("key", String), column("updated_at", DateTime))


@dataclass(frozen=True)
class Erased:
    conversations: int
    tickets: int
    staff_requests: int
    faq_ids: tuple[int, ...] = ()
    outbox: int = 0
    files: int = 0


def inbox_dir(data_dir: Path) -> Path:
    return data_dir / "inbox"


def inbox_tag(pseudonym: str) -> str:
    """The part of an inbox file's name that says whose upload it is (pseudonymous)."""
    return pseudonym[:12]


async def erase_user(db: Database, *, pseudonym: str, user_id: int, data_dir: Path | None = None) -> Erased:
    async with db.sessions.begin() as s:
        ids = list((await s.execute(select(Ticket.id).where(Ticket.user_pseudonym == pseudonym))).scalars())
        faq_ids = tuple((await s.execute(select(FaqEntry.id).where(FaqEntry.ticket_id.in_(ids)))).scalars())
        outbox = await erase_for(s, ticket_ids=ids, chat_id=user_id, notice=REDACTED)
        await s.execute(delete(FaqEntry).where(FaqEntry.id.in_(faq_ids)))
        await s.execute(delete(TicketMessage).where(TicketMessage.ticket_id.in_(ids)))
        await s.execute(delete(Ticket).where(Ticket.id.in_(ids)))
        staff = await s.execute(delete(StaffRequest).where(StaffRequest.user_pseudonym == pseudonym))
        convs = await s.execute(delete(Conversation).where(Conversation.user_pseudonym == pseudonym))
        # PTB's conversation key is [chat id, user id]
        keys = conversation_states.c.key
        await s.execute(delete(conversation_states).where(or_(
            keys.like(f"%, {int(user_id)}]"), keys == json.dumps([int(user_id)])
        )))
        await s.execute(delete(RateLimit).where(RateLimit.user_key.in_((pseudonym, budget_key(pseudonym)))))
        await erase_staff(s, user_id)  # a staff member's web-console sessions and login links
    files = 0
    if data_dir is not None and inbox_dir(data_dir).is_dir():
        for path in inbox_dir(data_dir).glob(f"*-{inbox_tag(pseudonym)}-*"):
            path.unlink(missing_ok=True)
            files += 1
    log.info("erased a user's data: %d conversations, %d tickets, %d outbox rows, %d FAQ entries, %d files",
             convs.rowcount or 0, len(ids), outbox, len(faq_ids), files)
    return Erased(convs.rowcount or 0, len(ids), staff.rowcount or 0, faq_ids, outbox, files)


@dataclass(frozen=True)
class Purged:
    conversations: int
    tickets: int
    outbox: int
    states: int
    files: int


async def purge_older_than(db: Database, days: int, *, data_dir: Path | None = None,
                           now: datetime | None = None) -> Purged:
    """Retention: everything older than `days` days (tickets: not updated within them)."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    async with db.sessions.begin() as s:
        ids = list((await s.execute(select(Ticket.id).where(Ticket.updated_at < cutoff))).scalars())
        await s.execute(delete(TicketMessage).where(TicketMessage.ticket_id.in_(ids)))
        # a reviewed FAQ entry (staff wrote its question) outlives its ticket
        await s.execute(update(FaqEntry).where(FaqEntry.ticket_id.in_(ids)).values(ticket_id=None))
        await s.execute(delete(Ticket).where(Ticket.id.in_(ids)))
        outbox = await purge_before(s, cutoff)
        states = await s.execute(delete(conversation_states).where(conversation_states.c.updated_at < cutoff))
        await s.execute(delete(StaffRequest).where(StaffRequest.created_at < cutoff))
        convs = await s.execute(delete(Conversation).where(Conversation.created_at < cutoff))
        await purge_console(s, now=now)  # ended console sessions and links (kept one day)
    files = 0
    if data_dir is not None and inbox_dir(data_dir).is_dir():
        for path in inbox_dir(data_dir).iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
                files += 1
    return Purged(convs.rowcount or 0, len(ids), outbox, states.rowcount or 0, files)

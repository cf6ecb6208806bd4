"""The staff and admin web console's own use cases: login links, sessions, CSRF, the inbox's
queries and the aggregate statistics. No telegram, no Starlette (bot/console/ is the web adapter;
bot/handlers/console.py the /konsol command).

Everything that changes a ticket goes through `bot.application.desk.Desk`, the same use cases the
Telegram handlers call: a claim, reply or close in the console edits the staff group's card
through the outbox, and a claim in Telegram shows in the console (one database, one truth).

The use cases live in one module each: `auth` (login links, sessions, CSRF; their tables),
`inbox` (the ticket reads) and `insights` (the aggregate statistics); `Console` bundles one of
each for the composition root.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...db import Database
from .auth import (
    ADMIN,
    STAFF,
    ConsoleAuth,
    ConsoleSession,
    LoginToken,
    Principal,
    csrf_for,
    erase_staff,
    purge_console,
    token_hash,
)
from .inbox import AGES, Filters, Inbox, Queue, TicketView, age_minutes, ticket_json
from .insights import DECISIONS, Insights, Stats, csv_tables, group_similar


@dataclass(frozen=True)
class Console:
    """The console's services, built once in the composition root."""

    auth: ConsoleAuth
    inbox: Inbox
    insights: Insights

    @classmethod
    def build(cls, db: Database, *, session_hours: float = 8.0) -> Console:
        return cls(ConsoleAuth(db, session_hours=session_hours), Inbox(db), Insights(db))



__all__ = [
    "ADMIN", "AGES", "DECISIONS", "STAFF", "Console", "ConsoleAuth", "ConsoleSession", "Filters", "Inbox", "Insights",
    "LoginToken", "Principal", "Queue", "Stats", "TicketView", "age_minutes", "csrf_for", "csv_tables",
    "erase_staff", "group_similar", "purge_console", "ticket_json", "token_hash",
]

"""Report-intake conversation state shared by replicas (webhook mode, shared database).

PTB keeps a ConversationHandler's states in memory and writes them to the persistence
(bot/persistence.py) every `update_interval`; it reads them back only at start-up. With several
replicas a citizen's report steps land on any replica, so each replica must see the step the
others recorded. With shared state on, two TypeHandlers around the handlers do that:

- group -50 (after the dedupe claim): the state of this update's conversation key is read from
  the database and replaces the in-memory one (a conversation another replica ended is dropped);
- group 99 (before the dedupe "done" mark): `Application.update_persistence()` writes a changed
  state at once, not up to a second later, so the next step finds it wherever it lands.

The answers themselves are written to the ticket at each step (bot/handlers/report.py); this
only makes "which question comes next" follow the citizen across replicas.
"""
from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, ContextTypes, ConversationHandler, TypeHandler

log = logging.getLogger(__name__)

REFRESH_GROUP = -50
FLUSH_GROUP = 99


def install(app: Application) -> bool:
    """Add the two handlers when the Application has persistent conversations. True if added."""
    persistence = app.persistence
    convs = [h for group in app.handlers.values() for h in group
             if isinstance(h, ConversationHandler) and h.persistent and h.name]
    if persistence is None or not convs or not hasattr(persistence, "get_state"):
        return False

    async def refresh(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        for conv in convs:
            try:
                key = conv._get_key(update)  # PTB's own key (chat id, user id)
            except RuntimeError:
                continue
            states = conv._conversations
            if type(states.get(key)).__name__ == "PendingState":
                continue  # a non-blocking step of this replica is still running
            if key in getattr(states, "_write_access_keys", ()) or (conv.name, key) in flushing:
                # this replica's newer state, not (yet) written: the database row is older. (A
                # citizen who answers at once after the bot's question, before the flush that
                # follows it, would otherwise be sent back to the start of the intake.)
                continue
            state = await persistence.get_state(conv.name, key)
            if state is None:
                getattr(states, "data", states).pop(key, None)
            elif states.get(key) != state:
                if hasattr(states, "update_no_track"):
                    states.update_no_track({key: state})
                else:
                    states[key] = state

    flushing: set[tuple] = set()  # (conversation, key) being written by a flush right now

    async def flush(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keys = set()
        for conv in convs:
            with_writes = getattr(conv._conversations, "_write_access_keys", ())
            keys |= {(conv.name, k) for k in with_writes}
        flushing.update(keys)
        try:
            await context.application.update_persistence()
        finally:
            flushing.difference_update(keys)

    app.add_handler(TypeHandler(Update, refresh), group=REFRESH_GROUP)
    app.add_handler(TypeHandler(Update, flush), group=FLUSH_GROUP)
    return True


def forget(app: Application, user_id: int) -> int:
    """Drop the in-memory conversation states of `user_id` (after /hapusdata), so a later
    persistence flush cannot write them back. Returns how many were dropped."""
    dropped = 0
    for group in app.handlers.values():
        for conv in group:
            if not isinstance(conv, ConversationHandler):
                continue
            states = conv._conversations
            data = getattr(states, "data", states)
            for key in [k for k in list(data) if isinstance(k, tuple) and k and k[-1] == user_id]:
                data.pop(key, None)
                dropped += 1
    return dropped

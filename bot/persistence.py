"""PTB persistence for ConversationHandler states only, in the project database.

The violation-report intake (bot/handlers/report.py) is a ConversationHandler; its answers are
written to the ticket at each step, and its state (which question comes next) is kept here, so
a restart resumes an in-progress report instead of losing it. Nothing else is persisted (the
other PTB stores are off): bot_data holds live objects, user/chat data are unused.

PTB writes changed states every `update_interval` seconds and on shutdown (so a kill -9 can
lose at most the last step's state change; the answers themselves are already in the database).
"""
from __future__ import annotations

import json
import logging
from datetime import datetime

from sqlalchemy import JSON, DateTime, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column
from telegram.ext import BasePersistence, PersistenceInput

from .db import Base, Database, utcnow

log = logging.getLogger(__name__)


class ConversationState(Base):
    __tablename__ = "conversation_states"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    state: Mapped[object | None] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DbPersistence(BasePersistence):
    def __init__(self, db: Database, *, update_interval: float = 1.0) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=False, callback_data=False),
            update_interval=update_interval,
        )
        self.db = db
        self._migrated = False

    async def _ready(self) -> None:
        # Application.initialize() asks for conversations before post_init runs the migrations
        if not self._migrated:
            await self.db.migrate()
            self._migrated = True

    async def get_conversations(self, name: str) -> dict:
        await self._ready()
        async with self.db.sessions() as s:
            rows = (await s.execute(select(ConversationState).where(ConversationState.name == name))).scalars()
            return {tuple(json.loads(r.key)): r.state for r in rows if r.state is not None}

    async def get_state(self, name: str, key: tuple) -> object | None:
        """One conversation's stored state (bot/conversation_sync.py: replicas share steps)."""
        async with self.db.sessions() as s:
            row = await s.get(ConversationState, (name, json.dumps(list(key))))
            return None if row is None else row.state

    async def update_conversation(self, name: str, key: tuple, new_state: object | None) -> None:
        k = json.dumps(list(key))
        async with self.db.sessions.begin() as s:
            await s.execute(delete(ConversationState).where(ConversationState.name == name, ConversationState.key == k))
            if new_state is not None:
                s.add(ConversationState(name=name, key=k, state=new_state, updated_at=utcnow()))

    # -- the stores we do not keep -------------------------------------------------------------
    async def get_user_data(self) -> dict:
        return {}

    async def get_chat_data(self) -> dict:
        return {}

    async def get_bot_data(self) -> dict:
        return {}

    async def get_callback_data(self):
        return None

    async def update_user_data(self, user_id, data) -> None:
        pass

    async def update_chat_data(self, chat_id, data) -> None:
        pass

    async def update_bot_data(self, data) -> None:
        pass

    async def update_callback_data(self, data) -> None:
        pass

    async def drop_chat_data(self, chat_id) -> None:
        pass

    async def drop_user_data(self, user_id) -> None:
        pass

    async def refresh_user_data(self, user_id, user_data) -> None:
        pass

    async def refresh_chat_data(self, chat_id, chat_data) -> None:
        pass

    async def refresh_bot_data(self, bot_data) -> None:
        pass

    async def flush(self) -> None:
        pass

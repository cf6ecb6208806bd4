"""The conversation log: SQLAlchemy 2 async models and the queries the bot needs.

The schema is owned by Alembic (bot/migrations); `Database.migrate()` applies the
migrations programmatically at startup. SQLite (aiosqlite) by default, any async URL
(e.g. postgresql+asyncpg://...) through KEPEMILUAN_DATABASE_URL.

Privacy: users are stored only as an HMAC-SHA256 pseudonym of their Telegram id
(`pseudonymize`). The one exception is `staff_requests.chat_id`: a human can only answer
someone they can reach. /hapusdata deletes both tables' rows for the user; a daily job
deletes everything older than the retention period.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_LOCK_KEY = 0x6B6570_6D69  # pg advisory lock held while migrating ("kepmi")

# Integer primary keys that autoincrement on SQLite and are 64-bit elsewhere.
BigId = BigInteger().with_variant(Integer, "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def pseudonymize(user_id: int, salt: str) -> str:
    """Stable pseudonymous id for a Telegram user: HMAC-SHA256(salt, user id), hex."""
    return hmac.new(salt.encode("utf-8"), str(user_id).encode("ascii"), hashlib.sha256).hexdigest()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Conversation(Base):
    """One question and the answer the bot gave (one row per answered question)."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_pseudonym: Mapped[str] = mapped_column(String(64), index=True)
    chat_type: Mapped[str] = mapped_column(String(16), default="private")
    question: Mapped[str] = mapped_column(Text)
    question_truncated: Mapped[bool] = mapped_column(default=False)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(64), default="")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    # [{"n": 1, "label": ..., "passage_id": ..., "doc_id": ..., "url": ..., "status": ...}]
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    engine_ms: Mapped[float] = mapped_column(Float, default=0.0)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)  # update received -> reply ready
    feedback: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)  # +1 / -1
    feedback_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class StaffRequest(Base):
    """Legacy (0001): a citizen's request for a human, before the ticket desk existed.

    The bot no longer writes it: requests are tickets (bot/tickets.py). Migration 0002 copied
    the open rows into tickets; the table stays so /hapusdata and retention still clear old rows.
    """

    __tablename__ = "staff_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_pseudonym: Mapped[str] = mapped_column(String(64), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    conversation_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("conversations.id", ondelete="SET NULL"), nullable=True, index=True
    )
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="baru")  # baru | diproses | selesai


@dataclass(frozen=True)
class Deleted:
    conversations: int
    staff_requests: int


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA secure_delete=ON")  # deleted rows (/hapusdata, retention) are overwritten
    cur.close()


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _upgrade(connection: Connection, url: str, revision: str) -> None:
    from alembic import command

    cfg = alembic_config(url)
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


class Database:
    """Async access to the conversation log."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        # hide_parameters: an error's message (logged) never carries the citizen's text
        kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def migrate(self, revision: str = "head") -> None:
        """Apply Alembic migrations up to `revision` (run at startup)."""
        async with self.engine.begin() as conn:
            if not self.is_sqlite:
                # replicas starting together: one migrates, the others wait and then find it done
                from sqlalchemy import text

                await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            await conn.run_sync(_upgrade, self.url, revision)

    async def close(self) -> None:
        await self.engine.dispose()

    # ------------------------------------------------------------------ conversations

    async def log_conversation(
        self,
        *,
        user_pseudonym: str,
        chat_type: str,
        question: str,
        question_truncated: bool,
        decision: str,
        reason: str,
        confidence: float,
        sources: list[dict[str, Any]],
        engine_ms: float,
        latency_ms: float,
    ) -> int:
        values = dict(
            created_at=utcnow(),
            user_pseudonym=user_pseudonym,
            chat_type=chat_type,
            question=question,
            question_truncated=question_truncated,
            decision=decision,
            reason=reason[:64],
            confidence=float(confidence),
            sources=sources,
            engine_ms=engine_ms,
            latency_ms=latency_ms,
        )
        # Core insert: one per answered question, so skip the ORM unit-of-work overhead
        async with self.engine.begin() as conn:
            result = await conn.execute(insert(Conversation).values(**values))
            return int(result.inserted_primary_key[0])

    async def get_conversation(self, conversation_id: int) -> Conversation | None:
        async with self.sessions() as s:
            return await s.get(Conversation, conversation_id)

    async def latest_conversation(self, user_pseudonym: str) -> Conversation | None:
        async with self.sessions() as s:
            res = await s.execute(
                select(Conversation)
                .where(Conversation.user_pseudonym == user_pseudonym)
                .order_by(Conversation.id.desc())
                .limit(1)
            )
            return res.scalar_one_or_none()

    async def set_feedback(self, conversation_id: int, user_pseudonym: str, value: int) -> bool:
        """Store +1/-1 for the asker's own conversation. False if not found / not theirs."""
        async with self.sessions.begin() as s:
            res = await s.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id, Conversation.user_pseudonym == user_pseudonym)
                .values(feedback=1 if value > 0 else -1, feedback_at=utcnow())
            )
            return res.rowcount == 1

    async def conversations_for(self, user_pseudonym: str) -> list[Conversation]:
        async with self.sessions() as s:
            res = await s.execute(
                select(Conversation)
                .where(Conversation.user_pseudonym == user_pseudonym)
                .order_by(Conversation.id)
            )
            return list(res.scalars())

    # ------------------------------------------------------------------ staff requests (legacy: tickets replaced them)

    async def staff_requests_for(self, user_pseudonym: str) -> list[StaffRequest]:
        async with self.sessions() as s:
            res = await s.execute(
                select(StaffRequest)
                .where(StaffRequest.user_pseudonym == user_pseudonym)
                .order_by(StaffRequest.id)
            )
            return list(res.scalars())

    # ------------------------------------------------------------------ privacy

    async def delete_user_data(self, user_pseudonym: str) -> Deleted:
        """Everything stored about one user (/hapusdata)."""
        async with self.sessions.begin() as s:
            r1 = await s.execute(delete(StaffRequest).where(StaffRequest.user_pseudonym == user_pseudonym))
            r2 = await s.execute(delete(Conversation).where(Conversation.user_pseudonym == user_pseudonym))
        return Deleted(conversations=r2.rowcount or 0, staff_requests=r1.rowcount or 0)

    async def purge_older_than(self, days: int, *, now: datetime | None = None) -> Deleted:
        """Retention: delete rows older than `days` days."""
        cutoff = (now or utcnow()) - timedelta(days=days)
        async with self.sessions.begin() as s:
            r1 = await s.execute(delete(StaffRequest).where(StaffRequest.created_at < cutoff))
            r2 = await s.execute(delete(Conversation).where(Conversation.created_at < cutoff))
        return Deleted(conversations=r2.rowcount or 0, staff_requests=r1.rowcount or 0)

    async def count(self, model: type[Base]) -> int:
        async with self.sessions() as s:
            return int((await s.execute(select(func.count()).select_from(model))).scalar_one())

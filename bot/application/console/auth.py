"""The console's login links, sessions and CSRF tokens (no telegram, no Starlette).

Login without passwords:
- `/konsol` in a private chat issues a one-time token (`issue_login`): 32 random bytes,
  url-safe; only its SHA-256 is stored (`console_login_tokens`), bound to the Telegram user and
  their roles, expiring after 10 minutes.
- `redeem` spends it with one conditional UPDATE (`used_at IS NULL AND expires_at > now`): a
  second use fails on every replica, and opens a session (`console_sessions`, again only the
  hash of the cookie's value) that expires after `settings.console_session_hours`.
- The CSRF token is HMAC-SHA256(session token, "csrf"): nothing more to store, valid on every
  replica, useless without the HttpOnly cookie.
- `/konsol keluar` (`revoke_all`) ends every session and unused link of the user.

Retention: sessions and links are staff data (a Telegram id and a display name). Expired or
revoked ones are deleted by the retention job after a day (`purge_expired`); `/hapusdata` from a
staff member deletes theirs at once (bot/privacy.py).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, DateTime, String, delete, or_, update
from sqlalchemy.orm import Mapped, mapped_column

from ...db import Base, Database, utcnow
from ...tickets import aware

STAFF = "staff"
ADMIN = "admin"
LOGIN_TTL = timedelta(minutes=10)
PURGE_AFTER = timedelta(days=1)  # expired/revoked sessions and links are kept this long, then deleted


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def csrf_for(session_token: str) -> str:
    return hmac.new(session_token.encode("utf-8"), b"csrf", hashlib.sha256).hexdigest()


class _Grant:
    """The columns a login link and a session share: a token's SHA-256, bound to one Telegram
    user (their name and roles), valid until `expires_at`. Each table's own column has
    sort_order=1: it comes after these, as migration 0006 creates it."""

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    roles: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginToken(_Grant, Base):
    """A one-time login link (its SHA-256 only), bound to one Telegram user."""

    __tablename__ = "console_login_tokens"

    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, sort_order=1)


class ConsoleSession(_Grant, Base):
    """A browser session (the SHA-256 of the cookie's value)."""

    __tablename__ = "console_sessions"

    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, sort_order=1)


@dataclass(frozen=True)
class Principal:
    """Who is logged in (from a valid session)."""

    user_id: int
    name: str
    roles: tuple[str, ...]
    csrf: str

    @property
    def is_staff(self) -> bool:
        return STAFF in self.roles

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles

    @property
    def actor(self) -> str:
        """How the audit log names a console action (admins and staff are not citizens: id kept)."""
        return f"konsol:{self.user_id}"


def _roles(text: str) -> tuple[str, ...]:
    return tuple(r for r in text.split(",") if r in (STAFF, ADMIN))


class ConsoleAuth:
    def __init__(self, db: Database, *, session_hours: float = 8.0) -> None:
        self.db = db
        self.session_ttl = timedelta(hours=session_hours)

    async def issue_login(self, user_id: int, name: str, roles: tuple[str, ...] | list[str]) -> str:
        """A new one-time login token for this user (the raw value goes into the link only)."""
        raw = secrets.token_urlsafe(32)
        now = utcnow()
        async with self.db.sessions.begin() as s:
            s.add(LoginToken(token_hash=token_hash(raw), user_id=user_id, name=name[:128], roles=",".join(roles),
                             created_at=now, expires_at=now + LOGIN_TTL))
        return raw

    async def redeem(self, raw: str) -> tuple[str, Principal] | None:
        """Spend a login token (once, before it expires): (session token, principal), else None."""
        if not raw or len(raw) > 200:
            return None
        h, now = token_hash(raw), utcnow()
        async with self.db.sessions.begin() as s:
            res = await s.execute(
                update(LoginToken)
                .where(LoginToken.token_hash == h, LoginToken.used_at.is_(None), LoginToken.expires_at > now)
                .values(used_at=now)
            )
            if res.rowcount != 1:
                return None
            row = await s.get(LoginToken, h)
            session = secrets.token_urlsafe(32)
            s.add(ConsoleSession(token_hash=token_hash(session), user_id=row.user_id, name=row.name, roles=row.roles,
                                 created_at=now, expires_at=now + self.session_ttl))
            return session, Principal(row.user_id, row.name, _roles(row.roles), csrf_for(session))

    async def principal(self, session: str | None) -> Principal | None:
        """The session's user, when the session exists, is not revoked and has not expired."""
        if not session or len(session) > 200:
            return None
        async with self.db.sessions() as s:
            row = await s.get(ConsoleSession, token_hash(session))
        if row is None or row.revoked_at is not None or aware(row.expires_at) <= utcnow():
            return None
        return Principal(row.user_id, row.name, _roles(row.roles), csrf_for(session))

    async def logout(self, session: str) -> None:
        async with self.db.sessions.begin() as s:
            await s.execute(update(ConsoleSession).where(ConsoleSession.token_hash == token_hash(session))
                            .values(revoked_at=utcnow()))

    async def revoke_all(self, user_id: int) -> int:
        """`/konsol keluar`: end every session of the user and spend their unused links."""
        now = utcnow()
        async with self.db.sessions.begin() as s:
            res = await s.execute(update(ConsoleSession).where(
                ConsoleSession.user_id == user_id, ConsoleSession.revoked_at.is_(None), ConsoleSession.expires_at > now,
            ).values(revoked_at=now))
            await s.execute(update(LoginToken).where(LoginToken.user_id == user_id, LoginToken.used_at.is_(None))
                            .values(used_at=now))
            return res.rowcount or 0

    async def purge_expired(self, *, now: datetime | None = None) -> int:
        """Retention: delete sessions and links that ended more than a day ago."""
        async with self.db.sessions.begin() as s:
            return await purge_console(s, now=now)


async def purge_console(s, *, now: datetime | None = None) -> int:
    """Sessions and links that ended more than PURGE_AFTER ago (inside the caller's transaction)."""
    cutoff = (now or utcnow()) - PURGE_AFTER
    a = await s.execute(delete(ConsoleSession).where(or_(ConsoleSession.expires_at < cutoff,
                                                         ConsoleSession.revoked_at < cutoff)))
    b = await s.execute(delete(LoginToken).where(LoginToken.expires_at < cutoff))
    return (a.rowcount or 0) + (b.rowcount or 0)


async def erase_staff(s, user_id: int) -> None:
    """/hapusdata from a staff member: their console sessions and links (inside the caller's transaction)."""
    await s.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user_id))
    await s.execute(delete(LoginToken).where(LoginToken.user_id == user_id))

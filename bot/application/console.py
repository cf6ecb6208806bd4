"""The staff and admin web console's own use cases: login links, sessions, CSRF, the inbox's
queries and the aggregate statistics. No telegram, no Starlette (bot/console/ is the web adapter;
bot/handlers/console.py the /konsol command).

Everything that changes a ticket goes through `bot.application.desk.Desk`, the same use cases the
Telegram handlers call: a claim, reply or close in the console edits the staff group's card
through the outbox, and a claim in Telegram shows in the console (one database, one truth).

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

Statistics are aggregate and pseudonymous: counts per day, shares, durations; the question
lists show scrubbed texts (`faq_scrub`: no numbers, names, e-mail, handles) with counts, never a
chat id or a pseudonym.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, DateTime, String, delete, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Conversation, Database, utcnow
from ..outbox_store import FAILED, SENT, OutboxMessage
from ..texts.desk import faq_scrub
from ..tickets import DITUTUP, OPEN, PETUGAS, SISTEM, FaqEntry, Ticket, TicketMessage, aware

STAFF = "staff"
ADMIN = "admin"
LOGIN_TTL = timedelta(minutes=10)
PURGE_AFTER = timedelta(days=1)  # expired/revoked sessions and links are kept this long, then deleted
PAGE = 50


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def csrf_for(session_token: str) -> str:
    return hmac.new(session_token.encode("utf-8"), b"csrf", hashlib.sha256).hexdigest()


class LoginToken(Base):
    """A one-time login link (its SHA-256 only), bound to one Telegram user."""

    __tablename__ = "console_login_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    roles: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ConsoleSession(Base):
    """A browser session (the SHA-256 of the cookie's value)."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    roles: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


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


# ====================================================================== the inbox

AGES = {"1j": timedelta(hours=1), "4j": timedelta(hours=4), "24j": timedelta(hours=24), "3h": timedelta(days=3)}


@dataclass(frozen=True)
class Filters:
    """The inbox's filters. status: a status or "terbuka" (baru + diambil) or "" (all);
    age: older than one of AGES; assignee: "saya" (me), "kosong" (nobody) or ""; q: search text."""

    status: str = "terbuka"
    kind: str = ""
    age: str = ""
    assignee: str = ""
    q: str = ""
    page: int = 0


@dataclass(frozen=True)
class Queue:
    open: int
    oldest_minutes: int | None


@dataclass
class TicketView:
    ticket: Ticket
    transcript: list[TicketMessage]
    faq: FaqEntry | None
    relays: list[dict[str, Any]] = field(default_factory=list)  # the relays' delivery states


def age_minutes(ticket: Ticket, now: datetime | None = None) -> int:
    return max(0, int(ticket.age(now).total_seconds() // 60))


_LIKE_ESCAPE = str.maketrans({"%": r"\%", "_": r"\_", "\\": r"\\"})


class Inbox:
    """The console's reads of the desk (same tables as bot/tickets.py, read only)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def tickets(self, f: Filters, *, user_id: int | None = None, limit: int = PAGE) -> tuple[list[Ticket], int]:
        """(a page of tickets, how many match), newest first; open queues oldest first."""
        conds = []
        if f.status == "terbuka":
            conds.append(Ticket.status.in_(OPEN))
        elif f.status:
            conds.append(Ticket.status == f.status)
        if f.kind:
            conds.append(Ticket.kind == f.kind)
        if f.age in AGES:
            conds.append(Ticket.created_at < utcnow() - AGES[f.age])
        if f.assignee == "saya" and user_id is not None:
            conds.append(Ticket.assignee_id == user_id)
        elif f.assignee == "kosong":
            conds.append(Ticket.assignee_id.is_(None))
        q = " ".join(f.q.split())[:200]
        if q:
            number = q.lstrip("#")
            pattern = f"%{q.lower().translate(_LIKE_ESCAPE)}%"
            text_match = or_(
                func.lower(Ticket.question).like(pattern, escape="\\"),
                Ticket.id.in_(select(TicketMessage.ticket_id)  # what citizens and staff wrote, not system notes
                              .where(TicketMessage.author != SISTEM,
                                     func.lower(TicketMessage.text).like(pattern, escape="\\"))),
            )
            conds.append(or_(Ticket.id == int(number), text_match) if number.isdigit() and len(number) < 18
                         else text_match)
        order = (Ticket.created_at, Ticket.id) if f.status == "terbuka" else (Ticket.id.desc(),)
        async with self.db.sessions() as s:
            total = int((await s.execute(select(func.count()).select_from(Ticket).where(*conds))).scalar_one())
            rows = await s.execute(select(Ticket).where(*conds).order_by(*order)
                                   .limit(limit).offset(max(0, f.page) * limit))
            return list(rows.scalars()), total

    async def queue(self) -> Queue:
        async with self.db.sessions() as s:
            n, oldest = (await s.execute(
                select(func.count(), func.min(Ticket.created_at)).where(Ticket.status.in_(OPEN)))).one()
        minutes = None if oldest is None else max(0, int((utcnow() - aware(oldest)).total_seconds() // 60))
        return Queue(int(n), minutes)

    async def view(self, n: int) -> TicketView | None:
        async with self.db.sessions() as s:
            ticket = await s.get(Ticket, n)
            if ticket is None:
                return None
            transcript = list((await s.execute(
                select(TicketMessage).where(TicketMessage.ticket_id == n).order_by(TicketMessage.id))).scalars())
            faq = (await s.execute(select(FaqEntry).where(FaqEntry.ticket_id == n))).scalar_one_or_none()
            relays = (await s.execute(
                select(OutboxMessage.key, OutboxMessage.status, OutboxMessage.sent_at)
                .where(OutboxMessage.ticket_id == n, OutboxMessage.purpose == "relay").order_by(OutboxMessage.id)
            )).all()
        states = [{"key": k, "status": st, "sent_at": aware(at)} for k, st, at in relays]
        return TicketView(ticket, transcript, faq, states)


def ticket_json(t: Ticket, now: datetime | None = None) -> dict[str, Any]:
    """The API's row: what the issue's interface names (no chat id)."""
    return {"number": t.id, "kind": t.kind, "status": t.status, "question": t.question,
            "assignee": t.assignee_name, "age_minutes": age_minutes(t, now)}


# ====================================================================== what citizens ask

DECISIONS = ("answer", "abstain", "escalate")
AGE_BUCKETS = (("< 1 jam", timedelta(hours=1)), ("1–4 jam", timedelta(hours=4)), ("4–24 jam", timedelta(hours=24)),
               ("1–3 hari", timedelta(days=3)), ("> 3 hari", None))
_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP = frozenset("yang dan atau apa apakah bagaimana untuk dengan dari pada dalam ini itu saya kami kita bisa "
                  "tidak kalau jika adalah akan sudah ada juga mau ingin tolong mohon gimana kah nya".split())


@dataclass(frozen=True)
class Day:
    date: str
    counts: dict[str, int]  # decision -> questions
    up: int
    down: int


@dataclass(frozen=True)
class Gap:
    """Questions the knowledge base did not serve, grouped by similarity."""

    text: str  # the group's most frequent (scrubbed) wording
    count: int
    examples: tuple[str, ...]
    abstained: int
    disliked: int


@dataclass(frozen=True)
class Stats:
    days: list[Day]
    total: int
    up: int
    down: int
    gaps: list[Gap]
    first_reply_median_min: float | None
    first_reply_p90_min: float | None
    first_replies: int
    open_by_age: list[tuple[str, int]]


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP)


def group_similar(texts: list[tuple[str, str]], *, threshold: float = 0.5, limit: int = 30) -> list[Gap]:
    """Greedy grouping of (scrubbed text, why) by word-set Jaccard similarity ≥ threshold."""
    groups: list[dict[str, Any]] = []
    for text, why in texts:
        words = _words(text)
        best, score = None, 0.0
        for g in groups:
            union = len(words | g["words"]) or 1
            sim = len(words & g["words"]) / union
            if sim > score:
                best, score = g, sim
        if best is not None and score >= threshold:
            best["texts"][text] += 1
            best[why] += 1
        else:
            groups.append({"words": words, "texts": Counter({text: 1}), "abstain": 0, "down": 0} | {why: 1})
    out = []
    for g in groups:
        common = [t for t, _ in g["texts"].most_common()]
        out.append(Gap(common[0], sum(g["texts"].values()), tuple(common[1:4]), g["abstain"], g["down"]))
    out.sort(key=lambda g: (-g.count, g.text))
    return out[:limit]


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


class Insights:
    """Aggregate, pseudonymous statistics of the conversation log and the desk."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def stats(self, *, days: int = 14, now: datetime | None = None) -> Stats:
        from ..texts.desk import JAKARTA

        now = now or utcnow()
        since = now - timedelta(days=days)
        async with self.db.sessions() as s:
            rows = (await s.execute(select(Conversation.created_at, Conversation.decision, Conversation.feedback,
                                           Conversation.question)
                                    .where(Conversation.created_at >= since))).all()
            first = (await s.execute(
                select(Ticket.created_at, func.min(TicketMessage.at))
                .join(TicketMessage, TicketMessage.ticket_id == Ticket.id)
                .where(TicketMessage.author == PETUGAS, Ticket.created_at >= since)
                .group_by(Ticket.id, Ticket.created_at))).all()
            open_at = list((await s.execute(select(Ticket.created_at).where(Ticket.status.in_(OPEN)))).scalars())
        per_day: dict[str, Counter] = defaultdict(Counter)
        up = down = 0
        gaps: list[tuple[str, str]] = []
        for at, decision, feedback, question in rows:
            day = aware(at).astimezone(JAKARTA).date().isoformat()
            per_day[day][decision] += 1
            if feedback == 1:
                per_day[day]["__up"] += 1
                up += 1
            elif feedback == -1:
                per_day[day]["__down"] += 1
                down += 1
            if decision == "abstain" or feedback == -1:
                gaps.append((faq_scrub(question)[:300], "down" if feedback == -1 else "abstain"))
        start = since.astimezone(JAKARTA).date()
        series = []
        for i in range(days + 1):
            d = (start + timedelta(days=i)).isoformat()
            c = per_day.get(d, Counter())
            series.append(Day(d, {k: c.get(k, 0) for k in DECISIONS}, c.get("__up", 0), c.get("__down", 0)))
        waits = [(aware(reply) - aware(created)).total_seconds() / 60 for created, reply in first if reply]
        buckets = Counter()
        for created in open_at:
            age = now - aware(created)
            for label, limit in AGE_BUCKETS:
                if limit is None or age < limit:
                    buckets[label] += 1
                    break
        median, p90 = percentile(waits, 0.5), percentile(waits, 0.9)
        return Stats(series, len(rows), up, down, group_similar(gaps), median, p90, len(waits),
                     [(label, buckets.get(label, 0)) for label, _ in AGE_BUCKETS])


def csv_tables(stats: Stats) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The dashboard's tables as (header, rows), one CSV each."""
    return {
        "harian": (["tanggal", "dijawab", "tidak_dijawab", "diteruskan", "suka", "tidak_suka"],
                   [[d.date, d.counts["answer"], d.counts["abstain"], d.counts["escalate"], d.up, d.down]
                    for d in stats.days]),
        "celah": (["pertanyaan", "jumlah", "tidak_dijawab", "tidak_suka", "contoh_lain"],
                  [[g.text, g.count, g.abstained, g.disliked, " | ".join(g.examples)] for g in stats.gaps]),
        "antrian": (["umur", "tiket_terbuka"], [[label, n] for label, n in stats.open_by_age]),
        "tanggapan": (["ukuran", "menit"], [["median", _round(stats.first_reply_median_min)],
                                             ["p90", _round(stats.first_reply_p90_min)],
                                             ["tiket", stats.first_replies]]),
    }


@dataclass(frozen=True)
class Console:
    """The console's services, built once in the composition root."""

    auth: ConsoleAuth
    inbox: Inbox
    insights: Insights

    @classmethod
    def build(cls, db: Database, *, session_hours: float = 8.0) -> Console:
        return cls(ConsoleAuth(db, session_hours=session_hours), Inbox(db), Insights(db))


def _round(v: float | None) -> str:
    return "" if v is None else f"{v:.1f}"


__all__ = [
    "ADMIN", "Console", "DITUTUP", "FAILED", "SENT", "STAFF", "ConsoleAuth", "ConsoleSession", "Filters", "Inbox", "Insights",
    "LoginToken", "Principal", "Queue", "Stats", "TicketView", "age_minutes", "csrf_for", "csv_tables",
    "erase_staff", "group_similar", "purge_console", "ticket_json", "token_hash",
]

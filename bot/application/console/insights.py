"""What citizens ask: the dashboard's statistics.

Statistics are aggregate and pseudonymous: counts per day, shares, durations; the question
lists show scrubbed texts (`faq_scrub`: no numbers, names, e-mail, handles) with counts, never a
chat id or a pseudonym.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from ...db import Conversation, Database, utcnow
from ...texts.desk import faq_scrub
from ...tickets import OPEN, PETUGAS, Ticket, TicketMessage, aware


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
        from ...texts.desk import JAKARTA

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


def _round(v: float | None) -> str:
    return "" if v is None else f"{v:.1f}"


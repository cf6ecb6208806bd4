"""The evaluation rule (same as the project's reference scorer).

The gold excerpt counts as found at rank r when the first r sources together hold at least
tau of its distinct words; each source counts with its first MAX_SOURCE characters only.
"""
from __future__ import annotations

import re

WORD = re.compile(r"[0-9a-z]+")
MAX_SOURCE = 4000


def words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if len(w) > 1}


def first_hit(item: dict, answer: dict, tau: float) -> int | None:
    gold = words(item["excerpt"])
    seen: set[str] = set()
    for rank, src in enumerate((answer.get("sources") or [])[:10], 1):
        seen |= words((src.get("text") or "")[:MAX_SOURCE])
        if gold and len(gold & seen) / len(gold) >= tau:
            return rank
    return None


def _pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(len(values) * q))]


def score(items: list[dict], answers: list[dict], k: int = 5, tau: float = 0.7) -> dict:
    if len(items) != len(answers):
        raise ValueError(f"{len(items)} items but {len(answers)} answers")
    ans = [(i, a) for i, a in zip(items, answers) if i["expect"] == "answer"]
    ranks = [first_hit(i, a, tau) for i, a in ans]
    n = len(ans) or 1
    out: dict = {
        "answerable": len(ans),
        "recall@1": sum(1 for r in ranks if r and r <= 1) / n,
        "recall@3": sum(1 for r in ranks if r and r <= 3) / n,
        f"recall@{k}": sum(1 for r in ranks if r and r <= k) / n,
        "mrr@10": sum(1 / r for r in ranks if r and r <= 10) / n,
        "answered": sum(1 for _, a in ans if a.get("decision") == "answer") / n,
    }
    for kind in ("abstain", "escalate"):
        sel = [(i, a) for i, a in zip(items, answers) if i["expect"] == kind]
        out[f"{kind}_cases"] = len(sel)
        out[f"{kind}_correct"] = (sum(1 for _, a in sel if a.get("decision") == kind) / len(sel)) if sel else None
    out["answerable_escalated"] = sum(1 for _, a in ans if a.get("decision") == "escalate") / n
    lat = sorted(a["latency_ms"] for a in answers if isinstance(a.get("latency_ms"), (int, float)))
    if lat:
        out["latency_p50_ms"] = lat[len(lat) // 2]
        out["latency_p95_ms"] = _pct(lat, 0.95)
    out["misses"] = [i["id"] for (i, _), r in zip(ans, ranks) if not (r and r <= k)]
    return out

"""Learned query expansion: the law's words for the words citizens use instead (issue 10).

The generated questions (ingest/corpus/questions/) pair a citizen's wording with the passage that
answers it. Over all of them, a question word that the answering passage itself seldom contains
("nyalon", "duit", "ngusung") is a word of the citizen's, not of the law; the passage words that
come with it far more often than in passages at large ("calon", "dana", "usul") are the law's
words for it. A question that uses such a word also searches for those, with a small weight.

Fitted by `python -m bench.train_expansion` (article-grouped cross-validation: each fold's table is
learned from the other folds' questions) into knowledge/data/expansion.json; plain Python here.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

EXPANSION_FILE = Path(__file__).parent / "data" / "expansion.json"

# what makes a pair (citizen word t, law word v), over the training questions that contain t:
MIN_QUESTIONS = 4  # t is in at least this many questions
MAX_SELF = 0.5  # and in the answering passage of at most this share of them (else it is the law's word)
MIN_PAIRS = 3  # v is in the answering passage of at least this many of them
MIN_SHARE = 0.25  # and of at least this share of them
MIN_LIFT = 4.0  # and that share is this many times v's share of all passages
PER_WORD = 3  # the strongest pairs kept per citizen word


@dataclass
class LearnedExpansion:
    table: dict[str, list[str]]  # citizen word (stem) -> law words (stems), strongest first
    weight: float = 0.0
    meta: dict = field(default_factory=dict)

    def terms(self, query_tokens: Iterable[str]) -> list[str]:
        out: list[str] = []
        for t in query_tokens:
            for v in self.table.get(t, ()):
                if v not in out:
                    out.append(v)
        return out

    def save(self, path: Path = EXPANSION_FILE) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        body = {"weight": self.weight, "meta": self.meta, "table": dict(sorted(self.table.items()))}
        path.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = EXPANSION_FILE) -> "LearnedExpansion | None":
        if not path.exists():
            return None
        d = json.loads(path.read_text(encoding="utf-8"))
        return cls({k: list(v) for k, v in d["table"].items()}, float(d.get("weight", 0.0)), d.get("meta", {}))


@lru_cache(maxsize=4)
def _shipped(path: str, _mtime_ns: int) -> "LearnedExpansion | None":
    return LearnedExpansion.load(Path(path))


def shipped_expansion(path: Path = EXPANSION_FILE) -> "LearnedExpansion | None":
    """The fitted table (read once per file version), or None when there is none or its weight is 0."""
    try:
        got = _shipped(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None
    return got if got is not None and got.weight > 0 else None


def fit_expansion(pairs: Sequence[tuple[Sequence[str], set[str]]], passage_tokens: Sequence[set[str]],
                  weight: float = 0.0, *, max_self: float = MAX_SELF, per_word: int = PER_WORD,
                  min_lift: float = MIN_LIFT, min_share: float = MIN_SHARE) -> LearnedExpansion:
    """`pairs`: (a training question's search tokens, its answering passage's tokens);
    `passage_tokens`: every indexed passage's tokens (the background)."""
    n_passages = len(passage_tokens) or 1
    df = Counter(v for toks in passage_tokens for v in toks)
    with_t: dict[str, list[set[str]]] = {}
    for q, gold in pairs:
        for t in set(q):
            with_t.setdefault(t, []).append(gold)
    table: dict[str, list[str]] = {}
    for t, golds in with_t.items():
        n = len(golds)
        if n < MIN_QUESTIONS or sum(t in g for g in golds) / n > max_self:
            continue
        counts = Counter(v for g in golds for v in g if v != t)
        scored = []
        for v, c in counts.items():
            share = c / n
            lift = share / (df[v] / n_passages) if df[v] else 0.0
            if c >= MIN_PAIRS and share >= min_share and lift >= min_lift:
                scored.append((share * math.log(lift), v))
        if scored:
            table[t] = [v for _, v in sorted(scored, key=lambda x: (-x[0], x[1]))[:per_word]]
    return LearnedExpansion(table, weight)

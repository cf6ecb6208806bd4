"""BM25 over passages with Indonesian stemming and stopwords (bm25s)."""
from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

import numpy as np
import bm25s

from .model import Passage
from .text import OcrRepair, tokens


def index_text(p: Passage, section: str | None = None) -> str:
    """What the indexes see: the passage plus its structural context (never shown to anyone).

    The BAB / Bagian heading is repeated: it names the topic of every article under it
    ("BAB III PERSYARATAN CALON"), which is how citizens phrase questions.
    """
    sec = section if section is not None else p.section
    sec = re.sub(r"\b(BAB|Bagian|Paragraf)\s+\S+", " ", sec or "")
    head = " ".join(x for x in (sec, sec, p.title if p.kind == "berita" else "") if x)
    return f"{head}\n{p.text}"


WRITTEN_MIN = 50  # passages (bench/rules_ablation.py)


class LexicalIndex:
    def __init__(self, passages: list[Passage], k1: float = 0.8, b: float = 0.5,
                 sections: dict[str, str] | None = None):
        self.passages = passages
        sections = sections or {}
        # Typo correction aims at this vocabulary: clean texts only, so that an OCR slip such as
        # "agaimana" never becomes the "correct" spelling of a citizen's word.
        counts, self.passage_counts = _clean_counts(passages)
        self.vocabulary = frozenset(counts)
        # the words the clean laws write in at least WRITTEN_MIN passages: a citizen's abbreviation
        # among them ("tps", "kpps") is the law's own word (knowledge.text.expand_query)
        self.written = written_words(self.passage_counts)
        repair = OcrRepair(counts) if counts and any(p.quality == "ocr" for p in passages) else None
        texts = [index_text(p, sections.get(p.id)) for p in passages]
        self.doc_tokens = [tokens(repair.text(t) if repair and p.quality == "ocr" else t)
                           for p, t in zip(passages, texts)]
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        if passages:
            self._bm25.index([t or ["_"] for t in self.doc_tokens], show_progress=False)

    def search(self, query: str, k: int = 50, extra: str = "", extra_weight: float = 1.0,
               boost: str = "", learned: Sequence[str] = (), learned_weight: float = 0.0) -> list[tuple[int, float]]:
        """BM25 of `query`, plus BM25 of `extra` (expansion terms not already in the query) × extra_weight,
        plus BM25 of `boost` × extra_weight for passages that match the query's own words only: words
        that re-rank what the citizen asked about and bring in a passage by themselves only when the
        citizen's own words match nothing (the election-type words: "pilkada" -> "gubernur bupati
        walikota" must not make an article that lists the offices an answer to a question about
        campaign teams)."""
        q = tokens(query)
        more = [t for t in dict.fromkeys(tokens(extra)) if t not in q]
        gated = [t for t in dict.fromkeys(tokens(boost)) if t not in q and t not in more]
        # `learned`: index terms (already stemmed) that the law uses where citizens use the query's
        # words (knowledge/expansion.py), × learned_weight
        taught = [t for t in dict.fromkeys(learned) if t not in q and t not in more] if learned_weight > 0 else []
        if not (q or more or gated or taught) or not self.passages:
            return []
        scores = self._bm25.get_scores(q) if q else np.zeros(len(self.passages), dtype=np.float32)
        if gated:
            # re-rank the passages that match the citizen's own words; when none does ("yang
            # nyelenggarain pilgub siapa?" has no other word the law uses), they are all there is
            own = scores > 0
            scores = scores + extra_weight * self._bm25.get_scores(gated) * (own if own.any() else 1.0)
        if more:
            scores = scores + extra_weight * self._bm25.get_scores(more)
        if taught:
            scores = scores + learned_weight * self._bm25.get_scores(taught)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


def _clean_counts(passages: list[Passage]) -> tuple[Counter, Counter]:
    """(word counts, passage counts) over the clean (not OCR) passages, in one pass."""
    counts: Counter = Counter()
    df: Counter = Counter()
    for p in passages:
        if p.quality != "ocr":
            ws = _raw_words(p.text)
            counts.update(ws)
            df.update(set(ws))
    return counts, df


def written_words(passage_counts: Counter, at: int = WRITTEN_MIN) -> frozenset[str]:
    """The words written in at least `at` clean passages."""
    return frozenset(w for w, c in passage_counts.items() if c >= at)


def _raw_words(text: str):
    from .text import words

    return words(text)

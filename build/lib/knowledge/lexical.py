"""BM25 over passages with Indonesian stemming and stopwords (bm25s)."""
from __future__ import annotations

import re

import numpy as np
import bm25s

from .model import Passage
from .text import tokens


def index_text(p: Passage, section: str | None = None) -> str:
    """What the indexes see: the passage plus its structural context (never shown to anyone).

    The BAB / Bagian heading is repeated: it names the topic of every article under it
    ("BAB III PERSYARATAN CALON"), which is how citizens phrase questions.
    """
    sec = section if section is not None else p.section
    sec = re.sub(r"\b(BAB|Bagian|Paragraf)\s+\S+", " ", sec or "")
    head = " ".join(x for x in (sec, sec, p.title if p.kind == "berita" else "") if x)
    return f"{head}\n{p.text}"


class LexicalIndex:
    def __init__(self, passages: list[Passage], k1: float = 1.2, b: float = 0.5,
                 sections: dict[str, str] | None = None):
        self.passages = passages
        sections = sections or {}
        self.doc_tokens = [tokens(index_text(p, sections.get(p.id))) for p in passages]
        self.vocabulary = frozenset(w for p in passages for w in _raw_words(p.text))
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        if passages:
            self._bm25.index([t or ["_"] for t in self.doc_tokens], show_progress=False)

    def search(self, query: str, k: int = 50) -> list[tuple[int, float]]:
        q = tokens(query)
        if not q or not self.passages:
            return []
        scores = self._bm25.get_scores(q)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


def _raw_words(text: str):
    from .text import words

    return words(text)

"""The message-kind classifier: is a message a question about the rules, a report of a violation,
a question about today's facts (office holders, results), or something outside election law?

Linear models (logistic regression) over hashed word and character n-grams with TF-IDF
weights, trained by `bench/train_classifier.py` and shipped as one small JSON file
(`knowledge/data/decide-model.json`): the hashed columns that were kept, their IDF, and the
coefficients. Nothing is fitted at run time, and a rebuild from the same inputs writes the same
bytes (sorted inputs, fixed seeds, one BLAS thread, rounded floats).

The same file holds the answerability calibration used by `knowledge.decide` (a logistic map
from the classifier's domain score and retrieval strength to a probability).
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .text import expand_query, tokens

DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_FILE = DATA_DIR / "decide-model.json"
REPORTS_FILE = DATA_DIR / "laporan-2014-train.jsonl"
OWN_TEXTS_FILE = DATA_DIR / "decide-texts.jsonl"

QUESTION, REPORT, CURRENT_FACT, OUT_OF_SCOPE = "question", "report", "current_fact", "out_of_scope"
KINDS = (QUESTION, REPORT, CURRENT_FACT)

N_FEATURES = 2 ** 18
# Two views of a message. "raw": its words as typed, which is how a report reads differently from
# a question. "content": its stemmed content words only (stopwords and question words gone), so
# that whether a message is about election law rests on its topic, never on its register.
VIEWS = {"raw": (("word", (1, 2)), ("char_wb", (2, 5))), "content": (("word", (1, 2)), ("char_wb", (3, 5)))}
MIN_DF = 2
_DIGITS = re.compile(r"\d")
_WS = re.compile(r"(?:\\[nrt]|\s)+")


def prep(text: str) -> str:
    """What the n-grams see: lower case, every digit a 0 (dates, ballot numbers and amounts
    generalise), literal "\\n" from exported data and runs of space as one space."""
    return _WS.sub(" ", _DIGITS.sub("0", (text or "").lower())).strip()


def content(text: str) -> str:
    """The content view: stemmed content words, with the law's words added for slang and everyday
    phrases (knowledge.text.expand_query: "jual beli suara" also reads "politik uang memberikan
    uang ..."), so that a question in words the training texts lack is still about election law."""
    return _DIGITS.sub("0", " ".join(tokens(expand_query(_WS.sub(" ", text or ""))[0])))


@lru_cache(maxsize=None)
def _hasher(view: str, analyzer: str, ngram: tuple[int, int]):
    # imported here: scikit-learn takes ~2 s to import, and a process that never classifies a
    # message (an ingest run) should not pay for it
    from sklearn.feature_extraction.text import HashingVectorizer

    kw = {"token_pattern": r"(?u)\b\w+\b|\?"} if analyzer == "word" else {}
    return HashingVectorizer(analyzer=analyzer, ngram_range=ngram, n_features=N_FEATURES, alternate_sign=False,
                             norm=None, lowercase=False, preprocessor=prep if view == "raw" else content,
                             dtype=np.float64, **kw)


def counts(texts: list[str], view: str) -> list[sp.csr_matrix]:
    """Raw hashed n-gram counts, one matrix per block of `view`."""
    return [_hasher(view, a, n).transform(texts).tocsr() for a, n in VIEWS[view]]


@dataclass
class Block:
    """The kept columns of one n-gram block (hashed index -> position) and their IDF."""
    kept: np.ndarray  # sorted hashed indices, int64
    idf: np.ndarray   # float64, one per kept column

    @classmethod
    def fit(cls, x: sp.csr_matrix) -> "Block":
        df = np.bincount(x.indices, minlength=x.shape[1])
        kept = np.flatnonzero(df >= MIN_DF)
        idf = np.log((1 + x.shape[0]) / (1 + df[kept])) + 1.0
        return cls(kept.astype(np.int64), _round32(idf))

    def apply(self, x: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear TF × IDF over the kept columns, each row L2-normalised."""
        if not len(self.kept):
            return sp.csr_matrix((x.shape[0], 0))
        pos = np.minimum(np.searchsorted(self.kept, x.indices), len(self.kept) - 1)
        hit = self.kept[pos] == x.indices
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))[hit]
        cols = pos[hit]
        vals = (1.0 + np.log(x.data[hit])) * self.idf[cols]
        out = sp.csr_matrix((vals, (rows, cols)), shape=(x.shape[0], len(self.kept)))
        norms = np.sqrt(np.asarray(out.multiply(out).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ out)


def features(blocks: list[Block], texts: list[str], view: str) -> sp.csr_matrix:
    return sp.hstack([b.apply(x) for b, x in zip(blocks, counts(texts, view))], format="csr")


def _views() -> dict:
    return {v: [[a, n[0], n[1]] for a, n in bs] for v, bs in VIEWS.items()}


def _round32(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def _enc(a: np.ndarray, dtype) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype=dtype).tobytes()).decode("ascii")


def _dec(s: str, dtype) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype=dtype).astype(np.float64 if dtype != "<i4" else np.int64)


@dataclass
class Head:
    """One logistic-regression output over the shared features."""
    classes: tuple[str, ...]
    coef: np.ndarray       # (classes, features); one row for a binary head
    intercept: np.ndarray

    def probs(self, x: sp.csr_matrix) -> np.ndarray:
        z = np.asarray(x @ self.coef.T) + self.intercept
        if len(self.classes) == 2:  # sklearn's binary form: one column, for classes[1]
            z = np.hstack([np.zeros((x.shape[0], 1)), z[:, -1:]])
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def to_dict(self) -> dict:
        return {"classes": list(self.classes), "coef": _enc(self.coef, "<f2"), "coef_shape": list(self.coef.shape),
                "intercept": [round(float(x), 6) for x in self.intercept]}

    @classmethod
    def from_dict(cls, d: dict) -> "Head":
        return cls(tuple(d["classes"]), _dec(d["coef"], "<f2").reshape(d["coef_shape"]),
                   np.asarray(d["intercept"], dtype=np.float64))


KIND, DOMAIN = "kind", "domain"  # the heads: question/report/current_fact; in/out of election law
IN, OUT = "in", "out"
HEAD_VIEW = {KIND: "raw", DOMAIN: "content"}


@dataclass
class TextModel:
    """The fitted classifier: n-gram features per view, one head per decision.
    `probs(text)` -> {label: probability} over every head's labels."""
    blocks: dict[str, list[Block]]
    heads: dict[str, Head]

    def probs_many(self, texts: list[str]) -> dict[str, np.ndarray]:
        return {name: h.probs(features(self.blocks[HEAD_VIEW[name]], texts, HEAD_VIEW[name]))
                for name, h in self.heads.items()}

    def probs(self, text: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, p in self.probs_many([text]).items():
            out.update(zip(self.heads[name].classes, (float(v) for v in p[0])))
        return out

    def to_dict(self) -> dict:
        return {
            "n_features": N_FEATURES, "views": _views(), "min_df": MIN_DF,
            "kept": {v: [_enc(b.kept, "<i4") for b in bs] for v, bs in sorted(self.blocks.items())},
            "idf": {v: [_enc(b.idf, "<f4") for b in bs] for v, bs in sorted(self.blocks.items())},
            "heads": {k: h.to_dict() for k, h in sorted(self.heads.items())},
        }

    @classmethod
    def from_dict(cls, d: dict) -> "TextModel":
        if d["n_features"] != N_FEATURES or d.get("views") != _views():
            raise ValueError("decide-model.json was built with other feature settings: rebuild it")
        blocks = {v: [Block(_dec(k, "<i4"), _dec(i, "<f4")) for k, i in zip(d["kept"][v], d["idf"][v])]
                  for v in d["kept"]}
        return cls(blocks, {k: Head.from_dict(h) for k, h in d["heads"].items()})


# The few out-of-scope texts weigh 5 × a question each, not "balanced" (~25 ×): a word seen only in
# them (e.g. "akun") must not outweigh the topic of a question.
HEAD_FIT = {KIND: {"C": 8.0, "class_weight": "balanced"}, DOMAIN: {"C": 2.0, "class_weight": {IN: 1.0, OUT: 5.0}}}


def fit_text_model(texts: list[str], heads: dict[str, list[str | None]]) -> TextModel:
    """Fit one head per entry of `heads` (labels per text; None = not a training row of that head).
    Deterministic: the caller passes the texts in a fixed order."""
    from sklearn.linear_model import LogisticRegression

    blocks, xs = {}, {}
    for view in sorted({HEAD_VIEW[h] for h in heads}):
        raw = counts(texts, view)
        blocks[view] = [Block.fit(x) for x in raw]
        xs[view] = sp.hstack([b.apply(r) for b, r in zip(blocks[view], raw)], format="csr")
    fitted = {}
    for name, labels in heads.items():
        rows = [i for i, y in enumerate(labels) if y is not None]
        lr = LogisticRegression(**HEAD_FIT[name], max_iter=5000, tol=1e-6)
        lr.fit(xs[HEAD_VIEW[name]][rows], [labels[i] for i in rows])
        # float16 coefficients: the artefact stays small and a rebuild rounds to the same bits
        fitted[name] = Head(tuple(str(c) for c in lr.classes_), lr.coef_.astype(np.float16).astype(np.float64),
                            np.round(lr.intercept_, 6))
    return TextModel(blocks, fitted)


# -- answerability calibration ---------------------------------------------------------------

@dataclass
class Calibration:
    """P(the corpus answers this question) from [domain score, retrieval strength, coverage,
    best-passage overlap] (knowledge.decide.answer_features).

    Plus one piece of evidence a linear map cannot weigh: every query term in one passage, with a
    BM25 per term beyond what 90 % of answerable training questions reach (`strong_strength`).
    Then the corpus answers whatever the domain score says (a document an admin just added has
    words no training text had); `strong_confidence` is the share of training questions meeting
    that test that were answerable."""
    coef: tuple[float, ...]
    intercept: float
    threshold: float  # abstain below this probability
    strong_strength: float = float("inf")
    strong_confidence: float = 0.0

    def prob(self, feats: tuple[float, ...]) -> float:
        z = self.intercept + sum(c * f for c, f in zip(self.coef, feats))
        p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
        if len(feats) >= 4 and feats[3] >= 1.0 and feats[1] >= self.strong_strength:
            p = max(p, self.strong_confidence)
        return p

    def to_dict(self) -> dict:
        return {"coef": [round(c, 6) for c in self.coef], "intercept": round(self.intercept, 6),
                "threshold": self.threshold, "strong_strength": round(self.strong_strength, 6),
                "strong_confidence": round(self.strong_confidence, 6)}

    @classmethod
    def from_dict(cls, d: dict) -> "Calibration":
        return cls(tuple(float(c) for c in d["coef"]), float(d["intercept"]), float(d["threshold"]),
                   float(d["strong_strength"]), float(d["strong_confidence"]))


def domain_score(probs: dict[str, float]) -> float:
    """Log-odds that the message is about election law at all."""
    p = min(1 - 1e-6, max(1e-6, probs.get(OUT, 0.0)))
    return math.log((1 - p) / p)


@dataclass
class DecideModel:
    text: TextModel
    calibration: Calibration
    report_threshold: float
    current_fact_threshold: float
    meta: dict


def load(path: Path = MODEL_FILE) -> DecideModel:
    d = json.loads(Path(path).read_text(encoding="utf-8"))
    return DecideModel(TextModel.from_dict(d["text_model"]), Calibration.from_dict(d["calibration"]),
                       float(d["thresholds"]["report"]), float(d["thresholds"]["current_fact"]),
                       {k: d[k] for k in ("inputs_sha256", "cv") if k in d})


@lru_cache(maxsize=1)
def shipped() -> DecideModel:
    """The shipped model (loaded once per process)."""
    return load(MODEL_FILE)


def dumps(model: DecideModel) -> str:
    """The artefact's bytes: sorted keys, fixed separators, so equal models give equal files."""
    d = {"text_model": model.text.to_dict(), "calibration": model.calibration.to_dict(),
         "thresholds": {"report": model.report_threshold, "current_fact": model.current_fact_threshold},
         **model.meta}
    return json.dumps(d, sort_keys=True, ensure_ascii=False, indent=0) + "\n"


def digest(parts: list[str]) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()

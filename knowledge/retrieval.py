"""Hybrid retrieval over an in-memory passage catalog: BM25 ⊕ dense, fused by score (max-normalised BM25 + weighted dense score, times priors),
plus direct article lookup and amendment awareness.

Plain Python: the dense side is any callable `dense(query, k) -> [(passage_id, similarity)]`.
"""
from __future__ import annotations

import dataclasses
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable, Sequence

import bm25s
import numpy as np

from .effects import DIHAPUS, DIUBAH as _AMENDED, Effect, EffectIndex, Target
from .expansion import shipped_expansion
from .lexical import LexicalIndex
from .model import BERITA, DICABUT, DIUBAH, BERLAKU, KIND_PASAL, KIND_PENJELASAN, Passage
from .pieces import join_neighbours
from .text import INTENTS, ROUTING, SLANG, clean_input, expand_query, normalize_query, stem, tokens, unframed

# Weight of the words query normalisation adds (slang -> legal terms) against the citizen's own.
EXPANSION_WEIGHT = 0.6

# How many distinct articles lead the ranking before older versions of the same articles.
DISTINCT_TOP = 5

# The fitted ranking weights (bench/ablation.py --fit writes this file; see Weights).
WEIGHTS_FILE = Path(__file__).with_name("ranking.json")

DenseFn = Callable[[str, int], list[tuple[str, float]]]


@dataclass(frozen=True)
class Question:
    """A generated citizen question (doc2query); a hit on it is a hit on its parent passage."""
    id: str
    passage_id: str
    text: str


# Signals (each max-normalised per question, then summed with these weights) and the priors
# (log-linear: the fused score is multiplied by exp(sum of weight x feature)).
SIGNALS = ("lexical", "question", "dense", "dense_question")
PRIORS = ("repealed", "amended", "named", "route", "route_other", "sanction", "definition", "definition_list",
          "time_limit", "explanation", "formal", "struck_out", "duty", "prohibition")


@dataclass
class Weights:
    """Fusion weights and prior weights. Defaults: lexical only, no priors; the shipped values
    are fitted by cross-validation on the generated questions (bench/ablation.py --fit)."""
    lexical: float = 1.0
    question: float = 0.0
    dense: float = 0.0
    dense_question: float = 0.0
    repealed: float = 0.0  # the article's law is repealed (and the question does not name it)
    amended: float = 0.0  # a newer version of the article exists
    named: float = 0.0  # the question names this law ("menurut UU 8/2012", "UU Pilkada")
    route: float = 0.0  # the law belongs to the election type the question names (pilkada, pemilu, ...)
    route_other: float = 0.0  # the question names an election type and this law is of another
    sanction: float = 0.0  # "sanksinya apa?" x the criminal-provisions chapter
    definition: float = 0.0  # "apa itu ...?" x a definitions article
    definition_list: float = 0.0  # any other question x a definitions article
    time_limit: float = 0.0  # "kapan / berapa lama" x an article with a time limit
    explanation: float = 0.0  # a Penjelasan passage
    formal: float = 0.0  # "Penetapan Perppu menjadi UU", an amendment law's own Pasal I/II
    struck_out: float = 0.0  # "Ketentuan Pasal 169 dihapus.": nothing in force to quote
    duty: float = 0.0  # "tugasnya apa? / ngurusin apa?" x an article on an institution's duties and powers
    prohibition: float = 0.0  # "boleh nggak …?" x an article that forbids ("dilarang") or a LARANGAN heading

    def signal_vector(self) -> np.ndarray:
        return np.array([getattr(self, n) for n in SIGNALS], dtype=np.float64)

    def prior_vector(self) -> np.ndarray:
        return np.array([getattr(self, n) for n in PRIORS], dtype=np.float64)

    def to_dict(self) -> dict:
        return {n: round(float(getattr(self, n)), 4) for n in SIGNALS + PRIORS}

    @classmethod
    def from_dict(cls, d: dict) -> "Weights":
        return cls(**{k: float(v) for k, v in d.items() if k in SIGNALS + PRIORS})

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> "Weights":
        """The fitted weights, or the lexical-only defaults when the file is missing."""
        try:
            return cls.from_dict(_ranking_file(path)["weights"])
        except (OSError, KeyError, ValueError):
            return cls()


def _ranking_file(path: Path) -> dict:
    """ranking.json, parsed once per version of the file (every engine rebuild asks for it)."""
    p = Path(path)
    return _parsed(str(p), p.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _parsed(path: str, _mtime_ns: int) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


# The rules outside the weights, each switched on or off by the ablation (bench/ablation.py), which
# records the shipped choice in ranking.json under "rules".
RULES = ("intents", "route_words", "definitions")
RULE_DEFAULTS = {"intents": True, "route_words": False, "definitions": True}


def load_rules(path: Path = WEIGHTS_FILE) -> dict[str, bool]:
    """The shipped rule switches (ranking.json "rules"), or the defaults when absent."""
    try:
        got = _ranking_file(path).get("rules") or {}
    except (OSError, ValueError):
        got = {}
    return {k: bool(got.get(k, v)) for k, v in RULE_DEFAULTS.items()}


@dataclass
class Features:
    """One question's candidates (indexes into the catalog's passages) with their signal scores
    (n x len(SIGNALS), max-normalised) and prior features (n x len(PRIORS))."""
    idx: np.ndarray
    signals: np.ndarray
    priors: np.ndarray
    base: np.ndarray  # hand-set factors outside the fit (the news prior)
    lex_top: float = 1.0  # the best raw passage BM25 (signals are divided by it)

    def scores(self, w: Weights) -> np.ndarray:
        return (self.signals @ w.signal_vector()) * np.exp(self.priors @ w.prior_vector()) * self.base


@dataclass
class Scored:
    passage: Passage
    score: float
    lexical: float = 0.0
    dense: float = 0.0
    direct: bool = False
    parts: tuple = ()  # knowledge.model.Part: joined pieces of one article (knowledge/pieces.py)


# Election types. A document's type comes from its title; a question's from the words citizens use
# for the election it is about. Routing is a prior on the DOCUMENT: these words are never matched
# against passage text (an article that lists "gubernur, bupati, walikota" ten times is no
# better an answer for it).
_TYPE_MARKERS = {"pilkada": "pemilihan gubernur", "pemilu": "pemilihan umum", "parpol": "partai politik",
                 "mk": "mahkamah konstitusi", "uud": "undang-undang dasar"}
_TYPE_WORDS = {
    "pilkada": re.compile(r"\b(pilkada|pemilukada|pilgub|pilbup|pilwalkot|gubernur|bupati|wali ?kota|walkot|"
                          r"kepala daerah|cagub|cawagub|cabup|cawabup|cawalkot|pemilihan kepala)\b"),
    "pemilu": re.compile(r"\b(pemilu|pemilihan umum|pileg|pilpres|legislatif|caleg|capres|cawapres|presiden|dpr|dpd)\b"),
    "parpol": re.compile(r"\b(parpol|partai)\b"),
    "mk": re.compile(r"\b(mk|mahkamah konstitusi|hakim konstitusi)\b"),
    "uud": re.compile(r"\b(uud|undang[- ]undang dasar|amandemen)\b"),
}
# Kinds of question, each tied to a part of a law found from the document's structure.
_ASKS_SANCTION = re.compile(r"\b(sanksi\w*|pidana\w*|dipidana|penjara|dipenjara|denda\w*|hukum(?:an|annya)|dihukum|"
                            r"ancaman\w*|kurungan)\b")
_ASKS_DEFINITION = re.compile(r"\b(apa\s+(?:itu|sih\s+itu|yang\s+dimaksud)|yang\s+dimaksud|maksudnya|"
                              r"pengertian|definisi|artinya)\b")
_ASKS_TIME = re.compile(r"\b(kapan|berapa\s+lama|berapa\s+(?:hari|bulan|tahun|jam)|batas\s+waktu|paling\s+lambat|"
                        r"tenggat|deadline|jangka\s+waktu|sampai\s+kapan)\b")
_TIME_LIMIT = re.compile(r"\b(paling\s+(?:lama|lambat|cepat)|selambat-lambatnya|jangka\s+waktu|dalam\s+waktu)\b"
                         r"[^.;]{0,60}?\b(hari|bulan|tahun|jam)\b|\b\d+\s*\(\s*[a-z ]+\)\s*(hari|bulan|tahun|jam)\b",
                         re.I)
_DEFINITION_LIST = re.compile(r"yang\s+dimaksud\s+dengan\s*:", re.I)
_ASKS_DUTY = re.compile(r"\b(tugas\w*|bertugas|wewenang\w*|kewenangan\w*|berwenang|kewajiban\w*|fungsi\w*|peran\w*|"
                        r"ngurus(?:in)?|ngapain|kerjanya)\b")
_ASKS_PERMISSION = re.compile(r"\b(boleh\w*|diperbolehkan|dibolehkan|dilarang|larangan\w*|melanggar|"
                              r"diizinkan|dibenarkan|sah\s+(?:nggak|gak|ga|tidak|kah))\b")
_PROHIBITS = re.compile(r"\bdilarang\b", re.I)
# A duties article: under a "Tugas, Wewenang, dan Kewajiban" heading, or opening with "X bertugas:".
_DUTY_SECTION = re.compile(r"\b(TUGAS|WEWENANG|KEWAJIBAN)\b")
_DUTY_OPENING = re.compile(r"\b(bertugas|berwenang|berkewajiban|wajib\s*:|tugas,?\s+(?:dan\s+)?wewenang)", re.I)

_LAW_ALIASES = [
    (re.compile(r"\buud(?:\s*(?:19)?45)?\b|\bundang[- ]undang dasar\b"), "uud-1945"),
    (re.compile(r"\buu\s+pilkada\b|\bundang[- ]undang pilkada\b"), "uu-1-2015"),
    (re.compile(r"\buu\s+pemilu\b"), "uu-7-2017"),
    (re.compile(r"\buu\s+(?:parpol|partai politik)\b"), "uu-2-2008"),
    (re.compile(r"\buu\s+(?:mk|mahkamah konstitusi)\b"), "uu-24-2003"),
]
_LAW_REF = re.compile(
    r"\b(uu|undang[- ]undang|perppu|pkpu|perbawaslu|peraturan kpu|peraturan bawaslu)\s*(?:no(?:mor)?\.?\s*)?(\d+)\s*(?:/|tahun|th\.?)\s*(\d{4})\b")
_PASAL_REF = re.compile(r"\bpasal\s+(\d+[a-z]?)\b(?:\s+ayat\s*\(?(\d+)\)?)?")
_PREFIX = {"uu": "uu", "undang-undang": "uu", "undang undang": "uu", "perppu": "perppu", "pkpu": "pkpu",
           "peraturan kpu": "pkpu", "perbawaslu": "perbawaslu", "peraturan bawaslu": "perbawaslu"}


# "apa itu DPT?", "siapa itu pengawas TPS", "apa yang dimaksud dengan kampanye", "pengertian TPS"
_DEFINITION_Q = [
    re.compile(r"^\s*(?:apa|siapa)(?:kah)?\s+(?:itu|yang dimaksud(?:\s+dengan)?|arti(?:nya)?|maksud(?:nya)?|pengertian|definisi)\s+(.{2,60}?)\s*\??\s*$", re.I),
    re.compile(r"^\s*(?:pengertian|definisi|arti)\s+(?:dari\s+)?(.{2,60}?)\s*\??\s*$", re.I),
    # "DPT itu apa?", "Pemilih itu maksudnya siapa sih?", "KPPS artinya apa?", "DPT apa?" — but not
    # "PPK tugasnya apa?", "mau jadi KPPS syaratnya apa" or "yang mimpin rapat pleno siapa": without
    # "itu" / "maksudnya" / "artinya", only a single word is the term asked about.
    re.compile(r"^\s*(.{2,40}?)\s+(?:itu\s+(?:(?:maksud|arti)(?:nya)?\s+)?|(?:maksud|arti)(?:nya)?\s+)(?:apa|siapa)(?:\s+sih)?\s*\??\s*$", re.I),
    re.compile(r"^\s*([^\s?]{2,30})\s+(?:apa|siapa)(?:\s+sih)?\s*\??\s*$", re.I),
    re.compile(r"^\s*apa(?:kah)?\s+(?:itu\s+)?([A-Za-z]{2,8})\s*\??\s*$"),
]


# "bedanya KPU sama Bawaslu apa?", "perbedaan PPK dan PPS"
_COMPARE_Q = re.compile(
    r"\b(?:apa\s+)?(?:beda(?:nya)?|perbedaan)\s+(?:antara\s+)?(.{2,40}?)\s+(?:dan|dengan|dgn|sama|vs\.?|versus)\s+(.{2,40}?)(?:\s+(?:apa|itu|ya))?\s*\??\s*$",
    re.I)


def definition_terms(question: str) -> list[str]:
    """The terms a definition question asks about: one ("apa itu DPT?") or two ("bedanya X dan Y?")."""
    m = _COMPARE_Q.search(question.strip())
    if m:
        return [t.strip(" ?.!") for t in m.groups() if 1 <= len(t.split()) <= 5]
    term = definition_term(question)
    return [term] if term else []


def definition_term(question: str) -> str | None:
    for rx in _DEFINITION_Q:
        m = rx.match(question.strip())
        if m:
            term = re.sub(r"^(?:itu|yang|dengan)\s+", "", m.group(1).strip(" ?.!"), flags=re.I)
            if 1 <= len(term.split()) <= 5:
                return term
    return None


def defines(text: str, term: str) -> bool:
    """Does this passage hold a definition line of `term` ("N. Pemilih adalah ...", "..., selanjutnya disingkat DPR, adalah")?"""
    t = re.escape(term)
    rx = re.compile(rf"(?mi)^(?:\d+\.\s+)?(?:{t}\b[^\n]{{0,60}}?|[^\n]{{0,120}}?(?:disingkat|disebut)\s+{t}\b[^\n]{{0,20}}?)\badalah\b")
    return bool(rx.search(text))


def _doc_order(p: Passage) -> tuple:
    return (p.year or 0, int(p.number) if (p.number or "").isdigit() else 0)


class Catalog:
    """All passages, with the amendment graph derived from their metadata."""

    def __init__(self, passages: list[Passage], extra_effects: list[Effect] | tuple = ()):
        """`extra_effects`: article effects recorded by admins (issue 11), part of the snapshot."""
        self.passages = passages
        self.by_id = {p.id: p for p in passages}
        self._lower: dict[str, str] = {}
        self.docs: dict[str, Passage] = {}
        for p in passages:
            self.docs.setdefault(p.doc_id, p)
        # (base doc, pasal) -> doc ids that hold a version of that article, oldest first
        versions: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.pieces: dict[tuple[str, str, str], list[Passage]] = defaultdict(list)  # (doc, kind, pasal) -> pieces
        for p in passages:
            if p.pasal:
                self.pieces[(p.doc_id, p.kind, p.pasal)].append(p)
            if p.kind == KIND_PASAL and p.pasal and not re.fullmatch(r"[IVX]+", p.pasal) and "penetapan/" not in p.id:
                versions[(p.amends or p.doc_id, p.pasal)].add(p.doc_id)
        self.versions = {k: sorted(v, key=lambda d: _doc_order(self.docs[d])) for k, v in versions.items()}
        self.amended_by: dict[str, list[str]] = defaultdict(list)
        for p in passages:
            if p.amends and p.doc_id not in self.amended_by[p.amends]:
                self.amended_by[p.amends].append(p.doc_id)
        for k in self.amended_by:
            self.amended_by[k].sort(key=lambda d: _doc_order(self.docs[d]))
        # issue 11: court rulings, repeal clauses and admin records, per article (knowledge/effects.py)
        self.effects = EffectIndex(passages, extra_effects)

    def lower(self, p: Passage) -> str:
        """The passage text lowercased (cached: definition lookups scan every passage)."""
        got = self._lower.get(p.id)
        if got is None:
            got = self._lower[p.id] = p.text.lower()
        return got

    def sections(self) -> dict[str, str]:
        """Effective section per passage: an amending text inherits its base article's heading; an
        inserted article (Pasal 187A, with no heading of its own) the heading of the article it
        follows (Pasal 187)."""
        base = {}
        for p in self.passages:
            if p.kind == KIND_PASAL and p.pasal and p.section and not p.amends:
                base.setdefault((p.doc_id, p.pasal), p.section)

        def inherited(p: Passage) -> str:
            got = base.get((p.amends, p.pasal))
            if got is None and p.kind == KIND_PASAL and p.pasal:
                m = re.fullmatch(r"(\d+)[A-Z]+", p.pasal)
                got = base.get((p.amends, m.group(1))) if m else None
            return got or ""

        return {p.id: inherited(p) for p in self.passages if p.amends and not p.section}

    def key(self, p: Passage) -> tuple[str, str] | None:
        if p.kind != KIND_PASAL or not p.pasal or "penetapan/" in p.id:
            return None
        return (p.amends or p.doc_id, p.pasal)

    def chain(self, p: Passage) -> list[str]:
        k = self.key(p)
        return self.versions.get(k, [p.doc_id]) if k else [p.doc_id]

    def status(self, p: Passage) -> tuple[str, list[str]]:
        """Effective status of this passage's text: dicabut (doc repealed), diubah (a newer version exists), berlaku."""
        if p.status == DICABUT:
            return DICABUT, [d for d in (p.status_by or "").split(",") if d]
        if p.status == DIUBAH and p.status_by and not self.amended_by.get(p.doc_id):
            # an admin's correction (/status ... diubah oleh ...) for a law whose amendment is not in
            # the corpus; where it is, the article-level chain below knows better
            return DIUBAH, [d for d in p.status_by.split(",") if d]
        repeals = self.effects.repeals(p.doc_id)
        if repeals:  # a later regulation in the index repeals this one ("… dicabut dan dinyatakan tidak berlaku")
            return DICABUT, sorted({e.by for e in repeals})
        chain = self.chain(p)
        if p.doc_id in chain and chain[-1] != p.doc_id:
            if self.deleted(p):  # the article itself was struck out ("Ketentuan Pasal 169 dihapus.")
                return DICABUT, [chain[-1]]
            return DIUBAH, chain[chain.index(p.doc_id) + 1:]
        return BERLAKU, []

    def article_effects(self, p: Passage) -> list[Effect]:
        """Every effect on p's article, oldest first: amendments (from the version chain), then court
        rulings, repeal clauses and admin records (knowledge/effects.py)."""
        out: list[Effect] = []
        chain = self.chain(p)
        if p.kind == KIND_PASAL and p.pasal and p.doc_id in chain:
            target = Target(p.amends or p.doc_id, p.pasal)
            for d in chain[chain.index(p.doc_id) + 1:]:
                gone = all(x.amend_action == "dihapus" for x in self.pieces.get((d, KIND_PASAL, p.pasal), []))
                out.append(Effect(DIHAPUS if gone else _AMENDED, target, d))
        out.extend(self.effects.for_passage(p, newest=bool(chain) and chain[-1] == p.doc_id))
        out.extend(self.effects.repeals(p.doc_id))
        return out

    def deleted(self, p: Passage) -> bool:
        """Was p's article struck out by a later amendment?"""
        newest = self.latest(p)
        return bool(newest) and all(x.amend_action == "dihapus" for x in newest)

    def latest(self, p: Passage) -> list[Passage]:
        """Pieces of the newest version of p's article (p's own pieces if it is the newest)."""
        chain = self.chain(p)
        return self.pieces.get((chain[-1], KIND_PASAL, p.pasal), []) if chain[-1] != p.doc_id else []

    def article(self, doc_id: str, pasal: str, kind: str = KIND_PASAL) -> list[Passage]:
        got = self.pieces.get((doc_id, kind, pasal), [])
        return [p for p in got if "penetapan/" not in p.id] or got

    def resolve_doc(self, ref: str) -> list[str]:
        """Doc ids for a reference ('uu-1-2015'), including the amendment laws of a base law."""
        if ref not in self.docs:
            return []
        return [ref] + self.amended_by.get(ref, [])


class Retriever:
    """Candidates from every signal, fused with fitted weights, scaled by fitted priors; then
    definitions, direct article references and amendment order (see search)."""

    def __init__(self, catalog: Catalog, lexical: LexicalIndex, dense: DenseFn | None = None,
                 dense_weight: float | None = None, lexical_weight: float | None = None, *,
                 questions: Sequence[Question] = (), question_dense: DenseFn | None = None,
                 weights: Weights | None = None, intents: bool | None = None, route_words: bool | None = None,
                 definitions: bool | None = None, learned_expansion: bool = True):
        """`dense(query, k)` -> [(passage id, cosine)]; `question_dense(query, k)` -> [(question id,
        cosine)] over the generated questions. `weights`: default the fitted ones (ranking.json);
        `dense_weight` / `lexical_weight` override single weights (settings, old callers).
        `intents` (the INTENTS expansions), `route_words` (score election-type expansions such as
        pilkada -> "pemilihan gubernur bupati walikota" against the text of passages that already
        match the citizen's own words; before issue 10 they were scored against every passage)
        and `definitions` (definition lookup for "apa itu X?") switch rules on and off for the
        ablation (bench/ablation.py); None = the shipped choice in ranking.json ("rules").
        `learned_expansion`: the law's words for a citizen's (knowledge/expansion.py, the shipped
        table); off in the benches that cross-validate other parts (their folds must not see it)."""
        self.catalog = catalog
        self.lexical = lexical
        self.dense = dense
        self.question_dense = question_dense
        w = dataclasses.replace(weights) if weights is not None else Weights.load()
        if dense_weight is not None:
            w.dense = dense_weight
        if lexical_weight is not None:
            w.lexical = lexical_weight
        self.weights = w
        self.reranker = None  # knowledge.rerank.TreeReranker: re-orders the fused candidates (Engine sets it)
        shipped = load_rules() if None in (intents, route_words, definitions) else RULE_DEFAULTS
        self.intents = shipped["intents"] if intents is None else intents
        self.route_words = shipped["route_words"] if route_words is None else route_words
        self.definitions = shipped["definitions"] if definitions is None else definitions
        self.lists: dict[str, object] = {}  # e.g. {"phrases": False}: bench/rules_ablation.py
        self.distinct_top = DISTINCT_TOP
        self.join_pieces = True  # neighbouring pieces of one article among the sources: one source
        # knowledge.expansion.LearnedExpansion: the law's words for a citizen's
        self.expansion = shipped_expansion() if learned_expansion else None
        self._pos = {p.id: i for i, p in enumerate(lexical.passages)}
        # the generated questions, each pointing at its parent passage's position
        self.questions = [q for q in questions if q.passage_id in self._pos]
        self._q_pos = {q.id: j for j, q in enumerate(self.questions)}
        self._q_parent = np.array([self._pos[q.passage_id] for q in self.questions], dtype=np.int64)
        self._doc_types = self._types_of_docs()
        self._static = self._passage_features()
        # Words only the news knows (places, people, organisations): a question that names one
        # is about an event, not about a rule.
        law_terms: set[str] = set()
        news_terms: set[str] = set()
        for p, toks in zip(lexical.passages, lexical.doc_tokens):
            (news_terms if p.doc_type == BERITA else law_terms).update(toks)
        self._news_only = frozenset(news_terms - law_terms - {stem(w) for w in SLANG})
        self._is_news = np.array([p.doc_type == BERITA for p in lexical.passages], dtype=bool)

    @cached_property
    def _question_bm25(self) -> bm25s.BM25:
        """BM25 over the generated questions, built on first use: with the shipped weight 0 an
        engine rebuild never pays for it."""
        index = bm25s.BM25()
        index.index([tokens(expand_query(q.text)[0]) or ["_"] for q in self.questions], show_progress=False)
        return index

    def _types_of_docs(self) -> dict[str, set[str]]:
        """Election type(s) of each law from its title; an amendment law shares its base law's."""
        types = {d: {n for n, m in _TYPE_MARKERS.items() if m in p.title.lower()} if p.doc_type != BERITA else set()
                 for d, p in self.catalog.docs.items()}
        for d, p in self.catalog.docs.items():
            if p.amends in types:
                types[d] |= types[p.amends]
        # the constitution is the base law of every kind of election (Pasal 6A, 18, 22E, 24C, 28)
        every = set(_TYPE_MARKERS) - {"uud"}
        for d in types:
            if "uud" in types[d]:
                types[d] |= every
        return types

    def _passage_features(self) -> dict[str, np.ndarray]:
        """Per passage: legal status and the part of the law it is (from structure, not from questions)."""
        sections = self.catalog.sections()
        cols: dict[str, list] = defaultdict(list)
        amendment_docs = {p.doc_id for p in self.catalog.passages if p.amends}
        for p in self.lexical.passages:
            status, _ = self.catalog.status(p)
            section = (p.section or sections.get(p.id, "")).upper()
            law = p.doc_type != BERITA and p.kind in (KIND_PASAL, KIND_PENJELASAN)
            cols["repealed"].append(status == DICABUT)
            cols["amended"].append(status == DIUBAH)
            cols["sanction"].append(law and ("KETENTUAN PIDANA" in section or bool(re.search(r"\bdipidana\b", p.text))))
            cols["definition"].append(law and p.kind == KIND_PASAL and (
                bool(_DEFINITION_LIST.search(p.text[:300])) or (p.pasal == "1" and "KETENTUAN UMUM" in section)))
            cols["time_limit"].append(law and bool(_TIME_LIMIT.search(p.text)))
            cols["prohibition"].append(law and p.kind == KIND_PASAL and (
                bool(_PROHIBITS.search(p.text)) or "LARANGAN" in section))
            cols["duty"].append(law and p.kind == KIND_PASAL and (
                bool(_DUTY_SECTION.search(section)) or bool(_DUTY_OPENING.search(p.text[:200]))))
            cols["explanation"].append(p.kind == KIND_PENJELASAN)
            cols["formal"].append("penetapan/" in p.id or bool(
                p.pasal and p.doc_id in amendment_docs and re.fullmatch(r"[IVX]+", p.pasal)))
            cols["struck_out"].append(p.amend_action == "dihapus" or self.catalog.deleted(p))
        # A definitions article is one article, however many parts the chunker cut it into: a later
        # part holds no "yang dimaksud dengan:" opening, and some laws head the chapter otherwise
        # ("PENGERTIAN ISTILAH"), so every part takes the flag of the article.
        articles = [(p.doc_id, p.kind, p.pasal) if p.pasal else None for p in self.lexical.passages]
        def_articles = {a for a, d in zip(articles, cols["definition"]) if d and a}
        cols["definition"] = [d or a in def_articles for a, d in zip(articles, cols["definition"])]
        # a definitions article is not a duties article, though it defines the bodies that have duties
        cols["duty"] = [du and not de for du, de in zip(cols["duty"], cols["definition"])]
        return {k: np.array(v, dtype=np.float64) for k, v in cols.items()}

    def expand(self, question: str) -> tuple[str, str]:
        """(the citizen's words, typo-fixed and with slang expanded; the routing expansions).
        `self.lists`: hand-written lists switched off for an ablation (knowledge.text.expand_query)."""
        return expand_query(question, self.lexical.vocabulary, **{"written": self.lexical.written, **self.lists})

    def normalize(self, question: str) -> str:
        return normalize_query(question, self.lexical.vocabulary)

    def named_docs(self, question: str) -> set[str]:
        """Laws the question names ("UU 8/2012", "UU Pilkada"), with their amendment laws."""
        low = question.lower()
        out: set[str] = set()
        for m in _LAW_REF.finditer(low):
            prefix = _PREFIX.get(m.group(1).replace("  ", " "), "uu")
            out.update(self.catalog.resolve_doc(f"{prefix}-{m.group(2)}-{m.group(3)}"))
        for rx, doc in _LAW_ALIASES:
            if rx.search(low):
                out.update(self.catalog.resolve_doc(doc))
        return out

    # -- direct lookup ---------------------------------------------------------------------
    def direct(self, question: str) -> list[Passage]:
        low = question.lower()
        m = _PASAL_REF.search(low)
        if not m:
            return []
        pasal = m.group(1).upper() if m.group(1)[-1].isalpha() else m.group(1)
        ayat = m.group(2)
        docs: list[str] = []
        r = _LAW_REF.search(low)
        if r:
            prefix = _PREFIX.get(r.group(1).replace("  ", " "), "uu")
            docs = self.catalog.resolve_doc(f"{prefix}-{r.group(2)}-{r.group(3)}")
        else:
            for rx, doc in _LAW_ALIASES:
                if rx.search(low):
                    docs = self.catalog.resolve_doc(doc)
                    break
        if not docs:
            return []
        # newest version first, then older versions of the same article
        hits: list[Passage] = []
        for d in sorted(docs, key=lambda d: _doc_order(self.catalog.docs[d]), reverse=True):
            pieces = self.catalog.article(d, pasal)
            if ayat:
                pieces = sorted(pieces, key=lambda p: not _ayat_covers(p.ayat, ayat))
            hits.extend(pieces)
        return hits

    # -- search ------------------------------------------------------------------------------
    def features(self, question: str, expanded: tuple[str, str] | None = None,
                 exclude: str | Sequence[str] | None = None, pool: int = 100) -> Features:
        """Candidates of every signal (top `pool` each) with their signals and prior features.
        `exclude`: generated question id(s) left out of the question field (leave-one-out
        evaluation of that very question, and of its near-duplicate siblings)."""
        core, _ = expanded if expanded is not None else self.expand(question)
        low = clean_input(question).lower()
        n = len(self.lexical.passages)
        extra = [exp for rx, exp in INTENTS if rx.search(low)] if self.intents else []
        route = [SLANG[w] for w in core.split() if w in ROUTING] if self.route_words else []
        sig = np.zeros((n, len(SIGNALS)))
        learned = self.expansion.terms(tokens(core)) if self.expansion is not None else []
        for i, s in self.lexical.search(core, k=pool, extra=" ".join(extra), extra_weight=EXPANSION_WEIGHT,
                                        boost=" ".join(route), learned=learned,
                                        learned_weight=self.expansion.weight if self.expansion is not None else 0.0):
            sig[i, 0] = s
        ids = [exclude] if isinstance(exclude, str) else list(exclude or ())
        excl = [j for j in (self._q_pos.get(x) for x in ids) if j is not None]
        if self.questions and self.weights.question > 0:
            qt = tokens(core)
            if qt:
                qs = self._question_bm25.get_scores(qt).astype(np.float64)
                if excl:
                    qs[excl] = 0.0
                top = np.argpartition(-qs, min(pool, len(qs)) - 1)[:pool]
                top = top[qs[top] > 0]
                np.maximum.at(sig[:, 1], self._q_parent[top], qs[top])
        # the dense side embeds the question without its greeting and thanks (FRAMING), as the
        # lexical side searches it: the benches measured framed questions with the bare vector
        meant = unframed(low)
        if self.dense is not None and self.weights.dense > 0:
            for pid, sim in self.dense(meant, pool):
                if pid in self._pos:
                    sig[self._pos[pid], 2] = max(sig[self._pos[pid], 2], sim)
        if self.question_dense is not None and self.weights.dense_question > 0 and self.questions:
            for qid, sim in self.question_dense(meant, pool + 1):
                j = self._q_pos.get(qid)
                if j is not None and j not in excl:
                    i = self._q_parent[j]
                    sig[i, 3] = max(sig[i, 3], sim)
        np.maximum(sig, 0.0, out=sig)
        idx = np.flatnonzero(sig.any(axis=1))
        sig = sig[idx]
        top = sig.max(axis=0) if len(idx) else np.zeros(len(SIGNALS))
        sig = sig / np.where(top > 0, top, 1.0)
        lex_top = float(top[0]) if len(top) and top[0] > 0 else 1.0
        # prior features of the candidates
        named = self.named_docs(question)
        types = {t for t, rx in _TYPE_WORDS.items() if rx.search(low)}
        asks_def = bool(_ASKS_DEFINITION.search(low)) or bool(definition_terms(question))
        st = self._static
        doc_types = [self._doc_types.get(self.lexical.passages[i].doc_id, set()) for i in idx]
        not_named = np.array([self.lexical.passages[i].doc_id not in named for i in idx], dtype=np.float64)
        pri = np.zeros((len(idx), len(PRIORS)))
        pri[:, 0] = st["repealed"][idx] * not_named
        pri[:, 1] = st["amended"][idx]
        pri[:, 2] = 1.0 - not_named
        if types:
            pri[:, 3] = [bool(t & types) for t in doc_types]
            pri[:, 4] = [bool(t) and not (t & types) for t in doc_types]
        pri[:, 5] = st["sanction"][idx] * bool(_ASKS_SANCTION.search(low))
        pri[:, 6] = st["definition"][idx] * asks_def
        pri[:, 7] = st["definition"][idx] * (not asks_def)
        pri[:, 8] = st["time_limit"][idx] * bool(_ASKS_TIME.search(low))
        pri[:, 9] = st["explanation"][idx]
        pri[:, 10] = st["formal"][idx]
        pri[:, 11] = st["struck_out"][idx]
        pri[:, 12] = st["duty"][idx] * bool(_ASKS_DUTY.search(low))
        pri[:, 13] = st["prohibition"][idx] * bool(_ASKS_PERMISSION.search(low))
        # The news is no training signal (no generated questions): its prior stays hand-set.
        news_q = bool(self._news_only.intersection(tokens(core)))
        base = np.where(self._is_news[idx], 1.35 if news_q else 0.9, 1.0)
        return Features(idx, sig, pri, base, lex_top)

    def search(self, question: str, k: int = 10, expanded: tuple[str, str] | None = None,
               exclude: str | Sequence[str] | None = None, weights: Weights | None = None) -> list[Scored]:
        """`expanded`: what `expand(question)` returned, when the caller already has it."""
        feats = self.features(question, expanded, exclude)
        scores = feats.scores(weights or self.weights)
        if self.reranker is not None:
            scores = self.reranker.rerank(feats.signals, feats.priors, feats.base, scores)
        order = np.argsort(-scores, kind="stable")
        ranked = [Scored(self.lexical.passages[feats.idx[j]], float(scores[j]),
                         lexical=float(self._raw_lexical(feats, j)), dense=float(feats.signals[j, 2]))
                  for j in order if scores[j] > 0]
        direct = self.direct(question)
        by_lex = {s.passage.id: s.lexical for s in ranked}
        terms = definition_terms(question) if self.definitions else []
        if terms and not direct:
            defs: list[Passage] = []
            for term in terms:
                # "apa itu DPT?": the law may define the spelled-out "Daftar Pemilih Tetap" instead
                spellings = [term] + ([SLANG[term.lower()]] if term.lower() in SLANG else [])
                found = [p for p in self.catalog.passages if p.kind == KIND_PASAL and any(
                    t.lower() in self.catalog.lower(p) and defines(p.text, t) for t in spellings)]
                rank_of = {s.passage.id: i for i, s in enumerate(ranked)}
                found.sort(key=lambda p: (rank_of.get(p.id, 10**6), -_doc_order(p)[0]))
                defs.extend(p for p in found[: 6 // len(terms)] if p not in defs)
            if defs:
                top = ranked[0].score if ranked else 1.0
                ids = {p.id for p in defs}
                ranked = [Scored(p, top * 1.5 - 1e-6 * i, lexical=by_lex.get(p.id, 0.0), direct=False)
                          for i, p in enumerate(defs)] + [s for s in ranked if s.passage.id not in ids]
        if direct:
            top = ranked[0].score if ranked else 1.0
            ranked = [Scored(p, top * 2 + 1e-6 * (len(direct) - i), direct=True) for i, p in enumerate(direct)] + \
                     [s for s in ranked if s.passage.id not in {p.id for p in direct}]
        ranked = self._amendment_aware(ranked)
        return join_neighbours(ranked, self.catalog, k) if self.join_pieces else ranked[:k]

    def _raw_lexical(self, feats: Features, j: int) -> float:
        """The un-normalised passage BM25 of candidate j (the engine's confidence reads it)."""
        return feats.signals[j, 0] * feats.lex_top

    def _amendment_aware(self, ranked: list[Scored]) -> list[Scored]:
        """Put the newest text of an amended article right before its older versions."""
        out: list[Scored] = []
        seen: set[str] = set()
        by_id = {s.passage.id: s for s in ranked}
        for s in ranked:
            if s.passage.id in seen:
                continue
            newer = [p for p in self.catalog.latest(s.passage) if p.amend_action != "dihapus"]
            if newer:
                best = max(newer, key=lambda p: by_id[p.id].score if p.id in by_id else 0.0)
                if best.id not in seen:
                    src = by_id.get(best.id)
                    out.append(Scored(best, max(s.score, src.score if src else 0.0),
                                      src.lexical if src else s.lexical, src.dense if src else s.dense, s.direct))
                    seen.add(best.id)
            out.append(s)
            seen.add(s.passage.id)
        # One slot per article at the top: the older versions of an article already shown (its
        # citation names the chain) wait until the other candidate articles have had their turn.
        first: list[Scored] = []
        later: list[Scored] = []
        articles: set = set()
        pieces: set = set()
        for s in out:
            key = self.catalog.key(s.passage)
            if key is not None and not s.direct:
                newest = s.passage.doc_id == self.catalog.chain(s.passage)[-1]
                if (key in articles and not newest) or (key, s.passage.ayat) in pieces:
                    later.append(s)
                    continue
                articles.add(key)
                pieces.add((key, s.passage.ayat))
            first.append(s)
        return first[:self.distinct_top] + later + first[self.distinct_top:]


def _ayat_covers(rng: str | None, ayat: str) -> bool:
    if not rng:
        return True
    if "-" in rng:
        a, b = rng.split("-", 1)
        try:
            return int(a) <= int(ayat) <= int(b)
        except ValueError:
            return False
    return rng == ayat

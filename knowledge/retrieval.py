"""Hybrid retrieval over an in-memory passage catalog: BM25 ⊕ dense, fused by weighted RRF,
plus direct article lookup and amendment awareness.

Plain Python: the dense side is any callable `dense(query, k) -> [(passage_id, similarity)]`.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from .effects import DIHAPUS, DIUBAH as _AMENDED, Effect, EffectIndex, Target
from .lexical import LexicalIndex
from .model import BERITA, DICABUT, DIUBAH, BERLAKU, KIND_PASAL, KIND_PENJELASAN, Passage
from .text import SLANG, expand_query, normalize_query, stem, tokens

# Measured on the dev set with the bundled English MiniLM (bench/retrieval.py): dense search
# only adds noise for Indonesian legal text, so by default it gets no weight. With a multilingual
# model (KEPEMILUAN_DENSE_WEIGHT) it can earn more.
DEFAULT_DENSE_WEIGHT = 0.0

# Weight of the words query normalisation adds (slang -> legal terms) against the citizen's own.
EXPANSION_WEIGHT = 0.6

# How many distinct articles lead the ranking before older versions of the same articles.
DISTINCT_TOP = 5

DenseFn = Callable[[str, int], list[tuple[str, float]]]


@dataclass
class Scored:
    passage: Passage
    score: float
    lexical: float = 0.0
    dense: float = 0.0
    direct: bool = False


# Topic words that route a question to a family of laws (matched against document titles).
_TOPICS = {
    "pilkada": (re.compile(r"\b(pilkada|pemilukada|gubernur|bupati|walikota|wali kota|kepala daerah|cagub|cabup|cawalkot|pilgub|pilbup|pemilihan)\b"),
                "pemilihan gubernur"),
    "pemilu": (re.compile(r"\b(pemilu|pileg|pilpres|caleg|legislatif|dpr|dpd|dprd|presiden|capres|cawapres|partai lokal)\b"),
               "pemilihan umum"),
    "parpol": (re.compile(r"\b(parpol|partai politik|pendirian partai|kepengurusan partai)\b"), "partai politik"),
    "mk": (re.compile(r"\b(mk|mahkamah konstitusi|hakim konstitusi|sengketa hasil)\b"), "mahkamah konstitusi"),
    "uud": (re.compile(r"\b(warga negara|hak asasi|konstitusi|uud|setiap orang berhak|kedudukan)\b"), "undang-undang dasar"),
}

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


# "apa itu DPR?", "siapa itu pemilih", "apa yang dimaksud dengan kampanye", "pengertian TPS"
_DEFINITION_Q = [
    re.compile(r"^\s*(?:apa|siapa)(?:kah)?\s+(?:itu|yang dimaksud(?:\s+dengan)?|arti(?:nya)?|maksud(?:nya)?|pengertian|definisi)\s+(.{2,60}?)\s*\??\s*$", re.I),
    re.compile(r"^\s*(?:pengertian|definisi|arti)\s+(?:dari\s+)?(.{2,60}?)\s*\??\s*$", re.I),
    re.compile(r"^\s*(.{2,40}?)\s+(?:itu\s+)?(?:apa|siapa)(?:\s+sih)?\s*\??\s*$", re.I),
    re.compile(r"^\s*apa(?:kah)?\s+(?:itu\s+)?([A-Za-z]{2,8})\s*\??\s*$"),
]


# "bedanya pemilu legislatif sama pemilu presiden apa?", "perbedaan PPK dan PPS"
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
        """Effective section per passage: an amending text inherits its base article's heading."""
        base = {}
        for p in self.passages:
            if p.kind == KIND_PASAL and p.pasal and p.section and not p.amends:
                base.setdefault((p.doc_id, p.pasal), p.section)
        return {p.id: base.get((p.amends, p.pasal), "") for p in self.passages if p.amends and not p.section}

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
        repeals = self.effects.repeals(p.doc_id)
        if repeals:  # a later regulation in the index repeals this one ("… dicabut dan dinyatakan tidak berlaku")
            return DICABUT, sorted({e.by for e in repeals})
        if p.status == DIUBAH and p.status_by and not self.amended_by.get(p.doc_id):
            # an admin's correction (/status ... diubah oleh ...) for a law whose amendment is not in
            # the corpus; where it is, the article-level chain below knows better
            return DIUBAH, [d for d in p.status_by.split(",") if d]
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
    def __init__(self, catalog: Catalog, lexical: LexicalIndex, dense: DenseFn | None = None,
                 dense_weight: float = DEFAULT_DENSE_WEIGHT, lexical_weight: float = 1.0):
        self.catalog = catalog
        self.lexical = lexical
        self.dense = dense
        self.dense_weight = dense_weight if dense is not None else 0.0
        self.lexical_weight = lexical_weight
        self._title_topics = {d: self._topics_of(p.title.lower()) for d, p in catalog.docs.items()}
        self._amendment_docs = {p.doc_id for p in catalog.passages if p.amends}
        # Words only the news knows (places, people, organisations): a question that names one
        # is about an event, not about a rule.
        law_terms: set[str] = set()
        news_terms: set[str] = set()
        for p, toks in zip(lexical.passages, lexical.doc_tokens):
            (news_terms if p.doc_type == BERITA else law_terms).update(toks)
        self._news_only = frozenset(news_terms - law_terms - {stem(w) for w in SLANG})

    @staticmethod
    def _topics_of(title: str) -> set[str]:
        return {name for name, (_, marker) in _TOPICS.items() if marker in title}

    def expand(self, question: str) -> tuple[str, str]:
        """(the citizen's words, typo-fixed and with slang expanded; the routing expansions)."""
        return expand_query(question, self.lexical.vocabulary)

    def normalize(self, question: str) -> str:
        return normalize_query(question, self.lexical.vocabulary)

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
    def search(self, question: str, k: int = 10, expanded: tuple[str, str] | None = None) -> list[Scored]:
        """`expanded`: what `expand(question)` returned, when the caller already has it."""
        core, extra = expanded if expanded is not None else self.expand(question)
        q = f"{core} {extra}".strip()
        direct = self.direct(question)
        fused: dict[str, Scored] = {}
        # Score fusion (CombSUM of max-normalised scores) rather than rank fusion: the priors
        # below then scale real evidence instead of reshuffling adjacent ranks.
        lex = self.lexical.search(core, k=100, extra=extra, extra_weight=EXPANSION_WEIGHT)
        top_lex = lex[0][1] if lex else 1.0
        for i, s in lex:
            p = self.lexical.passages[i]
            fused[p.id] = Scored(p, self.lexical_weight * s / top_lex, lexical=s)
        if self.dense is not None and self.dense_weight > 0:
            hits = self.dense(q, 100)
            top_d = max((sim for _, sim in hits), default=1.0) or 1.0
            for pid, sim in hits:
                p = self.catalog.by_id.get(pid)
                if p is None:
                    continue
                sc = fused.setdefault(pid, Scored(p, 0.0))
                sc.score += self.dense_weight * max(0.0, sim) / top_d
                sc.dense = sim
        topics = {name for name, (rx, _) in _TOPICS.items() if rx.search(q)}
        if self._news_only.intersection(tokens(core)):
            topics.add("berita")
        for sc in fused.values():
            sc.score *= self._prior(sc.passage, topics)
        ranked = sorted(fused.values(), key=lambda s: -s.score)
        by_lex = {s.passage.id: s.lexical for s in ranked}
        terms = definition_terms(question)
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
        return self._amendment_aware(ranked)[:k]

    def _prior(self, p: Passage, topics: set[str]) -> float:
        f = 1.0
        if p.kind == KIND_PENJELASAN:
            f *= 0.55
        if "penetapan/" in p.id or (p.pasal and p.doc_id in self._amendment_docs and re.fullmatch(r"[IVX]+", p.pasal)):
            f *= 0.5  # formal articles: "Penetapan Perppu menjadi UU", an amendment law's own Pasal I/II
        if topics:
            if self._title_topics.get(p.doc_id, set()) & topics:
                f *= 1.35
        if p.doc_type == BERITA:
            f *= 1.35 if "berita" in topics else 0.9
        if p.amend_action == "dihapus" or self.catalog.deleted(p):
            f *= 0.2  # "Ketentuan Pasal 169 dihapus.": nothing in force to quote
        return f

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
        return first[:DISTINCT_TOP] + later + first[DISTINCT_TOP:]


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

"""Decide what to do with a message: answer, abstain or escalate, with a confidence.

Explicit intents are rules, because their wording is the intent:
- a request for a person ("hubungkan dengan petugas", "/petugas") -> escalate, human_requested;
- a first-person "saya mau lapor ..." -> escalate, violation_report;
- a request for help with the sender's own case ("saya dipanggil Bawaslu ...") -> escalate, own_case;
  about the sender's own report ("laporan saya ... belum ditindaklanjuti") -> escalate, own_report;
- a request for an opinion or prediction about candidates or parties -> abstain, political_opinion.

Everything else is decided by trained models (`knowledge.classifier`, built by
`python -m bench.train_classifier`), not by word lists:
- the message-kind classifier reads a third-person report of a violation (a complaint, often a
  headline) -> escalate, violation_report; a question about today's office holders or results
  -> abstain, current_fact;
- the answerability calibration turns the classifier's domain score and the retrieval strength
  (best BM25 per query term, share of the query's terms the corpus has, share of them in the best
  passage) into a probability that
  the corpus answers the question. That probability is the answer's `confidence`; below
  `ABSTAIN_BELOW` (the threshold stored in the artefact, 0.5: "more likely not answered than
  answered") the engine abstains rather than quote something weakly related.
"""
from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass

from . import classifier as clf
from .model import BERITA, Decision
from .text import tokens

_PERSON = r"(?:admin|staf|staff|petugas|operator|manusia|orang asli|orang bawaslu|cs|customer service|pegawai bawaslu)"
# an officer of the polls is a subject of questions, not whom the sender wants to talk to (the desk is Bawaslu's)
_NOT_DESK = r"(?!\s+(?:kpps|pps|ppk|ppl|tps|pemilu|pemilihan|kpu|panwas\w*|pengawas|pemutakhiran|desa|kelurahan))"
_HUMAN = re.compile(
    rf"\b(?:sambung(?:kan)?|hubung(?:kan|i)|terhubung|bicara|berbicara|ngobrol|chat|dilayani|diladeni)\b"
    rf"[^.?!]{{0,30}}\b{_PERSON}\b{_NOT_DESK}"
    rf"|\b(?:minta|butuh|perlu|mau|ingin|pengen)\s+(?:dengan |sama |ke )?{_PERSON}\b{_NOT_DESK}(?!\s+\w+kan\b)"
    rf"|\b(?:petugas|admin|staf)\s+(?:dong|tolong|please|pls)\b|^\s*/?(?:petugas|admin)\s*[.!]?\s*$", re.I)
_OWN_CASE = re.compile(
    r"\b(?:kasus saya|masalah saya|perkara saya|saya (?:di|ter)laporkan|saya digugat|saya dipecat|saya diberhentikan|"
    r"saya dicoret|(?:saya|aku)\b[^.?!]{0,40}\b(?:di|ter)(?:panggil|periksa|tuduh|ancam|intimidasi|polisikan|tangkap|somasi)|"
    r"saya (?:sedang |lagi )?(?:di|ter)proses|bantu saya (?:melapor|menggugat|banding|mengajukan|membuat laporan)|"
    r"(?:dampingi|damping) saya|saya (?:telah|sudah) melapor|laporan saya)\b", re.I)
# an own case that is about reporting ("laporan saya ...", "saya sudah melapor kecurangan ...")
_REPORT_WORDS = re.compile(r"\b(lapor\w*|melapor\w*|mengadu\w*|adu(?:kan)?|pelanggaran|kecurangan)\b", re.I)
# "saya mau lapor ...", "mau lapor, ...": the sender is reporting, which is report intake
_WANTS_TO_REPORT = re.compile(
    r"(?:\b(?:saya|aku|kami|sy|gw|gue)\s+|^\W*)(?:ingin|mau|akan|pengen|hendak)\s+(?:melapor|melaporkan|lapor|mengadu|mengadukan)\b",
    re.I)
# ... unless it is a question about how or where to report ("kalau saya mau lapor, ke mana?")
_HOW_TO = re.compile(r"\b(?:kalau|kalo|jika|bila|apabila|seandainya|bagaimana|gimana|cara(?:nya)?|ke ?mana|di ?mana|"
                     r"prosedur|syarat(?:nya)?|apa saja)\b", re.I)

_OPINION = re.compile(
    r"\b(menurut (?:kamu|anda|mu|bot|pendapatmu|pendapat kamu|pendapat anda)|pendapat(?:mu| kamu| anda)|"
    r"(?:paling|lebih) (?:bagus|baik|layak|pantas|bersih|jujur|hebat|buruk|jelek|korup)|terbaik|terburuk|"
    r"(?:sebaiknya|harus(?:nya)?|enaknya|mending) (?:saya |aku |kita )?(?:pilih|coblos|dukung)|pilih siapa|coblos siapa|dukung siapa|"
    r"siapa yang (?:akan|bakal) menang|siapa yang pantas|(?:akan|bakal) menang|(?:prediksi|ramal)\w* (?:siapa|pemenang|hasil)|"
    r"elektabilitas (?:siapa|paling|tertinggi)|"
    r"partai (?:mana|apa) yang (?:bagus|baik|terbaik)|rekomendasi(?:kan)? (?:calon|partai|capres|paslon))\b", re.I)
_POLITICAL_TARGET = re.compile(r"\b(calon|capres|cawapres|cagub|cabup|paslon|partai|kandidat|caleg|presiden|gubernur|bupati|walikota|pasangan|menang|pilih|coblos|dukung)\b", re.I)

DIRECT_CONFIDENCE = 0.95


@dataclass
class Verdict:
    decision: Decision
    reason: str
    confidence: float


def wants_to_report(text: str) -> bool:
    m = _WANTS_TO_REPORT.search(text)
    return bool(m) and not _HOW_TO.search(text[:m.start()]) and not (
        text.rstrip().endswith("?") and _HOW_TO.search(text[m.end():]))


def explicit_intent(text: str) -> Verdict | None:
    """The decision an explicit intent dictates, or None."""
    t = text.strip()
    if _HUMAN.search(t):
        return Verdict(Decision.ESCALATE, "human_requested", 0.95)
    if wants_to_report(t):
        return Verdict(Decision.ESCALATE, "violation_report", 0.9)
    if _OWN_CASE.search(t):
        return Verdict(Decision.ESCALATE, "own_report" if _REPORT_WORDS.search(t) else "own_case", 0.85)
    if _OPINION.search(t) and _POLITICAL_TARGET.search(t):
        return Verdict(Decision.ABSTAIN, "political_opinion", 0.9)
    return None


_VOCAB: "weakref.WeakKeyDictionary[object, frozenset[str]]" = weakref.WeakKeyDictionary()


def _index_vocabulary(lexical) -> frozenset[str]:
    v = _VOCAB.get(lexical)
    if v is None:
        v = frozenset(t for doc in lexical.doc_tokens for t in doc)
        _VOCAB[lexical] = v
    return v


def retrieval_features(lexical, core: str) -> tuple[float, float, float]:
    """(log(1 + best BM25 score per query term), share of the query's terms the index holds,
    share of them in the best passage). The last one is how a document an admin just added, with
    words no training text had, still counts as the corpus answering."""
    toks = set(tokens(core))
    if not toks or lexical is None or not lexical.passages:
        return 0.0, 0.0, 0.0
    vocab = _index_vocabulary(lexical)
    coverage = sum(1 for t in toks if t in vocab) / len(toks)
    hits = lexical.search(core, k=1)
    if not hits:
        return 0.0, coverage, 0.0
    i, top = hits[0]
    overlap = len(toks & set(lexical.doc_tokens[i])) / len(toks)
    return math.log1p(top / len(toks)), coverage, overlap


def answer_features(probs: dict[str, float], lexical, core: str) -> tuple[float, ...]:
    return (clf.domain_score(probs), *retrieval_features(lexical, core))


def decide(question: str, core: str, scored: list, lexical, model: clf.DecideModel | None = None) -> Verdict:
    """answer / abstain / escalate for `question`.

    `core`: the question as the retriever expanded it (slang and typos fixed); `scored`: the
    ranked hits (objects with .passage and .direct); `lexical`: the passage index (BM25 and its
    vocabulary)."""
    verdict = explicit_intent(question)
    if verdict is not None:
        return verdict
    model = model or clf.shipped()
    probs = model.text.probs(question)
    if probs.get(clf.REPORT, 0.0) >= model.report_threshold:
        return Verdict(Decision.ESCALATE, "violation_report", probs[clf.REPORT])
    if scored and scored[0].direct:
        return Verdict(Decision.ANSWER, "retrieved", DIRECT_CONFIDENCE)
    if not scored:
        return Verdict(Decision.ABSTAIN, "no_match", 0.9)
    p_now = probs.get(clf.CURRENT_FACT, 0.0)
    if p_now >= model.current_fact_threshold and scored[0].passage.doc_type != BERITA:
        return Verdict(Decision.ABSTAIN, "current_fact", p_now)
    conf = model.calibration.prob(answer_features(probs, lexical, core))
    if conf < model.calibration.threshold:
        reason = "out_of_scope" if probs.get(clf.OUT, 0.0) >= 0.5 else "no_match"
        return Verdict(Decision.ABSTAIN, reason, 1.0 - conf)
    return Verdict(Decision.ANSWER, "retrieved", conf)

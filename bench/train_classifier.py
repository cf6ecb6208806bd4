"""Train the message-kind classifier and the answerability calibration; print their
cross-validated numbers; write knowledge/data/decide-model.json.

    python -m bench.train_classifier            # rebuild the artefact (deterministic) and print CV
    python -m bench.train_classifier --check    # print CV, and fail if the shipped artefact differs

Inputs (all inside the project; nothing under ../shared is read):
- positives: knowledge/data/laporan-2014-train.jsonl (284 real 2014 violation reports, text and
  headline) and the chat-style reports of knowledge/data/decide-texts.jsonl;
- in the domain: the bundled law passages (their first 600 characters; domain head only);
- negatives: the generated citizen questions ingest/corpus/questions/*.jsonl (one group per
  passage), the same questions in a polite, longer frame for one in four of them, asking about
  the rule today ("... sekarang?") for one in four, and in the
  formal register for one in two, and the own
  texts of knowledge/data/decide-texts.jsonl (rule questions, today's-fact questions, questions
  outside election law);
- the bundled corpus (ingest/corpus), for the retrieval features of the calibration.

Cross-validation: 5 folds, stratified by label and grouped (a report's text and headline, and a
passage's questions, stay in one fold). Baseline in the same run: "a report is anything not
phrased as a question" (no "?" and no question word).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from pathlib import Path

import numpy as np

from knowledge import classifier as clf

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS_DIR = ROOT / "ingest" / "corpus" / "questions"
SEED = 0
FOLDS = 5
REPORT_MAX_QUESTION_FP = 0.01   # report threshold: at most 1 % of out-of-fold questions flagged
CURRENT_FACT_THRESHOLD = 0.5
ABSTAIN_BELOW = 0.5             # P(answerable) below this -> abstain
STRONG_PERCENTILE = 90          # "strong evidence": BM25 per term beyond this percentile of answerable questions
CALIBRATION_SAMPLE = 1200
PASSAGE_CHARS = 600             # a law passage, as an in-domain text for the domain head       # generated questions used for the calibration (every n-th)

# Polite frames citizens put around a question (written here, not taken from any evaluation set).
_OPEN = ("Selamat pagi, saya ingin bertanya. ", "Assalamualaikum admin, mau tanya. ", "Permisi, ",
         "Mohon penjelasannya, ", "Selamat siang bapak/ibu, saya mau menanyakan: ", "Halo min, ",
         "Izin bertanya, ", "Maaf mengganggu, saya ingin tahu ")
_CLOSE = (" Terima kasih.", " Mohon pencerahannya.", " Terima kasih atas jawabannya.", "", " Mohon dijawab.")
_QWORD = re.compile(r"\b(apa|apakah|siapa|bagaimana|gimana|kapan|dimana|di mana|mengapa|kenapa|berapa|bolehkah|"
                    r"bisakah|boleh|bisa|mana|gak|nggak|ga|tidak)\b", re.I)


def _h(s: str) -> int:
    return int(hashlib.sha1(s.encode("utf-8")).hexdigest()[:8], 16)


# A rule question stays a rule question when it asks about the rule today ("... sekarang?"):
# without these, "sekarang" alone made a rule question look like one about today's office holders.
# One generated question in four gets such a twin (2026-12-06; one in sixteen before, which left
# "berapa persen syarat partai mengusung calon bupati sekarang?" abstained as a current fact at
# P 0.502; one in two let "berapa persen suara paslon 01 sekarang?" through at 0.435).
_NOW = (" sekarang", " saat ini", " menurut aturan sekarang", " yang berlaku sekarang", " sekarang ini")


def _now(q: str) -> str:
    h = _h(q)
    return q.rstrip(" ?.!") + _NOW[(h >> 4) % len(_NOW)] + "?"


def _framed(q: str) -> str:
    h = _h(q)
    return f"{_OPEN[h % len(_OPEN)]}{q[0].lower() + q[1:] if q else q}{_CLOSE[(h >> 8) % len(_CLOSE)]}"


# Everyday spellings -> the written register of letters and formal Q&A (applied to generated questions,
# which are written in chat style, so that a formal "Apakah ... ?" is a question too).
_FORMAL = [(re.compile(rf"\b(?:{a})\b", re.I), b) for a, b in (
    ("gimana|gmn", "bagaimana"), ("gak|nggak|ngga|enggak|ga|gk|kagak", "tidak"), ("udah|udh|sdh", "sudah"),
    ("kalo|klo", "kalau"), ("aja", "saja"), ("emang", "memang"), ("yg", "yang"), ("dgn", "dengan"),
    ("ngapain", "melakukan apa"), ("bikin", "membuat"), ("nyoblos", "mencoblos"), ("nyalon", "mencalonkan diri"),
    ("duit", "uang"), ("brp", "berapa"), ("kenapa", "mengapa"), ("dapet", "mendapat"), ("ngasih", "memberi"),
    ("bisa|bs", "dapat"),
    ("sih|dong|deh|nih|kok|ya|min|kak", ""))]
_YES_NO = re.compile(r"\s*(?:atau\s+)?tidak\s*\??\s*$", re.I)


def formal(q: str) -> str:
    """"boleh gak sih nyalon?" -> "Apakah boleh mencalonkan diri?"."""
    s = q
    for rx, b in _FORMAL:
        s = rx.sub(b, s)
    s = re.sub(r"\s+([?,.])", r"\1", re.sub(r"\s{2,}", " ", s)).strip(" ,")
    if _YES_NO.search(s):
        s = "apakah " + _YES_NO.sub("", s)
    s = re.sub(r"^(boleh|bisa|harus|wajib) tidak\b", r"apakah \1", s, flags=re.I)
    s = s.rstrip("?. ") + "?"
    return s[:1].upper() + s[1:]


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_samples(questions_dir: Path, passages) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """[(text, label, group, source)], sorted; and the input lines hashed into the artefact."""
    from knowledge.text import PHRASES, SLANG

    rows: set[tuple[str, str, str, str]] = set()
    # the content view reads texts through the slang and phrase expansions: they are inputs too
    digest_parts: list[str] = [json.dumps([SLANG, PHRASES], sort_keys=True, ensure_ascii=False)]
    for p in passages:  # the corpus' own words are in the domain (e.g. an institution the slang list lacks)
        digest_parts.append(f"{p.id}\t{p.text}")
        rows.add((p.text[:PASSAGE_CHARS], PASSAGE, f"passage:{p.id}", "passage"))
    for r in read_jsonl(clf.REPORTS_FILE):
        digest_parts.append(json.dumps(r, sort_keys=True, ensure_ascii=False))
        rows.add((r["text"].strip(), clf.REPORT, f"laporan:{r['id']}", "laporan"))
        if len(r.get("title") or "") >= 15:
            rows.add((r["title"].strip(), clf.REPORT, f"laporan:{r['id']}", "laporan-title"))
    for i, r in enumerate(read_jsonl(clf.OWN_TEXTS_FILE)):
        digest_parts.append(json.dumps(r, sort_keys=True, ensure_ascii=False))
        rows.add((r["text"], r["label"], f"own:{_h(r['text'])}", f"own-{r['label']}"))
        if r["label"] == clf.QUESTION and _h(r["text"]) % 2 == 0:
            rows.add((_framed(r["text"]), clf.QUESTION, f"own:{_h(r['text'])}", "own-question-framed"))
    files = sorted(questions_dir.glob("*.jsonl"))
    if not files:
        sys.exit(f"no generated questions under {questions_dir} (pass --questions DIR)")
    for f in files:
        for r in read_jsonl(f):
            digest_parts.append(f"{f.stem}\t{r['path']}\t{r['hash']}\t" + "\t".join(r["questions"]))
            group = f"{f.stem}:{r['path']}"
            for q in r["questions"]:
                q = q.strip()
                rows.add((q, clf.QUESTION, group, "generated"))
                if _h(q) % 4 == 0:
                    rows.add((_framed(q), clf.QUESTION, group, "generated-framed"))
                if _h(q) % 16 < 4:  # one in four, see _NOW
                    rows.add((_now(q), clf.QUESTION, group, "generated-now"))
                if _h(q) % 2 == 1 and formal(q) != q:
                    rows.add((formal(q), clf.QUESTION, group, "generated-formal"))
    return sorted(rows), digest_parts


PASSAGE = "passage"  # a law passage: in the domain, not a kind of message
COLS = (clf.QUESTION, clf.REPORT, clf.CURRENT_FACT, clf.IN, clf.OUT)


def head_labels(samples) -> dict[str, list[str | None]]:
    kind = {clf.QUESTION: clf.QUESTION, clf.OUT_OF_SCOPE: clf.QUESTION, clf.REPORT: clf.REPORT,
            clf.CURRENT_FACT: clf.CURRENT_FACT}
    return {clf.KIND: [kind.get(s[1]) for s in samples],
            clf.DOMAIN: [clf.OUT if s[1] == clf.OUT_OF_SCOPE else clf.IN for s in samples]}


def cross_validate(samples) -> np.ndarray:
    """Out-of-fold probabilities, columns COLS."""
    from sklearn.model_selection import StratifiedGroupKFold

    texts = [s[0] for s in samples]
    labels = np.array([s[1] for s in samples])
    groups = np.array([s[2] for s in samples])
    heads = head_labels(samples)
    oof = np.zeros((len(samples), len(COLS)))
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(texts, labels, groups):
        m = clf.fit_text_model([texts[i] for i in train], {k: [v[i] for i in train] for k, v in heads.items()})
        for name, p in m.probs_many([texts[i] for i in test]).items():
            for j, c in enumerate(m.heads[name].classes):
                oof[test, COLS.index(c)] = p[:, j]
    return oof


def report_threshold(oof: np.ndarray, samples) -> float:
    """The lowest P(report) that flags at most REPORT_MAX_QUESTION_FP of the out-of-fold questions."""
    pr = oof[:, COLS.index(clf.REPORT)]
    neg = np.sort(np.array([pr[i] for i, s in enumerate(samples) if s[1] == clf.QUESTION]))[::-1]
    k = int(len(neg) * REPORT_MAX_QUESTION_FP)
    return float(np.round(max(0.5, neg[k] + 1e-4) if len(neg) > k else 0.5, 4))


def _rate(mask, sel) -> float:
    sel = np.asarray(sel)
    return float(mask[sel].mean()) if sel.any() else float("nan")


def kind_metrics(oof: np.ndarray, samples, t_report: float) -> dict:
    src = np.array([s[3] for s in samples])
    lab = np.array([s[1] for s in samples])
    flagged = oof[:, COLS.index(clf.REPORT)] >= t_report
    is_q = np.array([s[0].rstrip().endswith("?") or bool(_QWORD.search(s[0])) for s in samples])
    base = ~is_q  # baseline: a report is anything not phrased as a question
    pc = oof[:, COLS.index(clf.CURRENT_FACT)]
    now = pc >= CURRENT_FACT_THRESHOLD
    out = {}
    for name, m in (("classifier", flagged), ("baseline", base)):
        msg = src != "passage"  # passages are no messages
        tp = int((m & msg & (lab == clf.REPORT)).sum())
        out[name] = {
            "report_recall_laporan_text": _rate(m, src == "laporan"),
            "report_recall_laporan_title": _rate(m, src == "laporan-title"),
            "report_recall_own_chat": _rate(m, src == "own-report"),
            "report_precision": tp / max(1, int((m & msg).sum())),
            "generated_flagged_as_report": _rate(m, np.isin(src, ["generated", "generated-framed", "generated-formal"])),
            "own_questions_flagged_as_report": _rate(m, np.isin(src, ["own-question", "own-question-framed"])),
        }
    out["current_fact"] = {"recall_own": _rate(now, src == "own-current_fact"),
                           "questions_flagged": _rate(now, lab == clf.QUESTION),
                           "today_rule_questions_flagged": _rate(now, src == "generated-now")}
    return out


def calibration_rows(samples, oof, passages):
    """(features, answerable) for generated/own rule questions and out-of-scope texts."""
    from knowledge.decide import retrieval_features
    from knowledge.lexical import LexicalIndex
    from knowledge.retrieval import Catalog
    from knowledge.text import expand_query

    catalog = Catalog(passages)
    lexical = LexicalIndex(passages, sections=catalog.sections())
    gen = [i for i, s in enumerate(samples) if s[3] == "generated"]
    step = max(1, len(gen) // CALIBRATION_SAMPLE)
    pick = gen[::step] + [i for i, s in enumerate(samples) if s[3] in ("own-question", "own-out_of_scope")]
    feats, ys, srcs = [], [], []
    for i in pick:
        probs = dict(zip(COLS, oof[i]))
        core = expand_query(samples[i][0], lexical.vocabulary)[0]
        feats.append((clf.domain_score(probs), *retrieval_features(lexical, core)))
        ys.append(int(samples[i][1] == clf.QUESTION))
        srcs.append(samples[i][3])
    return np.array(feats), np.array(ys), np.array(srcs)


def fit_calibration(x: np.ndarray, y: np.ndarray, srcs: np.ndarray) -> tuple[clf.Calibration, dict]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    lr = LogisticRegression(C=1.0, max_iter=1000)
    p_oof = cross_val_predict(lr, x, y, cv=StratifiedKFold(FOLDS, shuffle=True, random_state=SEED),
                              method="predict_proba")[:, 1]
    lr.fit(x, y)
    strong = float(np.round(np.percentile(x[y == 1, 1], STRONG_PERCENTILE), 6))
    rule = (x[:, 3] >= 1.0) & (x[:, 1] >= strong)
    cal = clf.Calibration(tuple(float(c) for c in np.round(lr.coef_[0], 6)), float(np.round(lr.intercept_[0], 6)),
                          ABSTAIN_BELOW, strong, float(np.round(y[rule].mean(), 6)) if rule.any() else 0.0)
    p_oof = np.where(rule, np.maximum(p_oof, cal.strong_confidence), p_oof)
    bins = []
    for lo in (0.0, 0.25, 0.5, 0.75):
        sel = (p_oof >= lo) & (p_oof < lo + 0.25 + (1e-9 if lo == 0.75 else 0))
        if sel.any():
            bins.append({"p": f"{lo:.2f}-{lo + 0.25:.2f}", "n": int(sel.sum()),
                         "answerable": round(float(y[sel].mean()), 3)})
    stats = {"answerable_abstained": float((p_oof[y == 1] < ABSTAIN_BELOW).mean()),
             "own_rule_questions_abstained": float((p_oof[srcs == "own-question"] < ABSTAIN_BELOW).mean()),
             "out_of_scope_abstained": float((p_oof[y == 0] < ABSTAIN_BELOW).mean()),
             "brier": float(np.mean((p_oof - y) ** 2)), "reliability": bins,
             "strong_evidence_out_of_scope": float(rule[y == 0].mean()), "strong_evidence_answerable": float(rule[y == 1].mean())}
    return cal, stats


def bundled_passages():
    from ingest.manifest import load_manifest
    from ingest.pipeline import prepare_path

    corpus = ROOT / "ingest" / "corpus"
    out = []
    for info in sorted(load_manifest(), key=lambda d: d.doc_id):
        out.extend(prepare_path(corpus / info.file, info)[2])
    return out


def build(questions_dir: Path) -> tuple[clf.DecideModel, dict]:
    passages = bundled_passages()
    samples, parts = load_samples(questions_dir, passages)
    oof = cross_validate(samples)
    t_report = report_threshold(oof, samples)
    kinds = kind_metrics(oof, samples, t_report)
    x, y, srcs = calibration_rows(samples, oof, passages)
    cal, cal_stats = fit_calibration(x, y, srcs)
    final = clf.fit_text_model([s[0] for s in samples], head_labels(samples))
    counts = {}
    for s in samples:
        counts[s[3]] = counts.get(s[3], 0) + 1
    cv = {"folds": FOLDS, "samples": dict(sorted(counts.items())), "report_threshold": t_report,
          **{k: {kk: round(vv, 4) for kk, vv in v.items()} for k, v in kinds.items()},
          "calibration": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in cal_stats.items()}}
    model = clf.DecideModel(final, cal, t_report, CURRENT_FACT_THRESHOLD,
                            {"inputs_sha256": clf.digest(parts), "cv": cv})
    return model, cv


def print_report(cv: dict) -> None:
    print(f"samples: {cv['samples']}")
    print(f"report threshold P(report) >= {cv['report_threshold']}  ({cv['folds']}-fold grouped CV, out of fold)")
    print(f"{'':38s}{'classifier':>12s}{'baseline':>10s}{'ratio':>8s}")
    for k in cv["classifier"]:
        a, b = cv["classifier"][k], cv["baseline"][k]
        ratio = f"{a / b:.2f}" if b else "-"
        print(f"{k:38s}{a:12.3f}{b:10.3f}{ratio:>8s}")
    print(f"current_fact: recall {cv['current_fact']['recall_own']:.3f} on own today's-fact questions, "
          f"{cv['current_fact']['questions_flagged']:.3f} of rule questions flagged "
          f"({cv['current_fact']['today_rule_questions_flagged']:.3f} of those asking about the rule today)")
    c = cv["calibration"]
    print(f"calibration (abstain below {ABSTAIN_BELOW}): answerable abstained {c['answerable_abstained']:.3f} "
          f"(own formal rule questions {c['own_rule_questions_abstained']:.3f}), "
          f"out of scope abstained {c['out_of_scope_abstained']:.3f}, Brier {c['brier']:.3f}")
    print(f"strong evidence (all terms in one passage, BM25/term >= p{STRONG_PERCENTILE} of answerable): "
          f"{c['strong_evidence_answerable']:.3f} of answerable, {c['strong_evidence_out_of_scope']:.3f} of out of scope")
    for b in c["reliability"]:
        print(f"  P(answerable) {b['p']}: n={b['n']:5d}  share answerable {b['answerable']:.3f}")


# --check: how far a rebuilt number may be from the shipped one. The calibration is fitted on BM25
# strengths, which another CPU rounds differently (seen: 0.0009 between an Intel and an AMD
# machine); another fit moves the coefficients by tenths.
CHECK_TOLERANCE = 0.005


def same_artefact(old: str, new: str, tolerance: float = CHECK_TOLERANCE) -> bool:
    """Are the two artefacts (JSON text) the same model: every key, word and integer equal, every
    real number within `tolerance`?"""
    def same(a, b) -> bool:
        if isinstance(a, dict):
            return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
        if isinstance(a, list):
            return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
        if isinstance(a, float) or isinstance(b, float):
            return (isinstance(a, (int, float)) and isinstance(b, (int, float))
                    and not isinstance(a, bool) and not isinstance(b, bool) and abs(a - b) <= tolerance)
        return type(a) is type(b) and a == b
    return same(json.loads(old), json.loads(new))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--questions", type=Path, default=QUESTIONS_DIR, help="generated questions (default: project copy)")
    ap.add_argument("--out", type=Path, default=clf.MODEL_FILE)
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if the artefact at --out differs")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        model, cv = build(args.questions)
    text = clf.dumps(model)
    print_report(cv)
    size = len(text.encode("utf-8"))
    if args.check:
        shipped = args.out.read_text(encoding="utf-8") if args.out.exists() else None
        same = shipped is not None and same_artefact(shipped, text)
        verdict = ("identical" if shipped == text else f"the same model (numbers within {CHECK_TOLERANCE:g})"
                   if same else "DIFFERS")
        print(f"{args.out}: {verdict} ({size / 1e6:.2f} MB)")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The shipped decision model: small, deterministic, cross-validated to its targets, and current."""
import json
from pathlib import Path

import numpy as np

from knowledge import classifier as clf

ROOT = Path(__file__).resolve().parents[2]


def _texts():
    rows = [json.loads(line) for line in clf.REPORTS_FILE.read_text(encoding="utf-8").splitlines()][:60]
    own = [json.loads(line) for line in clf.OWN_TEXTS_FILE.read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows] + [r["text"] for r in own]
    kinds = [clf.REPORT] * len(rows) + [r["label"] if r["label"] != clf.OUT_OF_SCOPE else clf.QUESTION for r in own]
    domain = [clf.IN] * len(rows) + [clf.OUT if r["label"] == clf.OUT_OF_SCOPE else clf.IN for r in own]
    return texts, {clf.KIND: kinds, clf.DOMAIN: domain}


def test_fitting_twice_writes_the_same_bytes_and_loads_back_the_same_model():
    from threadpoolctl import threadpool_limits

    texts, heads = _texts()
    with threadpool_limits(limits=1):
        a = clf.fit_text_model(texts, heads)
        b = clf.fit_text_model(texts, heads)
    cal = clf.Calibration((1.0, 2.0, 3.0), -1.0, 0.5)
    da = clf.dumps(clf.DecideModel(a, cal, 0.5, 0.5, {}))
    assert da == clf.dumps(clf.DecideModel(b, cal, 0.5, 0.5, {}))
    back = clf.TextModel.from_dict(json.loads(da)["text_model"])
    probe = ["Dugaan politik uang oleh caleg nomor urut 1 di Desa Sukamaju", "apa syarat jadi anggota KPPS?"]
    for name, p in a.probs_many(probe).items():
        assert np.allclose(p, back.probs_many(probe)[name])
    assert a.probs(probe[0])[clf.REPORT] > 0.5 > a.probs(probe[1])[clf.REPORT]


def test_shipped_artefact_is_small_and_meets_its_cross_validated_targets():
    assert clf.MODEL_FILE.stat().st_size < 2_000_000
    cv = clf.shipped().meta["cv"]
    assert cv["classifier"]["report_recall_laporan_text"] >= 0.92
    assert cv["classifier"]["generated_flagged_as_report"] <= 0.03
    assert cv["calibration"]["out_of_scope_abstained"] >= 0.8
    assert cv["calibration"]["answerable_abstained"] <= 0.03


def test_shipped_artefact_was_built_from_the_current_inputs():
    qdir = ROOT / "ingest" / "corpus" / "questions"
    assert any(qdir.glob("*.jsonl")), "the generated questions (ingest/corpus/questions) are missing"
    from bench.train_classifier import bundled_passages, load_samples

    _, parts = load_samples(qdir, bundled_passages())
    assert clf.shipped().meta["inputs_sha256"] == clf.digest(parts), \
        "stale knowledge/data/decide-model.json: run python -m bench.train_classifier"


def test_check_accepts_another_cpus_rounding_and_refuses_another_fit():
    """`train_classifier --check` rebuilds the artefact and compares it with the shipped one. The
    calibration is fitted on BM25 strengths, which two CPUs round differently (seen: coefficients
    0.0009 apart between an Intel and an AMD machine, the text model identical); another fit moves
    them by far more, and any other number or word is a real difference."""
    from bench.train_classifier import same_artefact

    shipped = (ROOT / "knowledge" / "data" / "decide-model.json").read_text(encoding="utf-8")
    model = json.loads(shipped)
    assert same_artefact(shipped, shipped)

    def changed(edit) -> str:
        m = json.loads(shipped)
        edit(m)
        return json.dumps(m)

    assert same_artefact(shipped, changed(lambda m: m["calibration"].update(
        coef=[c + 0.0009 for c in m["calibration"]["coef"]], intercept=m["calibration"]["intercept"] - 0.0005)))
    assert not same_artefact(shipped, changed(lambda m: m["calibration"].update(
        coef=[c * 1.1 for c in m["calibration"]["coef"]])))
    assert not same_artefact(shipped, changed(lambda m: m.update(inputs_sha256="0" * 64)))
    thresholds = model["thresholds"]
    key = next(iter(thresholds))
    assert not same_artefact(shipped, changed(lambda m: m["thresholds"].update({key: "other"})))

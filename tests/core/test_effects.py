"""Article-level legal effects (issue 11): court rulings, UU 7/2023's amendments, repeal clauses of
KPU regulations and admin records, computed from the passage set inside every engine snapshot."""
from __future__ import annotations

import threading

import pytest

from bot.cli import answer_json
from bot.render import render_plain
from ingest.load import load_bytes
from ingest.manifest import load_manifest
from ingest.pipeline import prepare, prepare_path
from knowledge.effects import DIMAKNAI, Effect, Target
from knowledge.engine import Engine
from tests.conftest import CORPUS
from tests.synthetic_regs import pkpu

THRESHOLD_Q = "berapa persen syarat partai mengusung calon bupati sekarang?"
NOTICE = "Perhatian: Pasal 40 ayat (1) UU 10/2016 telah dimaknai lain oleh Putusan MK 60/PUU-XXII/2024"
REGENCY_TIER = "Untuk mengusulkan calon bupati d an calon wakil bupati serta calon walikota dan calon wakil walikota"
OLD_QUOTE = "«(1) Partai Politik atau gabungan Partai Politik dapat mendaftarkan pasangan calon"


def _doc(doc_id):
    info = {d.doc_id: d for d in load_manifest()}[doc_id]
    return prepare_path(CORPUS / info.file, info)[2]


@pytest.fixture(scope="module")
def rulings():
    return {d: _doc(d) for d in ("putusan-mk-60-2024", "putusan-mk-70-2024")}


@pytest.fixture
def engine(fixture_passages, rulings):
    return Engine(list(fixture_passages) + rulings["putusan-mk-60-2024"] + rulings["putusan-mk-70-2024"])


def _court_quotes(ans):
    return [w.quote for w in ans.warnings if w.quote is not None]


def _source(ans, passage_id):
    return next(s for s in ans.sources if s.passage.id == passage_id)


def test_threshold_answer_says_before_the_quote_that_the_court_gave_a_new_meaning(engine):
    ans = engine.answer(THRESHOLD_Q)
    assert ans.decision.value == "answer"
    text = render_plain(ans)
    assert NOTICE in text and OLD_QUOTE in text
    assert text.index(NOTICE) < text.index(OLD_QUOTE)  # before the quote of Pasal 40
    meaning = next(w for w in ans.warnings if w.kind == "dimaknai")
    assert meaning.citation.doc_id == "uu-10-2016" and meaning.citation.pasal == "40"
    amar = meaning.quote
    assert amar.passage_id == "putusan-mk-60-2024@v1#amar/2"
    assert amar.citation.label == "Putusan MK Nomor 60/PUU-XXII/2024, amar angka 2"
    assert REGENCY_TIER in amar.text and "6,5% (enam setengah persen) di kabupaten/kota tersebut" in amar.text
    assert amar.text in text  # the amar item verbatim
    assert amar.text == engine.passage("putusan-mk-60-2024@v1#amar/2").text  # whole, not a span
    assert [w.kind for w in ans.warnings][:2] == ["dimaknai", "dibatalkan"]
    # ayat (3), struck down, is cited as void
    assert "Pasal 40 ayat (3) UU 10/2016 telah dinyatakan bertentangan dengan UUD 1945 dan tidak mempunyai " \
           "kekuatan hukum mengikat oleh Putusan MK 60/PUU-XXII/2024" in text
    src = answer_json(ans)["sources"]
    pasal40 = next(s for s in src if s["passage_id"] == "uu-10-2016@v1#pasal-40")
    assert pasal40["status"] == "berlaku"  # the old document-level status stays
    assert pasal40["effects"] == [{"kind": "dimaknai", "by": "putusan-mk-60-2024", "item": "2"},
                                  {"kind": "dibatalkan", "by": "putusan-mk-60-2024", "item": "3"}]
    older = next(s for s in src if s["passage_id"] == "uu-1-2015@v1#pasal-40")
    assert [e["kind"] for e in older["effects"]] == ["diubah", "diubah"]
    assert all("effects" in s for s in src)


def test_removing_the_ruling_makes_pasal_40_plain_berlaku_again_and_back(engine, rulings):
    assert engine.remove_document("putusan-mk-60-2024") == len(rulings["putusan-mk-60-2024"])
    ans = engine.answer(THRESHOLD_Q)
    text = render_plain(ans)
    assert "dimaknai" not in text and "Putusan MK 60" not in text and OLD_QUOTE in text
    assert not ans.warnings or all(w.kind not in ("dimaknai", "dibatalkan") for w in ans.warnings)
    assert _source(ans, "uu-10-2016@v1#pasal-40").citation.effects == ()
    assert _source(ans, "uu-10-2016@v1#pasal-40").citation.status == "berlaku"
    engine.replace_document("putusan-mk-60-2024", rulings["putusan-mk-60-2024"])
    ans = engine.answer(THRESHOLD_Q)
    assert NOTICE in render_plain(ans)
    assert [e.kind for e in _source(ans, "uu-10-2016@v1#pasal-40").citation.effects] == ["dimaknai", "dibatalkan"]


def test_a_concurrent_reader_sees_the_ruling_or_not_never_half(engine, rulings):
    stop = threading.Event()
    bad: list[str] = []
    seen = {"with": 0, "without": 0}

    def reader():
        while not stop.is_set():
            ans = engine.answer(THRESHOLD_Q)
            text = render_plain(ans)
            has_notice = NOTICE in text
            effects = _source(ans, "uu-10-2016@v1#pasal-40").citation.effects
            quoted_amar = any(q.passage_id.startswith("putusan-mk-60-2024@") for q in _court_quotes(ans))
            if not (has_notice == bool(effects) == quoted_amar):
                bad.append(text[:300])
            seen["with" if has_notice else "without"] += 1

    t = threading.Thread(target=reader)
    t.start()
    try:
        for _ in range(6):
            engine.remove_document("putusan-mk-60-2024")
            engine.replace_document("putusan-mk-60-2024", rulings["putusan-mk-60-2024"])
    finally:
        stop.set()
        t.join()
    assert not bad
    assert seen["with"] + seen["without"] > 0


def test_minimum_age_answer_names_70_2024_and_quotes_its_reasoning(engine):
    ans = engine.answer("berapa umur minimal calon bupati?")
    text = render_plain(ans)
    assert "Putusan MK 70/PUU-XXII/2024 menolak permohonan pengujian Pasal 7 ayat (2) huruf e UU 10/2016" in text
    assert "bunyi ketentuan ini tetap berlaku" in text
    assert "harus dipenuhi pada proses pencalonan yang bermuara pada penetapan calon" in text
    assert "25 (dua puluh lima) tahun untuk Calon Bupati" in text
    upheld = next(w for w in ans.warnings if w.kind == "ditolak")
    assert upheld.quote.passage_id == "putusan-mk-70-2024@v1#pertimbangan/3.17"
    pasal7 = _source(ans, "uu-10-2016@v1#pasal-7/ayat-2")
    assert [e.as_json() for e in pasal7.citation.effects] == [{"kind": "ditolak", "by": "putusan-mk-70-2024",
                                                              "item": "pokok"}]
    assert pasal7.citation.status == "berlaku"


def test_a_ruling_on_one_huruf_is_not_told_when_another_huruf_answers(engine):
    # Putusan MK 70/2024 is about huruf e (age); a question answered by huruf t (resigning from the
    # civil service) gets no warning about it before its quote
    ans = engine.answer("PNS yang mencalonkan diri jadi bupati harus menyatakan pengunduran diri kapan?")
    quoted = [q for q in ans.quotes if q.passage_id == "uu-10-2016@v1#pasal-7/ayat-2"]
    assert quoted and all("huruf e" not in (q.citation.point or "") for q in quoted), \
        [q.citation.point for q in quoted]
    assert not [w for w in ans.warnings if w.kind == "ditolak"], [w.text for w in ans.warnings]


def test_a_rulings_own_text_answers_questions(engine):
    ans = engine.answer("Putusan MK soal ambang batas pencalonan pilkada")
    assert ans.decision.value == "answer"
    # the ruling on the nomination threshold is among the two quoted (the age ruling 70/2024 also
    # speaks of "batas" and "pencalonan")
    assert "putusan-mk-60-2024" in {q.citation.doc_id for q in ans.quotes}
    assert "Putusan MK Nomor 60/PUU-XXII/2024" in render_plain(ans)
    assert all(n.kind != "in_force" for n in ans.notes)  # two rulings are not two laws "in force"


def test_full_chain_for_the_pasal_lengkap_view(engine):
    chain = engine.article_chain("uu-10-2016@v1#pasal-40")
    assert chain == ["Pasal 40 diubah oleh UU 8/2015", "Pasal 40 diubah oleh UU 10/2016",
                     "Pasal 40 ayat (1) dimaknai lain oleh Putusan MK 60/PUU-XXII/2024 amar angka 2",
                     "Pasal 40 ayat (3) dinyatakan tidak mempunyai kekuatan hukum mengikat oleh "
                     "Putusan MK 60/PUU-XXII/2024 amar angka 3"]
    assert engine.article_chain("uu-8-2012@v1#pasal-1") == []


def test_uu_7_2023_amends_uu_7_2017_both_ways():
    engine = Engine(_doc("uu-7-2017") + _doc("uu-7-2023"))
    cat = engine._state.catalog
    new = cat.article("uu-7-2023", "173")
    old = cat.article("uu-7-2017", "173")
    assert new and old and {p.amends for p in new} == {"uu-7-2017"}
    assert cat.chain(old[0]) == ["uu-7-2017", "uu-7-2023"]
    assert cat.status(old[0]) == ("diubah", ["uu-7-2023"]) and cat.status(new[0]) == ("berlaku", [])
    assert [e.as_json() for e in cat.article_effects(old[0])] == [{"kind": "diubah", "by": "uu-7-2023", "item": None}]
    untouched = cat.article("uu-7-2017", "2")[0]
    assert cat.status(untouched) == ("berlaku", []) and cat.article_effects(untouched) == []
    # the amendment law's own formal articles are not versions of UU 7/2017 articles
    assert not any(p.amends for p in cat.article("uu-7-2023", "I") + cat.article("uu-7-2023", "II"))
    ans = engine.answer("Pasal 173 UU 7/2017")
    assert ans.sources[0].passage.doc_id == "uu-7-2023" and "(2a) Persyaratan kepengurusan" in ans.sources[0].passage.text


def test_admin_recorded_effect_applies_at_once_and_waits_for_its_target(fixture_passages):
    engine = Engine(list(fixture_passages))
    record = Effect(DIMAKNAI, Target("uu-10-2016", "40", "1"), "putusan-mk-60-2024", origin="admin")
    engine.set_article_effects([record])
    ans = engine.answer(THRESHOLD_Q)
    assert NOTICE.replace("Putusan MK 60/PUU-XXII/2024", "Putusan MK Nomor 60 Tahun 2024") in render_plain(ans)
    assert next(w for w in ans.warnings if w.kind == "dimaknai").quote is None  # no text to quote
    assert "dicatat admin" in engine.article_chain("uu-10-2016@v1#pasal-40")[-1]
    engine.set_article_effects([])
    assert "dimaknai" not in render_plain(engine.answer(THRESHOLD_Q))
    # an effect on a document not in the index waits for it
    engine.set_article_effects([Effect(DIMAKNAI, Target("pkpu-1-2099", "3"), "putusan-mk-1-2099", origin="admin")])
    assert [e.target.doc_id for e in engine.pending_effects()] == ["pkpu-1-2099"]


def _pkpu(number, year, **kw):
    return prepare(load_bytes(pkpu(number, year, **kw).encode(), f"pkpu-{number}-{year}.md"))[2]


def test_pkpu_repeal_clause_marks_the_earlier_one_dicabut_in_either_order():
    earlier, later = _pkpu(5, 2099, days=10), _pkpu(7, 2099, days=14, repeals=(5, 2099))
    assert {p.doc_id for p in earlier} == {"pkpu-5-2099"} and {p.doc_type for p in later} == {"PKPU"}
    (clause,) = [p for p in later if p.effect]
    assert (clause.effect, clause.target) == ("dicabut", "pkpu-5-2099")
    status = lambda e: {d["doc_id"]: d["status"] for d in e.documents()}  # noqa: E731
    engine = Engine(list(earlier))
    assert status(engine)["pkpu-5-2099"] == "berlaku"
    engine.replace_document("pkpu-7-2099", later)
    assert status(engine) == {"pkpu-5-2099": "dicabut", "pkpu-7-2099": "berlaku"}
    ans = engine.answer("berapa hari daftar pemilih sementara diumumkan?")
    old = next(s for s in ans.sources if s.passage.doc_id == "pkpu-5-2099")
    assert old.citation.status == "dicabut" and "sudah dicabut oleh PKPU No. 7 Tahun 2099" in old.citation.note
    engine.remove_document("pkpu-7-2099")
    assert status(engine)["pkpu-5-2099"] == "berlaku"
    # the later regulation first: the effect waits, then applies when the earlier one arrives
    engine = Engine(list(later))
    assert [e.target.doc_id for e in engine.pending_effects()] == ["pkpu-5-2099"]
    engine.replace_document("pkpu-5-2099", earlier)
    assert status(engine)["pkpu-5-2099"] == "dicabut" and engine.pending_effects() == []


def test_an_admin_record_of_an_amendment_not_in_the_index_warns_and_shows_in_the_chain(fixture_passages):
    from knowledge.effects import DIUBAH

    engine = Engine(list(fixture_passages))
    engine.set_article_effects([Effect(DIUBAH, Target("uu-10-2016", "40"), "uu-6-2020", origin="admin")])
    ans = engine.answer("berapa persen syarat partai mengusung calon bupati?")
    warned = [w for w in ans.warnings if w.kind == "diubah" and "uu-6-2020" not in w.text]
    assert any("Pasal 40 UU 10/2016 diubah oleh UU 6/2020" in w.text for w in warned)
    assert engine.article_chain("uu-10-2016@v1#pasal-40")[-1] == "Pasal 40 diubah oleh UU 6/2020 (dicatat admin)"

"""Composing an answer: the ayat / huruf that answers, verbatim and cited exactly; repealed law
flagged; two close laws both shown with the one in force said."""
from __future__ import annotations

import dataclasses

import pytest

from knowledge.cite import citation
from knowledge.compose import DISCLAIMER, check_quotes, compose
from knowledge.model import BERLAKU, DICABUT, DIUBAH, KIND_PENJELASAN, Answer, Decision, Passage, Source

ITEMS = [
    "a. bertakwa kepada Tuhan Yang Maha Esa;",
    "b. setia kepada Pancasila, Undang-Undang Dasar Negara Republik Indonesia Tahun 1945, cita-cita Proklamasi "
    "Kemerdekaan 17 Agustus 1945, dan Negara Kesatuan Republik Indonesia;",
    "c. berpendidikan paling rendah sekolah lanjutan tingkat atas atau sederajat;",
    "d. dihapus;",
    "e. berusia paling rendah 30 (tiga puluh) tahun untuk Calon Gubernur dan Calon Wakil Gubernur serta 25 (dua "
    "puluh lima) tahun untuk Calon Bupati dan Calon Wakil Bupati serta Calon Walikota dan Calon Wakil Walikota;",
    "f. mampu secara jasmani, rohani, dan bebas dari penyalahgunaan narkotika berdasarkan hasil pemeriksaan "
    "kesehatan menyeluruh dari tim;",
    "g. tidak pernah sebagai terpidana berdasarkan putusan pengadilan yang telah memperoleh kekuatan hukum tetap "
    "atau bagi mantan terpidana telah secara terbuka dan jujur mengemukakan kepada publik bahwa yang "
    "bersangkutan mantan terpidana;",
]
AYAT1 = ("(1) Setiap warga negara berhak memperoleh kesempatan yang sama untuk mencalonkan diri dan dicalonkan "
         "sebagai Calon Gubernur dan Calon Wakil Gubernur, Calon Bupati dan Calon Wakil Bupati, serta Calon "
         "Walikota dan Calon Wakil Walikota.")
LEAD2 = ("(2) Calon Gubernur dan Calon Wakil Gubernur, Calon Bupati dan Calon Wakil Bupati, serta Calon Walikota "
         "dan Calon Wakil Walikota sebagaimana dimaksud pada ayat (1) harus memenuhi persyaratan sebagai berikut:")
AYAT3 = ("(3) Calon yang berstatus sebagai pegawai negeri wajib menyatakan secara tertulis pengunduran diri sejak "
         "ditetapkan sebagai pasangan calon peserta Pemilihan.")
PASAL7 = Passage(id="uu-10-2016@v1#pasal-7", doc_id="uu-10-2016", title="UU 10/2016", number="10", year=2016,
                 pasal="7", text="\n".join([AYAT1, LEAD2, *ITEMS, AYAT3]), url="https://example.org/uu-10-2016")


def answer(*passages: Passage, scores=(1.0, 0.95), decision=Decision.ANSWER, reason="retrieved",
           query="", status=None) -> Answer:
    sources = []
    for p, score in zip(passages, scores):
        by = [d for d in (p.status_by or "").split(",") if d]
        sources.append(Source(p, citation(p, status=status or p.status, status_by=by), score))
    ans = compose(Answer("q", decision, 0.9, sources=sources, reason=reason), query)
    check_quotes(ans)
    return ans


@pytest.mark.parametrize(("query", "label", "item"), [
    ("syarat pendidikan calon bupati", "UU No. 10 Tahun 2016, Pasal 7 ayat (2) huruf c", ITEMS[2]),
    ("berapa usia paling rendah calon bupati", "UU No. 10 Tahun 2016, Pasal 7 ayat (2) huruf e", ITEMS[4]),
    ("boleh mantan terpidana jadi calon", "UU No. 10 Tahun 2016, Pasal 7 ayat (2) huruf g", ITEMS[6]),
])
def test_the_huruf_that_answers_is_quoted_with_its_ayat_opening(query, label, item):
    [q] = answer(PASAL7, query=query).quotes
    assert q.text == item and q.lead == LEAD2 and q.citation.label == label
    assert q.text in PASAL7.text and PASAL7.text.index(q.lead) < PASAL7.text.index(q.text)


def test_the_ayat_that_answers_not_the_start_of_the_article():
    [q] = answer(PASAL7, query="pegawai negeri pengunduran diri").quotes
    assert q.text == AYAT3 and q.citation.label == "UU No. 10 Tahun 2016, Pasal 7 ayat (3)" and not q.lead


def test_the_first_huruf_is_quoted_together_with_its_opening():
    [q] = answer(PASAL7, query="calon harus bertakwa").quotes
    assert q.text == LEAD2 + "\n" + ITEMS[0] and not q.lead
    assert q.citation.label.endswith("Pasal 7 ayat (2) huruf a")


def test_a_general_question_gets_the_opening_and_first_items_of_the_ayat():
    [q] = answer(PASAL7, query="persyaratan calon walikota apa saja").quotes
    assert q.text.startswith(LEAD2) and ITEMS[0] in q.text and len(q.text) <= 900
    assert "ayat (2) huruf a-" in q.citation.label


def test_short_passage_is_quoted_whole_under_its_own_citation():
    p = dataclasses.replace(PASAL7, id="x#pasal-7/ayat-1", ayat="1", text=AYAT1)
    [q] = answer(p, query="hak mencalonkan diri").quotes
    assert q.text == AYAT1 and q.citation.label == "UU No. 10 Tahun 2016, Pasal 7 ayat (1)"


def test_markers_that_do_not_count_up_are_not_trusted():
    # an OCR-garbled list ("a.", "c.", "b.") must never yield a wrong huruf
    text = LEAD2 + "\n" + "\n".join([ITEMS[0], ITEMS[2], ITEMS[1], ITEMS[4], ITEMS[5], ITEMS[6]])
    p = dataclasses.replace(PASAL7, id="x#pasal-7/ayat-2", ayat="2", text=text)
    [q] = answer(p, query="syarat pendidikan").quotes
    assert q.citation.label == "UU No. 10 Tahun 2016, Pasal 7 ayat (2)" and q.text in text


def test_explanation_points_are_found_inline():
    text = ("Ayat (1) Cukup jelas. Ayat (2) Huruf a Cukup jelas. Huruf b Cukup jelas. " + "Huruf c Cukup jelas. "
            "Huruf d Dihapus. Huruf e Cukup jelas. Huruf f Cukup jelas. Huruf g Yang dimaksud dengan “mantan "
            "terpidana” adalah orang yang sudah tidak ada hubungan baik teknis (pidana) maupun administratif dengan "
            "menteri yang menyelenggarakan urusan pemerintahan di bidang hukum dan hak asasi manusia. "
            + "".join(f"Huruf {c} Ketentuan ini dimaksudkan untuk mencegah penjabat kepala daerah mengundurkan diri "
                      "untuk mencalonkan diri. " for c in "hijklm"))
    p = dataclasses.replace(PASAL7, id="x#penjelasan/pasal-7", kind=KIND_PENJELASAN, text=text)
    [q] = answer(p, query="apa itu mantan terpidana").quotes
    assert q.text.startswith("Huruf g Yang dimaksud dengan “mantan terpidana”")
    assert q.citation.label == "Penjelasan Pasal 7 ayat (2) huruf g UU No. 10 Tahun 2016"


def test_repealed_law_is_warned_about_and_disclaimed():
    old = dataclasses.replace(PASAL7, id="uu-8-2012@v1#pasal-7", doc_id="uu-8-2012", number="8", year=2012,
                              status=DICABUT, status_by="uu-7-2017")
    ans = answer(old, query="pegawai negeri")
    [w] = ans.warnings
    assert w.kind == "dicabut" and "sudah dicabut oleh UU No. 7 Tahun 2017" in w.text
    assert w.citation == ans.quotes[0].citation
    assert ans.disclaimer == DISCLAIMER and ans.message


def test_amended_and_ocr_text_are_warned_about():
    p = dataclasses.replace(PASAL7, quality="ocr", status=DIUBAH, status_by="uu-10-2016")
    kinds = [w.kind for w in answer(p, query="pegawai negeri").warnings]
    assert kinds == ["diubah", "ocr"]
    assert answer(PASAL7, query="pegawai negeri").warnings == []


def _law(doc_id: str, number: str, year: int, status: str, by: str | None = None) -> Passage:
    return dataclasses.replace(PASAL7, id=f"{doc_id}@v1#pasal-7", doc_id=doc_id, number=number, year=year,
                               status=status, status_by=by)


def test_two_close_laws_are_both_quoted_in_force_first_and_said_so():
    old, new = _law("uu-8-2012", "8", 2012, DICABUT, "uu-7-2017"), _law("uu-7-2017", "7", 2017, BERLAKU)
    ans = answer(old, new, scores=(1.0, 0.9), query="pegawai negeri")
    assert [q.citation.doc_id for q in ans.quotes] == ["uu-7-2017", "uu-8-2012"]
    [note] = ans.notes
    assert note.kind == "in_force" and "Yang berlaku sekarang: UU No. 7 Tahun 2017, Pasal 7 ayat (3)" in note.text
    assert "UU No. 8 Tahun 2012, Pasal 7 ayat (3) sudah dicabut oleh UU No. 7 Tahun 2017" in note.text
    assert [w.kind for w in ans.warnings] == ["dicabut"]


def test_a_far_second_source_or_the_same_article_is_not_quoted():
    old, new = _law("uu-8-2012", "8", 2012, DICABUT, "uu-7-2017"), _law("uu-7-2017", "7", 2017, BERLAKU)
    far = answer(old, new, scores=(1.0, 0.5), query="pegawai negeri")
    assert [q.citation.doc_id for q in far.quotes] == ["uu-8-2012"] and not far.notes
    twin = dataclasses.replace(PASAL7, id="uu-10-2016@v1#pasal-7+")
    assert len(answer(PASAL7, twin, query="pegawai negeri").quotes) == 1


def test_both_in_force_is_said_too():
    a, b = _law("uu-7-2017", "7", 2017, BERLAKU), _law("uu-10-2016", "10", 2016, BERLAKU)
    [note] = answer(a, b, query="pegawai negeri").notes
    assert "keduanya berlaku" in note.text


@pytest.mark.parametrize(("decision", "reason", "words"), [
    (Decision.ABSTAIN, "political_opinion", "netral"),
    (Decision.ABSTAIN, "current_fact", "KPU atau Bawaslu"),
    (Decision.ESCALATE, "violation_report", "Bawaslu terdekat"),
    (Decision.ABSTAIN, "anything else", "belum menemukan"),
])
def test_no_answer_is_a_message_without_quotes_or_disclaimer(decision, reason, words):
    ans = answer(PASAL7, decision=decision, reason=reason, query="calon")
    assert words in ans.message and not ans.quotes and not ans.warnings and not ans.disclaimer
    assert ans.listed_sources() == []


def test_to_dict_keeps_the_jsonl_fields_and_adds_the_blocks():
    d = answer(PASAL7, query="syarat pendidikan calon").to_dict()
    assert d["decision"] == "answer" and d["sources"][0]["text"] == PASAL7.text
    assert {"latency_ms", "confidence", "reason"} <= d.keys() and d["sources"][0]["status"] == BERLAKU
    assert d["quotes"][0]["citation"].endswith("huruf c") and d["quotes"][0]["lead"] == LEAD2
    assert d["disclaimer"] == DISCLAIMER and d["warnings"] == [] and d["notes"] == []

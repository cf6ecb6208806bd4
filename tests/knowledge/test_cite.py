"""Citations: one label format, made from passage metadata, exact down to the ayat / huruf."""
from __future__ import annotations

import dataclasses

from knowledge.cite import citation, label, narrow, short_label, status_text
from knowledge.model import DICABUT, DIUBAH, KIND_PENJELASAN, UUD, Passage

P = Passage(id="uu-10-2016@v1#pasal-7/ayat-2", doc_id="uu-10-2016", text="(2) ...", title="UU 10/2016",
            number="10", year=2016, pasal="7", ayat="2", url="https://example.org/uu-10-2016")


def test_labels_name_law_pasal_ayat_and_point():
    assert label(P) == "UU No. 10 Tahun 2016, Pasal 7 ayat (2)"
    assert label(dataclasses.replace(P, ayat="1-3")) == "UU No. 10 Tahun 2016, Pasal 7 ayat (1) s.d. (3)"
    assert label(dataclasses.replace(P, ayat=None, point="angka 5-9", pasal="1")) == "UU No. 10 Tahun 2016, Pasal 1 angka 5-9"
    assert label(dataclasses.replace(P, doc_type=UUD, number=None, year=1945, pasal="22E", ayat="1")) == \
        "UUD 1945, Pasal 22E ayat (1)"
    assert label(dataclasses.replace(P, kind=KIND_PENJELASAN, ayat=None)) == "Penjelasan Pasal 7 UU No. 10 Tahun 2016"


def test_a_scan_that_numbers_its_ayat_wrongly_is_cited_by_pasal_only():
    # the OCR of UU 7/2017 Pasal 124 reads its first ayat as "(6)": the stored piece says "6-1"
    assert label(dataclasses.replace(P, ayat="6-1")) == "UU No. 10 Tahun 2016, Pasal 7"


def test_narrowed_citation_keeps_the_passage_and_names_the_huruf():
    c = citation(P, status="berlaku")
    n = narrow(c, P, ayat=None, point="huruf c")
    assert n.label == "UU No. 10 Tahun 2016, Pasal 7 ayat (2) huruf c"
    assert (n.passage_id, n.url, n.ayat, n.point) == (P.id, P.url, "2", "huruf c")
    whole = dataclasses.replace(P, ayat="1-3")
    assert narrow(citation(whole, status="berlaku"), whole, ayat="2", point=None).label == \
        "UU No. 10 Tahun 2016, Pasal 7 ayat (2)"


def test_status_is_said_with_the_laws_that_changed_it():
    repealed = citation(P, status=DICABUT, status_by=["uu-7-2017"])
    assert status_text(repealed) == "sudah dicabut oleh UU No. 7 Tahun 2017"
    assert "bukan aturan yang berlaku" in repealed.note
    amended = citation(P, status=DIUBAH, status_by=["uu-8-2015", "uu-10-2016"])
    assert status_text(amended) == "sudah diubah oleh UU No. 8 Tahun 2015, UU No. 10 Tahun 2016"
    assert status_text(citation(P, status="berlaku")) == "berlaku"
    assert status_text(citation(P, status=DICABUT)) == "sudah dicabut oleh peraturan yang lebih baru"


def test_amendment_chain_is_history_not_a_warning():
    c = citation(P, status="berlaku", chain=["uu-1-2015", "uu-8-2015", "uu-10-2016"])
    assert c.history == "rangkaian: UU 1/2015 jo. UU 8/2015 jo. UU 10/2016"
    assert "dicabut" not in c.note and "OCR" not in c.note
    assert "OCR" in citation(dataclasses.replace(P, quality="ocr"), status="berlaku").note


def test_short_labels_of_document_ids():
    assert short_label("uu-7-2017") == "UU No. 7 Tahun 2017"
    assert short_label("pkpu-8-2024") == "PKPU No. 8 Tahun 2024"
    assert short_label("uud-1945") == "UUD 1945"
    assert short_label("faq-12") == "faq-12"

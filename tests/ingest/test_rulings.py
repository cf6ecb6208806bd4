"""Constitutional Court rulings as a document type (issue 11): the two bundled rulings and a ruling
uploaded as a PDF, parsed into amar items with their effects and the Court's reasoning."""
from __future__ import annotations

import re

import pytest

from ingest.load import load_bytes
from ingest.pipeline import prepare, prepare_path
from ingest.rulings import decision_date, is_ruling, load_json, words_to_int
from knowledge.model import KIND_AMAR, KIND_PERTIMBANGAN, PUTUSAN_MK
from tests.conftest import CORPUS
from tests.pdfs import text_pdf

RULINGS = CORPUS / "rulings"


@pytest.fixture(scope="module")
def mk60():
    return prepare_path(RULINGS / "putusan-mk-60-2024.json")


@pytest.fixture(scope="module")
def mk70():
    return prepare_path(RULINGS / "putusan-mk-70-2024.json")


def _amar(passages):
    return {p.item: p for p in passages if p.kind == KIND_AMAR}


def test_ruling_60_number_date_subject(mk60):
    info, _text, passages = mk60
    assert info.doc_id == "putusan-mk-60-2024" and info.doc_type == PUTUSAN_MK
    assert info.number == "60/PUU-XXII/2024" and info.date == "2024-08-20"
    assert "Undang-Undang Nomor 10 Tahun 2016" in info.title
    assert {p.doc_type for p in passages} == {PUTUSAN_MK}


def test_ruling_60_amar_item_by_item_with_effects(mk60):
    amar = _amar(mk60[2])
    assert list(amar) == ["provisi", "1", "2", "3", "4", "5"]
    assert amar["provisi"].text == "Menolak permohonan provisi para Pemohon."
    assert amar["1"].text == "Mengabulkan permohonan para Pemohon untuk sebagian."
    meaning = amar["2"]
    assert (meaning.effect, meaning.target) == ("dimaknai", "uu-10-2016:pasal-40/ayat-1")
    assert "sepanjang tidak dimaknai" in meaning.text
    # the regency tier, and the "1.000.000" the extractor had split off, joined back
    assert "Untuk mengusulkan calon bupati d an calon wakil bupati serta calon walikota" in meaning.text
    assert "sampai dengan 1.000.000 (satu juta) jiwa, partai politik atau gabung an" in meaning.text
    assert meaning.text.endswith("di kabupaten/kota tersebut;”")
    void = amar["3"]
    assert (void.effect, void.target) == ("dibatalkan", "uu-10-2016:pasal-40/ayat-3")
    assert void.text.endswith("tidak mempunyai kekuatan hukum mengikat.")
    # procedural items and the partial rejection have no effect on an article
    assert all(amar[k].effect is None for k in ("provisi", "1", "4", "5"))


def test_ruling_60_reasoning_kept_pleadings_left_out(mk60):
    _info, text, passages = mk60
    reasoning = [p for p in passages if p.kind == KIND_PERTIMBANGAN]
    assert any(p.text.startswith("[3.13] Menimbang") and "ambang batas perolehan suara sah" in p.text
               for p in reasoning)
    assert any(p.section == "Konklusi" and p.text.startswith("[4.4] Pokok permohonan beralasan") for p in reasoning)
    assert not any(p.text.startswith("[3.12]") or "Penjelasan berfungsi" in p.text for p in reasoning)
    joined = " ".join(p.text for p in passages)
    for pleading in ("Said Iqbal", "Selanjutnya disebut", "Akta Pengajuan Permohonan", "DUDUK PERKARA"):
        assert pleading not in joined
    assert all(p.text in text for p in passages)  # verbatim slices of the stored text
    assert len({p.id for p in passages}) == len(passages)


def test_ruling_70_rejects_the_petition_and_its_reasoning_settles_when_age_is_counted(mk70):
    info, _text, passages = mk70
    assert info.number == "70/PUU-XXII/2024" and info.date == "2024-08-20"
    amar = _amar(passages)
    assert list(amar) == ["provisi", "pokok"]
    assert amar["pokok"].text == "Menolak permohonan para Pemohon untuk seluruhnya."
    assert not any(p.effect in ("dimaknai", "dibatalkan") for p in passages)  # the article's text stands
    (holder,) = [p for p in passages if p.effect]
    assert (holder.effect, holder.target, holder.item) == ("ditolak", "uu-10-2016:pasal-7/ayat-2/huruf-e", "pokok")
    assert holder.kind == KIND_PERTIMBANGAN and holder.text.startswith("[3.17]")
    assert "harus dipenuhi pada proses pencalonan yang bermuara pada penetapan calon" in holder.text


def test_ruling_uploaded_as_pdf_is_recognised_by_its_heading(mk60):
    # the same ruling's text as an admin would upload it: a PDF of the official text
    text = load_json(RULINGS / "putusan-mk-60-2024.json").text.replace("Nomor 60/PUU-XXII/2024", "Nomor 60/PUU-XXII/2024\nDEMI KEADILAN BERDASARKAN KETUHANAN YANG MAHA ESA", 1)
    text += ("Demikian diputus dalam Rapat Permusyawaratan Hakim, yang diucapkan dalam Sidang Pleno Mahkamah "
             "Konstitusi terbuka untuk umum pada hari Selasa, tanggal dua puluh, bulan Agustus, tahun dua ribu "
             "dua puluh empat, selesai diucapkan pukul 11.01 WIB.")
    loaded = load_bytes(text_pdf(text), "putusan 60.pdf")
    assert is_ruling(loaded.text)
    info, _t, passages = prepare(loaded)
    assert info.doc_id == "putusan-mk-60-2024" and info.doc_type == PUTUSAN_MK and info.date == "2024-08-20"
    amar = _amar(passages)
    assert amar["2"].effect == "dimaknai" and amar["3"].effect == "dibatalkan"
    assert re.search(r"calon bupati\s+d an calon wakil bupati", amar["2"].text)


def test_indonesian_number_words_and_decision_date():
    assert words_to_int("dua puluh") == 20 and words_to_int("sebelas") == 11 and words_to_int("tujuh belas") == 17
    assert words_to_int("dua ribu dua puluh empat") == 2024 and words_to_int("seribu sembilan ratus") == 1900
    assert decision_date("diucapkan dalam Sidang Pleno Mahkamah Konstitusi terbuka untuk umum pada hari Kamis, "
                         "tanggal satu, bulan Agustus, tahun dua ribu dua puluh empat, selesai") == "2024-08-01"
    assert decision_date("tanpa tanggal") is None


def test_a_statute_is_not_taken_for_a_ruling():
    assert not is_ruling((CORPUS / "regulations" / "uu-10-2016.md").read_text(encoding="utf-8"))

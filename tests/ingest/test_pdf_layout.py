"""Clean PDF text: word spacing of justified lines, ayat markers, reading order, page furniture
(running heads, page numbers, JDIH watermarks) and tables, on PDFs set the way official ones are;
and the bundled UUD 1945 PDF against the old extraction (pypdf), measured in the same run."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.pdf_spacing import glued_tokens
from ingest.formats.pdf import load_pdf
from ingest.load import load_bytes, load_path
from ingest.manifest import load_manifest
from ingest.pipeline import prepare
from tests.pdfs import justified_line, letter_spaced, pdf_from_contents, rotated_text, text_at

UUD_PDF = Path(__file__).resolve().parents[2] / "ingest" / "corpus" / "regulations" / "uud-1945.pdf"

AYAT_1 = "Pemilihan umum dilaksanakan secara langsung, umum, bebas, rahasia, jujur, dan adil setiap".split()
AYAT_1_REST = "lima tahun sekali.".split()
AYAT_2 = "Peserta pemilihan umum untuk memilih anggota Dewan Perwakilan Rakyat adalah partai politik.".split()


def _page(no: int, body: str) -> str:
    """A page with the letterhead, a JDIH watermark (diagonal and as a footer line) and '- n -'."""
    return (text_at(230, 760, "PRESIDEN", size=12) + text_at(200, 746, "REPUBLIK INDONESIA", size=12)
            + rotated_text(150, 250, "JDIH KPU") + body
            + text_at(250, 40, "jdih.kpu.go.id") + text_at(290, 24, f"- {no} -"))


def statute_pages() -> bytes:
    # Hanging ayat markers: "(1)" at x=72, its text at x=95 on the same baseline.
    page1 = (text_at(200, 700, "UNDANG-UNDANG REPUBLIK INDONESIA") + text_at(220, 686, "NOMOR 98 TAHUN 2099")
             + text_at(270, 672, "TENTANG") + letter_spaced(200, 658, "PEMILIHAN UMUM")
             + text_at(280, 620, "Pasal 22E")
             + text_at(72, 600, "(1)") + justified_line(95, 600, AYAT_1) + justified_line(95, 586, AYAT_1_REST)
             + text_at(72, 572, "(2)") + justified_line(95, 572, AYAT_2))
    # Page 2 draws its lower block first, and holds a table whose right column comes first.
    page2 = (text_at(72, 400, "(2) Jadwal tahapan tercantum dalam tabel berikut.")
             + text_at(300, 370, "Waktu") + text_at(300, 356, "1 - 7 Mei") + text_at(300, 342, "8 - 14 Mei")
             + text_at(72, 370, "Tahapan") + text_at(72, 356, "Pendaftaran") + text_at(72, 342, "Verifikasi")
             + text_at(280, 700, "Pasal 23")
             + text_at(72, 680, "(1)") + justified_line(95, 680, "Jadwal ditetapkan oleh komisi pemilihan umum.".split()))
    page3 = text_at(280, 700, "Pasal 24") + text_at(72, 680, "Ketentuan ini berlaku sejak diundangkan.")
    return pdf_from_contents([_page(1, page1), _page(2, page2), _page(3, page3)])


@pytest.fixture(scope="module")
def doc():
    return load_bytes(statute_pages(), "contoh.pdf")


def test_justified_tight_lines_keep_their_word_breaks(doc):
    assert "setiap lima tahun sekali." in doc.text
    assert " ".join(AYAT_2) in doc.text
    assert not glued_tokens(doc.text)
    # The old extraction glued them: the test PDF is set like the real one.
    assert glued_tokens(load_pdf(statute_pages(), "x", engine="pypdf").text)


def test_ayat_markers_open_their_lines_and_wrapped_lines_join(doc):
    lines = doc.text.split("\n")
    i = lines.index("Pasal 22E")
    assert lines[i + 1] == "(1) " + " ".join(AYAT_1 + AYAT_1_REST)
    assert lines[i + 2] == "(2) " + " ".join(AYAT_2)


def test_letter_spaced_heading_reads_as_words(doc):
    assert doc.title == "UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 98 TAHUN 2099 TENTANG PEMILIHAN UMUM"


def test_page_furniture_and_watermarks_are_gone(doc):
    lines = doc.text.split("\n")
    for furniture in ("PRESIDEN", "REPUBLIK INDONESIA", "jdih.kpu.go.id", "- 2 -"):
        assert furniture not in lines
    assert "JDIH" not in doc.text and "KPU" not in doc.text


def test_reading_order_and_table_rows(doc):
    lines = doc.text.split("\n")
    assert lines.index("Pasal 23") < lines.index("(2) Jadwal tahapan tercantum dalam tabel berikut.")
    # One line per table row, cells left to right, rows top to bottom.
    assert ["Tahapan Waktu", "Pendaftaran 1 - 7 Mei", "Verifikasi 8 - 14 Mei"] == [
        ln for ln in lines if ln.startswith(("Tahapan", "Pendaftaran", "Verifikasi"))]


def test_parsed_articles_from_the_layout(doc):
    info, _text, passages = prepare(doc)
    by_pasal = {p.pasal: p.text for p in passages}
    assert by_pasal["22E"].startswith("(1) Pemilihan umum dilaksanakan")
    assert "(2) Peserta pemilihan umum" in by_pasal["22E"]
    assert by_pasal["24"] == "Ketentuan ini berlaku sejak diundangkan."


# --------------------------------------------------------------------------------------------
# The bundled UUD 1945 PDF


@pytest.fixture(scope="module")
def uud_passages():
    info = next(d for d in load_manifest() if d.file and d.file.endswith("uud-1945.pdf"))
    return prepare(load_path(UUD_PDF), info)[2]


def _ayat(text: str) -> list[str]:
    return re.findall(r"^\((\d+)\)", text, re.M)


def test_uud_glued_words_fall_by_90_percent():
    old = load_pdf(UUD_PDF.read_bytes(), str(UUD_PDF), engine="pypdf").text
    new = load_path(UUD_PDF).text
    before, after = len(glued_tokens(old)), len(glued_tokens(new))
    assert "limatahunsekali" in old and "limatahunsekali" not in new
    assert before >= 10
    assert after <= before * 0.1, (before, after, glued_tokens(new))


def test_uud_pasal_22e_is_found_by_its_words(uud_passages):
    texts = [p.text for p in uud_passages if p.pasal == "22E"]
    assert any("setiap lima tahun sekali" in t for t in texts)


@pytest.mark.parametrize("pasal, ayat", [("22E", ["1", "2", "3", "4", "5", "6"]),
                                         ("24C", ["1", "2", "3", "4", "5", "6"]),
                                         ("6A", ["1", "2", "3", "4", "5"])])
def test_uud_every_ayat_marker_is_kept(uud_passages, pasal, ayat):
    found = sorted({a for p in uud_passages if p.pasal == pasal for a in _ayat(p.text)}, key=int)
    assert found == ayat

"""Tests for ingest/load.py: files, uploads and URLs to clean text plus metadata.

No network: fetch_url is exercised against a local HTTP server on 127.0.0.1, and a guard
fails any connect to a non-loopback address.
"""
from __future__ import annotations

import io
import ipaddress
import os
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pypdf
import pytest

from tests.pdfs import blank_pdf, make_text_pdf  # noqa: E402
from ingest.load import (  # noqa: E402
    USER_AGENT,
    LoadedDocument,
    LoadError,
    fetch_url,
    load_bytes,
    load_path,
    normalize_statute_lines,
)
from ingest.news import normalize_ws  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "ingest" / "corpus"
UUD_PDF = CORPUS / "regulations" / "uud-1945.pdf"
FIXTURES = ROOT / "tests" / "fixtures" / "docs"
KALSEL_TXT = CORPUS / "news" / "bawaslu-kalsel-2024-09-25-audiensi-kapolda.txt"
KALSEL_HTML = [FIXTURES / "bawaslu-kalsel-audiensi-div.html", FIXTURES / "bawaslu-kalsel-audiensi.html"]
NO_ARTICLE_HTML = FIXTURES / "bawaslu-no-article.html"
KALSEL_TITLE = "Audiensi dengan Kapolda Kalsel, Bawaslu Kalsel Perkuat Koordinasi Intensif Dengan Jajaran Kepolisian"
CHROME = [
    "Lompat ke isi utama",
    "Media Sosial",
    "Lokasi Bawaslu Provinsi",
    "Konsultasi",
    "Hukum Kepemiluan",
    "Konsultasi Hukum Kepemiluan",
    "Tanyakan right-circle",
    "tanya",
    "toast",
    "news",
    "Berita",
]


# --------------------------------------------------------------------------------------------
# Network guard


from tests.conftest import NetworkBlocked  # noqa: E402,F401  (the guard itself is in tests/conftest.py)


def test_network_guard_blocks_non_loopback():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkBlocked):
            s.connect(("192.0.2.1", 80))
    finally:
        s.close()


# --------------------------------------------------------------------------------------------
# Small PDF builders


def statute_pdf() -> bytes:
    """Four pages with a running header, page numbers, one page drawn out of order, a glued
    heading and a heading split by a space ('Pasal 6 A')."""

    def page(no: int, body: list[tuple[float, str]]) -> list[tuple[float, str]]:
        return [(770, "PRESIDEN"), (756, "REPUBLIK INDONESIA")] + body + [(40, f"- {no} -")]

    return make_text_pdf(
        [
            page(1, [
                (700, "UNDANG-UNDANG REPUBLIK INDONESIA"),
                (686, "NOMOR 99 TAHUN 2099"),
                (672, "TENTANG"),
                (658, "CONTOH PEMILIHAN"),
                (630, "Pasal 1"),
                (616, "(1) Pemilihan dilaksanakan secara langsung."),
                (602, "(2) Pemilihan diselenggarakan setiap lima tahun."),
            ]),
            # Content stream draws the bottom block first (as in the official UUD PDF).
            page(2, [
                (300, "Presiden dengan persetujuan Dewan menyatakan perang, membuat"),
                (286, "perdamaian dan perjanjian dengan negara lain."),
                (700, "Pasal 2"),
                (686, "Setiap warga negara berhak memilih."),
                (330, "Pasal 3"),
            ]),
            page(3, [
                (700, "Pasal 4"),
                (686, "Pemilih terdaftar dalam daftar pemilih. Pasal 5 (1) Setiap orang berhak dipilih."),
                (672, "(2) Syarat lain diatur dengan undang-undang."),
            ]),
            page(4, [
                (700, "Pasal 6 A"),
                (686, "(1)"),
                (672, "Ketentuan ini berlaku sejak diundangkan."),
            ]),
        ]
    )


# --------------------------------------------------------------------------------------------
# The official UUD 1945 PDF


@pytest.fixture(scope="module")
def uud() -> LoadedDocument:
    return load_path(UUD_PDF)


def _headings(text: str) -> list[str]:
    return re.findall(r"^Pasal \d+[A-Z]?$", text, re.M)


def _article(text: str, heading: str, occurrence: int = 0) -> str:
    """The lines after a 'Pasal N' heading line, up to the next heading."""
    starts = [m.end() for m in re.finditer(rf"^{re.escape(heading)}$", text, re.M)]
    start = starts[occurrence]
    nxt = re.search(r"^Pasal \S+$", text[start:], re.M)
    return text[start : start + nxt.start() if nxt else len(text)].strip()


def test_uud_basic(uud: LoadedDocument):
    assert uud.media_type == "application/pdf"
    assert uud.source == str(UUD_PDF)
    assert uud.pages == 31
    assert uud.title == "UNDANG-UNDANG DASAR NEGARA REPUBLIK INDONESIA TAHUN 1945"
    assert not uud.is_news
    assert uud.warnings == []
    # The footer on every page is gone.
    assert "www.peraturan.go.id" not in uud.text
    # Original text, Pasal 1-37, plus the four amendments: many headings, 70+ distinct.
    heads = _headings(uud.text)
    assert len(set(heads)) >= 70
    assert len(heads) >= 100


def test_uud_pasal_27(uud: LoadedDocument):
    assert "Pasal 27" in _headings(uud.text)
    body = _article(uud.text, "Pasal 27")
    lines = body.split("\n")
    assert lines[0].startswith("(1) Segala warga negara bersamaan kedudukannya di dalam hukum")
    assert any(ln.startswith("(2) Tiap-tiap warga negara berhak atas pekerjaan") for ln in lines)


def test_uud_pasal_28d_28e(uud: LoadedDocument):
    heads = _headings(uud.text)
    assert "Pasal 28D" in heads and "Pasal 28E" in heads
    d = _article(uud.text, "Pasal 28D").split("\n")
    assert d[0].startswith("(1) Setiap orang berhak atas pengakuan, jaminan, perlindungan, dan kepastian hukum")
    assert "(3) Setiap warga negara berhak memperoleh kesempatan yang sama dalam pemerintahan." in d
    e = _article(uud.text, "Pasal 28E")
    assert e.startswith("(1) Setiap orang bebas memeluk agama")
    # ayat (2) and (3) are on the next PDF page: the page break does not show.
    assert "\n(3) Setiap orang berhak atas kebebasan berserikat, berkumpul, dan mengeluarkan pendapat." in e


def test_uud_out_of_order_page_fixed(uud: LoadedDocument):
    # In the PDF's content stream, Pasal 11's text comes before Pasal 7 on its page.
    body = _article(uud.text, "Pasal 11")
    assert body.startswith("Presiden dengan persetujuan Dewan Perwakilan Rakyat menyatakan perang")
    assert _article(uud.text, "Pasal 6").endswith("suara yang terbanyak.")


def test_uud_split_heading_joined(uud: LoadedDocument):
    assert "Pasal 22B" in _headings(uud.text)
    assert "Pasal 22 B" not in uud.text


def test_uud_ayat_lines_start_lines(uud: LoadedDocument):
    ayat = re.findall(r"^\(\d+\) ", uud.text, re.M)
    assert len(ayat) > 180
    # No ayat marker left alone on a line, no doubled spaces.
    assert not re.search(r"^\(\d+\)$", uud.text, re.M)
    assert "  " not in uud.text


# --------------------------------------------------------------------------------------------
# Generated PDFs: furniture, ordering, headings; errors


def test_generated_statute_pdf(tmp_path: Path):
    p = tmp_path / "contoh.pdf"
    p.write_bytes(statute_pdf())
    doc = load_path(p)
    lines = doc.text.split("\n")
    assert "PRESIDEN" not in lines and "REPUBLIK INDONESIA" not in lines
    assert not any(re.fullmatch(r"- \d+ -", ln) for ln in lines)
    assert doc.title == "UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 99 TAHUN 2099 TENTANG CONTOH PEMILIHAN"
    assert lines[lines.index("Pasal 3") + 1].startswith("Presiden dengan persetujuan Dewan")
    assert lines.index("Pasal 2") < lines.index("Pasal 3")
    i = lines.index("Pasal 5")
    assert lines[i - 1] == "Pemilih terdaftar dalam daftar pemilih."
    assert lines[i + 1] == "(1) Setiap orang berhak dipilih."
    assert "Pasal 6A" in lines
    assert "(1) Ketentuan ini berlaku sejak diundangkan." in lines
    assert doc.pages == 4


def test_normalize_statute_lines_is_conservative():
    text = (
        "(e) Pengubahan Pasal 2 ayat (1); Pasal 6A ayat (4); Pasal 8\n"
        "ayat (3); Pasal 11 ayat (1);\n"
        "sebagaimana dimaksud dalam Pasal 5 ayat (1). Pasal 7 tidak berlaku."
    )
    assert normalize_statute_lines(text) == text


def test_corrupt_pdf(tmp_path: Path):
    p = tmp_path / "rusak.pdf"
    p.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ngarbage garbage\n")
    with pytest.raises(LoadError) as ei:
        load_path(p)
    assert ei.value.code == "corrupt_pdf"
    assert ei.value.message == "Berkas PDF rusak atau tidak dapat dibaca."

    q = tmp_path / "bukan.pdf"
    q.write_bytes(os.urandom(2048))
    with pytest.raises(LoadError) as ei:
        load_path(q)
    assert ei.value.code == "corrupt_pdf"


def test_truncated_real_pdf_does_not_crash():
    data = UUD_PDF.read_bytes()[:40_000]
    try:
        doc = load_bytes(data, "uud.pdf")
    except LoadError as exc:
        assert exc.code in ("corrupt_pdf", "needs_ocr")
    else:
        assert doc.text


def test_scanned_pdf_needs_ocr(tmp_path: Path):
    p = tmp_path / "pindaian.pdf"
    p.write_bytes(blank_pdf(3))
    with pytest.raises(LoadError) as ei:
        load_path(p)
    assert ei.value.code == "needs_ocr"
    assert "perlu OCR" in ei.value.message


def test_partly_scanned_pdf_warns():
    pages = [[(700, f"Pasal {i}"), (686, f"Isi pasal nomor {i} yang cukup panjang untuk dibaca.")] for i in (1, 2, 3)]
    pages.append([])
    doc = load_bytes(make_text_pdf(pages), "campuran.pdf")
    assert doc.warnings and "4" in doc.warnings[0]


@pytest.mark.parametrize("user_password, ok", [("rahasia", False), ("", True)])
def test_encrypted_pdf(user_password: str, ok: bool):
    r = pypdf.PdfReader(io.BytesIO(make_text_pdf([[(700, "Pasal 1"), (686, "Isi pasal satu.")]])))
    w = pypdf.PdfWriter()
    for page in r.pages:
        w.add_page(page)
    w.encrypt(user_password=user_password, owner_password="pemilik", algorithm="RC4-128")
    buf = io.BytesIO()
    w.write(buf)
    if ok:  # owner password only: readable
        assert "Pasal 1" in load_bytes(buf.getvalue(), "x.pdf").text
    else:
        with pytest.raises(LoadError) as ei:
            load_bytes(buf.getvalue(), "x.pdf")
        assert ei.value.code == "encrypted"
        assert "kata sandi" in ei.value.message


# --------------------------------------------------------------------------------------------
# Text, Markdown and common errors


def test_markdown_statute():
    path = CORPUS / "regulations" / "uu-10-2016.md"
    doc = load_path(path)
    assert doc.media_type == "text/markdown"
    assert not doc.is_news and doc.paragraphs is None
    assert re.search(r"^Pasal 7$", doc.text, re.M)
    assert re.search(r"^\(1\) Setiap warga negara berhak memperoleh kesempatan", doc.text, re.M)
    assert doc.title and doc.title.startswith("UNDANG-UNDANG REPUBLIK INDONESIA")
    # Only whitespace at line ends and document edges changed.
    raw = path.read_text(encoding="utf-8")
    assert doc.text == "\n".join(ln.rstrip() for ln in raw.split("\n")).strip()


def test_text_decoding(tmp_path: Path):
    p = tmp_path / "a.md"
    p.write_bytes("\ufeffPasal 1\r\n(1) Kedaulatan berada di tangan rakyat.\r\n\r\n\r\n\r\nPasal 2\r".encode("utf-8"))
    doc = load_path(p)
    assert doc.text == "Pasal 1\n(1) Kedaulatan berada di tangan rakyat.\n\nPasal 2"
    q = tmp_path / "b.txt"
    q.write_bytes("Jum’at – café".encode("cp1252"))
    assert load_path(q).text == "Jum’at – café"
    r = tmp_path / "c.txt"
    r.write_bytes(b"Tanda \x81 aneh")
    assert load_path(r).text == "Tanda \x81 aneh"


@pytest.mark.parametrize("name, data", [("kosong.txt", b""), ("spasi.md", b" \n\t\r\n  "), ("kosong.pdf", b"")])
def test_empty_file(tmp_path: Path, name: str, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(LoadError) as ei:
        load_path(p)
    assert ei.value.code == "empty"
    assert "kosong" in ei.value.message


def test_too_large(tmp_path: Path):
    p = tmp_path / "besar.txt"
    p.write_bytes(b"Pasal 1\n" * 200)
    with pytest.raises(LoadError) as ei:
        load_path(p, max_bytes=1000)
    assert ei.value.code == "too_large"
    assert "terlalu besar" in ei.value.message
    with pytest.raises(LoadError) as ei:
        load_bytes(b"x" * 1001, "a.txt", max_bytes=1000)
    assert ei.value.code == "too_large"


@pytest.mark.parametrize("name", ["dokumen.docx", "gambar.png", "tanpa-ekstensi"])
def test_unknown_type(tmp_path: Path, name: str):
    p = tmp_path / name
    p.write_bytes(b"PK\x03\x04 isi")
    with pytest.raises(LoadError) as ei:
        load_path(p)
    assert ei.value.code == "unsupported_type"
    assert "tidak didukung" in ei.value.message


def test_missing_path(tmp_path: Path):
    with pytest.raises(LoadError) as ei:
        load_path(tmp_path / "tidak-ada.pdf")
    assert ei.value.code == "not_found"
    assert "tidak ditemukan" in ei.value.message
    assert str(ei.value) == ei.value.message


def test_load_bytes_detection():
    pdf = make_text_pdf([[(700, "Pasal 1"), (686, "Isi pasal satu.")]])
    # Magic bytes win over a wrong name / generic type (Telegram sends octet-stream).
    assert load_bytes(pdf, "berkas.bin", content_type="application/octet-stream").media_type == "application/pdf"
    md = load_bytes("Pasal 1\nIsi.".encode(), "uu.md", content_type="application/octet-stream")
    assert md.media_type == "text/markdown" and md.source == "uu.md"
    md2 = load_bytes(b"Pasal 1\nIsi.", "uu.md", content_type="text/plain")
    assert md2.media_type == "text/markdown"
    html = load_bytes(KALSEL_HTML[0].read_bytes(), "halaman", content_type=None, source="upload:1")
    assert html.media_type == "text/html" and html.source == "upload:1"
    with pytest.raises(LoadError) as ei:
        load_bytes(b"\x89PNG....", "foto.png", content_type="image/png")
    assert ei.value.code == "unsupported_type"
    with pytest.raises(LoadError) as ei:
        load_bytes(b"\x00\x01\x02 biner", "x.txt")
    assert ei.value.code == "unsupported_type"


# --------------------------------------------------------------------------------------------
# News routing


def test_news_folder_routes_through_news_cleaner(tmp_path: Path):
    text = (
        "Rapat Koordinasi Pengawasan\n\n"
        "Surabaya – Pengawas pemilu menggelar rapat koordinasi pengawasan tahapan pada Senin (2/10/2023).\n\n"
        "Rapat diikuti oleh seluruh jajaran pengawas.\n"
    )
    (tmp_path / "news").mkdir()
    news = tmp_path / "news" / "rapat.txt"
    news.write_text(text, encoding="utf-8")
    doc = load_path(news)
    assert doc.is_news
    assert doc.title == "Rapat Koordinasi Pengawasan"
    assert doc.place == "Surabaya"
    assert doc.date == "2023-10-02"
    assert doc.paragraphs == [
        "Surabaya – Pengawas pemilu menggelar rapat koordinasi pengawasan tahapan pada Senin (2/10/2023).",
        "Rapat diikuti oleh seluruh jajaran pengawas.",
    ]
    other = tmp_path / "rapat.txt"
    other.write_text(text, encoding="utf-8")
    plain = load_path(other)
    assert not plain.is_news and plain.paragraphs is None


def test_corpus_news_file():
    doc = load_path(KALSEL_TXT)
    assert doc.is_news and doc.media_type == "text/plain"
    assert (doc.title, doc.date, doc.place) == (KALSEL_TITLE, "2024-09-25", "Banjarbaru")
    # News markers route an upload too, without a folder hint.
    up = load_bytes(KALSEL_TXT.read_bytes(), "berita.txt", content_type="text/plain")
    assert up.is_news and up.paragraphs == doc.paragraphs


# --------------------------------------------------------------------------------------------
# HTML


@pytest.mark.parametrize("path", KALSEL_HTML, ids=lambda p: p.name)
def test_html_news_page(path: Path):
    doc = load_path(path)
    assert doc.media_type == "text/html"
    assert doc.is_news
    assert doc.title == KALSEL_TITLE
    assert doc.date == "2024-09-25"
    assert doc.place == "Banjarbaru"
    paras = doc.paragraphs
    assert paras[0].startswith("Banjarbaru, Bawaslu Kalsel - Memasuki tahapan kampanye")
    assert paras[-1].startswith("Kepala Sekretariat Bawaslu Kalsel")
    for chrome in CHROME + [KALSEL_TITLE]:
        assert chrome not in paras
    assert not any("right-circle" in p or p.startswith(("Konsultasi", "Tanyakan")) for p in paras)
    # Verbatim: every paragraph is a substring of the captured article text.
    flat = normalize_ws(KALSEL_TXT.read_text(encoding="utf-8"))
    for p in paras:
        assert p in flat
    assert doc.text == "\n\n".join(paras)


def test_html_meta_date_wins(tmp_path: Path):
    html = KALSEL_HTML[0].read_text(encoding="utf-8").replace(
        "<head>", '<head>\n  <meta property="article:published_time" content="2024-09-26T08:00:00+08:00">', 1
    )
    p = tmp_path / "a.html"
    p.write_text(html, encoding="utf-8")
    assert load_path(p).date == "2024-09-26"


def test_html_without_article():
    with pytest.raises(LoadError) as ei:
        load_path(NO_ARTICLE_HTML)
    assert ei.value.code == "no_article"
    with pytest.raises(LoadError) as ei:
        load_bytes(b"<html><head><title>x</title></head><body></body></html>", "x.html")
    assert ei.value.code == "no_article"


def test_html_statute_page_keeps_structure():
    html = (
        "<html><head><title>UU Contoh</title></head><body><nav><a href='/'>Beranda</a></nav><main><article>"
        "<h1>UU Contoh</h1><p>Pasal 1</p><p>(1) Setiap warga negara berhak memilih dalam pemilihan umum.</p>"
        "<p>(2) Pemilih harus terdaftar dalam daftar pemilih tetap yang ditetapkan oleh KPU.</p>"
        "<p>Pasal 2</p><p>Pemilihan dilaksanakan secara langsung, umum, bebas, rahasia, jujur, dan adil.</p>"
        "</article></main></body></html>"
    )
    doc = load_bytes(html.encode(), "uu.html")
    assert not doc.is_news
    assert re.search(r"^Pasal 1\n\(1\) Setiap warga negara", doc.text, re.M)
    assert re.search(r"^Pasal 2$", doc.text, re.M)

"""Tests for ingest/news.py: cleaning the captured Bawaslu news texts."""
from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest

from ingest.load import LoadError  # noqa: E402
from ingest.news import (  # noqa: E402
    clean_news_text,
    find_place,
    is_chrome,
    is_news_text,
    normalize_ws,
    parse_date,
)

ROOT = Path(__file__).resolve().parents[2]
NEWS = ROOT / "ingest" / "corpus" / "news"
REGS = ROOT / "ingest" / "corpus" / "regulations"
KALSEL = NEWS / "bawaslu-kalsel-2024-09-25-audiensi-kapolda.txt"

CHROME = [
    "Lompat ke isi utama",
    "Media Sosial",
    "Lokasi Bawaslu Provinsi",
    "Konsultasi",
    "Hukum Kepemiluan",
    "Tanyakan right-circle",
    "tanya",
    "toast",
    "news",
    "Berita",
]


from tests.conftest import NetworkBlocked  # noqa: E402,F401  (the guard itself is in tests/conftest.py)


def _raw(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------
# The Kalsel page capture


def test_kalsel_capture_fields():
    doc = clean_news_text(_raw(KALSEL), source=str(KALSEL))
    assert doc.is_news
    assert doc.title == (
        "Audiensi dengan Kapolda Kalsel, Bawaslu Kalsel Perkuat Koordinasi Intensif Dengan Jajaran Kepolisian"
    )
    assert doc.date == "2024-09-25"
    assert doc.place == "Banjarbaru"
    assert doc.source == str(KALSEL)
    assert doc.text == "\n\n".join(doc.paragraphs)


def test_kalsel_capture_chrome_removed():
    doc = clean_news_text(_raw(KALSEL), source="x")
    for chrome in CHROME:
        assert chrome not in doc.paragraphs
    assert not any("right-circle" in p for p in doc.paragraphs)
    assert not any(p.startswith("Konsultasi") for p in doc.paragraphs)
    # The title appears twice in the capture; it is not a body paragraph at all.
    assert doc.title not in doc.paragraphs
    # Body starts (after the photo caption) with the dateline paragraph; ends with the last one.
    assert any(p.startswith("Banjarbaru, Bawaslu Kalsel - Memasuki tahapan kampanye") for p in doc.paragraphs[:2])
    assert doc.paragraphs[-1].startswith("Kepala Sekretariat Bawaslu Kalsel")
    assert "jelas Aries" in doc.paragraphs


def test_kalsel_paragraphs_are_verbatim():
    raw = _raw(KALSEL)
    flat = normalize_ws(raw)
    doc = clean_news_text(raw, source="x")
    assert len(doc.paragraphs) >= 7
    for p in doc.paragraphs:
        assert p in flat


# --------------------------------------------------------------------------------------------
# The Boyolali TITLE:/SOURCE: files

BOYOLALI = sorted(NEWS.glob("bawaslu-boyolali-*.txt"))
BOYOLALI_PLACE = {
    "bawaslu-boyolali-2023-gp-ansor.txt": "Boyolali",  # "Boyolali-Pimpinan Anak Cabang ..."
    "bawaslu-boyolali-2023-pemilih-sosialisasi.txt": "Boyolali",
    "bawaslu-boyolali-2023-penandatanganan-mou.txt": "Boyolali",
    "bawaslu-boyolali-2023-pesta-demokrasi.txt": "Boyolali",
    "bawaslu-boyolali-2023-tandatgn-nphd.txt": "Boyolali",
    # no dateline separator in these:
    "bawaslu-boyolali-2023-dialog-kehumasan.txt": None,
    "bawaslu-boyolali-2023-paswaslu-kecamatan.txt": None,
    "bawaslu-boyolali-2023-verifikasi-administrasi.txt": None,
}


def test_boyolali_files_present():
    assert len(BOYOLALI) == 8


@pytest.mark.parametrize("path", BOYOLALI, ids=lambda p: p.name)
def test_boyolali_file(path: Path):
    raw = _raw(path)
    doc = clean_news_text(raw, source=str(path))
    title_line = raw.split("\n", 1)[0]
    assert doc.title == title_line.removeprefix("TITLE:").strip()
    assert doc.date == "2023-08-03"  # byline "by Bawaslu Boyolali - 3 Agustus 2023"
    assert doc.place == BOYOLALI_PLACE[path.name]
    assert doc.is_news
    assert doc.paragraphs
    flat = normalize_ws(raw)
    for p in doc.paragraphs:
        assert p in flat
        assert not p.startswith(("TITLE:", "SOURCE:", "by Bawaslu"))
    assert "github" not in doc.text


# --------------------------------------------------------------------------------------------
# Helpers


@pytest.mark.parametrize(
    "text, iso",
    [
        ("Mako Polda Kalsel. Rabu, (25/9/2024).", "2024-09-25"),
        ("by Bawaslu Boyolali - 3 Agustus 2023", "2023-08-03"),
        ("Jum'at, 10 Nopember 2023", "2023-11-10"),
        ("Senin, 2 Okt. 2023", "2023-10-02"),
        ("diterbitkan 2024-02-14", "2024-02-14"),
        ("Kamis (3/8) Taryono selaku ketua", None),  # no year
        ("(31/2/2024)", None),  # not a date
        ("tanpa tanggal", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    "para, place",
    [
        ("Banjarbaru, Bawaslu Kalsel - Memasuki tahapan kampanye pemilihan", "Banjarbaru"),
        ("Boyolali – Tahapan Pemilihan Umum tahun 2024 sudah memasuki", "Boyolali"),
        ("Boyolali-Pimpinan Anak Cabang Gerakan Pemuda Ansor", "Boyolali"),
        ("JAKARTA (ANTARA) - Badan Pengawas Pemilu menyatakan", "Jakarta"),
        ("Kota Banjarmasin — Bawaslu menggelar rapat", "Kota Banjarmasin"),
        ("Tahapan Pemilu Serentak Tahun 2024 sudah dimulai, Bawaslu sebagai lembaga", None),
        ("Boyolali Verifikasi administrasi perbaikan dokumen", None),
        ("Kegiatan audiensi Bawaslu Kalsel / Foto: Isya", None),
    ],
)
def test_find_place(para, place):
    assert find_place(para) == place


def test_is_chrome():
    for c in CHROME + ["Konsultasi Hukum Kepemiluan", "Tanyakan"]:
        assert is_chrome(c), c
    assert is_chrome(["Konsultasi", "Hukum Kepemiluan"])
    assert not is_chrome("Berita hoaks menjadi tantangan berat menjelang Pemilu 2024.")
    assert not is_chrome("jelas Aries")


def test_is_news_text():
    for path in NEWS.glob("*.txt"):
        assert is_news_text(_raw(path)), path.name
    for path in REGS.glob("*.md"):
        assert not is_news_text(_raw(path)), path.name
    assert not is_news_text("Pasal 1\n(1) Negara Indonesia.\nPasal 2\nIsi.\nPasal 3\nIsi.")


def test_no_body_is_an_error():
    with pytest.raises(LoadError) as ei:
        clean_news_text("Lompat ke isi utama\n\nBerita\n\nMedia Sosial\n", source="x")
    assert ei.value.code == "no_article"
    assert "artikel" in ei.value.message


def test_crlf_and_bom():
    raw = "\ufeff" + _raw(NEWS / "bawaslu-boyolali-2023-tandatgn-nphd.txt").replace("\n", "\r\n")
    doc = clean_news_text(raw, source="x")
    assert doc.title == "Bawaslu Boyolali Tandatangani NPHD Pendanaan Pemilukada 2024"
    assert doc.place == "Boyolali"
    assert all("\r" not in p for p in doc.paragraphs)

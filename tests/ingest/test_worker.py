"""The parsing worker: PDF and HTML parsing get a time, a memory and a page cap, and a worker
that runs over is stopped (the next document still loads)."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest import worker
from ingest.load import LoadError, load_bytes, load_path
from ingest.worker import ParseLimits
from tests.pdfs import make_text_pdf

UUD_PDF = Path(__file__).resolve().parents[2] / "ingest" / "corpus" / "regulations" / "uud-1945.pdf"


def _pid() -> int:
    return worker._child.proc.pid


def test_over_time_the_worker_is_stopped_and_replaced():
    with pytest.raises(LoadError) as ei:
        load_path(UUD_PDF, limits=ParseLimits(timeout_s=0.05))
    assert ei.value.code == "parse_limit"
    assert "waktu" in ei.value.message
    assert worker._child is None  # the stopped child is gone
    doc = load_path(UUD_PDF)  # a fresh worker takes the next document
    assert doc.pages == 31


def test_over_memory_is_a_clear_error():
    # The worker with its parsers imported takes ~85 MB of address space; parsing this 9 MB page
    # takes ~330 MB, far over the cap.
    paragraphs = "".join(f"<p>Paragraf {i} berisi teks berita yang cukup panjang untuk dibaca.</p>" for i in range(100_000))
    page = f"<html><body><main><article>{paragraphs}</article></main></body></html>".encode()
    with pytest.raises(LoadError) as ei:
        load_bytes(page, "besar.html", limits=ParseLimits(memory_bytes=120 * 1024**2))
    assert ei.value.code == "parse_limit"
    assert "memori" in ei.value.message
    # The next document gets a fresh worker with the default cap.
    assert "Pasal 1" in load_bytes(make_text_pdf([[(700, "Pasal 1"), (686, "Isi pasal satu.")]]), "x.pdf").text


def test_too_many_pages():
    pdf = make_text_pdf([[(700, f"Pasal {i}"), (686, "Isi pasal yang cukup panjang.")] for i in range(1, 6)])
    with pytest.raises(LoadError) as ei:
        load_bytes(pdf, "x.pdf", limits=ParseLimits(max_pages=3))
    assert ei.value.code == "too_many_pages"
    assert "5" in ei.value.message and "3" in ei.value.message
    assert load_bytes(pdf, "x.pdf", limits=ParseLimits(max_pages=5)).pages == 5

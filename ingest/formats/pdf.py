"""PDF: the text layer, page by page, with running headers/footers and page numbers removed,
lines put in reading order, and statute line breaks repaired.

Text comes from pdfminer.six's layout analysis (``LAPARAMS``): it places every glyph, so a
justified line whose words are set apart by spacing alone (no space character, as in the
official UUD 1945 PDF) keeps its word breaks, where pypdf glued them ("limatahunsekali").
Lines that share a baseline (an ayat marker set apart by a tab, table cells) become one row,
rows are read top to bottom, and rotated glyphs (diagonal watermarks) are dropped. pypdf opens
the file (encryption, page count, metadata, stream-size caps) and is the fallback extraction
when pdfminer cannot read a damaged file. ``python -m bench.pdf_spacing`` measures both.
"""
from __future__ import annotations

import io
import logging
import re

from ..document import PDF, LoadedDocument, LoadError
from ..grammar import STRUCTURAL
from ..news import normalize_ws
from ..normalise import normalize_statute_lines, reflow_lines
from .text import first_title

log = logging.getLogger(__name__)

PageLines = list[tuple[str, "float | None"]]

# Page-number lines: "12", "- 12 -", "Halaman 3 dari 31", "3/31".
_PAGE_NO = re.compile(
    r"^(?:[-–—]\s*)?\d{1,4}(?:\s*[-–—])?$|^(?:halaman|hal\.?|page)\s*\d{1,4}(?:\s*(?:dari|of|/)\s*\d{1,4})?$|^\d{1,4}\s*/\s*\d{1,4}$",
    re.I,
)
_BAD_PDF_TITLE = re.compile(r"^(?:microsoft\s+\w+\s*-|untitled|document\d*$)|\.(?:pdf|docx?|rtf|odt)$", re.I)
_TITLE_STOP = re.compile(r"^(?:PEMBUKAAN|DENGAN RAHMAT|BAB\s|Menimbang|MEMUTUSKAN|Pasal\s)", re.I)


def _corrupt() -> LoadError:
    return LoadError("corrupt_pdf", "Berkas PDF rusak atau tidak dapat dibaca.")


# A wide char_margin keeps a hanging ayat marker "(1)" on its line. Word breaks are not
# pdfminer's (a fixed gap): see _line_text.
LAPARAMS = dict(char_margin=20.0, line_margin=0.5, line_overlap=0.5)
# A word break is a gap this share of the font size wider than the line's own letter spacing
# (measured on the UUD 1945 PDF with bench/pdf_spacing.py).
WORD_GAP = 0.13
# Page furniture found anywhere on a page (watermarks, site footers), when repeated on most pages.
_WATERMARK = re.compile(r"\bJDIH\b|jdih\.|www\.|\.go\.id\b", re.I)
_RUNNING_HEAD = re.compile(r"^(?:PRESIDEN(?: REPUBLIK INDONESIA)?|REPUBLIK INDONESIA)$")


def _text_lines(obj):
    from pdfminer.layout import LTTextLine

    if isinstance(obj, LTTextLine):
        yield obj
    elif hasattr(obj, "__iter__") and not isinstance(obj, str):
        for child in obj:
            yield from _text_lines(child)


def _gap(a, b) -> float:
    return b.x0 - a.x1


def _has_space(a, b) -> bool:
    return a.get_text().isspace() or b.get_text().isspace()


def _segments(chars: list) -> list[list]:
    """Cut a line where two glyphs are over a font size apart (a tab, a table column)."""
    out = [[chars[0]]]
    for a, b in zip(chars, chars[1:]):
        if _gap(a, b) > max(a.size, b.size):
            out.append([])
        out[-1].append(b)
    return out


def _horizontal(char) -> bool:
    """Upright and not rotated (pdfminer's `upright` lets a 45-degree watermark through)."""
    a, b, c, d, _e, _f = char.matrix
    return a > 0 and d > 0 and abs(b) <= 0.01 * a and abs(c) <= 0.01 * d


def _segment_text(segment: list) -> str:
    gaps = sorted(_gap(a, b) for a, b in zip(segment, segment[1:]) if not _has_space(a, b))
    spacing = gaps[len(gaps) // 2] if gaps else 0.0
    out = [segment[0].get_text()]
    for a, b in zip(segment, segment[1:]):
        if not _has_space(a, b) and _gap(a, b) - spacing > WORD_GAP * max(a.size, b.size):
            out.append(" ")
        out.append(b.get_text())
    return normalize_ws("".join(out))


Cell = tuple[float, float, float, str]  # top, bottom, x0, text


def _line_cells(line) -> list[Cell]:
    """A line's text, cut into cells at tab or column gaps, with word breaks where a gap stands out.

    The letter spacing is the median gap between glyphs of a cell; a tightly set justified line
    has negative letter gaps and word gaps near zero, a letter-spaced heading the opposite, so
    one fixed threshold fails on one or the other. Space characters are kept as they are;
    rotated glyphs (diagonal watermarks) are dropped, and so is their room on the page.
    """
    from pdfminer.layout import LTChar

    chars = sorted((c for c in line if isinstance(c, LTChar) and _horizontal(c)), key=lambda c: c.x0)
    if not chars:
        return []
    cells = []
    for segment in _segments(chars):
        text = _segment_text(segment)
        if text:
            cells.append((max(c.y1 for c in segment), min(c.y0 for c in segment), segment[0].x0, text))
    return cells


_MARKER_CELL = re.compile(r"^(?:\(\d{1,3}[a-z]?\)\.?|[a-z]\.|\d{1,3}\.)$")


def _rows(cells: list[Cell]) -> tuple[PageLines, set[str]]:
    """Cells that share a line band become one row, left to right. Rows of two or more cells
    (not counting a hanging ayat/huruf/angka marker) are table rows, returned apart too."""
    rows: list[list[Cell]] = []
    for cell in sorted(cells, key=lambda c: (-c[0], c[2])):
        mid = (cell[0] + cell[1]) / 2
        if rows and min(c[1] for c in rows[-1]) <= mid <= max(c[0] for c in rows[-1]):
            rows[-1].append(cell)
        else:
            rows.append([cell])
    lines, table = [], set()
    for row in rows:
        texts = [c[3] for c in sorted(row, key=lambda c: c[2])]
        text = " ".join(texts)
        lines.append((text, max(c[0] for c in row)))
        if len(texts) - bool(_MARKER_CELL.match(texts[0])) >= 2:
            table.add(text)
    return lines, table


def _pdfminer_pages(data: bytes, max_pages: int) -> tuple[list[PageLines], set[str]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams

    pages: list[PageLines] = []
    table: set[str] = set()
    for page in extract_pages(io.BytesIO(data), laparams=LAParams(**LAPARAMS), maxpages=max_pages):
        lines, rows = _rows([cell for line in _text_lines(page) for cell in _line_cells(line)])
        pages.append(lines)
        table |= rows
    return pages, table


def _page_lines(page) -> PageLines:
    """Extract a page's lines with the baseline y of each line's first fragment."""
    lines: list[list] = [["", None]]

    def visitor(text, cm, tm, font_dict, font_size):
        try:
            y = float(tm[4]) * float(cm[1]) + float(tm[5]) * float(cm[3]) + float(cm[5])
        except (TypeError, ValueError, IndexError):
            y = None
        for k, seg in enumerate(text.split("\n")):
            if k:
                lines.append(["", None])
            if seg.strip() and lines[-1][1] is None:
                lines[-1][1] = y
            lines[-1][0] += seg

    page.extract_text(visitor_text=visitor)
    return [(t, y) for t, y in ((normalize_ws(text), y) for text, y in lines) if t]


def strip_furniture(pages: list[PageLines]) -> list[PageLines]:
    """Remove running headers/footers (repeated at page top/bottom) and page numbers."""
    n = len(pages)
    counts: dict[str, int] = {}
    for lines in pages:
        for k in {t.lower() for t, _ in lines[:3] + lines[-3:]}:
            counts[k] = counts.get(k, 0) + 1
    repeated = set()
    if n >= 3:
        threshold = max(3, (n + 1) // 2)
        repeated = {k for k, c in counts.items() if c >= threshold and not STRUCTURAL.match(k)}

    marks = {k for k, c in _anywhere_counts(pages).items() if n >= 2 and c >= max(2, (n + 1) // 2)}

    def furniture(t: str) -> bool:
        return t.lower() in repeated or bool(_PAGE_NO.match(t)) or bool(_RUNNING_HEAD.match(t))

    out = []
    for lines in pages:
        lines = list(lines)
        for _ in range(4):
            if lines and furniture(lines[0][0]):
                lines.pop(0)
        for _ in range(4):
            if lines and furniture(lines[-1][0]):
                lines.pop()
        out.append([ln for ln in lines if ln[0].lower() not in marks])
    return out


def _anywhere_counts(pages: list[PageLines]) -> dict[str, int]:
    """On how many pages each watermark-like line occurs, wherever on the page."""
    counts: dict[str, int] = {}
    for lines in pages:
        for k in {t.lower() for t, _ in lines if _WATERMARK.search(t) and len(t) <= 80}:
            counts[k] = counts.get(k, 0) + 1
    return counts


def _reorder(lines: PageLines) -> PageLines:
    """Fix content-stream order when a block of lines was drawn out of reading order.

    Lines are cut into runs that go down the page; runs are re-sorted top to bottom only when
    their vertical bands do not overlap (so columns and tables stay as extracted).
    """
    runs: list[PageLines] = []
    prev: float | None = None
    for t, y in lines:
        if not runs or (y is not None and prev is not None and y > prev + 3):
            runs.append([])
        runs[-1].append((t, y))
        if y is not None:
            prev = y
    if len(runs) < 2:
        return lines
    bands = []
    for run in runs:
        ys = [y for _, y in run if y is not None]
        if not ys:
            return lines
        bands.append((min(ys), max(ys)))
    for i in range(len(bands)):
        for j in range(i + 1, len(bands)):
            lo_i, hi_i = bands[i]
            lo_j, hi_j = bands[j]
            if not (hi_i < lo_j - 1 or hi_j < lo_i - 1):
                return lines
    order = sorted(range(len(runs)), key=lambda k: -bands[k][1])
    return [ln for k in order for ln in runs[k]]


def pdf_title(meta_title: str | None, text: str) -> str | None:
    if meta_title:
        t = normalize_ws(str(meta_title))
        if len(t) >= 5 and not _BAD_PDF_TITLE.search(t):
            return t
    lines = []
    for ln in text.split("\n")[:10]:
        if _TITLE_STOP.match(ln) or not ln.isupper() or ln in ("SALINAN",):
            if lines or _TITLE_STOP.match(ln):
                break
            continue
        lines.append(ln)
        if len(lines) >= 6:
            break
    if lines:
        return " ".join(lines)
    return first_title(text)


def _open(data: bytes, source: str):
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except MemoryError:  # the worker's cap: not a broken file
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on malformed input
        log.info("pdf open failed for %s: %r", source, exc)
        raise _corrupt() from None
    if encrypted:
        try:
            ok = reader.decrypt("")
        except Exception:  # noqa: BLE001  DependencyError (AES without `cryptography`), bad keys
            ok = 0
        if not ok:
            raise LoadError(
                "encrypted",
                "Berkas PDF dilindungi kata sandi (terenkripsi). Buka proteksinya lalu kirim ulang.",
            )
    try:
        pages = list(reader.pages)
    except Exception as exc:  # noqa: BLE001
        log.info("pdf pages failed for %s: %r", source, exc)
        raise _corrupt() from None
    if not pages:
        raise _corrupt()
    return reader, pages


def _extract_pages(pages, source: str) -> list[PageLines]:
    out: list[PageLines] = []
    failed = 0
    for page in pages:
        try:
            out.append(_page_lines(page))
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001
            log.info("pdf page extraction failed for %s: %r", source, exc)
            failed += 1
            out.append([])
    if failed == len(pages):
        raise _corrupt()
    return out


def _textless_warnings(page_lines: list[PageLines]) -> list[str]:
    """Refuse a scan (needs OCR); warn about the odd page without text."""
    def has_text(lines) -> bool:
        return sum(ch.isalnum() for t, _ in lines for ch in t) >= 10

    n = len(page_lines)
    textless = [i + 1 for i, lines in enumerate(page_lines) if not has_text(lines)]
    if len(textless) == n:
        raise LoadError(
            "needs_ocr",
            "Berkas PDF tidak memiliki lapisan teks (hasil pindaian/gambar), jadi perlu OCR sebelum dapat dimuat.",
        )
    if len(textless) * 2 > n:
        raise LoadError(
            "needs_ocr",
            f"Sebagian besar halaman PDF ({len(textless)} dari {n}) tidak memiliki lapisan teks; "
            "berkas ini perlu OCR sebelum dapat dimuat.",
        )
    if not textless:
        return []
    shown = ", ".join(map(str, textless[:10])) + (" …" if len(textless) > 10 else "")
    return [f"Halaman tanpa teks (mungkin perlu OCR): {shown}."]


MAX_PAGES = 1000


def _lines(data: bytes, pages, source: str, engine: str) -> tuple[list[PageLines], set[str]]:
    """Page lines, and the table rows among them (kept as lines of their own)."""
    if engine == "pdfminer":
        try:
            found, table = _pdfminer_pages(data, len(pages))
            if len(found) == len(pages):
                return found, table
            log.info("pdfminer read %d of %d pages of %s; pypdf instead", len(found), len(pages), source)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001  pdfminer fails on some damaged files pypdf can read
            log.info("pdfminer failed on %s (%r); pypdf instead", source, exc)
    # pypdf gives content-stream order: put blocks drawn out of order back in place.
    return [_reorder(lines) for lines in _extract_pages(pages, source)], set()


def load_pdf(data: bytes, source: str, *, max_pages: int | None = None, engine: str = "pdfminer") -> LoadedDocument:
    reader, pages = _open(data, source)
    limit = max_pages or MAX_PAGES
    if len(pages) > limit:
        raise LoadError("too_many_pages", f"Berkas PDF terlalu banyak halaman ({len(pages)}; batas {limit} halaman).")
    page_lines, table_rows = _lines(data, pages, source, engine)
    warnings = _textless_warnings(page_lines)
    stripped = strip_furniture(page_lines)
    if any(stripped):  # identical pages would be all "furniture"; keep them then
        page_lines = stripped
    text = "\n".join(t for lines in page_lines for t, _ in lines)
    text = reflow_lines(normalize_statute_lines(text), keep=table_rows)
    if not text.strip():
        raise LoadError("needs_ocr", "Berkas PDF tidak berisi teks yang dapat dibaca; perlu OCR.")
    try:
        meta_title = reader.metadata.title if reader.metadata else None
    except Exception:  # noqa: BLE001
        meta_title = None
    return LoadedDocument(
        text=text, source=source, media_type=PDF, title=pdf_title(meta_title, text),
        warnings=warnings, pages=len(pages),
    )

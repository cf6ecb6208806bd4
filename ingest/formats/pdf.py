"""PDF: the text layer, page by page, with running headers/footers and page numbers removed,
lines put in reading order, and statute line breaks repaired."""
from __future__ import annotations

import io
import logging
import re

from ..document import PDF, LoadedDocument, LoadError
from ..grammar import STRUCTURAL
from ..news import normalize_ws
from ..normalise import normalize_statute_lines
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

    def furniture(t: str) -> bool:
        return t.lower() in repeated or bool(_PAGE_NO.match(t))

    out = []
    for lines in pages:
        lines = list(lines)
        for _ in range(4):
            if lines and furniture(lines[0][0]):
                lines.pop(0)
        for _ in range(4):
            if lines and furniture(lines[-1][0]):
                lines.pop()
        out.append(lines)
    return out


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


def load_pdf(data: bytes, source: str, *, max_pages: int | None = None) -> LoadedDocument:
    reader, pages = _open(data, source)
    limit = max_pages or MAX_PAGES
    if len(pages) > limit:
        raise LoadError("too_many_pages", f"Berkas PDF terlalu banyak halaman ({len(pages)}; batas {limit} halaman).")
    page_lines = _extract_pages(pages, source)
    warnings = _textless_warnings(page_lines)
    stripped = strip_furniture(page_lines)
    if any(stripped):  # identical pages would be all "furniture"; keep them then
        page_lines = stripped
    text = "\n".join(t for lines in page_lines for t, _ in _reorder(lines))
    text = normalize_statute_lines(text)
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

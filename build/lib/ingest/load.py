"""LOAD stage: turn a file, an upload or a URL into clean text plus metadata.

    load_path(path)                         local file (.md, .txt, .pdf, .html)
    load_bytes(data, filename, ...)         bytes, e.g. a Telegram upload
    await fetch_url(url, ...)               download with httpx, then load_bytes

Every failure is a ``LoadError`` with a short machine ``code`` and an Indonesian ``message``
an admin can read. Text is never reworded: only whitespace, line breaks, page furniture
(repeated headers/footers, page numbers) and site chrome are touched, so quotes taken from the
loaded text are verbatim source text.
"""
from __future__ import annotations

import asyncio
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from ingest.news import (
    clean_news_blocks,
    clean_news_text,
    is_chrome,
    is_news_text,
    normalize_ws,
)

log = logging.getLogger(__name__)

USER_AGENT = "KonsultasiHukumKepemiluanBot/0.1"
DEFAULT_MAX_BYTES = 30_000_000

MD = "text/markdown"
TXT = "text/plain"
PDF = "application/pdf"
HTML = "text/html"

_EXT = {
    ".md": MD,
    ".markdown": MD,
    ".txt": TXT,
    ".text": TXT,
    ".pdf": PDF,
    ".html": HTML,
    ".htm": HTML,
    ".xhtml": HTML,
}
_CONTENT_TYPES = {
    "text/markdown": MD,
    "text/x-markdown": MD,
    "text/plain": TXT,
    "application/pdf": PDF,
    "application/x-pdf": PDF,
    "text/html": HTML,
    "application/xhtml+xml": HTML,
}
# Content types that say nothing; the body is sniffed instead.
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/download"}


class LoadError(Exception):
    """Bad input. ``message``: Indonesian sentence for an admin; ``code``: machine code.

    Codes: not_found, empty, too_large, unsupported_type, corrupt_pdf, needs_ocr, encrypted,
    http_error, timeout, too_many_redirects, no_article, bad_content_type.
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"LoadError({self.code!r}, {self.message!r})"


@dataclass
class LoadedDocument:
    text: str  # statutes keep line structure ("Pasal 7" on its own line, "(1) ..." ayat lines)
    source: str  # file path or URL
    media_type: str  # 'text/markdown', 'text/plain', 'application/pdf', 'text/html'
    title: str | None = None
    url: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd when known (news)
    place: str | None = None  # dateline place for news ("Banjarbaru", "Boyolali")
    is_news: bool = False
    paragraphs: list[str] | None = None  # for news: body paragraphs, chrome removed
    warnings: list[str] = field(default_factory=list)  # Indonesian notes for the admin
    pages: int | None = None  # PDF page count


# --------------------------------------------------------------------------------------------
# Public API


def load_path(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedDocument:
    """Load a local file. Files under a ``news``/``berita`` folder are cleaned as news."""
    p = Path(path)
    if not p.exists():
        raise LoadError("not_found", f"Berkas tidak ditemukan: {p}.")
    if not p.is_file():
        raise LoadError("unsupported_type", f"Bukan berkas biasa (mungkin folder): {p}.")
    media = _EXT.get(p.suffix.lower())
    if media is None:
        raise LoadError("unsupported_type", _unsupported_message(p.suffix or p.name))
    size = p.stat().st_size
    if size > max_bytes:
        raise LoadError("too_large", _too_large_message(max_bytes))
    data = p.read_bytes()
    if data[:1024].lstrip().startswith(b"%PDF-"):
        media = PDF
    news_hint = any(part.lower() in ("news", "berita") for part in p.parts[:-1])
    return _load(data, media, source=str(p), news_hint=news_hint, max_bytes=max_bytes)


def load_bytes(
    data: bytes,
    filename: str,
    *,
    content_type: str | None = None,
    source: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadedDocument:
    """Load raw bytes (an upload). The type comes from magic bytes, content type or name."""
    if len(data) > max_bytes:
        raise LoadError("too_large", _too_large_message(max_bytes))
    media = _detect_media(data, filename, content_type)
    return _load(
        data,
        media,
        source=source or filename,
        charset=_charset(content_type),
        max_bytes=max_bytes,
    )


async def fetch_url(
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = 20.0,
    max_redirects: int = 5,
    client: httpx.AsyncClient | None = None,
) -> LoadedDocument:
    """Download `url` (HTML, PDF, plain text or Markdown) and load it.

    `timeout` bounds each network operation (connect, each read); the whole download is also
    bounded by 4 x `timeout`. Redirects are followed by hand (at most `max_redirects`) so the
    limit also holds for a caller's client. The body is streamed and cut at `max_bytes`.
    """
    _check_url(url)
    own = client is None
    if client is None:
        client = httpx.AsyncClient(timeout=httpx.Timeout(timeout), follow_redirects=False)
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,application/pdf,text/plain,text/markdown;q=0.9,*/*;q=0.1",
    }
    try:
        async with asyncio.timeout(timeout * 4):
            current = url
            for _hop in range(max_redirects + 1):
                request = client.build_request("GET", current, headers=headers, timeout=timeout)
                response = await client.send(request, stream=True, follow_redirects=False)
                try:
                    if response.is_redirect:
                        current = str(response.url.join(response.headers["location"]))
                        _check_url(current)
                        continue
                    data, content_type = await _read_response(response, max_bytes)
                    final_url = str(response.url)
                finally:
                    await response.aclose()
                break
            else:
                raise LoadError(
                    "too_many_redirects",
                    f"Terlalu banyak pengalihan (redirect) saat membuka {url} (lebih dari {max_redirects}).",
                )
    except LoadError:
        raise
    except (httpx.TimeoutException, TimeoutError):
        raise LoadError("timeout", f"Waktu habis saat mengunduh {url}. Coba lagi nanti.") from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise LoadError(
            "http_error", f"Tidak dapat mengunduh {url}: koneksi gagal ({type(exc).__name__})."
        ) from None
    finally:
        if own:
            await client.aclose()

    name = unquote(urlsplit(final_url).path.rsplit("/", 1)[-1]) or "index"
    media = _detect_media(data, name, content_type, strict_type=True)
    # Parsing a PDF or a page is CPU work: keep the event loop free.
    doc = await asyncio.to_thread(
        _load, data, media, source=url, charset=_charset(content_type), url=final_url, max_bytes=max_bytes
    )
    doc.url = final_url
    return doc


# --------------------------------------------------------------------------------------------
# Dispatch


def _too_large_message(max_bytes: int) -> str:
    return f"Berkas terlalu besar (batas {max_bytes / 1_000_000:g} MB)."


def _unsupported_message(what: str) -> str:
    return (
        f"Jenis berkas tidak didukung ({what}). Kirim berkas PDF, HTML, TXT, atau Markdown (.md)."
    )


def _base_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _charset(content_type: str | None) -> str | None:
    m = re.search(r"charset\s*=\s*\"?([\w.:-]+)", content_type or "", re.I)
    return m.group(1) if m else None


def _sniff_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<body" in head


def _detect_media(data: bytes, filename: str, content_type: str | None, *, strict_type: bool = False) -> str:
    """Media type from magic bytes, then content type, then file name, then sniffing.

    `strict_type`: a specific content type that is not supported is 'bad_content_type'
    (downloads); otherwise it is 'unsupported_type' (uploads).
    """
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return PDF
    base = _base_type(content_type)
    ext = Path(filename or "").suffix.lower()
    ext_media = _EXT.get(ext)
    ct_media = _CONTENT_TYPES.get(base)
    if ct_media == TXT and ext_media == MD:
        return MD
    if ct_media:
        return ct_media
    if base not in _GENERIC_TYPES:
        # A specific type we do not handle. Uploads trust a known file extension instead
        # (clients send odd types for .md files); downloads do not.
        if ext_media and not strict_type:
            return ext_media
        if strict_type:
            raise LoadError(
                "bad_content_type",
                f"Jenis konten tidak didukung ({base}). Hanya HTML, PDF, teks, atau Markdown yang dapat dimuat.",
            )
        raise LoadError("unsupported_type", _unsupported_message(base))
    if ext_media:
        return ext_media
    if _sniff_html(data):
        return HTML
    if strict_type:
        raise LoadError(
            "bad_content_type",
            f"Jenis konten tidak dikenali ({base or 'tidak ada'}). Hanya HTML, PDF, teks, atau Markdown yang dapat dimuat.",
        )
    raise LoadError("unsupported_type", _unsupported_message(ext or filename or "tanpa nama"))


def _load(
    data: bytes,
    media: str,
    *,
    source: str,
    news_hint: bool = False,
    charset: str | None = None,
    url: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadedDocument:
    if len(data) > max_bytes:
        raise LoadError("too_large", _too_large_message(max_bytes))
    if not data.strip():
        raise LoadError("empty", "Berkas kosong atau hanya berisi spasi.")
    if media == PDF:
        return _load_pdf(data, source)
    if media == HTML:
        return _load_html(data, source, charset=charset, url=url)
    return _load_text(data, media, source, news_hint=news_hint, charset=charset)


# --------------------------------------------------------------------------------------------
# Text and Markdown


def decode_text(data: bytes, charset: str | None = None) -> str:
    """Decode bytes: declared charset, BOMs, UTF-8, then cp1252, then latin-1. Newlines -> \\n."""
    text: str | None = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    if text is None and charset:
        try:
            text = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        for enc in ("utf-8-sig", "cp1252", "latin-1"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
    assert text is not None  # latin-1 never fails
    text = text.lstrip("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")


def _normalize_text(text: str) -> str:
    lines = [ln.rstrip() for ln in text.split("\n")]
    out = "\n".join(lines)
    out = re.sub(r"\n{3,}", "\n\n", out)
    return out.strip()


_PASAL_LINE = re.compile(r"^\s*Pasal\s+\d+[A-Z]?\s*$", re.M)


def _first_title(text: str) -> str | None:
    m = re.search(r"^#{1,3}\s+(.+)$", text[:5000], re.M)
    line = m.group(1) if m else next((ln for ln in text.split("\n") if ln.strip()), None)
    if not line:
        return None
    line = normalize_ws(line)
    return line if len(line) <= 300 else line[:297].rsplit(" ", 1)[0] + "…"


def _load_text(data: bytes, media: str, source: str, *, news_hint: bool, charset: str | None) -> LoadedDocument:
    raw = decode_text(data, charset)
    if raw.count("\x00") > 0:
        raise LoadError("unsupported_type", "Berkas bukan teks yang dapat dibaca (berisi data biner).")
    text = _normalize_text(raw)
    if not text:
        raise LoadError("empty", "Berkas kosong atau hanya berisi spasi.")
    statute_like = len(_PASAL_LINE.findall(text)) >= 3
    if (news_hint and not statute_like) or is_news_text(text):
        doc = clean_news_text(text, source=source)
        doc.media_type = media
        return doc
    return LoadedDocument(text=text, source=source, media_type=media, title=_first_title(text))


# --------------------------------------------------------------------------------------------
# PDF

# Page-number lines: "12", "- 12 -", "Halaman 3 dari 31", "3/31".
_PAGE_NO = re.compile(
    r"^(?:[-–—]\s*)?\d{1,4}(?:\s*[-–—])?$|^(?:halaman|hal\.?|page)\s*\d{1,4}(?:\s*(?:dari|of|/)\s*\d{1,4})?$|^\d{1,4}\s*/\s*\d{1,4}$",
    re.I,
)
# Lines that are legal structure and never treated as page furniture.
_STRUCTURAL = re.compile(r"^(?:Pasal\s|BAB\s|Bagian\s|Paragraf\s|\(\d+[a-z]?\)|[a-z]\.\s|\d+\.\s)")
_HEADING_SPLIT_LETTER = re.compile(r"^Pasal\s+(\d+)\s+([A-Z])$")
_PASAL_AYAT_SAME_LINE = re.compile(r"^(Pasal \d+[A-Z]?)\s+(\(1\)\s+\S.*)$")
# "... itu. Pasal 28" at the end of a line (split only if the next line opens a body).
_GLUED_PASAL_END = re.compile(r"(?<=[.:])\s+(?=Pasal \d+[A-Z]?$)")
# "... itu. Pasal 28 (1) Setiap ..." inside a line.
_GLUED_PASAL_AYAT = re.compile(r"(?<=[.:])\s+(?=Pasal \d+[A-Z]?\s+\(1\)\s+[A-Z])")
_GLUED_AYAT = re.compile(r"(?<=[.;:])\s+(?=\(\d{1,3}[a-z]?\)\s+[A-Z][a-z])")
_LONE_AYAT = re.compile(r"^\(\d{1,3}[a-z]?\)\.?$")


def _page_lines(page) -> list[tuple[str, float | None]]:
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
    out = []
    for text, y in lines:
        t = normalize_ws(text)
        if t:
            out.append((t, y))
    return out


def _strip_furniture(pages: list[list[tuple[str, float | None]]]) -> list[list[tuple[str, float | None]]]:
    """Remove running headers/footers (repeated at page top/bottom) and page numbers."""
    n = len(pages)
    counts: dict[str, int] = {}
    for lines in pages:
        keys = {t.lower() for t, _ in lines[:3] + lines[-3:]}
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
    repeated = set()
    if n >= 3:
        threshold = max(3, (n + 1) // 2)
        repeated = {k for k, c in counts.items() if c >= threshold and not _STRUCTURAL.match(k)}

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


def _reorder(lines: list[tuple[str, float | None]]) -> list[tuple[str, float | None]]:
    """Fix content-stream order when a block of lines was drawn out of reading order.

    Lines are cut into runs that go down the page; runs are re-sorted top to bottom only when
    their vertical bands do not overlap (so columns and tables stay as extracted).
    """
    runs: list[list[tuple[str, float | None]]] = []
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


def normalize_statute_lines(text: str) -> str:
    """Conservative line-break fixes so 'Pasal N' headings and '(n)' ayat start lines.

    Only line breaks change (and the space inside a split heading like 'Pasal 22 B'); words
    stay as they are. A heading glued to the end of a sentence is split off only when the next
    line starts like an article body ("(1) ..." or a capital letter), and never after ';' or
    ',' (lists of references such as "Pasal 6A ayat (4); Pasal 8").
    """
    src = text.split("\n")
    out: list[str] = []
    for idx, line in enumerate(src):
        nxt = src[idx + 1].strip() if idx + 1 < len(src) else ""
        pieces = [line]
        m = _GLUED_PASAL_END.search(line)
        if m and re.match(r"(?:\(1\)\s|[A-Z])", nxt):
            pieces = [line[: m.start()], line[m.start() :]]
        expanded: list[str] = []
        for piece in pieces:
            expanded.extend(_GLUED_PASAL_AYAT.split(piece))
        for piece in expanded:
            m2 = _PASAL_AYAT_SAME_LINE.match(piece.strip())
            for s in [m2.group(1), m2.group(2)] if m2 else [piece]:
                for a in _GLUED_AYAT.split(s):
                    a = a.strip()
                    if not a:
                        continue
                    h = _HEADING_SPLIT_LETTER.match(a)
                    if h:
                        a = f"Pasal {h.group(1)}{h.group(2)}"
                    out.append(a)
    merged: list[str] = []
    for line in out:
        if merged and _LONE_AYAT.match(merged[-1]) and not line.startswith(("Pasal ", "BAB ", "(")):
            merged[-1] = f"{merged[-1]} {line}"
        else:
            merged.append(line)
    return "\n".join(merged)


_BAD_PDF_TITLE = re.compile(r"^(?:microsoft\s+\w+\s*-|untitled|document\d*$)|\.(?:pdf|docx?|rtf|odt)$", re.I)
_TITLE_STOP = re.compile(r"^(?:PEMBUKAAN|DENGAN RAHMAT|BAB\s|Menimbang|MEMUTUSKAN|Pasal\s)", re.I)


def _pdf_title(meta_title: str | None, text: str) -> str | None:
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
    return _first_title(text)


def _load_pdf(data: bytes, source: str) -> LoadedDocument:
    import pypdf

    corrupt = LoadError("corrupt_pdf", "Berkas PDF rusak atau tidak dapat dibaca.")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises many kinds of errors on malformed input
        log.info("pdf open failed for %s: %r", source, exc)
        raise corrupt from None
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
        raise corrupt from None
    if not pages:
        raise corrupt

    page_lines: list[list[tuple[str, float | None]]] = []
    failed = 0
    for page in pages:
        try:
            page_lines.append(_page_lines(page))
        except Exception as exc:  # noqa: BLE001
            log.info("pdf page extraction failed for %s: %r", source, exc)
            failed += 1
            page_lines.append([])
    if failed == len(pages):
        raise corrupt

    def has_text(lines) -> bool:
        return sum(ch.isalnum() for t, _ in lines for ch in t) >= 10

    textless = [i + 1 for i, lines in enumerate(page_lines) if not has_text(lines)]
    if len(textless) == len(pages):
        raise LoadError(
            "needs_ocr",
            "Berkas PDF tidak memiliki lapisan teks (hasil pindaian/gambar), jadi perlu OCR sebelum dapat dimuat.",
        )
    if len(textless) * 2 > len(pages):
        raise LoadError(
            "needs_ocr",
            f"Sebagian besar halaman PDF ({len(textless)} dari {len(pages)}) tidak memiliki lapisan teks; "
            "berkas ini perlu OCR sebelum dapat dimuat.",
        )
    warnings = []
    if textless:
        shown = ", ".join(map(str, textless[:10])) + (" …" if len(textless) > 10 else "")
        warnings.append(f"Halaman tanpa teks (mungkin perlu OCR): {shown}.")

    stripped = _strip_furniture(page_lines)
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
        text=text,
        source=source,
        media_type=PDF,
        title=_pdf_title(meta_title, text),
        warnings=warnings,
        pages=len(pages),
    )


# --------------------------------------------------------------------------------------------
# HTML


_NEWS_URL = re.compile(r"/(?:berita|news|artikel|post|read)/", re.I)


def _load_html(data: bytes, source: str, *, charset: str | None = None, url: str | None = None) -> LoadedDocument:
    import trafilatura

    content: bytes | str = data
    if charset:
        try:
            content = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            content = data
    try:
        doc = trafilatura.bare_extraction(
            content,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            date_extraction_params={
                "original_date": True,
                "extensive_search": False,
                "max_date": datetime.now().strftime("%Y-%m-%d"),
            },
        )
    except Exception as exc:  # noqa: BLE001  trafilatura/lxml fail on some broken markup
        log.info("trafilatura failed for %s: %r", source, exc)
        doc = None
    no_article = LoadError("no_article", "Halaman HTML tidak berisi teks artikel yang dapat diambil.")
    if doc is None or not (doc.text or "").strip():
        raise no_article

    lines = [ln.strip() for ln in doc.text.split("\n") if ln.strip()]
    meta_title = normalize_ws(doc.title) if doc.title else None
    title, date, place, paras = clean_news_blocks([[ln] for ln in lines], title=meta_title, date=doc.date)
    words = sum(len(p.split()) for p in paras)
    if not paras or words < 8:
        raise no_article
    is_news = bool(place) or is_news_text(doc.text) or bool(url and _NEWS_URL.search(urlsplit(url).path))
    if is_news:
        return LoadedDocument(
            text="\n\n".join(paras),
            source=source,
            media_type=HTML,
            title=title,
            url=url,
            date=date,
            place=place,
            is_news=True,
            paragraphs=paras,
        )
    # Not news (e.g. a statute page): keep every non-chrome line, structure intact.
    body = [normalize_ws(ln) for ln in lines if not is_chrome(ln)]
    text = normalize_statute_lines("\n".join(body))
    return LoadedDocument(
        text=text,
        source=source,
        media_type=HTML,
        title=meta_title or _first_title(text),
        url=url,
        date=doc.date,
        paragraphs=body,
    )


# --------------------------------------------------------------------------------------------
# HTTP


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LoadError("http_error", f"Alamat URL tidak valid: {url}. Gunakan alamat http:// atau https://.")


async def _read_response(response: httpx.Response, max_bytes: int) -> tuple[bytes, str | None]:
    url = str(response.url)
    if response.status_code >= 400:
        raise LoadError("http_error", f"Halaman tidak dapat diunduh: server menjawab HTTP {response.status_code} ({url}).")
    if response.status_code >= 300 or response.status_code < 200:
        raise LoadError("http_error", f"Jawaban server tidak terduga: HTTP {response.status_code} ({url}).")
    content_type = response.headers.get("content-type")
    base = _base_type(content_type)
    if base not in _CONTENT_TYPES and base not in _GENERIC_TYPES:
        raise LoadError(
            "bad_content_type",
            f"Jenis konten tidak didukung ({base}). Hanya HTML, PDF, teks, atau Markdown yang dapat dimuat.",
        )
    length = response.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise LoadError("too_large", _too_large_message(max_bytes))
    buf = bytearray()
    async for chunk in response.aiter_bytes():
        buf += chunk
        if len(buf) > max_bytes:
            raise LoadError("too_large", _too_large_message(max_bytes))
    return bytes(buf), content_type

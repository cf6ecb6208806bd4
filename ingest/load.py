"""LOAD stage: turn a file, an upload or a URL into clean text plus metadata.

    load_path(path)                         local file (.md, .txt, .pdf, .html)
    load_bytes(data, filename, ...)         bytes, e.g. a Telegram upload
    await fetch_url(url, ...)               safe download (``ingest.fetch``), then load_bytes

Every failure is a ``LoadError`` with a short machine ``code`` and an Indonesian ``message``
an admin can read. Text is never reworded: only whitespace, line breaks, page furniture
(repeated headers/footers, page numbers) and site chrome are touched, so quotes taken from the
loaded text are verbatim source text. The formats live in ``ingest.formats``; PDF and HTML are
parsed in the capped worker (``ingest.worker``).
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .document import (
    DEFAULT_MAX_BYTES,
    HTML,
    PDF,
    USER_AGENT,
    LoadedDocument,
    LoadError,
    empty_error,
    too_large_message,
    unsupported_message,
)
from .fetch import GuardedClient, fetch
from .formats import CONTENT_TYPES, EXTENSIONS, GENERIC_TYPES, bad_content_type, base_type, charset_of
from .formats import detect_media, is_pdf, parse_data
from .formats.text import decode_text
from .normalise import normalize_statute_lines
from .worker import ParseLimits, run_parser

__all__ = [
    "DEFAULT_MAX_BYTES", "USER_AGENT", "LoadedDocument", "LoadError", "ParseLimits", "decode_text",
    "fetch_url", "load_bytes", "load_path", "normalize_statute_lines",
]

_ACCEPT = "text/html,application/xhtml+xml,application/pdf,text/plain,text/markdown;q=0.9,*/*;q=0.1"


def load_data(data: bytes, media: str, *, source: str, news_hint: bool = False, charset: str | None = None,
              url: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, limits: ParseLimits | None = None,
              isolate: bool = True) -> LoadedDocument:
    """Check size and emptiness, then load; PDF and HTML go to the parsing worker when `isolate`."""
    if len(data) > max_bytes:
        raise LoadError("too_large", too_large_message(max_bytes))
    if not data.strip():
        raise empty_error()
    kw = dict(source=source, news_hint=news_hint, charset=charset, url=url)
    if isolate and media in (PDF, HTML):
        return run_parser(data, media, limits=limits, **kw)
    return parse_data(data, media, max_pages=limits.max_pages if limits else None, **kw)


def load_path(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, limits: ParseLimits | None = None) -> LoadedDocument:
    """Load a local file. Files under a ``news``/``berita`` folder are cleaned as news."""
    p = Path(path)
    if not p.exists():
        raise LoadError("not_found", f"Berkas tidak ditemukan: {p}.")
    if not p.is_file():
        raise LoadError("unsupported_type", f"Bukan berkas biasa (mungkin folder): {p}.")
    media = EXTENSIONS.get(p.suffix.lower())
    if media is None:
        raise LoadError("unsupported_type", unsupported_message(p.suffix or p.name))
    if p.stat().st_size > max_bytes:
        raise LoadError("too_large", too_large_message(max_bytes))
    data = p.read_bytes()
    if is_pdf(data):
        media = PDF
    news_hint = any(part.lower() in ("news", "berita") for part in p.parts[:-1])
    return load_data(data, media, source=str(p), news_hint=news_hint, max_bytes=max_bytes, limits=limits)


def load_bytes(data: bytes, filename: str, *, content_type: str | None = None, source: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES, limits: ParseLimits | None = None) -> LoadedDocument:
    """Load raw bytes (an upload). The type comes from magic bytes, content type or name."""
    if len(data) > max_bytes:
        raise LoadError("too_large", too_large_message(max_bytes))
    media = detect_media(data, filename, content_type)
    return load_data(data, media, source=source or filename, charset=charset_of(content_type),
                     max_bytes=max_bytes, limits=limits)


def _check_download_type(content_type: str | None) -> None:
    base = base_type(content_type)
    if base not in CONTENT_TYPES and base not in GENERIC_TYPES:
        raise bad_content_type(base)


async def fetch_url(url: str, *, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = 20.0,
                    deadline: float | None = None, max_redirects: int = 5, allow=None,
                    client: GuardedClient | None = None, limits: ParseLimits | None = None) -> LoadedDocument:
    """Download `url` (HTML, PDF, plain text or Markdown) safely and load it.

    `timeout` bounds each network operation; `deadline` (default 4 x `timeout`) the whole
    download. Redirects are followed by hand (at most `max_redirects`), each hop checked
    against internal addresses unless `allow`-listed (see ``ingest.fetch``).
    """
    got = await fetch(url, max_bytes=max_bytes, timeout=timeout, deadline=deadline, max_redirects=max_redirects,
                      headers={"Accept": _ACCEPT}, allow=allow, client=client, check_type=_check_download_type)
    name = unquote(urlsplit(got.url).path.rsplit("/", 1)[-1]) or "index"
    media = detect_media(got.data, name, got.content_type, strict_type=True)
    # Parsing is CPU work (in the worker for PDF and HTML): keep the event loop free.
    doc = await asyncio.to_thread(load_data, got.data, media, source=url, charset=charset_of(got.content_type),
                                  url=got.url, max_bytes=max_bytes, limits=limits)
    doc.url = got.url
    return doc

"""Formats: which one a file is (magic bytes, content type, name, sniffing) and the loader for it.

    media = detect_media(data, filename, content_type)
    doc = parse_data(data, media, source=...)

``parse_data`` runs in the calling process; ``ingest.load`` sends PDF and HTML (third-party
parsers on untrusted bytes) to the capped parsing worker (``ingest.worker``) instead.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..document import HTML, MD, PDF, TXT, LoadedDocument, LoadError, unsupported_message

EXTENSIONS = {
    ".md": MD, ".markdown": MD, ".txt": TXT, ".text": TXT, ".pdf": PDF,
    ".html": HTML, ".htm": HTML, ".xhtml": HTML,
}
CONTENT_TYPES = {
    "text/markdown": MD, "text/x-markdown": MD, "text/plain": TXT, "application/pdf": PDF,
    "application/x-pdf": PDF, "text/html": HTML, "application/xhtml+xml": HTML,
}
# Content types that say nothing; the body is sniffed instead.
GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/download"}


def base_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def charset_of(content_type: str | None) -> str | None:
    m = re.search(r"charset\s*=\s*\"?([\w.:-]+)", content_type or "", re.I)
    return m.group(1) if m else None


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def _sniff_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<body" in head


def bad_content_type(base: str, what: str = "tidak didukung") -> LoadError:
    return LoadError(
        "bad_content_type",
        f"Jenis konten {what} ({base or 'tidak ada'}). Hanya HTML, PDF, teks, atau Markdown yang dapat dimuat.",
    )


def detect_media(data: bytes, filename: str, content_type: str | None, *, strict_type: bool = False) -> str:
    """Media type from magic bytes, then content type, then file name, then sniffing.

    `strict_type`: a specific content type that is not supported is 'bad_content_type'
    (downloads); otherwise it is 'unsupported_type' (uploads).
    """
    if is_pdf(data):
        return PDF
    base = base_type(content_type)
    ext = Path(filename or "").suffix.lower()
    ext_media = EXTENSIONS.get(ext)
    ct_media = CONTENT_TYPES.get(base)
    if ct_media == TXT and ext_media == MD:
        return MD
    if ct_media:
        return ct_media
    if base not in GENERIC_TYPES:
        # A specific type we do not handle. Uploads trust a known file extension instead
        # (clients send odd types for .md files); downloads do not.
        if ext_media and not strict_type:
            return ext_media
        if strict_type:
            raise bad_content_type(base)
        raise LoadError("unsupported_type", unsupported_message(base))
    if ext_media:
        return ext_media
    if _sniff_html(data):
        return HTML
    if strict_type:
        raise bad_content_type(base, "tidak dikenali")
    raise LoadError("unsupported_type", unsupported_message(ext or filename or "tanpa nama"))


def parse_data(data: bytes, media: str, *, source: str, news_hint: bool = False, charset: str | None = None,
               url: str | None = None, max_pages: int | None = None) -> LoadedDocument:
    """Run the loader for `media` in this process."""
    if media == PDF:
        from .pdf import load_pdf

        return load_pdf(data, source, max_pages=max_pages)
    if media == HTML:
        from .html import load_html

        return load_html(data, source, charset=charset, url=url)
    from .text import load_text

    return load_text(data, media, source, news_hint=news_hint, charset=charset)


"""Plain text and Markdown: decode, normalise line ends, route news captures to the news cleaner."""
from __future__ import annotations

import re

from ..document import LoadedDocument, LoadError, empty_error
from ..grammar import looks_like_statute
from ..news import clean_news_text, is_news_text, normalize_ws


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


def normalize_text(text: str) -> str:
    lines = [ln.rstrip() for ln in text.split("\n")]
    out = "\n".join(lines)
    out = re.sub(r"\n{3,}", "\n\n", out)
    return out.strip()


def first_title(text: str) -> str | None:
    m = re.search(r"^#{1,3}\s+(.+)$", text[:5000], re.M)
    line = m.group(1) if m else next((ln for ln in text.split("\n") if ln.strip()), None)
    if not line:
        return None
    line = normalize_ws(line)
    return line if len(line) <= 300 else line[:297].rsplit(" ", 1)[0] + "…"


def load_text(data: bytes, media: str, source: str, *, news_hint: bool, charset: str | None) -> LoadedDocument:
    raw = decode_text(data, charset)
    if raw.count("\x00") > 0:
        raise LoadError("unsupported_type", "Berkas bukan teks yang dapat dibaca (berisi data biner).")
    text = normalize_text(raw)
    if not text:
        raise empty_error()
    if (news_hint and not looks_like_statute(text)) or is_news_text(text):
        doc = clean_news_text(text, source=source)
        doc.media_type = media
        return doc
    return LoadedDocument(text=text, source=source, media_type=media, title=first_title(text))

"""HTML pages: the article text by trafilatura; news pages cleaned like news captures, other
pages (a statute on a web site) keep their line structure."""
from __future__ import annotations

import logging
import re
from datetime import datetime
from urllib.parse import urlsplit

from ..document import HTML, LoadedDocument, LoadError
from ..news import clean_news_blocks, is_chrome, is_news_text, normalize_ws
from ..normalise import normalize_statute_lines
from .text import first_title

log = logging.getLogger(__name__)

_NEWS_URL = re.compile(r"/(?:berita|news|artikel|post|read)/", re.I)


def _extract(data: bytes, source: str, charset: str | None, url: str | None):
    import trafilatura

    content: bytes | str = data
    if charset:
        try:
            content = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            content = data
    try:
        return trafilatura.bare_extraction(
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
    except MemoryError:  # the worker's cap: not a broken page
        raise
    except Exception as exc:  # noqa: BLE001  trafilatura/lxml fail on some broken markup
        log.info("trafilatura failed for %s: %r", source, exc)
        return None


def load_html(data: bytes, source: str, *, charset: str | None = None, url: str | None = None) -> LoadedDocument:
    doc = _extract(data, source, charset, url)
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
            text="\n\n".join(paras), source=source, media_type=HTML, title=title, url=url,
            date=date, place=place, is_news=True, paragraphs=paras,
        )
    # Not news (e.g. a statute page): keep every non-chrome line, structure intact.
    body = [normalize_ws(ln) for ln in lines if not is_chrome(ln)]
    text = normalize_statute_lines("\n".join(body))
    return LoadedDocument(
        text=text, source=source, media_type=HTML, title=meta_title or first_title(text), url=url,
        date=doc.date, paragraphs=body,
    )

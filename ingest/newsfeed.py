"""Polling Bawaslu news listing pages for new articles, politely.

    feed = NewsFeed(["https://kalsel.bawaslu.go.id/berita"], state_path=data_dir / "news_state.json")
    result = await feed.poll(ingest=..., known_urls={...})

Politeness: a User-Agent that names the bot, a pause (`delay`) before every request after the
first, and conditional requests: the listing's ETag / Last-Modified are stored and sent back as
If-None-Match / If-Modified-Since, so an unchanged listing costs a 304 and nothing else.

New articles are the links of a listing page (site navigation, header, footer and sidebars
dropped) that point to an article on the same site and were not seen before (nor are already
in the index). Listings and articles are downloaded through ``ingest.fetch`` (internal addresses
refused at every hop unless `allow`-listed, byte cap, overall deadline, redirect limit); a
listing is parsed in a thread. Only news is handed to `ingest` (the caller's: it writes to the
index): a page that is not news, or that reads like a regulation ("UNDANG-UNDANG ... NOMOR 7
TAHUN 2017", Pasal headings), is refused, so the news job can never replace a statute; what it
hands over is always a news item (``is_news``), which the pipeline files under a ``berita-*`` id.
Articles that fail for good (404, no article body) are remembered and not fetched again;
timeouts are retried on the next run.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable
from urllib.parse import urldefrag, urljoin, urlsplit

from .document import DEFAULT_MAX_BYTES, USER_AGENT, LoadedDocument, LoadError
from .fetch import GuardedClient, fetch
from .grammar import looks_like_statute, regulation_title
from .load import fetch_url

log = logging.getLogger(__name__)

_CHROME_TAGS = ("nav", "header", "footer", "aside", "form", "script", "style", "noscript")
# class / id tokens of page chrome (whole tokens, or their start: "widget-berita", "sosial-media")
_CHROME_TOKEN = re.compile(
    r"^(?:nav|navbar|navigation|menu|main-menu|sidebar|widget|footer|site-footer|site-header|breadcrumbs?|"
    r"social|sosial|media-sosial|share|sharing|pagination|pager|konsultasi|tanya|related|terkait)(?:[-_].*)?$", re.I)
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){2,}", re.I)  # at least three words
_PERMANENT = {"no_article", "not_news", "http_error", "bad_content_type", "unsupported_type", "empty", "too_large",
              "too_many_redirects", "blocked_address", "corrupt_pdf", "needs_ocr", "encrypted", "too_many_pages",
              "parse_limit"}


def require_news(loaded: LoadedDocument) -> LoadedDocument:
    """The news job takes news only: LoadError('not_news') for anything else."""
    head = "\n".join(filter(None, [loaded.title, loaded.text[:1500]]))
    if not loaded.is_news or regulation_title(head) or looks_like_statute(loaded.text):
        raise LoadError("not_news", f"Halaman ini bukan berita, jadi tidak dimuat oleh pemantau berita: {loaded.source}.")
    return loaded


@dataclass
class PollResult:
    listings: int = 0
    not_modified: int = 0
    found: list[str] = field(default_factory=list)  # new article URLs seen on listings
    ingested: list = field(default_factory=list)  # whatever `ingest` returned, per article
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, Indonesian reason)
    requests: int = 0


def extract_article_links(html: str | bytes, base_url: str) -> list[str]:
    """Article links of a listing page, in page order, without navigation or widgets."""
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001  (empty or broken page)
        return []
    for el in list(root.iter(*_CHROME_TAGS)):
        if el.tag in ("header", "footer") and any(a.tag == "article" for a in el.iterancestors()):
            continue  # an article card's own header holds its title link
        if el.getparent() is not None:
            el.getparent().remove(el)
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "main") or el.getparent() is None:
            continue
        tokens = " ".join(filter(None, [el.get("class"), el.get("id"), el.get("role")])).split()
        if any(_CHROME_TOKEN.match(t) for t in tokens):
            el.getparent().remove(el)
    base = urlsplit(base_url)
    listing_path = base.path.rstrip("/")
    out: list[str] = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urldefrag(urljoin(base_url, href))[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc != base.netloc:
            continue
        path = parts.path.rstrip("/")
        if not path or path == listing_path or parts.query:
            continue
        last = path.rsplit("/", 1)[-1]
        if not _SLUG.fullmatch(re.sub(r"\.html?$", "", last)):
            continue
        if url not in out:
            out.append(url)
    return out


class NewsFeed:
    def __init__(self, sources: list[str], *, state_path: Path | None = None, delay: float = 2.0,
                 timeout: float = 20.0, max_bytes: int = DEFAULT_MAX_BYTES, max_redirects: int = 5,
                 max_articles: int = 20, user_agent: str = USER_AGENT, allow=None,
                 deadline: float | None = None):
        self.sources = list(sources)
        self.state_path = Path(state_path) if state_path else None
        self.delay = delay
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.max_articles = max_articles  # per run: a first run on a long listing stays bounded
        self.user_agent = user_agent
        self.allow = allow  # hosts / networks that may be internal (tests, intranets); see ingest.fetch
        self.deadline = deadline  # per listing or article; default 4 x timeout
        self.state = self._load_state()
        self._lock = asyncio.Lock()

    # -- state ----------------------------------------------------------------------------------
    def _load_state(self) -> dict:
        if self.state_path and self.state_path.exists():
            try:
                data = json.loads(self.state_path.read_text(encoding="utf-8"))
                return {"listings": dict(data.get("listings", {})), "seen": list(data.get("seen", []))}
            except (OSError, ValueError):
                log.warning("news state %s unreadable; starting afresh", self.state_path)
        return {"listings": {}, "seen": []}

    def _save_state(self) -> None:
        if not self.state_path:
            return
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(self.state_path)

    # -- polling --------------------------------------------------------------------------------
    async def poll(self, ingest: Callable[[LoadedDocument], Awaitable[object]],
                   known_urls: set[str] | None = None) -> PollResult:
        """Fetch every listing, ingest the new articles. One run at a time."""
        async with self._lock:
            result = PollResult()
            seen = set(self.state["seen"]) | set(known_urls or ())
            async with GuardedClient(allow=self.allow, timeout=self.timeout,
                                     headers={"User-Agent": self.user_agent}) as client:
                first = True
                for listing in self.sources:
                    if not first:
                        await asyncio.sleep(self.delay)
                    first = False
                    links = await self._listing(client, listing, result)
                    new = [u for u in links if u not in seen][: self.max_articles]
                    result.found += new
                    for url in new:
                        await asyncio.sleep(self.delay)
                        result.requests += 1
                        try:
                            loaded = await fetch_url(url, client=client, timeout=self.timeout, deadline=self.deadline,
                                                     max_bytes=self.max_bytes, max_redirects=self.max_redirects)
                            result.ingested.append(await ingest(require_news(loaded)))
                        except LoadError as exc:
                            result.failed.append((url, exc.message))
                            if exc.code not in _PERMANENT:
                                continue  # e.g. a timeout: try again next run
                        except Exception as exc:  # noqa: BLE001  one bad article must not stop the run
                            log.exception("news article %s failed", url)
                            result.failed.append((url, f"kesalahan sistem ({type(exc).__name__})"))
                            continue
                        seen.add(url)
                        self.state["seen"].append(url)
                        self._save_state()
            self._save_state()
            return result

    async def _listing(self, client: GuardedClient, url: str, result: PollResult) -> list[str]:
        cache = self.state["listings"].get(url, {})
        headers = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}
        if cache.get("etag"):
            headers["If-None-Match"] = cache["etag"]
        if cache.get("last_modified"):
            headers["If-Modified-Since"] = cache["last_modified"]
        result.listings += 1
        result.requests += 1
        try:
            got = await fetch(url, client=client, headers=headers, timeout=self.timeout, deadline=self.deadline,
                              max_bytes=self.max_bytes, max_redirects=self.max_redirects, ok_status=(200, 304))
        except LoadError as exc:
            result.failed.append((url, f"halaman daftar berita: {exc.message}"))
            return []
        if got.status == 304:
            result.not_modified += 1
            return []
        self.state["listings"][url] = {k: v for k, v in {
            "etag": got.headers.get("etag"), "last_modified": got.headers.get("last-modified")}.items() if v}
        # lxml is CPU work on untrusted markup: off the event loop.
        return await asyncio.to_thread(extract_article_links, got.data, got.url)

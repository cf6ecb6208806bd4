"""The news feed against a local Bawaslu-like site: only news comes in, always as ``berita-*``,
nothing internal is fetched unless allow-listed, and a listing is capped in size."""
from __future__ import annotations

import os

import pytest

from ingest.fetch import ALLOW_ENV
from ingest.newsfeed import NewsFeed
from ingest.pipeline import prepare
from tests.live_support import BawasluSite, listing_page

STATUTE_SLUG = "undang-undang-nomor-7-tahun-2017-tentang-pemilihan-umum"
STATUTE_PAGE = """<html><head><title>UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 7 TAHUN 2017</title></head><body>
<main><article><h1>UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 7 TAHUN 2017 TENTANG PEMILIHAN UMUM</h1>
<p>Pasal 1</p><p>Pemilihan Umum adalah sarana kedaulatan rakyat yang dilakukan secara langsung.</p>
<p>Pasal 2</p><p>Pemilu dilaksanakan berdasarkan asas langsung, umum, bebas, rahasia, jujur, dan adil.</p>
<p>Pasal 3</p><p>Dalam menyelenggarakan Pemilu, Penyelenggara Pemilu harus melaksanakan prinsip mandiri.</p>
</article></main></body></html>"""


def _site_with_a_statute_page(site: BawasluSite) -> None:
    site.pages[f"/berita/{STATUTE_SLUG}"] = (200, "text/html; charset=utf-8", STATUTE_PAGE.encode())
    items = [(s, t) for s, t, _ in site.articles] + [(STATUTE_SLUG, "UU 7/2017")]
    site.pages["/berita"] = (200, "text/html; charset=utf-8", listing_page(items).encode())


async def test_only_news_is_ingested_and_always_as_berita(tmp_path):
    with BawasluSite() as site:
        _site_with_a_statute_page(site)
        feed = NewsFeed([f"{site.url}/berita"], state_path=tmp_path / "state.json", delay=0, allow=["127.0.0.1"])
        ids = []

        async def ingest(loaded):
            info, _text, passages = prepare(loaded)
            ids.append(info.doc_id)
            return info.doc_id

        result = await feed.poll(ingest)
    assert len(ids) == len(site.articles) >= 2
    assert all(i.startswith("berita-") for i in ids)
    refused = [(u, why) for u, why in result.failed if STATUTE_SLUG in u]
    assert refused and "bukan berita" in refused[0][1]
    assert "uu-7-2017" not in ids


async def test_an_internal_listing_is_refused_without_the_allow_list(tmp_path):
    with BawasluSite() as site:
        os.environ.pop(ALLOW_ENV, None)  # the site allow-lists itself; take that back
        feed = NewsFeed([f"{site.url}/berita"], state_path=tmp_path / "state.json", delay=0)
        result = await feed.poll(lambda loaded: pytest.fail("nothing may be ingested"))
    assert site.requests == []
    assert result.failed and "tidak diizinkan" in result.failed[0][1]


async def test_a_listing_over_the_byte_cap_is_refused(tmp_path):
    with BawasluSite() as site:
        feed = NewsFeed([f"{site.url}/berita"], state_path=tmp_path / "state.json", delay=0,
                        allow=["127.0.0.1"], max_bytes=2_000)
        result = await feed.poll(lambda loaded: pytest.fail("nothing may be ingested"))
    assert result.found == []
    assert "terlalu besar" in result.failed[0][1]

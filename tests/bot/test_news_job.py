"""The news job: a local Bawaslu-like site; first run ingests the new articles once, the second
run finds nothing new (the listing answers 304 to If-None-Match)."""
from __future__ import annotations

import pytest

from bot.jobs import NEWS_JOB
from bot.app import stop_application
from ingest.newsfeed import extract_article_links
from tests.live_support import BawasluSite, CountingEmbedder, listing_page, seeded_engine

from .conftest import USER, make_settings, start_bot


def test_listing_links_skip_navigation_widgets_and_pagination():
    page = listing_page([("bawaslu-boyolali-bersama-uns-lakukan-penandatanganan-mou", "MoU"),
                         ("gp-ansor-dan-panwaslu-musuk-jalin-kerjasama", "GP Ansor")])
    links = extract_article_links(page, "https://boyolali.bawaslu.go.id/berita")
    assert links == [
        "https://boyolali.bawaslu.go.id/berita/bawaslu-boyolali-bersama-uns-lakukan-penandatanganan-mou",
        "https://boyolali.bawaslu.go.id/berita/gp-ansor-dan-panwaslu-musuk-jalin-kerjasama",
    ]


@pytest.fixture
async def news_bot(stub, tmp_path, fixture_passages):
    site = BawasluSite().__enter__()
    embedder = CountingEmbedder()
    engine = seeded_engine(tmp_path / "chroma", fixture_passages, embedder=embedder)
    settings = make_settings(stub, tmp_path, news_sources=[f"{site.url}/berita"], news_delay_seconds=0.01,
                             news_interval_minutes=30)
    harness = await start_bot(stub, settings, engine, store=engine.store)
    harness.site = site
    try:
        yield harness
    finally:
        await stop_application(harness.app)
        site.__exit__(None)


async def test_news_job_ingests_new_articles_once(news_bot):
    bot, site = news_bot, news_bot.site
    [job] = bot.app.job_queue.get_jobs_by_name(NEWS_JOB)
    assert job.job.trigger.interval.total_seconds() == 30 * 60  # on a schedule
    await job.run(bot.app)
    news = [d for d in bot.engine.documents() if (d["url"] or "").startswith(site.url)]
    titles = sorted(d["title"] for d in news)
    assert titles == ["Bawaslu Boyolali Bersama UNS lakukan Penandatanganan MoU",
                      "GP Ansor dan Panwaslu Musuk Jalin Kerjasama"]
    for d in news:
        assert d["url"].startswith(f"{site.url}/berita/")
        [p] = bot.engine.document_passages(d["doc_id"])[:1]
        assert (p.date, p.place) == ("2023-08-03", "Boyolali")
    # polite: our User-Agent on every request; no navigation, widget or pagination link fetched
    assert all(h.get("User-Agent", "").startswith("KonsultasiHukumKepemiluanBot") for _, h in site.requests)
    assert sorted(p for p, _ in site.requests) == sorted(["/berita"] + [f"/berita/{s}" for s, _, _ in site.articles])
    audit = await bot.services.admin_log.recent(10)
    assert [a.actor for a in audit].count("news-job") == 2

    # second run: the listing is unchanged (304), nothing is fetched or ingested again
    first = len(site.requests)
    await job.run(bot.app)
    again = site.requests[first:]
    assert [p for p, _ in again] == ["/berita"]
    assert again[0][1].get("If-None-Match") == site.listing_etag
    assert again[0][1].get("If-Modified-Since") == site.listing_modified
    assert len([d for d in bot.engine.documents() if (d["url"] or "").startswith(site.url)]) == 2

    # a listing that changed (new ETag) but lists the same articles: still nothing new
    site.listing_etag = '"listing-v2"'
    first = len(site.requests)
    await job.run(bot.app)
    assert [p for p, _ in site.requests[first:]] == ["/berita"]

    # and a citizen's question is answered from an ingested article
    msgs = await bot.ask(USER, "Apa isi kerja sama GP Ansor dan Panwaslu Musuk?", timeout=10.0)
    assert "Berita Bawaslu: GP Ansor dan Panwaslu Musuk Jalin Kerjasama" in msgs[-1].text

"""The news listing (issue 13 §6): an overall deadline against a server that trickles bytes, and
the listing parsed off the event loop. (The byte cap: tests/ingest/test_newsfeed.py.)"""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import ingest.newsfeed as newsfeed
from ingest.newsfeed import NewsFeed
from tests.live_support import BawasluSite


class Trickle(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            for _ in range(200):  # one byte every 0.2 s: no single read ever times out
                self.wfile.write(b"<")
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


async def test_a_trickling_listing_stops_at_the_overall_deadline(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/berita"
        feed = NewsFeed([url], state_path=tmp_path / "state.json", delay=0, allow=["127.0.0.1"],
                        timeout=1.0, deadline=1.5)
        started = time.monotonic()
        result = await feed.poll(lambda loaded: pytest.fail("nothing may be ingested"))
        took = time.monotonic() - started
    finally:
        server.shutdown()
    assert took < 5  # not 40 s of trickle
    assert result.found == [] and result.failed and result.failed[0][0] == url


async def test_the_listing_is_parsed_off_the_event_loop(tmp_path, monkeypatch):
    threads: list[str] = []
    real = newsfeed.extract_article_links

    def spy(data, url):
        threads.append(threading.current_thread().name)
        return real(data, url)

    monkeypatch.setattr(newsfeed, "extract_article_links", spy)
    with BawasluSite() as site:
        feed = NewsFeed([f"{site.url}/berita"], state_path=tmp_path / "state.json", delay=0, allow=["127.0.0.1"])

        async def ingest(loaded):
            return None

        await feed.poll(ingest)
    assert threads and all(name != threading.main_thread().name for name in threads)

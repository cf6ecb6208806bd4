"""Tests for ingest/fetch.py through fetch_url: safe downloads against local servers on 127.0.0.1.

Loopback is refused unless allow-listed, so every test that should reach the server passes
``allow=ALLOW`` explicitly; the refusals are tested without it.
"""
from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from ingest.fetch import GuardedClient
from ingest.load import USER_AGENT, LoadError, fetch_url
from tests.ingest.test_load import KALSEL_HTML, KALSEL_TITLE, statute_pdf

ALLOW = ["127.0.0.1"]


# --------------------------------------------------------------------------------------------
# fetch_url against a local server


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: dict = {}
    seen: list = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):  # noqa: N802
        type(self).seen.append((self.path, self.headers.get("User-Agent")))
        route = self.routes.get(self.path.split("?")[0])
        try:
            if route is None:
                self._send(404, "text/html", b"<html><body>Tidak ada</body></html>")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, status, ctype, body, headers=None, length=True):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)


def _routes(pdf_bytes: bytes) -> dict:
    html = KALSEL_HTML[0].read_bytes()

    def slow(h):
        time.sleep(1.5)
        h._send(200, "text/html", html)

    def stream_big(h):
        # No Content-Length: the cap must hold while streaming.
        h.send_response(200)
        h.send_header("Content-Type", "text/plain; charset=utf-8")
        h.send_header("Connection", "close")
        h.close_connection = True
        h.end_headers()
        for _ in range(50):
            h.wfile.write(b"Pasal 1 isi " * 100)

    return {
        "/berita/audiensi": lambda h: h._send(200, "text/html; charset=utf-8", html),
        "/slow": slow,
        "/loop-a": lambda h: h._send(302, None, b"", {"Location": "/loop-b"}),
        "/loop-b": lambda h: h._send(302, None, b"", {"Location": "/loop-a"}),
        "/moved": lambda h: h._send(301, None, b"", {"Location": "/berita/audiensi"}),
        "/image": lambda h: h._send(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"0" * 100),
        "/big": lambda h: h._send(200, "text/plain", b"x" * 5000),
        "/big-stream": stream_big,
        "/doc.pdf": lambda h: h._send(200, "application/octet-stream", pdf_bytes),
        "/uu.md": lambda h: h._send(200, "text/plain; charset=utf-8", "Pasal 1\n(1) Isi ayat satu.".encode()),
        "/error": lambda h: h._send(500, "text/html", b"<html>error</html>"),
    }


@pytest.fixture(scope="module")
def server():
    _Handler.routes = _routes(statute_pdf())
    _Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


async def test_fetch_html(server: str):
    url = f"{server}/berita/audiensi"
    doc = await fetch_url(url, allow=ALLOW, timeout=5)
    assert doc.source == url and doc.url == url
    assert doc.media_type == "text/html"
    assert (doc.title, doc.date, doc.place, doc.is_news) == (KALSEL_TITLE, "2024-09-25", "Banjarbaru", True)
    assert ("/berita/audiensi", USER_AGENT) in _Handler.seen


async def test_fetch_follows_a_redirect(server: str):
    doc = await fetch_url(f"{server}/moved", allow=ALLOW, timeout=5)
    assert doc.url == f"{server}/berita/audiensi"
    assert doc.source == f"{server}/moved"
    assert doc.place == "Banjarbaru"


async def test_fetch_pdf_served_as_octet_stream(server: str):
    doc = await fetch_url(f"{server}/doc.pdf", allow=ALLOW, timeout=5)
    assert doc.media_type == "application/pdf"
    assert "Pasal 6A" in doc.text.split("\n")


async def test_fetch_markdown_by_name(server: str):
    doc = await fetch_url(f"{server}/uu.md", allow=ALLOW, timeout=5)
    assert doc.media_type == "text/markdown"
    assert doc.text == "Pasal 1\n(1) Isi ayat satu."


@pytest.mark.parametrize("path, status", [("/tidak-ada", 404), ("/error", 500)])
async def test_fetch_http_error(server: str, path: str, status: int):
    with pytest.raises(LoadError) as ei:
        await fetch_url(server + path, allow=ALLOW, timeout=5)
    assert ei.value.code == "http_error"
    assert str(status) in ei.value.message


async def test_fetch_timeout(server: str):
    t0 = time.monotonic()
    with pytest.raises(LoadError) as ei:
        await fetch_url(f"{server}/slow", allow=ALLOW, timeout=0.3)
    assert ei.value.code == "timeout"
    assert "Waktu habis" in ei.value.message
    assert time.monotonic() - t0 < 1.4


async def test_fetch_redirect_loop(server: str):
    with pytest.raises(LoadError) as ei:
        await fetch_url(f"{server}/loop-a", allow=ALLOW, timeout=5, max_redirects=3)
    assert ei.value.code == "too_many_redirects"
    assert "pengalihan" in ei.value.message


async def test_fetch_wrong_content_type(server: str):
    with pytest.raises(LoadError) as ei:
        await fetch_url(f"{server}/image", allow=ALLOW, timeout=5)
    assert ei.value.code == "bad_content_type"
    assert "image/png" in ei.value.message


@pytest.mark.parametrize("path", ["/big", "/big-stream"])
async def test_fetch_too_large(server: str, path: str):
    with pytest.raises(LoadError) as ei:
        await fetch_url(server + path, allow=ALLOW, timeout=5, max_bytes=1000)
    assert ei.value.code == "too_large"


async def test_fetch_with_callers_client(server: str):
    async with GuardedClient(allow=ALLOW) as client:
        # Our redirect limit holds on a caller's client too.
        with pytest.raises(LoadError) as ei:
            await fetch_url(f"{server}/loop-a", timeout=5, max_redirects=2, client=client)
        assert ei.value.code == "too_many_redirects"
        doc = await fetch_url(f"{server}/berita/audiensi", timeout=5, client=client)
        assert doc.place == "Banjarbaru"
        assert not client.is_closed  # the caller's client stays open


async def test_a_plain_httpx_client_is_refused(server: str):
    async with httpx.AsyncClient() as client:
        with pytest.raises(TypeError):
            await fetch_url(f"{server}/berita/audiensi", timeout=5, client=client)


async def test_fetch_bad_urls(server: str):
    with pytest.raises(LoadError) as ei:
        await fetch_url("ftp://127.0.0.1/x.pdf")
    assert ei.value.code == "http_error"
    # A closed port on loopback: connection refused.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(LoadError) as ei:
        await fetch_url(f"http://127.0.0.1:{port}/", allow=ALLOW, timeout=2)
    assert ei.value.code == "http_error"


# --------------------------------------------------------------------------------------------
# Internal addresses are refused (SSRF), at every hop, and the checked address is the one used


@pytest.mark.parametrize("host", ["127.0.0.1", "[::ffff:127.0.0.1]", "[::1]", "localhost", "0.0.0.0"])
async def test_internal_hosts_are_refused_without_the_allow_list(server: str, host: str, monkeypatch):
    monkeypatch.delenv("KEPEMILUAN_FETCH_ALLOW", raising=False)
    port = server.rsplit(":", 1)[1]
    before = len(_Handler.seen)
    with pytest.raises(LoadError) as ei:
        await fetch_url(f"http://{host}:{port}/berita/audiensi", timeout=5)
    assert ei.value.code == "blocked_address"
    assert "tidak diizinkan" in ei.value.message
    assert len(_Handler.seen) == before  # refused before any request reached the server


@pytest.mark.parametrize("target", [
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
    "http://10.1.2.3/", "http://192.168.0.1/", "http://100.64.0.1/",  # private, shared
    "http://224.0.0.1/", "http://240.0.0.1/",  # multicast, reserved
    "http://[fe80::1]/", "http://[2002:7f00:1::]/",  # IPv6 link-local, 6to4 of 127.0.0.1
])
async def test_a_redirect_to_an_internal_address_is_refused(server: str, target: str):
    # The socket guard (tests/conftest.py) fails any connect off loopback: the refusal must come first.
    _Handler.routes["/to-internal"] = lambda h: h._send(302, None, b"", {"Location": target})
    with pytest.raises(LoadError) as ei:
        await fetch_url(f"{server}/to-internal", allow=ALLOW, timeout=5)
    assert ei.value.code == "blocked_address"


async def test_the_allow_list_takes_networks_and_the_environment(server: str, monkeypatch):
    doc = await fetch_url(f"{server}/berita/audiensi", allow=["127.0.0.0/8"], timeout=5)
    assert doc.place == "Banjarbaru"
    monkeypatch.setenv("KEPEMILUAN_FETCH_ALLOW", "intranet.local, 127.0.0.1")
    doc = await fetch_url(f"{server}/berita/audiensi", timeout=5)
    assert doc.place == "Banjarbaru"


async def test_the_checked_address_is_pinned(server: str, monkeypatch):
    """DNS rebinding: the name resolves to an allowed address once, then elsewhere.

    The connection must go to the address that was checked; a second lookup would get
    10.0.0.1, which the socket guard refuses."""
    port = int(server.rsplit(":", 1)[1])
    answers = iter(["127.0.0.1"] + ["10.0.0.1"] * 10)
    real = socket.getaddrinfo

    def rebinding(host, *args, **kw):
        if host == "rebind.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real(host, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    doc = await fetch_url(f"http://rebind.test:{port}/berita/audiensi", allow=["127.0.0.1/32"], timeout=5)
    assert doc.place == "Banjarbaru"
    assert doc.url == f"http://rebind.test:{port}/berita/audiensi"  # the name, not the address


async def test_a_trickling_server_hits_the_overall_deadline(server: str):
    def trickle(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b"x" * 10)
            h.wfile.flush()
            time.sleep(0.1)  # every read is quick; the whole body is not

    _Handler.routes["/trickle"] = trickle
    t0 = time.monotonic()
    with pytest.raises(LoadError) as ei:
        await fetch_url(f"{server}/trickle", allow=ALLOW, timeout=1.0, deadline=1.2)
    assert ei.value.code == "timeout"
    assert time.monotonic() - t0 < 2.5


async def test_a_gzip_bomb_stops_at_the_cap(server: str):
    import gzip

    bomb = gzip.compress(b"Pasal 1 " * 2_000_000)  # 16 MB of text in ~16 KB
    _Handler.routes["/bomb"] = lambda h: h._send(200, "text/plain", bomb, {"Content-Encoding": "gzip"})
    with pytest.raises(LoadError) as ei:
        await fetch_url(f"{server}/bomb", allow=ALLOW, timeout=5, max_bytes=1_000_000)
    assert ei.value.code == "too_large"

"""Shared pieces for the admin re-ingestion tests: a counting embedder, a seeded Chroma store,
test documents (a Perbawaslu in two versions, as Markdown and as a PDF), a Bawaslu-style web
site on 127.0.0.1 (listing page, article pages built from the seed articles' text).
"""
from __future__ import annotations

import hashlib
import html
import math
import os
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ingest.fetch import ALLOW_ENV
from ingest.manifest import slug as make_slug
from ingest.news import clean_news_text
from tests.conftest import CORPUS


class CountingEmbedder:
    """Deterministic 16-dim vectors from a hash; counts what it embeds (no model, no network)."""

    label = "uji-hash-16"

    def __init__(self):
        self.embedded = 0
        self._lock = threading.Lock()

    @staticmethod
    def _vec(text: str) -> list[float]:
        d = hashlib.sha256(text.encode("utf-8")).digest()[:16]
        v = [b - 127.5 for b in d]
        n = math.sqrt(sum(a * a for a in v)) or 1.0
        return [a / n for a in v]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            self.embedded += len(texts)
        return [self._vec(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text)


def seeded_engine(path: Path, passages, *, embedder=None, dense: bool = False):
    """A real Engine over a real Chroma store (PersistentClient in `path`) holding `passages`."""
    from bot.wiring import dense_fn
    from knowledge.engine import Engine
    from knowledge.store import ChromaStore

    store = ChromaStore(embedder or CountingEmbedder(), path=path, collection="uji-admin")
    if store.count() == 0 and passages:
        store.add(list(passages), [CountingEmbedder._vec(p.text) for p in passages])
    stored, _ = store.all()
    engine = Engine(stored, dense=dense_fn(store) if dense else None, dense_weight=0.3 if dense else None)
    engine.store = store
    return engine


# ---------------------------------------------------------------------------------- documents

DOC_ID = "perbawaslu-9-2099"


def perbawaslu(version: int = 1) -> str:
    """A made-up Perbawaslu on social-media campaign oversight; version 2 changes two articles."""
    akun = "20 (dua puluh) akun" if version == 1 else "30 (tiga puluh) akun"
    jam = "1 x 24 (satu kali dua puluh empat) jam" if version == 1 else "2 x 24 (dua kali dua puluh empat) jam"
    return f"""PERATURAN BADAN PENGAWAS PEMILIHAN UMUM REPUBLIK INDONESIA
NOMOR 9 TAHUN 2099
TENTANG
PENGAWASAN KAMPANYE DI MEDIA SOSIAL

DENGAN RAHMAT TUHAN YANG MAHA ESA

KETUA BADAN PENGAWAS PEMILIHAN UMUM REPUBLIK INDONESIA,

Menimbang: bahwa untuk melaksanakan pengawasan kampanye di media sosial perlu menetapkan Peraturan Badan Pengawas Pemilihan Umum;

MEMUTUSKAN:

Pasal 1
(1) Pengawasan kampanye di media sosial dilakukan oleh Bawaslu terhadap akun resmi peserta pemilu yang didaftarkan kepada KPU.
(2) Akun resmi kampanye di media sosial paling banyak {akun} untuk setiap aplikasi media sosial.

Pasal 2
(1) Konten kampanye di media sosial yang melanggar ketentuan wajib diturunkan oleh peserta pemilu paling lambat {jam} setelah pemberitahuan Bawaslu.
(2) Bawaslu meminta penyedia platform media sosial menurunkan konten kampanye yang tidak diturunkan oleh peserta pemilu.

Pasal 3
Peraturan Badan ini mulai berlaku pada tanggal diundangkan.
"""


# ---------------------------------------------------------------------------------- a Bawaslu site

SITE = "Bawaslu Kabupaten Boyolali"
NEWS_FILES = [
    "bawaslu-boyolali-2023-penandatanganan-mou.txt",
    "bawaslu-boyolali-2023-gp-ansor.txt",
]


def _chrome(title: str, main: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{html.escape(title)} - {SITE}</title>
  <link rel="stylesheet" href="/assets/app.css">
</head>
<body>
  <a class="skip-link" href="#main-content">Lompat ke isi utama</a>
  <header class="site-header">
    <div class="brand"><img src="/logo.png" alt="Logo Bawaslu"> {SITE}</div>
    <nav class="main-nav" aria-label="Menu utama">
      <ul>
        <li><a href="/">Beranda</a></li>
        <li><a href="/profil/visi-misi-bawaslu-boyolali">Profil</a></li>
        <li><a href="/berita">Berita</a></li>
        <li><a href="/publikasi/laporan-kinerja-tahunan">Publikasi</a></li>
        <li><a href="/ppid">PPID</a></li>
      </ul>
    </nav>
  </header>
  <main id="main-content">
    <div class="container">
      <div class="breadcrumb"><a href="/">Beranda</a> / <a href="/berita">Berita</a></div>
      <div class="row">
        <div class="col-md-8">
{main}
        </div>
        <aside class="col-md-4 sidebar">
          <div class="widget widget-berita-terbaru">
            <h3>Berita Terbaru</h3>
            <ul><li><a href="/berita/rapat-koordinasi-pengawasan-tahapan-kampanye">Rapat koordinasi pengawasan tahapan kampanye</a></li></ul>
          </div>
          <div class="widget konsultasi">
            <h3>Konsultasi Hukum Kepemiluan</h3>
            <p>Punya pertanyaan tentang aturan pemilu?</p>
            <a class="btn" href="/konsultasi-hukum-kepemiluan-tanyakan">Tanyakan</a>
          </div>
        </aside>
      </div>
    </div>
  </main>
  <footer class="site-footer">
    <div class="media-sosial">
      <h4>Media Sosial</h4>
      <a href="https://www.facebook.com/bawaslu.boyolali">Facebook</a>
      <a href="https://twitter.com/bawaslu_boyolali">Twitter</a>
      <a href="https://www.instagram.com/bawasluboyolali">Instagram</a>
      <a href="https://www.youtube.com/@bawasluboyolali">YouTube</a>
    </div>
    <div class="lokasi"><h4>Lokasi Bawaslu Kabupaten/Kota</h4><p>Jl. Perintis Kemerdekaan, Boyolali</p></div>
    <p>&copy; 2023 {SITE}. Hak cipta dilindungi.</p>
  </footer>
</body>
</html>
"""


def article_page(file_name: str) -> tuple[str, str, str]:
    """(slug, title, html) of a Bawaslu article page built from a seed article's text."""
    doc = clean_news_text((CORPUS / "news" / file_name).read_text(encoding="utf-8"), source=file_name)
    slug = make_slug(doc.title)
    paras = doc.paragraphs or doc.text.split("\n\n")
    body = "\n".join(f"            <p>{html.escape(p)}</p>" for p in paras)
    main = f"""          <span class="category-label">Berita</span>
          <h1 class="post-title">{html.escape(doc.title)}</h1>
          <div class="post-meta">by Bawaslu Boyolali - {doc.date and _indo_date(doc.date)}</div>
          <article class="post-content">
{body}
          </article>
          <div class="share-buttons">Bagikan: <a href="https://wa.me/?text=x">WhatsApp</a></div>"""
    return slug, doc.title, _chrome(doc.title, main)


_BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]


def _indo_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(d)} {_BULAN[int(m) - 1]} {y}"


def listing_page(items: list[tuple[str, str]]) -> str:
    cards = "\n".join(
        f"""          <article class="card post-card">
            <header><h2 class="card-title"><a href="/berita/{slug}">{html.escape(title)}</a></h2></header>
            <p class="excerpt">{html.escape(title)} …</p>
            <a class="read-more" href="/berita/{slug}">Selengkapnya</a>
          </article>""" for slug, title in items)
    main = f"""          <h1>Berita</h1>
{cards}
          <nav class="pagination"><a href="/berita?page=2">2</a> <a href="/berita?page=3">3</a></nav>"""
    return _chrome("Berita", main)


class BawasluSite:
    """A tiny Bawaslu-like web site on 127.0.0.1 with ETag / Last-Modified on the listing."""

    def __init__(self):
        self.pages: dict[str, tuple[int, str, bytes]] = {}
        self.requests: list[tuple[str, dict]] = []
        self.articles = [article_page(f) for f in NEWS_FILES]
        self.listing_etag = '"listing-v1"'
        self.listing_modified = formatdate(time.time() - 3600, usegmt=True)
        self.pages["/berita"] = (200, "text/html; charset=utf-8",
                                 listing_page([(s, t) for s, t, _ in self.articles]).encode("utf-8"))
        for slug, _title, page in self.articles:
            self.pages[f"/berita/{slug}"] = (200, "text/html; charset=utf-8", page.encode("utf-8"))
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                path = self.path.split("?")[0]
                site.requests.append((self.path, dict(self.headers)))
                if path.startswith("/putar-"):  # a redirect loop
                    n = int(path.rsplit("-", 1)[1])
                    return self._send(302, None, b"", {"Location": f"/putar-{n % 2 + 1}"})
                if path == "/lambat-sekali":  # slower than the test's fetch timeout
                    time.sleep(1.5)
                page = site.pages.get(path)
                if page is None:
                    return self._send(404, "text/html", b"<html><body>Halaman tidak ditemukan</body></html>")
                status, ctype, body = page
                extra = {}
                if path == "/berita":
                    extra = {"ETag": site.listing_etag, "Last-Modified": site.listing_modified}
                    if self.headers.get("If-None-Match") == site.listing_etag:
                        return self._send(304, None, b"", extra)
                self._send(status, ctype, body, extra)

            def _send(self, status, ctype, body, headers=None):
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    if body:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> "BawasluSite":
        # Fetches refuse loopback unless allow-listed (ingest.fetch): the site allow-lists itself
        # for its lifetime, through the variable the bot's settings and ingest.fetch both read.
        self._allow_before = os.environ.get(ALLOW_ENV)
        os.environ[ALLOW_ENV] = "127.0.0.1"
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._allow_before is None:
            os.environ.pop(ALLOW_ENV, None)
        else:
            os.environ[ALLOW_ENV] = self._allow_before

    def hits(self, prefix: str) -> list[tuple[str, dict]]:
        return [r for r in self.requests if r[0].startswith(prefix)]

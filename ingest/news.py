"""Clean Bawaslu news text: strip page chrome, find title, date, dateline place and body
paragraphs.

Used for the captured text files in ``ingest/corpus/news/`` (``clean_news_text``) and, through
``clean_news_blocks``, for the text trafilatura extracts from a news web page, so both paths
produce the same fields.

Body paragraphs are verbatim source text: only whitespace is normalised (runs of spaces and
line breaks inside a paragraph become one space), so any quote taken from a paragraph is a
substring of the stored text.
"""
from __future__ import annotations

import re
from datetime import date as _date
from pathlib import Path
from typing import Iterable

from .document import TXT, LoadedDocument, LoadError
from .grammar import looks_like_statute

# --------------------------------------------------------------------------------------------
# Dates

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agst": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
# "3 Agustus 2023", "25 Sept. 2024"
DATE_WORDS = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_ALT})\.?\s+(\d{{4}})\b", re.I)
# "(25/9/2024)", "25/09/2024", "25-9-2024"; Indonesian order is day/month/year.
DATE_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\d/])")
DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return _date(y, m, d).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """First date in `text` as ISO yyyy-mm-dd: Indonesian month names, d/m/yyyy, or ISO."""
    found: list[tuple[int, str]] = []
    for m in DATE_WORDS.finditer(text):
        iso = _iso(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if iso:
            found.append((m.start(), iso))
    for m in DATE_NUMERIC.finditer(text):
        iso = _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if iso:
            found.append((m.start(), iso))
    for m in DATE_ISO.finditer(text):
        iso = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso:
            found.append((m.start(), iso))
    return min(found)[1] if found else None


# --------------------------------------------------------------------------------------------
# Chrome

# Standalone lines (compared case-insensitively, whitespace collapsed, trailing ':' dropped)
# that are site navigation or widgets on Bawaslu pages, never article text.
CHROME_LINES = {
    "lompat ke isi utama",
    "lompat ke konten",
    "skip to content",
    "skip to main content",
    "berita",
    "news",
    "beranda",
    "home",
    "menu",
    "toast",
    "media sosial",
    "lokasi bawaslu provinsi",
    "lokasi bawaslu kabupaten/kota",
    "konsultasi",
    "hukum kepemiluan",
    "konsultasi hukum kepemiluan",
    "tanya",
    "tanyakan",
    "tanyakan right-circle",
    "right-circle",
    "left-circle",
    "bagikan",
    "bagikan ke",
    "share",
    "share this",
    "tags",
    "tag",
    "kategori",
    "berita terkait",
    "berita terbaru",
    "berita lainnya",
    "baca juga",
    "cari",
    "search",
    "pencarian",
    "facebook",
    "twitter",
    "instagram",
    "youtube",
    "tiktok",
    "whatsapp",
    "x",
}
# An icon name rendered as text ("right-circle", "arrow-left"), optionally after a word.
_ICON = re.compile(r"^(?:\w+\s+)?[a-z]+(?:-[a-z]+)+$")
_BACA_JUGA = re.compile(r"^baca juga\b", re.I)
_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+(?:Bawaslu\b.*|[\w.]+\.go\.id)$", re.I)
# "by Bawaslu Boyolali - 3 Agustus 2023", "Oleh: Humas - 25/9/2024"
_BYLINE = re.compile(r"^(?:by|oleh|penulis|ditulis oleh|posted by|diposting oleh)\b:?\s*.{0,80}$", re.I)
_CAPTION = re.compile(r"(?:^|\s)/?\s*(?:Foto|Photo|Dok(?:umentasi)?)\s*[:.]", re.I)

# Dateline at the start of the first body paragraph:
#   "Banjarbaru, Bawaslu Kalsel - Memasuki ...", "Boyolali – Tahapan ...",
#   "JAKARTA (ANTARA) - ...", "Boyolali-Pimpinan Anak Cabang ..."
_PLACE = r"[A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*){0,3}"
DATELINE = re.compile(
    rf"^(?P<place>{_PLACE})"
    r"(?:\s*,\s*[^–—\-.\n]{1,60}?|\s*\([^)\n]{1,40}\))?"
    r"\s+[–—-]{1,2}\s+(?=\S)"
)
DATELINE_TIGHT = re.compile(rf"^(?P<place>[A-Z][a-z]{{3,}}(?:\s+[A-Z][a-z]+){{0,2}})[–—-](?=[A-Z][a-z])")


def normalize_ws(text: str) -> str:
    """Collapse whitespace runs (incl. NBSP and line breaks) to one space and strip."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def _key(text: str) -> str:
    return normalize_ws(text).lower().rstrip(":").strip()


def is_chrome(block: str | Iterable[str]) -> bool:
    """True when a block (a string, or its lines) is only site chrome."""
    lines = [block] if isinstance(block, str) else list(block)
    lines = [ln for ln in (normalize_ws(x) for x in lines) if ln]
    if not lines:
        return True
    if _key(" ".join(lines)) in CHROME_LINES:
        return True
    return all(_key(ln) in CHROME_LINES or _ICON.match(ln) for ln in lines)


def find_place(paragraph: str) -> str | None:
    """The dateline place at the start of a paragraph, or None."""
    m = DATELINE.match(paragraph) or DATELINE_TIGHT.match(paragraph)
    if not m:
        return None
    place = m.group("place").strip()
    letters = re.sub(r"[^A-Za-z]", "", place)
    if len(letters) < 3:
        return None
    if place.isupper():
        place = place.title()
    return place


def _is_caption(paragraph: str) -> bool:
    return bool(_CAPTION.search(paragraph))


# --------------------------------------------------------------------------------------------
# Heuristics


def is_news_text(raw: str) -> bool:
    """Heuristic: does this raw text look like a news article rather than a statute?"""
    head = raw[:4000]
    if looks_like_statute(raw[:200_000]):
        return False
    if re.match(r"\ufeff?\s*TITLE:", head) and re.search(r"^\s*(?:by|oleh)\s", head, re.M | re.I):
        return True
    score = 0
    if re.search(r"^\s*Lompat ke isi utama\s*$", head, re.M | re.I):
        score += 2
    if re.search(r"^\s*(?:Media Sosial|Lokasi Bawaslu Provinsi|Tanyakan right-circle)\s*$", raw, re.M | re.I):
        score += 1
    if re.search(r"^\s*(?:by|oleh)\s+.{0,60}\b(?:Bawaslu|Humas|Admin)", head, re.M | re.I):
        score += 2
    for block in re.split(r"\n\s*\n", head)[:8]:
        b = normalize_ws(block)
        if (DATELINE.match(b) or DATELINE_TIGHT.match(b)) and len(b) > 120:
            score += 2
            break
    if re.search(r"\b(?:Bawaslu|Panwaslu|KPU)\b", head):
        score += 1
    if re.search(r"\((?:\d{1,2}/\d{1,2}(?:/\d{2,4})?)\)", head):
        score += 1
    return score >= 3


# --------------------------------------------------------------------------------------------
# Cleaning


def _take_title(paras: list[str], title: str | None) -> str | None:
    """The title: given, or a short first block (repeated on Bawaslu page captures). Its
    repeats at the top of the body are dropped from `paras`."""
    if title is None and paras:
        first = paras[0]
        short = len(first.split()) <= 30 and not first.endswith((".", "!", "?", '"', "”"))
        repeated = len(paras) > 1 and paras[1] == first
        if short and (repeated or len(paras) > 1) and not (DATELINE.match(first) and len(first) > 80):
            title = first
    if title:
        title = normalize_ws(title)
        # Drop the title (and its repeats) at the top of the body.
        tkey = title.lower()
        stripped = _SITE_SUFFIX.sub("", title).lower()
        i = 0
        while i < min(len(paras), 3):
            if paras[i].lower() in (tkey, stripped):
                paras.pop(i)
            else:
                i += 1
    return title


def clean_news_blocks(
    blocks: list[list[str]],
    *,
    title: str | None = None,
    date: str | None = None,
) -> tuple[str | None, str | None, str | None, list[str]]:
    """Clean news blocks (each a list of physical lines of one paragraph).

    Returns (title, date, place, paragraphs). `title`/`date` are hints from elsewhere (a
    TITLE: header, HTML metadata); they win over what is found in the text.
    """
    paras: list[str] = []
    byline_date: str | None = None
    for lines in blocks:
        if is_chrome(lines):
            continue
        p = normalize_ws(" ".join(lines))
        if not p:
            continue
        if _BACA_JUGA.match(p):
            continue
        if _BYLINE.match(p) and len(p) <= 100 and (parse_date(p) or re.match(r"^\w+(?: \w+)?\s*:", p)):
            byline_date = byline_date or parse_date(p)
            continue
        paras.append(p)

    title = _take_title(paras, title)

    # A leading short line that is only a date ("Rabu, 25 September 2024").
    while paras and len(paras[0].split()) <= 6 and parse_date(paras[0]):
        byline_date = byline_date or parse_date(paras[0])
        paras.pop(0)

    # Place: the dateline of the first body paragraph (captions skipped).
    place = None
    for p in paras[:4]:
        if _is_caption(p):
            continue
        place = find_place(p)
        break

    if date is None:
        date = byline_date
    if date is None:
        for p in paras[:4]:
            date = parse_date(p)
            if date:
                break
    return title, date, place, paras


def _blocks_from_text(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    cur: list[str] = []
    for ln in text.split("\n"):
        if ln.strip():
            cur.append(ln.strip())
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    return blocks


_HEADER = re.compile(r"^(TITLE|SOURCE|URL|DATE|PLACE):\s*(.*)$")


def clean_news_text(raw: str, *, source: str) -> LoadedDocument:
    """Turn a captured news text (page capture or TITLE:/SOURCE: file) into a LoadedDocument."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    headers: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = _HEADER.match(lines[i].strip())
        if m and (i == 0 or headers):
            headers[m.group(1)] = m.group(2).strip()
            i += 1
            continue
        break
    body = "\n".join(lines[i:])

    url = headers.get("URL")
    if url is None:
        src = headers.get("SOURCE", "")
        if re.match(r"https?://\S+$", src):
            url = src
    hint_date = parse_date(headers["DATE"]) if headers.get("DATE") else None
    title, date, place, paras = clean_news_blocks(
        _blocks_from_text(body), title=headers.get("TITLE") or None, date=hint_date
    )
    if headers.get("PLACE"):
        place = headers["PLACE"]
    if not paras:
        raise LoadError("no_article", "Berkas berita tidak berisi teks artikel.")
    if title is None:
        title = Path(source).stem if source else None
    return LoadedDocument(
        text="\n\n".join(paras),
        source=source,
        media_type=TXT,
        title=title,
        url=url,
        date=date,
        place=place,
        is_news=True,
        paragraphs=paras,
    )

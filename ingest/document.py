"""The document model shared by every stage.

- ``LoadedDocument``: what LOAD produces (clean text plus metadata), whatever the format.
- ``Line``, ``Article``, ``ParsedDocument``: what PARSE produces from a statute's text.
- ``LoadError``: every bad input, with a machine ``code`` and an Indonesian ``message``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .grammar import AYAT_START

USER_AGENT = "KonsultasiHukumKepemiluanBot/0.1"
DEFAULT_MAX_BYTES = 30_000_000

MD = "text/markdown"
TXT = "text/plain"
PDF = "application/pdf"
HTML = "text/html"


class LoadError(Exception):
    """Bad input. ``message``: Indonesian sentence for an admin; ``code``: machine code.

    Codes: not_found, empty, too_large, unsupported_type, corrupt_pdf, needs_ocr, encrypted,
    too_many_pages, parse_limit, http_error, timeout, too_many_redirects, blocked_address,
    no_article, not_news, bad_content_type.
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"LoadError({self.code!r}, {self.message!r})"

    def __reduce__(self):  # crosses the parsing worker's process boundary
        return (type(self), (self.code, self.message))


def too_large_message(max_bytes: int) -> str:
    return f"Berkas terlalu besar (batas {max_bytes / 1_000_000:g} MB)."


def unsupported_message(what: str) -> str:
    return f"Jenis berkas tidak didukung ({what}). Kirim berkas PDF, HTML, TXT, atau Markdown (.md)."


def empty_error() -> LoadError:
    return LoadError("empty", "Berkas kosong atau hanya berisi spasi.")


@dataclass
class LoadedDocument:
    text: str  # statutes keep line structure ("Pasal 7" on its own line, "(1) ..." ayat lines)
    source: str  # file path or URL
    media_type: str  # 'text/markdown', 'text/plain', 'application/pdf', 'text/html'
    title: str | None = None
    url: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd when known (news)
    place: str | None = None  # dateline place for news ("Banjarbaru", "Boyolali")
    is_news: bool = False
    paragraphs: list[str] | None = None  # for news: body paragraphs, chrome removed
    warnings: list[str] = field(default_factory=list)  # Indonesian notes for the admin
    pages: int | None = None  # PDF page count


@dataclass
class Line:
    text: str  # verbatim segment: doc[start:start + len(text)]
    start: int  # offset in the document text

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class Article:
    """A Pasal (or its Penjelasan) with its verbatim lines."""

    pasal: str | None
    kind: str  # "pasal" | "penjelasan" | "penjelasan-umum"
    section: str = ""
    part: int = 0
    lines: list[Line] = field(default_factory=list)
    amends: str | None = None  # base doc id whose article this text replaces (amendment laws)
    amend_action: str | None = None  # "diubah" | "disisipkan" | "dihapus"
    instruction: str | None = None  # the verbatim instruction line ("1. Ketentuan Pasal 7 diubah ...")

    doc: str = ""

    @property
    def text(self) -> str:
        """The verbatim span of the document from the first to the last line."""
        if not self.lines:
            return ""
        return self.doc[self.lines[0].start : self.lines[-1].end]

    def ayat(self) -> list[tuple[str | None, list[Line]]]:
        """Split into ayat: [(number or None for lead text, its lines)]."""
        out: list[tuple[str | None, list[Line]]] = []
        for ln in self.lines:
            m = AYAT_START.match(ln.text)
            if m or not out:
                out.append((m.group(1) if m else None, [ln]))
            else:
                out[-1][1].append(ln)
        return out


@dataclass
class ParsedDocument:
    title: str | None
    kind: str | None  # "UNDANG-UNDANG", ...
    number: str | None
    year: int | None
    articles: list[Article]
    main_part: int = 0

    def body(self) -> list[Article]:
        return [a for a in self.articles if a.kind == "pasal"]

    def find(self, pasal: str, kind: str = "pasal") -> Article | None:
        cands = [a for a in self.articles if a.pasal == pasal and a.kind == kind]
        main = [a for a in cands if a.part == self.main_part]
        return (main or cands or [None])[0]

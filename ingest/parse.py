"""PARSE stage: Indonesian legislation into its structure: title, BAB, Bagian, Paragraf, Pasal,
ayat, huruf, angka, Penjelasan, and the article-replacing instructions of amendment laws.

The parser never rewrites words: every Article's lines are verbatim segments of the input
(a physical line may be cut where a heading or a closing formula starts inside it). The
patterns live in ``ingest.grammar``; ``StatuteParser`` has one method per kind of line.
"""
from __future__ import annotations

import re

from . import grammar as g
from .document import Article, Line, ParsedDocument
from .grammar import ANGKA_START, AYAT_START, HURUF_START  # noqa: F401  (re-exported for chunk)

__all__ = ["Article", "Line", "ParsedDocument", "StatuteParser", "parse", "parse_title"]


def parse_title(text: str) -> tuple[str | None, str | None, int | None, str | None]:
    m = g.regulation_title(text)
    if not m:
        return None, None, None, None
    about = m.group(4).strip().rstrip(",.")
    return m.group(1), m.group(2), int(m.group(3)), about


def logical_lines(text: str) -> list[Line]:
    """Physical lines, cut again where a closing formula or Penjelasan starts inside one."""
    out: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        cuts = [0] + [m.start() for m in g.SPLIT_RE.finditer(raw) if m.start() > 0] + [len(raw)]
        for a, b in zip(cuts, cuts[1:]):
            seg = raw[a:b]
            stripped = seg.strip()
            if stripped:
                out.append(Line(stripped, pos + a + (len(seg) - len(seg.lstrip()))))
        pos += len(raw) + 1
    return out


def _num(p: str) -> tuple[int, str]:
    m = g.PASAL_NUMBER.match(p)
    return (int(m.group(1)), m.group(2)) if m else (0, "")


def next_expected(p: str | None, window: int = 4) -> set[str]:
    """Article numbers that may come next; a small window survives a missed heading."""
    if p is None:
        return {str(i) for i in range(1, window + 1)}
    n, suf = _num(p)
    nxt = {str(n + i) for i in range(1, window + 1)}
    letter = chr(ord(suf) + 1) if suf else "A"
    nxt.add(f"{n}{letter}")
    return nxt


# How far ahead an inline heading may jump when the source lost articles (pages missing from the
# vendored text: UU 42/2008 goes from Pasal 128 to Pasal 134).
GAP_WINDOW = 40
_SENTENCE_END = re.compile(r"\.\s*$")
_SENTENCE_INSIDE = re.compile(r"[.;:]\s")


def _after_gap(line: str, m: re.Match, expected: set[str]) -> bool:
    """'... TPS/TPSLN. Pasal 134 (1) Sebelum ...' after Pasal 128: a heading past the near window,
    ahead of the last article by at most GAP_WINDOW, right after a full stop. A lettered number
    ("Pasal 25E") is inserted next to its base article, never reached by a gap."""
    nums = [_num(e)[0] for e in expected if _num(e)[0]]
    n, suffix = _num(m.group(1))
    if not nums or suffix or not _SENTENCE_END.search(line[: m.start()]):
        return False
    last = min(nums) - 1
    return last < n <= last + GAP_WINDOW


def split_inline_pasal(line: str, expected: set[str]) -> list[tuple[str, int]]:
    """Cut a line before an inline 'Pasal N' heading when N is a plausible next article.

    Returns (verbatim piece, offset in line); a heading piece is exactly "Pasal N".
    """
    out: list[tuple[str, int]] = []
    last = 0

    def add(a: int, b: int) -> None:
        seg = line[a:b]
        if seg.strip():
            out.append((seg.strip(), a + len(seg) - len(seg.lstrip())))

    for m in g.PASAL_INLINE.finditer(line):
        if m.group(1) not in expected and not _after_gap(line, m, expected):
            continue
        # "... ayat (2). BAB V HAK MEMILIH Pasal 27 (1) ...": the chapter / part / paragraph headings
        # right before the article are pieces of their own (on_piece reads them as headings). The
        # run starts at the first heading with no sentence end between it and the article.
        run = next((h.end() for h in g.HEADING_INLINE.finditer(line, last, m.start())
                    if not _SENTENCE_INSIDE.search(line, h.end(), m.start())), None)
        add(last, m.start() if run is None else run)
        if run is not None:
            starts = [run] + [c.end() for c in g.HEADING_PARTS.finditer(line, run, m.start())]
            for a, b in zip(starts, starts[1:] + [m.start()]):
                piece = line[a:b].strip(" _")  # "__" marks a lost line in the vendored text
                if piece:
                    out.append((piece, a + line[a:b].index(piece)))
        out.append((f"Pasal {m.group(1)}", m.start()))
        last = m.end()
        expected = next_expected(m.group(1))
    add(last, len(line))
    return out


def _instruction_action(piece: str) -> str:
    low = piece.lower()
    if g.INSTR_DELETE.search(low) and "sehingga" not in low:
        return "dihapus"
    return "disisipkan" if g.INSTR_INSERT.search(low) else "diubah"


class StatuteParser:
    """A line-driven parser: ``feed`` each logical line, then ``result``.

    Modes: preamble (before the body), body, closing (after "Agar setiap orang
    mengetahuinya"), penjelasan. `amends` is the base doc id when this is an amendment law.
    """

    def __init__(self, text: str, *, amends: str | None = None):
        self.text = text
        self.amends = amends
        self.articles: list[Article] = []
        self.mode = "preamble"
        self.part = -1
        self.bab = self.bagian = self.paragraf = ""
        self.current: Article | None = None
        self.in_amendment = False
        self.instr_action: str | None = None
        self.instr_line: str | None = None
        self.last_body_pasal: str | None = None
        self.heading: str | None = None  # the structural heading whose title lines may follow

    # -- state helpers ----------------------------------------------------------------------------
    def section(self) -> str:
        return " > ".join(s for s in (self.bab, self.bagian, self.paragraf) if s)

    def start(self, pasal: str | None, kind: str) -> Article:
        self.current = Article(pasal=pasal, kind=kind, section=self.section(), part=max(self.part, 0), doc=self.text)
        self.heading = None
        self.articles.append(self.current)
        return self.current

    def _reset_sections(self) -> None:
        self.bab = self.bagian = self.paragraf = ""

    # -- logical lines ----------------------------------------------------------------------------
    def feed(self, ln: Line) -> None:
        s = ln.text
        if s.startswith(g.PENJELASAN_START):
            return self.on_penjelasan_start(ln)
        if s.startswith(g.CLOSING_START):
            self.mode, self.current = "closing", None
            return None
        if s.startswith(g.ANNEX_STARTS):
            if self.mode == "penjelasan":
                self.mode, self.current = "preamble", None
            return None
        if s.startswith(g.ENACTING):
            ln = self.on_enacting(ln)
            if ln is None:
                return None
        if self.mode in ("preamble", "closing") and not self._body_starts_without_enacting(ln.text):
            return None
        if self.mode == "body" and not self.in_amendment:
            pieces = split_inline_pasal(ln.text, next_expected(self.last_body_pasal))
        else:
            pieces = [(ln.text, 0)]
        for piece, offset in pieces:
            self.on_piece(Line(piece, ln.start + offset))
        return None

    def on_penjelasan_start(self, ln: Line) -> None:
        self.mode, self.current = "penjelasan", None
        self._reset_sections()
        self.in_amendment = False
        self.start(None, "penjelasan-umum").lines.append(ln)

    def on_enacting(self, ln: Line) -> Line | None:
        """'Menetapkan:' opens a body (a new part); the line may carry its first BAB and Pasal."""
        self.mode, self.current, self.part = "body", None, self.part + 1
        self._reset_sections()
        self.last_body_pasal = None
        s = ln.text
        rest = g.ENACTED_BODY.search(s)
        if not rest:
            return None
        off = rest.start(1)
        hm = g.ENACTED_BAB.match(s[off:])
        if hm:
            self.bab = hm.group(1)
            off += hm.end()
        return Line(s[off:], ln.start + off)

    def _body_starts_without_enacting(self, s: str) -> bool:
        """A text without "Menetapkan:" (e.g. an extracted UUD) starts its body at 'Pasal N'."""
        if self.mode == "preamble" and g.PASAL_LINE.match(s) and self.part < 0:
            self.mode, self.part = "body", 0
            return True
        return False

    # -- pieces of a line -------------------------------------------------------------------------
    def on_piece(self, pline: Line) -> None:
        piece = pline.text
        m = g.PASAL_LINE.match(piece)
        if self.mode == "penjelasan":
            return self.on_penjelasan_piece(pline, m.group(1) if m else None)
        if m:
            return self.on_pasal_heading(m.group(1))
        if self.in_amendment and g.INSTRUCTION.match(piece):
            return self.on_instruction(pline)
        for pattern, level in ((g.BAB_LINE, "bab"), (g.BAGIAN_LINE, "bagian"), (g.PARAGRAF_LINE, "paragraf")):
            if pattern.match(piece):
                return self.on_section_heading(level, piece)
        if self.current is None and self.heading and len(piece) <= 120 and not self.in_amendment:
            return self.on_heading_title(piece)
        if self.current is not None:
            self.current.lines.append(pline)
        return None

    def on_penjelasan_piece(self, pline: Line, pasal: str | None) -> None:
        roman = pasal is not None and g.ROMAN.fullmatch(pasal)
        if pasal is not None and not roman:
            self.start(pasal, "penjelasan")
            if self.amends:
                self.current.amends = self.amends
        elif g.BAB_LINE.match(pline.text) or g.BAGIAN_LINE.match(pline.text):
            return
        elif self.current is not None and not roman:
            if self.current.kind == "penjelasan" and g.PENJELASAN_ANGKA.fullmatch(pline.text):
                return
            self.current.lines.append(pline)

    def on_pasal_heading(self, num: str) -> None:
        if self.amends and g.ROMAN.fullmatch(num):  # "Pasal I" of an amendment law holds the changes
            self.in_amendment = num == "I"
            self.start(num, "pasal")
            self.last_body_pasal = None
            return
        article = self.start(num, "pasal")
        if self.in_amendment:
            article.amends = self.amends
            article.amend_action = self.instr_action or "diubah"
            article.instruction = self.instr_line
        else:
            self.last_body_pasal = num

    def on_instruction(self, pline: Line) -> None:
        """'1. Ketentuan Pasal 7 diubah ...': the articles that follow replace the base law's."""
        piece = pline.text
        self.instr_action = _instruction_action(piece)
        self.instr_line = piece
        if self.instr_action == "dihapus":
            # "5. Pasal 9 dihapus." deletes an article outright: record that as its text.
            for target in g.INSTR_TARGET.findall(piece):
                a = self.start(target, "pasal")
                a.amends, a.amend_action, a.instruction = self.amends, "dihapus", piece
                a.lines.append(pline)
        self.current = None

    def on_section_heading(self, level: str, piece: str) -> None:
        if level == "bab":
            self.bab, self.bagian, self.paragraf = piece, "", ""
        elif level == "bagian":
            self.bagian, self.paragraf = piece, ""
        else:
            self.paragraf = piece
        self.current, self.heading = None, level

    def on_heading_title(self, piece: str) -> None:
        """'BAB X' on one line, 'WARGA NEGARA' on the next: the title belongs to the heading."""
        title_text = g.SPACED_LETTERS.sub(r"\1", piece)
        setattr(self, self.heading, f"{getattr(self, self.heading)} {title_text}")

    # -- result -----------------------------------------------------------------------------------
    def result(self) -> ParsedDocument:
        kind, number, year, about = parse_title(self.text)
        title = f"{kind} NOMOR {number} TAHUN {year} TENTANG {about}" if kind else None
        # The part with the most articles is the substance (UU 1/2015 carries the Perppu as Lampiran).
        counts: dict[int, int] = {}
        for a in self.articles:
            if a.kind == "pasal":
                counts[a.part] = counts.get(a.part, 0) + 1
        main_part = max(counts, key=lambda p: (counts[p], p)) if counts else 0
        articles = [a for a in self.articles if a.text]
        return ParsedDocument(title=title, kind=kind, number=number, year=year, articles=articles, main_part=main_part)


def parse(text: str, *, amends: str | None = None) -> ParsedDocument:
    """Parse a statute. `amends` is the base doc id when this is an amendment law."""
    parser = StatuteParser(text, amends=amends)
    for ln in logical_lines(text):
        parser.feed(ln)
    return parser.result()

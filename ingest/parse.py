"""Parse Indonesian legislation into its structure: title, BAB, Bagian, Paragraf, Pasal, ayat,
huruf, angka, Penjelasan, and the article-replacing instructions of amendment laws.

The parser never rewrites words: every Article's lines are verbatim segments of the input
(a physical line may be cut where a heading or a closing formula starts inside it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

PASAL_LINE = re.compile(r"^Pasal\s+(\d+[A-Z]?|[IVX]+)\s*$")
# "Pasal 4 (1) Pemilu ..." or "Pasal 5 Persyaratan ..." glued inside a line (seen in UU 42/2008).
PASAL_INLINE = re.compile(r"(?<![\w/])(?<!dalam )(?<!pada )(?<!atau )(?<!, )Pasal\s+(\d+[A-Z]?)\.?(?=\s+(?:\(1\)|[A-Z][a-z]))")
BAB_LINE = re.compile(r"^(?:BAB|Bab)\s+([IVXLC]+[A-Z]?)\b\s*(.*)$")
BAGIAN_LINE = re.compile(r"^Bagian\s+(Ke[a-z]+)\b\s*(.*)$")
PARAGRAF_LINE = re.compile(r"^Paragraf\s+(\d+)\b\s*(.*)$")
AYAT_START = re.compile(r"^\((\d+[a-z]?)\)\s*")
HURUF_START = re.compile(r"^([a-z]\d?)\.\s")
ANGKA_START = re.compile(r"^(\d+)\.\s")
TITLE_RE = re.compile(
    r"(UNDANG-UNDANG(?: DASAR)?|PERATURAN PEMERINTAH PENGGANTI UNDANG-UNDANG|PERATURAN KOMISI PEMILIHAN UMUM|"
    r"PERATURAN BADAN PENGAWAS PEMILIHAN UMUM)\s+(?:REPUBLIK INDONESIA\s+)?NOMOR\s+(\d+)\s+TAHUN\s+(\d{4})\s+TENTANG\s+(.+?)"
    r"(?=\s+DENGAN RAHMAT|\s+Menimbang|\s+BAB I\s|\s+Pasal 1\s|$)",
    re.S,
)
# Amendment instructions inside "Pasal I" of an amendment law.
INSTRUCTION = re.compile(r"^\d+\.\s+(?=.*\b(?:diubah|disisipkan|dihapus|ditambah(?:kan)?)\b"
                         r"|Ketentuan\s+(?:baris|tabel|Lampiran)\b)")  # issue 11: UU 7/2023's Lampiran tables
INSTR_TARGET = re.compile(r"Pasal\s+(\d+[A-Z]?)")

# Markers that start a new logical line even in the middle of a physical one.
SPLIT_MARKERS = (
    "PENJELASAN ATAS",
    "Agar setiap orang mengetahuinya",
    "TAMBAHAN LEMBARAN NEGARA",
    "LAMPIRAN UNDANG-UNDANG",
    "Menetapkan:",
    "Menetapkan :",
)
_SPLIT_RE = re.compile("|".join(re.escape(m) for m in SPLIT_MARKERS))


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


def parse_title(text: str) -> tuple[str | None, str | None, int | None, str | None]:
    head = " ".join(text[:1500].split())
    m = TITLE_RE.search(head)
    if not m:
        return None, None, None, None
    about = m.group(4).strip().rstrip(",.")
    return m.group(1), m.group(2), int(m.group(3)), about


def _logical_lines(text: str) -> list[Line]:
    out: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        cuts = [0] + [m.start() for m in _SPLIT_RE.finditer(raw) if m.start() > 0] + [len(raw)]
        for a, b in zip(cuts, cuts[1:]):
            seg = raw[a:b]
            stripped = seg.strip()
            if stripped:
                out.append(Line(stripped, pos + a + (len(seg) - len(seg.lstrip()))))
        pos += len(raw) + 1
    return out


def _split_inline_pasal(line: str, expected: set[str]) -> list[tuple[str, int]]:
    """Cut a line before an inline 'Pasal N' heading when N is a plausible next article.

    Returns (verbatim piece, offset in line); a heading piece is exactly "Pasal N".
    """
    out: list[tuple[str, int]] = []
    last = 0

    def add(a: int, b: int) -> None:
        seg = line[a:b]
        if seg.strip():
            out.append((seg.strip(), a + len(seg) - len(seg.lstrip())))

    for m in PASAL_INLINE.finditer(line):
        if m.group(1) not in expected:
            continue
        add(last, m.start())
        out.append((f"Pasal {m.group(1)}", m.start()))
        last = m.end()
        expected = _next_expected(m.group(1))
    add(last, len(line))
    return out


def _num(p: str) -> tuple[int, str]:
    m = re.match(r"(\d+)([A-Z]?)", p)
    return (int(m.group(1)), m.group(2)) if m else (0, "")


def _next_expected(p: str | None, window: int = 4) -> set[str]:
    """Article numbers that may come next; a small window survives a missed heading."""
    if p is None:
        return {str(i) for i in range(1, window + 1)}
    n, suf = _num(p)
    nxt = {str(n + i) for i in range(1, window + 1)}
    letter = chr(ord(suf) + 1) if suf else "A"
    nxt.add(f"{n}{letter}")
    return nxt


def parse(text: str, *, amends: str | None = None) -> ParsedDocument:
    """Parse a statute. `amends` is the base doc id when this is an amendment law."""
    kind, number, year, about = parse_title(text)
    title = f"{kind} NOMOR {number} TAHUN {year} TENTANG {about}" if kind else None

    articles: list[Article] = []
    mode = "preamble"  # preamble | body | closing | penjelasan
    part = -1
    bab = bagian = paragraf = ""
    current: Article | None = None
    in_amendment = False
    instr_action: str | None = None
    instr_line: str | None = None
    instr_targets: list[str] = []
    last_body_pasal: str | None = None
    heading: str | None = None  # the structural heading whose title lines may follow

    def section() -> str:
        return " > ".join(s for s in (bab, bagian, paragraf) if s)

    def start(pasal: str | None, k: str) -> Article:
        nonlocal current
        nonlocal heading
        current = Article(pasal=pasal, kind=k, section=section(), part=max(part, 0), doc=text)
        heading = None
        articles.append(current)
        return current

    for ln in _logical_lines(text):
        s = ln.text
        if s.startswith("PENJELASAN ATAS"):
            mode, current = "penjelasan", None
            bab = bagian = paragraf = ""
            in_amendment = False
            start(None, "penjelasan-umum")
            current.lines.append(ln)
            continue
        if s.startswith("Agar setiap orang mengetahuinya"):
            mode, current = "closing", None
            continue
        if s.startswith("TAMBAHAN LEMBARAN NEGARA") or s.startswith("LAMPIRAN UNDANG-UNDANG"):
            if mode == "penjelasan":
                mode, current = "preamble", None
            continue
        if s.startswith("Menetapkan"):
            mode, current, part = "body", None, part + 1
            bab = bagian = paragraf = ""
            last_body_pasal = None
            # "Menetapkan: UNDANG-UNDANG TENTANG ... . BAB I KETENTUAN UMUM Pasal 1 Dalam ..."
            rest = re.search(r"\.\s+(BAB\s+[IVXLC]+\b.*)$", s)
            if not rest:
                continue
            off = rest.start(1)
            hm = re.match(r"^(BAB\s+[IVXLC]+\b.*?)\s+(?=Pasal\s+\d)", s[off:])
            if hm:
                bab = hm.group(1)
                off += hm.end()
            ln = Line(s[off:], ln.start + off)
            s = ln.text
        if mode in ("preamble", "closing"):
            if mode == "preamble" and PASAL_LINE.match(s) and part < 0:
                mode, part = "body", 0  # a text without "Menetapkan:" (e.g. extracted UUD)
            else:
                continue

        if mode == "body" and not in_amendment:
            raw_pieces = _split_inline_pasal(s, _next_expected(last_body_pasal))
        else:
            raw_pieces = [(s, 0)]
        for piece, poff in raw_pieces:
            pline = Line(piece, ln.start + poff)
            m = PASAL_LINE.match(piece)
            if mode == "penjelasan":
                if m and not re.fullmatch(r"[IVX]+", m.group(1)):
                    start(m.group(1), "penjelasan")
                    if in_amendment_target := amends:
                        current.amends = in_amendment_target
                elif BAB_LINE.match(piece) or BAGIAN_LINE.match(piece):
                    continue
                elif current is not None and not (m and re.fullmatch(r"[IVX]+", m.group(1))):
                    if current.kind == "penjelasan" and re.fullmatch(r"Angka \d+", piece):
                        continue
                    current.lines.append(pline)
                continue

            # body
            if m:
                num = m.group(1)
                if amends and re.fullmatch(r"[IVX]+", num):
                    in_amendment = num == "I"
                    start(num, "pasal")
                    last_body_pasal = None
                    continue
                start(num, "pasal")
                if in_amendment:
                    current.amends = amends
                    current.amend_action = instr_action or "diubah"
                    current.instruction = instr_line
                else:
                    last_body_pasal = num
                continue
            if in_amendment and INSTRUCTION.match(piece):
                low = piece.lower()
                instr_action = (
                    "dihapus" if re.search(r"\bdihapus\.?\s*$", low) and "sehingga" not in low
                    else "disisipkan" if re.search(r"(disisipkan|ditambahkan)\s+\d+\s+\(\w+\)\s+pasal", low) else "diubah"
                )
                instr_line = piece
                instr_targets = INSTR_TARGET.findall(piece)
                if instr_action == "dihapus":
                    # "5. Pasal 9 dihapus." deletes an article outright: record that as its text.
                    for t in instr_targets:
                        a = start(t, "pasal")
                        a.amends, a.amend_action, a.instruction = amends, "dihapus", piece
                        a.lines.append(pline)
                    current = None
                else:
                    current = None
                continue
            bm, gm, pm = BAB_LINE.match(piece), BAGIAN_LINE.match(piece), PARAGRAF_LINE.match(piece)
            if bm:
                bab, bagian, paragraf = piece, "", ""
                current, heading = None, "bab"
                continue
            if gm:
                bagian, paragraf = piece, ""
                current, heading = None, "bagian"
                continue
            if pm:
                paragraf = piece
                current, heading = None, "paragraf"
                continue
            if current is None and heading and len(piece) <= 120 and not in_amendment:
                # "BAB X" on one line, "WARGA NEGARA" on the next: the title belongs to the heading
                title_text = re.sub(r"\b(\w) (?=\w\b)", r"\1", piece)  # "A G A M A" -> "AGAMA"
                if heading == "bab":
                    bab = f"{bab} {title_text}"
                elif heading == "bagian":
                    bagian = f"{bagian} {title_text}"
                else:
                    paragraf = f"{paragraf} {title_text}"
                continue
            if current is not None:
                current.lines.append(pline)

    # The part with the most articles is the substance (UU 1/2015 carries the Perppu as Lampiran).
    counts: dict[int, int] = {}
    for a in articles:
        if a.kind == "pasal":
            counts[a.part] = counts.get(a.part, 0) + 1
    main_part = max(counts, key=lambda p: (counts[p], p)) if counts else 0
    articles = [a for a in articles if a.text]
    return ParsedDocument(title=title, kind=kind, number=number, year=year, articles=articles, main_part=main_part)

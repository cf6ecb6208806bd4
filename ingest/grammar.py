"""The statute grammar: every pattern for the structure of Indonesian legislation.

BAB, Bagian, Paragraf, Pasal, ayat "(n)", huruf "a.", angka "1.", the regulation title, the
article-replacing instructions of amendment laws, and the line-level repairs the normaliser
and the OCR clean-up make. Other modules import these names instead of writing their own
"Pasal N" patterns.
"""
from __future__ import annotations

import re

# -- headings -----------------------------------------------------------------------------------
PASAL_LINE = re.compile(r"^Pasal\s+(\d+[A-Z]?|[IVX]+)\s*$")
ROMAN = re.compile(r"[IVX]+")
# A heading line anywhere in a multi-line text (counting headings: is this a statute?).
PASAL_HEADING_M = re.compile(r"^\s*Pasal\s+\d+[A-Z]?\s*$", re.M)
# "Pasal 4 (1) Pemilu ..." or "Pasal 5 Persyaratan ..." glued inside a line (seen in UU 42/2008).
PASAL_INLINE = re.compile(r"(?<![\w/])(?<!dalam )(?<!pada )(?<!atau )(?<!, )Pasal\s+(\d+[A-Z]?)\.?(?=\s+(?:\(1\)|[A-Z][a-z]|[A-Z]{2,}\s+[a-z]))")
PASAL_NUMBER = re.compile(r"(\d+)([A-Z]?)")
# "... ayat (2). BAB V HAK MEMILIH Bagian Kesatu ... Pasal 27": where a glued run of headings starts
# (after a sentence end, or the "__" of a lost line), and where each heading of the run begins.
HEADING_INLINE = re.compile(r"(?:(?<=[.;:\u201d\"])|(?<=__))\s+(?=BAB\s+[IVXLC]+[A-Z]?\s+[A-Z]{2}|Bagian\s+Ke[a-z]+\s+[A-Z]|Paragraf\s+\d+\s+[A-Z])")
HEADING_PARTS = re.compile(r"\s+(?=Bagian\s+Ke[a-z]+\s+[A-Z]|Paragraf\s+\d+\s+[A-Z])")
BAB_LINE = re.compile(r"^(?:BAB|Bab)\s+([IVXLC]+[A-Z]?)\b\s*(.*)$")
BAGIAN_LINE = re.compile(r"^Bagian\s+(Ke[a-z]+)\b\s*(.*)$")
PARAGRAF_LINE = re.compile(r"^Paragraf\s+(\d+)\b\s*(.*)$")
# "A G A M A" (a letter-spaced heading title) -> "AGAMA"
SPACED_LETTERS = re.compile(r"\b(\w) (?=\w\b)")
# "Menetapkan: UNDANG-UNDANG TENTANG ... . BAB I KETENTUAN UMUM Pasal 1 Dalam ..."
ENACTED_BODY = re.compile(r"\.\s+(BAB\s+[IVXLC]+\b.*)$")
ENACTED_BAB = re.compile(r"^(BAB\s+[IVXLC]+\b.*?)\s+(?=Pasal\s+\d)")
PENJELASAN_ANGKA = re.compile(r"Angka \d+")
CUKUP_JELAS = re.compile(r"(?i)cukup\s+jelas\.?")

# -- ayat, huruf, angka -------------------------------------------------------------------------
AYAT_START = re.compile(r"^\((\d+[a-z]?)\)\s*")
HURUF_START = re.compile(r"^([a-z]\d?)\.\s")
ANGKA_START = re.compile(r"^(\d+)\.\s")
DEFINITION_ITEM = re.compile(r"(?m)^\s*\d+\.\s.{0,160}?\badalah\b")

# -- title --------------------------------------------------------------------------------------
TITLE_RE = re.compile(
    r"(UNDANG-UNDANG(?: DASAR)?|PERATURAN PEMERINTAH PENGGANTI UNDANG-UNDANG|PERATURAN KOMISI PEMILIHAN UMUM|"
    r"PERATURAN BADAN PENGAWAS PEMILIHAN UMUM)\s+(?:REPUBLIK INDONESIA\s+)?NOMOR\s+(\d+)\s+TAHUN\s+(\d{4})\s+TENTANG\s+(.+?)"
    r"(?=\s+DENGAN RAHMAT|\s+Menimbang|\s+BAB I\s|\s+Pasal 1\s|$)",
    re.S,
)

# -- amendment instructions inside "Pasal I" of an amendment law ---------------------------------
INSTRUCTION = re.compile(r"^\d+\.\s+(?=.*\b(?:diubah|disisipkan|dihapus|ditambah(?:kan)?)\b"
                         r"|Ketentuan\s+(?:baris|tabel|Lampiran)\b)")  # issue 11: UU 7/2023's Lampiran tables
INSTR_TARGET = re.compile(r"Pasal\s+(\d+[A-Z]?)")
INSTR_DELETE = re.compile(r"\bdihapus\.?\s*$")
INSTR_INSERT = re.compile(r"(disisipkan|ditambahkan)\s+\d+\s+\(\w+\)\s+pasal")

# -- markers that start a new logical line even in the middle of a physical one -----------------
PENJELASAN_START = "PENJELASAN ATAS"
CLOSING_START = "Agar setiap orang mengetahuinya"
ANNEX_STARTS = ("TAMBAHAN LEMBARAN NEGARA", "LAMPIRAN UNDANG-UNDANG")
ENACTING = "Menetapkan"
SPLIT_MARKERS = (PENJELASAN_START, CLOSING_START, *ANNEX_STARTS, "Menetapkan:", "Menetapkan :")
SPLIT_RE = re.compile("|".join(re.escape(m) for m in SPLIT_MARKERS))

# -- line repairs (the normaliser) --------------------------------------------------------------
# Lines that are legal structure and never treated as page furniture.
STRUCTURAL = re.compile(r"^(?:Pasal\s|BAB\s|Bagian\s|Paragraf\s|\(\d+[a-z]?\)|[a-z]\.\s|\d+\.\s)")
HEADING_SPLIT_LETTER = re.compile(r"^Pasal\s+(\d+)\s+([A-Z])$")  # "Pasal 22 B"
PASAL_AYAT_SAME_LINE = re.compile(r"^(Pasal \d+[A-Z]?)\s+(\(1\)\s+\S.*)$")
# "... itu. Pasal 28" at the end of a line (split only if the next line opens a body).
GLUED_PASAL_END = re.compile(r"(?<=[.:])\s+(?=Pasal \d+[A-Z]?$)")
BODY_OPENING = re.compile(r"(?:\(1\)\s|[A-Z])")
# "... itu. Pasal 28 (1) Setiap ..." inside a line.
GLUED_PASAL_AYAT = re.compile(r"(?<=[.:])\s+(?=Pasal \d+[A-Z]?\s+\(1\)\s+[A-Z])")
GLUED_AYAT = re.compile(r"(?<=[.;:])\s+(?=\(\d{1,3}[a-z]?\)\s+[A-Z][a-z])")
LONE_AYAT = re.compile(r"^\(\d{1,3}[a-z]?\)\.?$")

# -- OCR repairs --------------------------------------------------------------------------------
OCR_PASAL_NUM = re.compile(r"\b[Pp]asal\s+([0-9IlOoSg|]{1,4})(?=[A-Z]?\b)")
OCR_AYAT_NUM = re.compile(r"\(([0-9Il]{1,2})\)")
# The running head of every page of a scanned statute, as OCR reads it: "PRESIDEN REPUBLIK
# INDONESIA" with its letters spaced and confused ("PRES IOEN REPUBLIK INOONESIA", "PR ES ID EN
# REPUELIK INDONESIA _36_"), in capitals only (the law's own "Presiden Republik Indonesia" is not).
OCR_PAGE_HEADER = re.compile(r"P\s?R\s?E\s?S\s?[Il]\s?[DO]\s?E\s?N\s+[.,]?REPU[BE]LIK\s+IN[A-Z]{1,2}NESIA"
                             r"(?:\s*[-_]\s*\d+\s*[-_])?(?!\s*,)")  # "PRESIDEN REPUBLIK INDONESIA," signs the law
# The same furniture where the scan kept its lines (UU 7/2023): the head on two lines of its own
# ("PFIESIDEN" / "REPUBLTK INDONESIA") and the page number ("-4-", "-t2-") under it; the State
# Secretariat's serial ("SK No 145705 A"); the next page's first words repeated at the foot of the
# page ("(2) Ketentuan . . .").
_PRESIDENT_LINE = r"P[ \t]?[RF]I?[ \t]?E[ \t]?S[ \t]?[Il]?[ \t]?[DO][ \t]?E[ \t]?N[ \t\r]*\n"
_REPUBLIC_LINE = r"[ \t]*[.,]?(?:R|FI)EPU[A-Z']{3,5}[ \t]+[A-Z]{6,10}[ \t\r]*(?:\n|$)"
_PAGE_LINE = r"[ \t]*-[ \t]?[0-9tlIO]{1,3}[ \t]?-?[ \t\r]*(?:\n|$)"
OCR_HEAD_LINES = re.compile(rf"^[ \t]*(?:{_PRESIDENT_LINE}{_REPUBLIC_LINE}(?:{_PAGE_LINE})?|{_REPUBLIC_LINE}{_PAGE_LINE})",
                            re.M)
OCR_SERIAL_LINE = re.compile(r"^[ \t]*SK No\.?[ \t]?[0-9lIO]{5,7}[ \t]?A[ \t\r]*(?:\n|$)", re.M)
OCR_SERIAL_GLUED = re.compile(r"-SK No\.?[ \t]?[0-9lIO]{5,7}[ \t]?A\b")
OCR_CATCHWORD_LINE = re.compile(r"^[^\n]{1,40}?[ \t]?\.[ \t]\.[ \t]\.[ \t\r]*(?:\n|$)", re.M)
# The caption of the state seal above it, read as junk: "R E p u J.Tn= t,',?o=| * .,, o",
# "nepuJuTnEt,'*oot|*=r,o", "c e p u Jt-Tx t,loo=5* = r, o" (no Indonesian word has "puJ")
OCR_SEAL = re.compile(r"(?<!\w)[RnNce]\s?[Ee]\s?p\s?u\s?J[^\n]{0,32}?[,.']\s?[o0](?!\w)")
# a page number between underscores on its own: "_15_", "_ 16_"
OCR_PAGE_NUMBER = re.compile(r"(?<!\S)_\s?\d{1,3}\s?_(?!\S)")


def pasal_headings(text: str) -> int:
    """How many lines of `text` are a bare 'Pasal N' heading."""
    return len(PASAL_HEADING_M.findall(text))


def looks_like_statute(text: str, *, min_headings: int = 3) -> bool:
    return pasal_headings(text) >= min_headings


def regulation_title(text: str) -> re.Match | None:
    """The regulation title ("UNDANG-UNDANG ... NOMOR n TAHUN y TENTANG ...") in the head of a text."""
    return TITLE_RE.search(" ".join(text[:1500].split()))

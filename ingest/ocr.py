"""Safe clean-up of noisy OCR text (as in the partial UU 7/2017) and a text-quality mark.

Only edits that cannot change the meaning are made: caret artefacts, running page headers
(the seal's caption, "PRESIDEN REPUBLIK INDONESIA", the page number, the page's serial and
the next page's first words repeated at its foot), and OCR-confused digits inside article
numbers ("Pasal I" -> "Pasal 1", "Pasal 3l" -> "Pasal 31").
Passages from such a document keep quality "ocr" so that answers warn the citizen.
"""
from __future__ import annotations

import re

from .grammar import OCR_AYAT_NUM as _AYAT_NUM
from .grammar import OCR_CATCHWORD_LINE as _CATCHWORD_LINE
from .grammar import OCR_HEAD_LINES as _HEAD_LINES
from .grammar import OCR_PAGE_HEADER as _PAGE_HEADER
from .grammar import OCR_PAGE_NUMBER as _PAGE_NUMBER
from .grammar import OCR_PASAL_NUM as _PASAL_NUM
from .grammar import OCR_SEAL as _SEAL
from .grammar import OCR_SERIAL_GLUED as _SERIAL_GLUED
from .grammar import OCR_SERIAL_LINE as _SERIAL_LINE

_CARET = re.compile(r"\^")
_DIGITS = str.maketrans({"I": "1", "l": "1", "|": "1", "O": "0", "o": "0", "S": "5", "g": "9"})
# "(21 Ketentuan", "ayat (21," : the closing parenthesis of "(2)" read as "1" (UU 7/2023)
_AYAT_PAREN_AS_1 = re.compile(r"\((\d)1(?=[ \t,.;]|\n)")
_ROMAN = {"I", "II", "III", "IV", "V"}


def _fix_pasal(m: re.Match, keep_roman: bool = False) -> str:
    tok = m.group(1)
    if keep_roman and tok in _ROMAN:  # an amendment law's own "Pasal I" / "Pasal II"
        return m.group(0)
    fixed = tok.translate(_DIGITS)
    if not fixed.isdigit():
        return m.group(0)
    return f"Pasal {fixed}"


def clean_ocr(text: str, *, keep_roman: bool = False) -> str:
    """`keep_roman`: the text is an amendment law, whose "Pasal I" / "Pasal II" are its own articles
    (and whose "(21" is "(2)" with its parenthesis misread: fixed only there, see PROVENANCE)."""
    text = _CARET.sub("", text)
    for rx in (_HEAD_LINES, _SERIAL_LINE, _CATCHWORD_LINE):  # furniture on lines of its own first
        text = rx.sub("", text)
    text = _SERIAL_GLUED.sub("", text)
    text = _PAGE_HEADER.sub(" ", text)
    text = _SEAL.sub(" ", text)
    text = _PAGE_NUMBER.sub(" ", text)
    text = _PASAL_NUM.sub(lambda m: _fix_pasal(m, keep_roman), text)
    text = _AYAT_NUM.sub(lambda m: "(" + m.group(1).replace("I", "1").replace("l", "1") + ")", text)
    if keep_roman:
        text = _AYAT_PAREN_AS_1.sub(r"(\1)", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    return text


_WORDLIKE = re.compile(r"^[A-Za-z][a-z]+$")


def noise_ratio(text: str) -> float:
    """Share of tokens that do not look like words or numbers: a cheap OCR-noise estimate."""
    toks = text.split()
    if not toks:
        return 0.0
    bad = sum(1 for t in toks if not (_WORDLIKE.match(t.strip(".,;:()\"'")) or t.strip(".,;:()").isdigit()))
    return bad / len(toks)

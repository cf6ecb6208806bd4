"""Small PDF builders for tests: a text layer drawn line by line, pages with no text at all,
and page layouts as official PDFs set them: justified lines whose words are apart by spacing
alone (no space character), letter-spaced headings, running headers and footers, watermarks
and tables."""
from __future__ import annotations

import io
import math

import pypdf


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_from_contents(contents: list[str]) -> bytes:
    """A PDF with one page per content stream (Helvetica as /F1, Times-Roman as /F2), 612 x 792."""
    n = len(contents)
    page_ids = [5 + 2 * i for i in range(n)]
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{' '.join(f'{p} 0 R' for p in page_ids)}] /Count {n} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>",
    ]
    for i, ops in enumerate(contents):
        data = ops.encode("cp1252")
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {page_ids[i] + 1} 0 R >>".encode()
        )
        objs.append(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def make_text_pdf(pages: list[list[tuple[float, str]]]) -> bytes:
    """A minimal PDF with Helvetica text; each page is [(y, line)] in content-stream order."""
    return pdf_from_contents(
        ["BT /F1 11 Tf\n" + "".join(f"1 0 0 1 72 {y} Tm ({_esc(t)}) Tj\n" for y, t in lines) + "ET" for lines in pages]
    )


def text_at(x: float, y: float, text: str, *, size: float = 11, font: str = "F2") -> str:
    return f"BT /{font} {size} Tf 1 0 0 1 {x} {y} Tm ({_esc(text)}) Tj ET\n"


def justified_line(x: float, y: float, words: list[str], *, size: float = 11, tight: float = 55,
                   kern: float = 100) -> str:
    """One line set as tight justified text, as in the official UUD 1945 PDF: every glyph placed
    by a TJ array, letters pulled together (`tight`, thousandths of an em) and words set apart by
    a displacement (`kern`) instead of a space character."""
    def word(w: str) -> str:
        return f" {tight} ".join(f"({_esc(ch)})" for ch in w)

    tj = f" -{kern} ".join(word(w) for w in words)
    return f"BT /F2 {size} Tf 1 0 0 1 {x} {y} Tm [{tj}] TJ ET\n"


def letter_spaced(x: float, y: float, text: str, *, size: float = 11, tc: float = 3.0) -> str:
    """A heading set with wide letter spacing ('K e r a k y a t a n'), words apart by spaces."""
    return f"BT /F2 {size} Tf {tc} Tc 1 0 0 1 {x} {y} Tm ({_esc(text)}) Tj 0 Tc ET\n"


def rotated_text(x: float, y: float, text: str, *, size: float = 60, degrees: float = 45) -> str:
    """A diagonal watermark."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return f"BT /F1 {size} Tf {c:.4f} {s:.4f} {-s:.4f} {c:.4f} {x} {y} Tm ({_esc(text)}) Tj ET\n"


def blank_pdf(pages: int = 2) -> bytes:
    w = pypdf.PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def text_pdf(text: str) -> bytes:
    """One page, one PDF line per non-empty text line."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return make_text_pdf([[(780 - 14 * i, ln) for i, ln in enumerate(lines)]])

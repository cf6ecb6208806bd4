"""Small PDF builders for tests: a text layer drawn line by line, or pages with no text at all."""
from __future__ import annotations

import io

import pypdf


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_text_pdf(pages: list[list[tuple[float, str]]]) -> bytes:
    """A minimal PDF with Helvetica text; each page is [(y, line)] in content-stream order."""
    n = len(pages)
    page_ids = [4 + 2 * i for i in range(n)]
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{' '.join(f'{p} 0 R' for p in page_ids)}] /Count {n} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, lines in enumerate(pages):
        ops = "BT /F1 11 Tf\n" + "".join(f"1 0 0 1 72 {y} Tm ({_esc(t)}) Tj\n" for y, t in lines) + "ET"
        data = ops.encode("cp1252")
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_ids[i] + 1} 0 R >>".encode()
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

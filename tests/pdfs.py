"""Test documents, built in code so each test says exactly what it feeds in."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(*pages: str, title: str | None = None, media_box: str = "0 0 612 792") -> bytes:
    """A valid PDF with one line of Helvetica text per page (US Letter by default)."""
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    kids = []
    for index, text in enumerate(pages):
        page_id, content_id = 4 + 2 * index, 5 + 2 * index
        kids.append(f"{page_id} 0 R")
        stream = f"BT /F1 24 Tf 72 700 Td ({_escape(text)}) Tj ET".encode()
        objects[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [{media_box}] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>"
        ).encode()
        objects[content_id] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    info_ref = ""
    if title is not None:
        info_id = 4 + 2 * len(pages)
        objects[info_id] = f"<< /Title ({_escape(title)}) >>".encode()
        info_ref = f" /Info {info_id} 0 R"

    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    size = max(objects) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for number in range(1, size):
        out += f"{offsets[number]:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {size} /Root 1 0 R{info_ref} >>\nstartxref\n{xref_at}\n%%EOF\n"
    ).encode()
    return bytes(out)


def sliver_pdf(text: str) -> bytes:
    """A valid PDF whose page is a sliver (0.0001 pt wide, 792 pt tall): its text reads,
    but a thumbnail of it would be taller than a WebP image can be."""
    return text_pdf(text, media_box="0 0 0.0001 792")


def encrypted_pdf(user_password: str = "secret") -> bytes:
    """A PDF that needs a password to open (AES-256)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf("classified"))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def owner_only_encrypted_pdf() -> bytes:
    """Encrypted with an empty user password: opens without one (permissions only)."""
    return encrypted_pdf(user_password="")


def corrupt_pdf() -> bytes:
    """Starts like a PDF, then is garbage."""
    return b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"

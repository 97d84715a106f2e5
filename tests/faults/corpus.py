"""Hostile and broken files, built in code so each says exactly what is wrong."""

from __future__ import annotations

import zlib

from tests.pdfs import encrypted_pdf, text_pdf
from tests.worker.support import HELVETICA, build_pdf, stream

MIB = 1024 * 1024

_PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
    b"/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>"
)
_HELLO = stream(b"BT /F1 24 Tf 72 700 Td (Hello) Tj ET")


def _one_page(content: bytes, **more: bytes) -> dict[int, bytes]:
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: HELVETICA,
        4: _PAGE,
        5: content,
    }
    objects.update({int(number): value for number, value in more.items()})
    return objects


def deflated_zeros(mebibytes: int) -> bytes:
    """A zlib stream inflating to `mebibytes` MiB of zeros, built without compressing
    them: each full-flushed MiB compresses to the same bytes, repeated; then an empty
    final block and the Adler-32 of n zeros, which is (n mod 65521) << 16 | 1."""
    chunk = bytes(MIB)
    compressor = zlib.compressobj(9)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    size = mebibytes * MIB
    adler = ((size % 65521) << 16) | 1
    return first + repeated * (mebibytes - 1) + b"\x03\x00" + adler.to_bytes(4, "big")


def decompression_bomb(gibibytes: int = 4) -> bytes:
    """Page 1's content stream inflates to `gibibytes` GiB: deflated twice
    (/Filter [/FlateDecode /FlateDecode]), the file is about 10 KB."""
    inner = deflated_zeros(gibibytes * 1024)
    outer = zlib.compress(inner, 9)
    return build_pdf(_one_page(stream(outer, b" /Filter [/FlateDecode /FlateDecode]")))


def truncated_pdf() -> bytes:
    """The first half of a valid PDF: no xref, no trailer, cut mid-object."""
    whole = text_pdf("Cut short", "second page")
    return whole[: len(whole) // 2]


def garbage_xref_pdf() -> bytes:
    """Sound objects, but the xref table's entries are noise."""
    whole = text_pdf("Bad xref")
    start, trailer = whole.index(b"xref\n"), whole.index(b"trailer")
    noise = b"zz garbage \x00\xff not an xref entry\n" * 7
    return whole[:start] + b"xref\n0 7\n" + noise + whole[trailer:]


def circular_outlines_pdf() -> bytes:
    """An outline whose two items are each other's /Next and /Prev, and the first its
    own /First child: a reader walking it naively never stops."""
    return build_pdf(
        _one_page(
            _HELLO,
            **{
                "1": b"<< /Type /Catalog /Pages 2 0 R /Outlines 6 0 R /PageMode /UseOutlines >>",
                "6": b"<< /Type /Outlines /First 7 0 R /Last 8 0 R /Count 2 >>",
                "7": b"<< /Title (One) /Parent 6 0 R /Next 8 0 R /Prev 8 0 R /First 7 0 R "
                b"/Dest [4 0 R /Fit] >>",
                "8": b"<< /Title (Two) /Parent 6 0 R /Next 7 0 R /Prev 7 0 R /Dest [4 0 R /Fit] >>",
            },
        )
    )


def prev_loop_pdf() -> bytes:
    """The trailer's /Prev points back at its own xref section."""
    whole = text_pdf("Prev loop")
    xref_at = int(whole[whole.rindex(b"startxref\n") + 10 :].split(b"\n")[0])
    return whole.replace(b"/Root 1 0 R", b"/Root 1 0 R /Prev %d" % xref_at)


def cyclic_page_tree_pdf() -> bytes:
    """The page tree lists itself among its own kids."""
    return build_pdf(_one_page(_HELLO, **{"2": b"<< /Type /Pages /Kids [4 0 R 2 0 R] /Count 2 >>"}))


def many_pages_pdf(pages: int = 2000) -> bytes:
    return text_pdf(*(f"Page {n}" for n in range(1, pages + 1)))


HTML = b"<!DOCTYPE html>\n<html><head><title>Invoice</title></head><body>not a pdf</body></html>\n"

__all__ = ["HTML", "encrypted_pdf"]

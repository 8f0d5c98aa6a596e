"""Small files the demo attaches to a study-corner topic, drawn in code (no binary assets):
a bar chart as PNG and a one-page PDF list, both valid for the attachment sniffer."""

from __future__ import annotations

import struct
import zlib

RED = (0xC8, 0x10, 0x2E)
PALE = (0xF6, 0xE7, 0xE1)
WHITE = (0xFF, 0xFF, 0xFF)
GREY = (0xD0, 0xD0, 0xD0)


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def bar_chart_png(values: list[int], width: int = 320, height: int = 160) -> bytes:
    """Bars in party red on a pale ground, one per value (0-100), with a base line."""
    slot = width // len(values)
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter: none
        for x in range(width):
            index, offset = divmod(x, slot)
            top = height - 12 - (height - 24) * values[min(index, len(values) - 1)] // 100
            if y == height - 12:
                colour = GREY
            elif slot // 5 <= offset < slot - slot // 5 and top <= y < height - 12:
                colour = RED
            else:
                colour = PALE if y < height - 12 else WHITE
            row += bytes(colour)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _png_chunk(b"IEND", b"")
    )


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def text_pdf(lines: list[str]) -> bytes:
    """A one-page A4 PDF with `lines` in STSong-Light, a standard Chinese font every PDF
    viewer supplies (nothing embedded)."""
    content = "BT /F1 14 Tf 72 770 Td 20 TL " + " ".join(
        f"<{_utf16_hex(line)}> Tj T*" for line in lines
    )
    content += " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H "
        "/DescendantFonts [6 0 R] >>",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("ascii")
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode("ascii")
    return bytes(out)

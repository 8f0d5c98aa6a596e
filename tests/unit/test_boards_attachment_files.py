"""Attachment sniffing, filename cleaning and the Markdown image rule (no database)."""

from __future__ import annotations

import struct

import pytest

from forum import files, markup
from forum.errors import ActionError
from tests.boards_helpers import docx_bytes, jpeg_bytes, pdf_bytes, png_bytes


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (png_bytes(), "png"),
        (jpeg_bytes(), "jpeg"),
        (pdf_bytes(), "pdf"),
        (docx_bytes(), "docx"),
        ("党建工作\n第二行\t制表".encode(), "txt"),
    ],
)
def test_allowed_types_are_sniffed_from_bytes(data: bytes, fmt: str) -> None:
    assert files.sniff(data).fmt == fmt


@pytest.mark.parametrize(
    "data",
    [
        b"<svg onload=alert(1)>",
        b"  <?xml version='1.0'?><svg/>",
        b"hello <script>alert(1)</script>",
        b"<HTML><body>x</body></HTML>",
        b"\x00\x01binary",
        "GBK 编码".encode("gbk"),
        png_bytes()[:-4],  # truncated
        png_bytes() + b"PK\x03\x04",  # polyglot tail
        jpeg_bytes() + b"<html>",
        b"PK\x03\x04not a zip",
        b"",
    ],
)
def test_dangerous_or_unknown_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(ActionError):
        files.sniff(data)


def test_filenames_lose_paths_and_take_the_sniffed_extension() -> None:
    png = files.sniff(png_bytes())
    assert files.clean_filename("../../etc/passwd", png) == "passwd.png"
    assert files.clean_filename("C:\\Users\\张三\\照片 (1).JPG", png) == "照片 (1).png"
    assert files.clean_filename("evil<script>.svg", png) == "evil_script.png"
    assert files.clean_filename("", png) == "附件.png"
    assert files.clean_filename("\u202egnp.exe", png) == "gnp.png"
    assert len(files.clean_filename("长" * 300, png)) <= files.FILENAME_MAX


def test_storage_keys_are_strict() -> None:
    with pytest.raises(ValueError):
        files.path_of("../../etc/passwd")
    key = files.storage_key("ab" * 32)
    assert files.path_of(key).name == "ab" * 32


@pytest.mark.parametrize(
    ("source", "kept"),
    [
        ("/attachments/12/%E5%9B%BE.png", True),
        ("/static/img/a.png", True),
        ("/attachments/x/a.png", False),
        ("/attachments/1/../../logout", False),
        ("/logout", False),
        ("/\\evil.example/a.png", False),
        ("//evil.example/a.png", False),
        ("https://evil.example/a.png", False),
        ("a.png", False),
    ],
)
def test_images_only_from_attachments_and_static(source: str, kept: bool) -> None:
    html = markup.render(f"![x]({source})")
    assert ("src=" in html) is kept, html


def _chunk(fourcc: bytes, payload: bytes) -> bytes:
    return fourcc + struct.pack("<I", len(payload)) + payload + b"\x00" * (len(payload) & 1)


def _webp(*chunks: bytes) -> bytes:
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


# A 1x1 lossless WebP bitstream (13 bytes: an odd size, so the chunk carries a pad byte).
VP8L = _chunk(b"VP8L", bytes.fromhex("2f000000100710111188 88fe07".replace(" ", "")))


def test_webp_loses_exif_and_xmp_and_keeps_the_image() -> None:
    vp8x = _chunk(b"VP8X", bytes([0x08 | 0x04 | 0x20]) + b"\x00" * 3 + b"\x00" * 6)
    iccp = _chunk(b"ICCP", b"profile")
    exif = _chunk(b"EXIF", b"Exif\x00\x00GPS 39.9N 116.4E")
    xmp = _chunk(b"XMP ", b"<x:xmpmeta>camera serial</x:xmpmeta>")
    sniffed = files.sniff(_webp(vp8x, iccp, VP8L, exif, xmp))
    assert sniffed.fmt == "webp"
    out = sniffed.data
    assert b"GPS" not in out and b"serial" not in out and b"EXIF" not in out
    assert VP8L in out and iccp in out
    assert out[20] == 0x20  # VP8X flags: the ICC bit stays, the EXIF and XMP bits are cleared
    assert struct.unpack("<I", out[4:8])[0] + 8 == len(out)
    assert files.sniff(out).data == out  # a stripped file passes the walk unchanged


def test_plain_webp_is_stored_as_is() -> None:
    data = _webp(VP8L)
    assert files.sniff(data).data == data


@pytest.mark.parametrize(
    "data",
    [
        _webp(VP8L)[:-3],  # truncated: the RIFF size no longer matches
        _webp(b"VP8L" + struct.pack("<I", 100) + b"\x2f" * 4),  # a chunk longer than the file
    ],
)
def test_broken_webp_is_refused(data: bytes) -> None:
    with pytest.raises(ActionError):
        files.sniff(data)


def _gif(*blocks: bytes) -> bytes:
    screen = (
        b"GIF89a" + struct.pack("<HH", 1, 1) + bytes([0x80, 0, 0]) + b"\x00\x00\x00\xff\xff\xff"
    )
    return screen + b"".join(blocks) + b"\x3b"


GIF_IMAGE = b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00" + b"\x02\x02\x44\x01\x00"
GIF_LOOP = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
GIF_CONTROL = b"\x21\xf9\x04\x00\x00\x00\x00\x00"


def test_gif_loses_comments_and_xmp_and_keeps_looping_and_frames() -> None:
    comment = b"\x21\xfe" + bytes([9]) + b"GPS 39.9N" + b"\x00"
    xmp = b"\x21\xff\x0bXMP DataXMP" + bytes([6]) + b"serial" + b"\x00"
    out = files.sniff(_gif(GIF_LOOP, comment, xmp, GIF_CONTROL, GIF_IMAGE)).data
    assert out == _gif(GIF_LOOP, GIF_CONTROL, GIF_IMAGE)
    assert files.sniff(out).data == out


def test_gif_tails_are_dropped_and_a_missing_trailer_is_added() -> None:
    clean = _gif(GIF_CONTROL, GIF_IMAGE)
    assert files.sniff(clean + b"<html><script>alert(1)</script>").data == clean
    assert files.sniff(clean[:-1]).data == clean


@pytest.mark.parametrize(
    "data",
    [
        _gif(GIF_IMAGE)[:-4] + b"\x3b",  # an image cut short
        _gif(b"\x99"),  # an unknown block
        _gif(),  # no image
    ],
)
def test_broken_gif_is_refused(data: bytes) -> None:
    with pytest.raises(ActionError):
        files.sniff(data)


def test_demo_files_are_valid_attachments() -> None:
    from forum.boards import demo_files

    png = demo_files.bar_chart_png([10, 90])
    assert files.sniff(png).fmt == "png" and files.sniff(png).data == png
    pdf = demo_files.text_pdf(["学习资料", "第二行"])
    assert files.sniff(pdf).fmt == "pdf"
    # Every cross-reference entry points at its object.
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    entries = pdf[xref:].split(b"\n")[3:]
    for number, entry in enumerate(entries[:6], 1):
        offset = int(entry.split(b" ")[0])
        assert pdf[offset:].startswith(f"{number} 0 obj".encode())

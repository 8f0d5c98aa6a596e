"""Attachment sniffing, filename cleaning and the Markdown image rule (no database)."""

from __future__ import annotations

import pytest

from forum import markup
from forum.boards import attachments as files
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

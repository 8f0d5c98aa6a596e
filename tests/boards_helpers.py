"""Factories for board tests: a tree, accounts of every kind, a public and a branch board."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forum.boards import actions, queries
from forum.boards.models import Board, BoardModerator, Post, Topic
from forum.models import User
from tests.factories import Tree, make_person, make_tree, viewer_of


@dataclass
class World:
    tree: Tree
    public: Board
    branch: Board
    consult: Board
    users: dict[str, User]


async def make_world() -> World:
    tree = await make_tree()
    a = tree.branch_a
    users = {
        "full": await make_person(a, "full", username="full"),
        "full2": await make_person(a, "full", username="full2"),
        "probationary": await make_person(a, "probationary", username="prob"),
        "activist": await make_person(a, "activist", username="activist"),
        "applicant": await make_person(a, "applicant", username="applicant"),
        "sanctioned": await make_person(a, "full", username="sanct", on_probation_sanction=True),
        "sibling": await make_person(tree.branch_b, "full", username="sibling"),
        "public": await make_person(None, None, username="public"),
        "secretary": await make_person(a, "full", username="sec", role="secretary"),
        "site_admin": await make_person(None, None, username="root", role="site_admin"),
        "boardmod": await make_person(tree.branch_c, "full", username="bmod"),
    }
    public = await actions.do_create_board("学习园地", matrix=actions.PUBLIC_MATRIX)
    consult = await actions.do_create_board(
        "在线咨询", kind="consultation", matrix=actions.PUBLIC_MATRIX
    )
    branch = await actions.do_create_board(
        "甲支部内部交流", org=a, matrix=actions.DEFAULT_ORG_MATRIX
    )
    await BoardModerator.create(board=public, user=users["boardmod"])
    return World(tree, public, branch, consult, users)


async def start_topic(
    board: Board, user: User, title: str = "推进基层党建工作", body: str = "正文内容"
) -> Topic:
    viewer = await viewer_of(user)
    loaded = (await queries.board_index()).boards[board.id]
    return await actions.create_topic(viewer, loaded, title, body)


async def reply_to(topic: Topic, user: User, body: str = "回复内容") -> Post:
    viewer = await viewer_of(user)
    loaded = await queries.get_topic_for(viewer, topic.id)
    return await actions.create_post(viewer, loaded, body)


# --- attachment files ---------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    import struct
    import zlib

    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png_bytes(*, text: bytes = b"", size: int = 2) -> bytes:
    """A real `size` x `size` red PNG, optionally with a tEXt chunk (metadata to strip)."""
    import struct
    import zlib

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * size for _ in range(size))
    chunks = [_png_chunk(b"IHDR", header)]
    if text:
        chunks.append(_png_chunk(b"tEXt", b"Comment\x00" + text))
    chunks += [_png_chunk(b"IDAT", zlib.compress(rows)), _png_chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def jpeg_bytes(*, exif: bytes = b"") -> bytes:
    """A JPEG segment layout (SOI, APP0, optional APP1 Exif, DQT, SOS, data, EOI)."""
    import struct

    def segment(marker: int, payload: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    parts = [b"\xff\xd8", segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")]
    if exif:
        parts.append(segment(0xE1, b"Exif\x00\x00" + exif))
    parts += [segment(0xDB, b"\x00" + bytes(64)), segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")]
    parts += [b"\x12\x34\x56", b"\xff\xd9"]
    return b"".join(parts)


def docx_bytes() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def upload(board: Board, user: User, name: str = "a.png", data: bytes | None = None) -> Any:
    """Upload through the action as `user` (policy applies)."""
    viewer = await viewer_of(user)
    loaded = (await queries.board_index()).boards[board.id]
    return await actions.upload_attachment(viewer, loaded, name, data or png_bytes())

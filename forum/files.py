"""Uploaded files, for every part: type sniffing from the bytes, metadata stripping,
content-addressed storage, vetting a form's files and serving a file with safe headers.

The client's filename and Content-Type are never trusted: the type comes from the magic bytes
and a strict walk of the format's structure (so a PNG with an HTML tail, or a text file that is
really an HTML page, is refused). SVG and HTML are never accepted (they run script when opened).
Images lose their metadata (EXIF carries GPS positions and camera serials) before storage.

Files live at `<data_dir>/attachments/<aa>/<bb>/<sha256>`, written to a temporary file in the
same folder, flushed and renamed into place, so a reader never sees a half-written file.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import tempfile
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from tortoise import fields, models

from forum.errors import ActionError, NotFound
from forum.settings import get_settings

IMAGE_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain; charset=utf-8",
}
EXTENSIONS = {"png": "png", "jpeg": "jpg", "gif": "gif", "webp": "webp"} | {
    k: k for k in DOCUMENT_TYPES
}
ALLOWED_LABEL = "PNG、JPEG、GIF、WebP 图片，PDF、Word（docx）、Excel（xlsx）、纯文本（txt）"
FILENAME_MAX = 100
# Text that a browser (or a careless viewer) could take for markup is refused outright.
_MARKUP_RE = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)", re.I
)
_UNSAFE_NAME_RE = re.compile(r"[^\w.\-()（）\u3400-\u9fff ]+")


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "image" or "document"
    fmt: str  # png, jpeg, gif, webp, pdf, docx, xlsx, txt
    content_type: str
    data: bytes  # the bytes to store (image metadata stripped)

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.fmt]


def refuse(message: str) -> ActionError:
    return ActionError(message, field="file")


def _png(data: bytes) -> bytes:
    """Walk the chunks to IEND (nothing may follow) and drop text and EXIF chunks."""
    pos, out, seen_ihdr = 8, [data[:8]], False
    while True:
        if pos + 12 > len(data):
            raise refuse("PNG 图片已损坏")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        ctype = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data) or not ctype.isalpha():
            raise refuse("PNG 图片已损坏")
        if not seen_ihdr and ctype != b"IHDR":
            raise refuse("PNG 图片已损坏")
        seen_ihdr = True
        if ctype not in {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}:
            out.append(data[pos:end])
        pos = end
        if ctype == b"IEND":
            if pos != len(data):
                raise refuse("PNG 图片末尾有多余数据，已拒绝")
            return b"".join(out)


def _jpeg(data: bytes) -> bytes:
    """Walk the segments to the scan, drop APP1..APP15 except ICC (APP2) and Adobe (APP14)."""
    if not data.endswith(b"\xff\xd9"):
        raise refuse("JPEG 图片已损坏或末尾有多余数据")
    pos, out = 2, [data[:2]]
    while True:
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise refuse("JPEG 图片已损坏")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise refuse("JPEG 图片已损坏")
        if marker == 0xDA:  # start of scan: the rest is image data
            out.append(data[pos:])
            return b"".join(out)
        drop = (0xE1 <= marker <= 0xEF and marker not in {0xE2, 0xEE}) or marker == 0xFE
        if not drop:
            out.append(data[pos:end])
        pos = end


_WEBP_METADATA = {b"EXIF", b"XMP "}
_VP8X_METADATA_FLAGS = 0x08 | 0x04  # the EXIF and XMP bits of the VP8X flags byte


def _webp(data: bytes) -> bytes:
    """Walk the RIFF chunks (each padded to an even size, nothing after the last), drop the
    EXIF and XMP chunks and clear their VP8X flags, and rewrite the RIFF size."""
    (size,) = struct.unpack("<I", data[4:8])
    if size + 8 != len(data) or data[12:15] != b"VP8":
        raise refuse("WebP 图片已损坏或末尾有多余数据")
    pos, chunks = 12, []
    while pos < len(data):
        if pos + 8 > len(data):
            raise refuse("WebP 图片已损坏")
        fourcc = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        end = pos + 8 + length + (length & 1)
        if end > len(data):
            raise refuse("WebP 图片已损坏")
        chunk = data[pos:end]
        if fourcc == b"VP8X" and length >= 1:
            chunk = chunk[:8] + bytes([chunk[8] & ~_VP8X_METADATA_FLAGS & 0xFF]) + chunk[9:]
        if fourcc not in _WEBP_METADATA:
            chunks.append(chunk)
        pos = end
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


# Application extensions that only say how to loop an animation: kept, every other one
# (XMP, vendor data) is dropped along with comments.
_GIF_KEPT_APPLICATIONS = {b"NETSCAPE2.0", b"ANIMEXTS1.0"}


def _gif_sub_blocks(data: bytes, pos: int) -> int:
    """The position after a run of data sub-blocks (size byte, bytes, ..., zero)."""
    while True:
        if pos >= len(data):
            raise refuse("GIF 图片已损坏")
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


def _gif(data: bytes) -> bytes:
    """Walk the blocks to the trailer and rebuild the file from the kept blocks: comment
    extensions and application extensions other than the looping ones are dropped, as is
    anything after the trailer (old encoders leave junk there, and a polyglot hides there);
    a file that ends cleanly after its last block gets the trailer it lacked."""
    if len(data) < 14:
        raise refuse("GIF 图片已损坏")
    packed = data[10]
    pos = 13 + (3 << ((packed & 0x07) + 1) if packed & 0x80 else 0)
    out = [data[:pos]]
    while pos < len(data) and data[pos] != 0x3B:
        block = data[pos]
        if block == 0x21:  # extension: label, then sub-blocks
            label = data[pos + 1] if pos + 1 < len(data) else 0
            end = _gif_sub_blocks(data, pos + 2)
            application = data[pos + 3 : pos + 14] if label == 0xFF else b""
            if label != 0xFE and (label != 0xFF or application in _GIF_KEPT_APPLICATIONS):
                out.append(data[pos:end])
        elif block == 0x2C:  # image: descriptor, local colour table, LZW size, sub-blocks
            if pos + 10 > len(data):
                raise refuse("GIF 图片已损坏")
            local = data[pos + 9]
            start = pos + 10 + (3 << ((local & 0x07) + 1) if local & 0x80 else 0)
            end = _gif_sub_blocks(data, start + 1)
            out.append(data[pos:end])
        else:
            raise refuse("GIF 图片已损坏")
        pos = end
    if len(out) == 1:
        raise refuse("GIF 图片已损坏")  # no image at all
    out.append(b"\x3b")
    return b"".join(out)


def _ooxml(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise refuse("压缩文档已损坏") from exc
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    raise refuse(f"不支持的文件类型，仅支持 {ALLOWED_LABEL}")


def _text(data: bytes) -> bytes:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(f"无法识别的文件类型，仅支持 {ALLOWED_LABEL}（文本须为 UTF-8）") from exc
    if "\x00" in text or any(
        unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f" for ch in text
    ):
        raise refuse(f"无法识别的文件类型，仅支持 {ALLOWED_LABEL}")
    if _MARKUP_RE.search(data):
        raise refuse("不允许上传 HTML 或 SVG 文件（可能包含脚本）")
    return data


def sniff(data: bytes) -> Sniffed:
    """The file's real type from its bytes; refuses anything not on the allow-list."""
    if not data:
        raise refuse("文件为空")
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "png", IMAGE_TYPES["png"], _png(data))
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "jpeg", IMAGE_TYPES["jpeg"], _jpeg(data))
    if head[:6] in {b"GIF87a", b"GIF89a"}:
        return Sniffed("image", "gif", IMAGE_TYPES["gif"], _gif(data))
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "webp", IMAGE_TYPES["webp"], _webp(data))
    if head.startswith(b"%PDF-"):
        return Sniffed("document", "pdf", DOCUMENT_TYPES["pdf"], data)
    if head.startswith(b"PK\x03\x04"):
        fmt = _ooxml(data)
        return Sniffed("document", fmt, DOCUMENT_TYPES[fmt], data)
    stripped = data.lstrip()[:512].lower()
    if stripped.startswith((b"<svg", b"<?xml", b"<!doctype", b"<html")) or b"<svg" in stripped:
        raise refuse("不允许上传 HTML 或 SVG 文件（可能包含脚本）")
    return Sniffed("document", "txt", DOCUMENT_TYPES["txt"], _text(data))


def clean_filename(raw: str | None, sniffed: Sniffed) -> str:
    """A display name without paths or odd characters, ending in the sniffed type's extension."""
    name = unicodedata.normalize("NFKC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _UNSAFE_NAME_RE.sub("_", stem).strip(" ._") or "附件"
    ext = sniffed.extension
    return f"{stem[: FILENAME_MAX - len(ext) - 1]}.{ext}"


# --- storage ------------------------------------------------------------------------


def root() -> Path:
    return get_settings().data_dir / "attachments"


def storage_key(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def path_of(key: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}", key):
        raise ValueError("bad storage key")
    return root() / key


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store(data: bytes) -> tuple[str, str, bool]:
    """Write `data` content-addressed: (sha256, key, whether this call created the file)."""
    sha = digest(data)
    key = storage_key(sha)
    target = path_of(key)
    if target.exists():
        return sha, key, False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sha, key, True


def discard(key: str) -> None:
    """Remove a file this request created when its row could not be written."""
    path_of(key).unlink(missing_ok=True)


# --- vetting a form's files and serving one -------------------------------------------


class FileTooLarge(ActionError):
    """A single file above ATTACHMENT_MAX_BYTES (413)."""

    status_code = 413


def limit_message() -> str:
    mb = get_settings().attachment_max_bytes / (1024 * 1024)
    return f"文件过大：每个附件不能超过 {mb:g} MB"


@dataclass(frozen=True)
class VettedFile:
    """An upload that passed the size limit and the type sniffing, not yet stored."""

    name: str
    sniffed: Sniffed


def vet(filename: str | None, data: bytes) -> VettedFile:
    """Size and type checks, without touching storage (a form vets all its files first)."""
    if len(data) > get_settings().attachment_max_bytes:
        raise FileTooLarge(limit_message(), field="file")
    sniffed = sniff(data)
    return VettedFile(clean_filename(filename, sniffed), sniffed)


async def vet_form_files(form: FormData, field: str = "files") -> list[VettedFile]:
    """The files picked in a form's `field`: all vetted (count, size, type) before any is
    stored, so a refused file leaves nothing behind; the message names the file."""
    uploads = [f for f in form.getlist(field) if isinstance(f, UploadFile) and f.filename]
    settings = get_settings()
    if len(uploads) > settings.attachment_max_files:
        raise ActionError(f"每次最多上传 {settings.attachment_max_files} 个附件", field=field)
    vetted = []
    for upload in uploads:
        blob = await upload.read(settings.attachment_max_bytes + 1)
        try:
            vetted.append(vet(upload.filename, blob))
        except FileTooLarge as exc:
            raise FileTooLarge(exc.message, field=field) from exc
        except ActionError as exc:
            raise ActionError(f"{upload.filename}：{exc.message}", field=field) from exc
    return vetted


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match (RFC 9110 13.1.2): `*` or any listed tag, weak comparison."""
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


def serve(
    request: Request, *, key: str, sha256: str, content_type: str, filename: str, inline: bool
) -> Response:
    """A stored file, after the caller's policy check, with safe headers (sandboxed, never
    sniffed). The browser keeps it but asks again each time (`no-cache`), so access is
    checked on every view; the content-hash ETag keeps the repeat view a cheap 304."""
    path = path_of(key)
    if not path.is_file():
        raise NotFound()
    etag = f'"{sha256}"'
    headers = {
        "Cache-Control": "private, no-cache",
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if _etag_matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    return FileResponse(
        path,
        media_type=content_type,
        filename=filename,
        content_disposition_type="inline" if inline else "attachment",
        headers=headers,
    )


@dataclass(frozen=True)
class StoredFile:
    """A vetted file written to storage, for the caller's row."""

    name: str
    kind: str  # "image" or "document"
    content_type: str
    size: int
    sha256: str
    key: str
    created: bool  # this call wrote the file (an identical one may exist already)


def store_vetted(vetted: Sequence[VettedFile]) -> list[StoredFile]:
    """Write vetted files before the caller's transaction; on its failure call `discard_new`."""
    out = []
    for v in vetted:
        sha, key, created = store(v.sniffed.data)
        out.append(
            StoredFile(
                v.name,
                v.sniffed.kind,
                v.sniffed.content_type,
                len(v.sniffed.data),
                sha,
                key,
                created,
            )
        )
    return out


def discard_new(stored: Sequence[StoredFile]) -> None:
    """Remove the files this request created when its rows could not be written."""
    for f in stored:
        if f.created:
            discard(f.key)


class StoredFileRow(models.Model):
    """The columns a part's file row keeps (abstract: each part has its own table)."""

    filename = fields.CharField(max_length=120)
    kind = fields.CharField(max_length=12)  # "image" or "document"
    content_type = fields.CharField(max_length=100)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    storage_key = fields.CharField(max_length=80)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @staticmethod
    def columns(f: StoredFile) -> dict[str, Any]:
        """The row's columns for a file `store_vetted` wrote."""
        return {
            "filename": f.name,
            "kind": f.kind,
            "content_type": f.content_type,
            "size": f.size,
            "sha256": f.sha256,
            "storage_key": f.key,
        }


def serve_row(request: Request, row: StoredFileRow) -> Response:
    """`serve` for a part's file row (images inline, documents as downloads)."""
    return serve(
        request,
        key=row.storage_key,
        sha256=row.sha256,
        content_type=row.content_type,
        filename=row.filename,
        inline=row.kind == "image",
    )

"""Study media: type sniffing from the bytes, content-addressed storage, Range streaming.

Like board attachments (`docs/attachments.md`), the client's filename and Content-Type are
never trusted: the type comes from the magic bytes, and only the types below are accepted.
Files live at `<data_dir>/learning/<aa>/<bb>/<sha256>`, written to a temporary file in the
same folder and renamed into place.

Streaming is Starlette's `FileResponse` (single and multiple byte ranges, 206, 416 with
`Content-Range: bytes */size`, `If-Range`), with a strong ETag from the content hash, a
304 for a matching `If-None-Match`, and a malformed `Range` ignored (a 200 with the whole
file, RFC 9110 §14.2) rather than refused.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.types import Receive, Scope, Send

from forum.errors import ActionError
from forum.settings import get_settings

MEDIA_TYPES: dict[str, tuple[str, str]] = {  # sniffed -> (resource kind, Content-Type)
    "mp4": ("video", "video/mp4"),
    "webm": ("video", "video/webm"),
    "wav": ("audio", "audio/wav"),
    "mp3": ("audio", "audio/mpeg"),
    "pdf": ("pdf", "application/pdf"),
    "png": ("image", "image/png"),
    "jpeg": ("image", "image/jpeg"),
    "webp": ("image", "image/webp"),
}
MAX_MEDIA_BYTES = 200 * 1024 * 1024
_RANGE = re.compile(r"bytes=\s*(\d*-\d*)(\s*,\s*\d*-\d*)*\s*")


@dataclass(frozen=True)
class Sniffed:
    ext: str
    kind: str
    content_type: str


def sniff(data: bytes) -> Sniffed:
    ext = _sniff_ext(data)
    if ext is None:
        raise ActionError(
            "不支持的文件类型：视频请用 MP4 或 WebM，音频请用 MP3 或 WAV，另可上传 PDF 和图片",
            field="file",
        )
    kind, content_type = MEDIA_TYPES[ext]
    return Sniffed(ext, kind, content_type)


def _sniff_ext(data: bytes) -> str | None:
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return "mp4"
    if data[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in data[:64]:
        return "webm"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:3] == b"ID3" or (len(data) > 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "mp3"
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    return None


def wav_seconds(data: bytes) -> int:
    """The length of a PCM WAV file (its header's byte rate and data size), 0 if unknown."""
    try:
        pos = 12
        rate = 0
        while pos + 8 <= len(data):
            chunk, size = struct.unpack("<4sI", data[pos : pos + 8])
            if chunk == b"fmt ":
                rate = struct.unpack("<I", data[pos + 16 : pos + 20])[0]
            elif chunk == b"data" and rate:
                return int(size // rate)
            pos += 8 + size + (size & 1)
    except struct.error:
        return 0
    return 0


def root() -> Path:
    return get_settings().data_dir / "learning"


def path_of(key: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}", key):
        raise ValueError("bad storage key")
    return root() / key


def store(data: bytes) -> tuple[str, str]:
    """Write `data` content-addressed: (sha256, key)."""
    if len(data) > MAX_MEDIA_BYTES:
        raise ActionError("文件过大（最多 200 MB）", field="file")
    sha = hashlib.sha256(data).hexdigest()
    key = f"{sha[:2]}/{sha[2:4]}/{sha}"
    target = path_of(key)
    if target.exists():
        return sha, key
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
    return sha, key


class _WithoutRange(Response):
    """Serves `inner` as if the request had no Range header (a malformed one is ignored)."""

    def __init__(self, inner: Response) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in (b"range", b"if-range")]
        await self.inner({**scope, "headers": headers}, receive, send)


def stream(
    request: Request, key: str, sha256: str, content_type: str, extra: Mapping[str, str]
) -> Response:
    """The stored file `key` answering `request`'s Range / If-None-Match / If-Range."""
    etag = f'"{sha256}"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=3600", **extra}
    if_none = request.headers.get("if-none-match")
    if if_none and etag in [t.strip() for t in if_none.split(",")]:
        return Response(status_code=304, headers=headers)
    response = FileResponse(
        path_of(key),
        media_type=content_type,
        headers=headers,
        content_disposition_type="inline",
    )
    wanted = request.headers.get("range")
    if wanted is not None and not _RANGE.fullmatch(wanted):
        return _WithoutRange(response)
    return response

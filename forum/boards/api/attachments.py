"""Attachments: uploading a file to a board (multipart), and a file's metadata."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import apispec
from forum.boards import actions, queries
from forum.boards.api._common import NULLABLE_INT, TAG
from forum.boards.models import Attachment
from forum.errors import ActionError
from forum.http import int_param, read_form, viewer_of
from forum.policy import can_attach_board, ensure
from forum.settings import get_settings

ATTACHMENT = apispec.schema(
    "Attachment",
    {
        "type": "object",
        "required": ["id", "url", "markdown", "filename", "content_type", "kind", "size"],
        "properties": {
            "id": {"type": "integer"},
            "url": {"type": "string"},
            "markdown": {"type": "string"},
            "filename": {"type": "string"},
            "content_type": {"type": "string"},
            "kind": {"type": "string", "enum": ["image", "document"]},
            "size": {"type": "integer"},
            "sha256": {"type": "string"},
            "board_id": {"type": "integer"},
            "post_id": NULLABLE_INT,
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
)


def attachment_json(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "url": actions.attachment_url(attachment),
        "markdown": actions.attachment_markdown(attachment),
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "kind": str(attachment.kind),
        "size": attachment.size,
        "sha256": attachment.sha256,
        "board_id": attachment.board_id,
        "post_id": attachment.post_id,
        "created_at": attachment.created_at.isoformat(),
    }


async def read_upload(request: Request, field_name: str = "file") -> tuple[str | None, bytes]:
    """The single file of a multipart upload (read up to the size limit plus one byte)."""
    form = await read_form(request)
    try:
        upload = form.get(field_name)
        if not isinstance(upload, UploadFile):
            raise ActionError("请选择要上传的文件", field=field_name)
        unknown = sorted(set(form.keys()) - {field_name, "csrf_token"})
        if unknown:
            raise ActionError(f"未知字段：{', '.join(unknown)}")
        data = await upload.read(get_settings().attachment_max_bytes + 1)
        return upload.filename, data
    finally:
        await form.close()


@apispec.operation(
    "/api/v1/boards/{board_id}/attachments",
    "POST",
    summary="Upload a file to a board (multipart field `file`); returns its Markdown link",
    tag=TAG,
    path_params=("board_id",),
    status=201,
    body={
        "type": "object",
        "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary"}},
    },
    body_type="multipart/form-data",
    response=ATTACHMENT,
)
async def api_upload_attachment(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await queries.get_board_for(viewer, int_param(request.path_params["board_id"]))
    ensure(can_attach_board(viewer, board.access))
    filename, data = await read_upload(request)
    attachment = await actions.upload_attachment(viewer, board, filename, data)
    return JSONResponse(attachment_json(attachment), status_code=201)


@apispec.operation(
    "/api/v1/attachments/{attachment_id}",
    "GET",
    summary="An attachment's metadata (as visible as the post that carries it)",
    tag=TAG,
    path_params=("attachment_id",),
    response=ATTACHMENT,
)
async def api_attachment(request: Request) -> Response:
    viewer = viewer_of(request)
    attachment, _topic, _post = await queries.get_attachment_for(
        viewer, int_param(request.path_params["attachment_id"])
    )
    return JSONResponse(attachment_json(attachment))

"""Attachments: files picked in a compose form without JS, the file itself (policy first, safe
headers), and its deletion."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from forum import files
from forum.answers import ask_confirmation, done
from forum.boards import actions, queries
from forum.boards.models import Attachment, AttachmentKind, Board
from forum.boards.pages._common import post_url
from forum.http import int_param, read_form, viewer_of
from forum.policy import Viewer, can_attach_board, ensure


async def upload_form_files(viewer: Viewer, board: Board, data: FormData) -> list[Attachment]:
    """Files picked in a compose form without JS: vet all of them, then store each."""
    if not any(isinstance(f, UploadFile) and f.filename for f in data.getlist("files")):
        return []
    ensure(can_attach_board(viewer, board.access))
    vetted = await files.vet_form_files(data)
    return [await actions.store_upload(viewer, board, v) for v in vetted]


def with_links(body: str, attachments: list[Attachment]) -> str:
    if not attachments:
        return body
    links = "\n".join(actions.attachment_markdown(a) for a in attachments)
    return f"{body.rstrip()}\n\n{links}" if body.strip() else links


async def serve_attachment(request: Request) -> Response:
    """The file itself: policy first, then safe headers (sandboxed, never sniffed)."""
    viewer = viewer_of(request)
    attachment, _topic, _post = await queries.get_attachment_for(
        viewer, int_param(request.path_params["attachment_id"])
    )
    return files.serve(
        request,
        key=attachment.storage_key,
        sha256=attachment.sha256,
        content_type=attachment.content_type,
        filename=attachment.filename,
        inline=attachment.kind == AttachmentKind.image,
    )


async def delete_attachment(request: Request) -> Response:
    viewer = viewer_of(request)
    attachment, topic, post = await queries.get_attachment_for(
        viewer, int_param(request.path_params["attachment_id"])
    )
    data = await read_form(request)
    actions.check_delete_attachment(viewer, attachment)
    question = f"删除后附件「{attachment.filename}」不再提供下载，且不能恢复。确定删除？"
    if (ask := await ask_confirmation(request, question, confirm_label="删除附件")) is not None:
        return ask
    await actions.delete_attachment(viewer, attachment, str(data.get("reason", "")))
    message = f"附件「{attachment.filename}」已删除。"
    if topic is not None and post is not None:
        return done(request, post_url(topic.id, post.number), message)
    return done(request, f"/forum/b/{attachment.board_id}", message)

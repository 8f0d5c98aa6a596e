"""Attachments: files picked in a compose form without JS, the file itself (policy first, safe
headers), and its deletion."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from forum.answers import ask_confirmation, done
from forum.boards import actions, queries
from forum.boards import attachments as files
from forum.boards.models import Attachment, AttachmentKind, Board
from forum.boards.pages._common import post_url
from forum.errors import ActionError, NotFound
from forum.http import int_param, read_form, viewer_of
from forum.policy import Viewer, can_attach_board, ensure
from forum.settings import get_settings


async def upload_form_files(viewer: Viewer, board: Board, data: FormData) -> list[Attachment]:
    """Files picked in a compose form without JS: vet all of them, then store each."""
    uploads = [f for f in data.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not uploads:
        return []
    ensure(can_attach_board(viewer, board.access))
    settings = get_settings()
    if len(uploads) > settings.attachment_max_files:
        raise ActionError(f"每次最多上传 {settings.attachment_max_files} 个附件", field="files")
    vetted = []
    for upload in uploads:
        blob = await upload.read(settings.attachment_max_bytes + 1)
        try:
            vetted.append(actions.vet_upload(upload.filename, blob))
        except actions.AttachmentTooLarge as exc:
            raise actions.AttachmentTooLarge(exc.message, field="files") from exc
        except ActionError as exc:
            raise ActionError(f"{upload.filename}：{exc.message}", field="files") from exc
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
    path = files.path_of(attachment.storage_key)
    if not path.is_file():
        raise NotFound()
    etag = f'"{attachment.sha256}"'
    # The browser keeps the file but asks again each time (`no-cache`), so access is checked
    # on every view: a file of a post hidden since, or of a board the reader left, is not
    # shown from the cache. The content-hash ETag keeps the repeat view a cheap 304.
    headers = {
        "Cache-Control": "private, no-cache",
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if _etag_matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    image = attachment.kind == AttachmentKind.image
    return FileResponse(
        path,
        media_type=attachment.content_type,
        filename=attachment.filename,
        content_disposition_type="inline" if image else "attachment",
        headers=headers,
    )


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match (RFC 9110 13.1.2): `*` or any listed tag, weak comparison."""
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


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

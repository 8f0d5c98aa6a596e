"""Attachments: vet, store and link uploads to posts; moderators' soft delete."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from tortoise.transactions import in_transaction

from forum import audit, files
from forum.boards.actions._common import REASON_MAX
from forum.boards.models import Attachment, AttachmentKind, Board, Post
from forum.clock import utcnow
from forum.errors import ActionError, RateLimited
from forum.policy import Viewer, can_attach_board, can_moderate_board, ensure
from forum.settings import get_settings

_ATTACHMENT_REF_RE = re.compile(r"/attachments/(\d{1,10})/")
MAX_LINKED_ATTACHMENTS = 50


# The kernel's file vetting (forum.files), under the names the boards part has used.
AttachmentTooLarge = files.FileTooLarge
VettedFile = files.VettedFile
attachment_limit_message = files.limit_message
vet_upload = files.vet


def attachment_url(attachment: Attachment) -> str:
    return f"/attachments/{attachment.id}/{quote(attachment.filename)}"


def attachment_markdown(attachment: Attachment) -> str:
    label = attachment.filename.replace("[", "(").replace("]", ")")
    prefix = "!" if attachment.kind == AttachmentKind.image else ""
    return f"{prefix}[{label}]({attachment_url(attachment)})"


async def _check_upload_rate(actor: Viewer) -> None:
    limit = get_settings().attachment_hourly_limit
    since = utcnow() - dt.timedelta(hours=1)
    count = await Attachment.filter(uploader_id=actor.user_id, created_at__gte=since).count()
    if count >= limit:
        raise RateLimited(
            f"上传过于频繁：每小时最多上传 {limit} 个附件，请稍后再试", retry_after=600
        )


async def upload_attachment(
    actor: Viewer, board: Board, filename: str | None, data: bytes
) -> Attachment:
    """Check, sniff and store one file; the row and the file exist together or not at all."""
    ensure(can_attach_board(actor, board.access))
    return await store_upload(actor, board, vet_upload(filename, data))


async def store_upload(actor: Viewer, board: Board, vetted: VettedFile) -> Attachment:
    """Store a vetted file and its row (both or neither)."""
    ensure(can_attach_board(actor, board.access))
    await _check_upload_rate(actor)
    sniffed, name = vetted.sniffed, vetted.name
    sha, key, created = files.store(sniffed.data)
    try:
        async with in_transaction():
            attachment = await Attachment.create(
                board_id=board.id,
                uploader_id=actor.user_id,
                filename=name,
                content_type=sniffed.content_type,
                kind=AttachmentKind(sniffed.kind),
                size=len(sniffed.data),
                sha256=sha,
                storage_key=key,
            )
    except BaseException:
        if created and not await Attachment.exists(sha256=sha):
            files.discard(key)
        raise
    return attachment


async def do_link_attachments(actor: Viewer, post: Post, board_id: int, body: str) -> None:
    """The author's own unlinked uploads on this board that the text references join the post."""
    ids = {int(m) for m in _ATTACHMENT_REF_RE.findall(body)}
    if not ids or actor.user_id is None:
        return
    await Attachment.filter(
        id__in=sorted(ids)[:MAX_LINKED_ATTACHMENTS],
        uploader_id=actor.user_id,
        board_id=board_id,
        post_id__isnull=True,
    ).update(post_id=post.id)


def check_delete_attachment(actor: Viewer, attachment: Attachment) -> None:
    """Raises what would refuse the deletion, before the page asks."""
    ensure(can_moderate_board(actor, attachment.access))
    if attachment.deleted:
        raise ActionError("该附件已删除")


async def delete_attachment(actor: Viewer, attachment: Attachment, reason: str = "") -> None:
    """A moderator's soft delete: the file stops being served; the row and bytes stay."""
    ensure(can_moderate_board(actor, attachment.access))
    if attachment.deleted:
        return
    async with in_transaction():
        await Attachment.filter(id=attachment.id).update(deleted=True)
        await audit.record(
            actor,
            "attachment.deleted",
            "attachment",
            attachment.id,
            org_path=attachment.access.org_path or "",
            before={"deleted": False, "filename": attachment.filename},
            after={"deleted": True},
            reason=reason[:REASON_MAX],
        )
    attachment.deleted = True

"""Writes for boards, one concept per module: policy -> validation -> render -> one
transaction (rows + audit + channel events) -> publish after commit.

Callers import the package (`from forum.boards import actions; actions.create_post(...)`);
the public actions are re-exported here.
"""

from __future__ import annotations

from forum.boards.actions._common import REASON_MAX, clean_body, clean_title
from forum.boards.actions.attachments import (
    AttachmentTooLarge,
    VettedFile,
    attachment_limit_message,
    attachment_markdown,
    attachment_url,
    check_delete_attachment,
    delete_attachment,
    store_upload,
    upload_attachment,
    vet_upload,
)
from forum.boards.actions.boards import create_board, do_create_board
from forum.boards.actions.bookmarks import remove_bookmark, toggle_bookmark
from forum.boards.actions.composer import preview
from forum.boards.actions.drafts import (
    discard_draft,
    reply_draft_key,
    save_draft,
    topic_draft_key,
)
from forum.boards.actions.grants import (
    DEFAULT_ORG_MATRIX,
    PUBLIC_MATRIX,
    clean_matrix,
    update_grants,
)
from forum.boards.actions.moderators import (
    add_moderator,
    check_remove_moderator,
    remove_moderator,
)
from forum.boards.actions.posts import (
    check_delete_post,
    check_hide_post,
    create_post,
    delete_post,
    edit_post,
    quote_text,
    release_held,
    set_post_hidden,
    toggle_like,
)
from forum.boards.actions.reads import mark_read
from forum.boards.actions.topics import (
    accept_post,
    check_hide_topic,
    close_topic,
    create_topic,
    hide_topic,
    pin_topic,
    release_held_topic,
)

__all__ = [
    "DEFAULT_ORG_MATRIX",
    "PUBLIC_MATRIX",
    "REASON_MAX",
    "AttachmentTooLarge",
    "VettedFile",
    "accept_post",
    "add_moderator",
    "attachment_limit_message",
    "attachment_markdown",
    "attachment_url",
    "check_delete_attachment",
    "check_delete_post",
    "check_hide_post",
    "check_hide_topic",
    "check_remove_moderator",
    "clean_body",
    "clean_matrix",
    "clean_title",
    "close_topic",
    "create_board",
    "create_post",
    "create_topic",
    "delete_attachment",
    "delete_post",
    "discard_draft",
    "do_create_board",
    "edit_post",
    "hide_topic",
    "mark_read",
    "pin_topic",
    "preview",
    "quote_text",
    "release_held",
    "release_held_topic",
    "remove_bookmark",
    "remove_moderator",
    "reply_draft_key",
    "save_draft",
    "set_post_hidden",
    "store_upload",
    "toggle_bookmark",
    "toggle_like",
    "topic_draft_key",
    "update_grants",
    "upload_attachment",
    "vet_upload",
]

"""Boards, their grant matrix and moderators, topics, posts, likes, read state, notifications.

Every list query has its index in `Meta.indexes` (see `queries.py` for the matching reads).
Search indexes (SQLite FTS5 trigram, PostgreSQL pg_trgm) live in the migrations as raw SQL.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields, models

if TYPE_CHECKING:
    from forum.models import Org, User
    from forum.policy import BoardAccess


class BoardKind(StrEnum):
    discussion = "discussion"
    consultation = "consultation"


class Verb(StrEnum):
    see = "see"
    read = "read"
    start_topic = "start_topic"
    reply = "reply"
    attach = "attach"
    moderate = "moderate"


class Scope(StrEnum):
    anyone = "anyone"
    logged_in = "logged_in"
    org_subtree = "org_subtree"
    org_only = "org_only"


class NotificationKind(StrEnum):
    mention = "mention"
    reply = "reply"
    quote = "quote"
    accepted = "accepted"


class Board(models.Model):
    """A board (版块): site-wide when `org` is NULL, else owned by an organization."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    description = fields.CharField(max_length=500, default="")
    kind = fields.CharEnumField(BoardKind, max_length=20, default=BoardKind.discussion)
    org: fields.ForeignKeyNullableRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="boards", null=True, on_delete=fields.RESTRICT
    )
    org_id: int | None
    parent: fields.ForeignKeyNullableRelation[Board] = fields.ForeignKeyField(
        "boards.Board", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    parent_id: int | None
    hidden = fields.BooleanField(default=False, db_default=False)
    position = fields.IntField(default=0)
    topic_count = fields.IntField(default=0)
    post_count = fields.IntField(default=0)
    last_activity_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    grants: fields.ReverseRelation[BoardGrant]
    # Attached by `queries.board_index()`: the policy snapshot of this board.
    access: BoardAccess

    class Meta:
        table = "boards_boards"
        indexes = (("org_id", "position"), ("parent_id",))

    def __str__(self) -> str:
        return self.name


class BoardGrant(models.Model):
    """One cell row of a board's matrix: for a verb, the minimum status and the org scope.

    A verb without a row is granted to nobody (moderators and board admins aside).
    """

    id = fields.IntField(primary_key=True)
    board: fields.ForeignKeyRelation[Board] = fields.ForeignKeyField(
        "boards.Board", related_name="grants", on_delete=fields.CASCADE
    )
    board_id: int
    verb = fields.CharEnumField(Verb, max_length=16)
    min_status = fields.CharField(max_length=24, default="public")
    scope = fields.CharEnumField(Scope, max_length=16, default=Scope.anyone)
    deny_sanctioned = fields.BooleanField(default=False, db_default=False)

    class Meta:
        table = "boards_grants"
        unique_together = (("board_id", "verb"),)


class BoardModerator(models.Model):
    """A moderator grant: a person, or everyone holding an org role, moderates a board."""

    id = fields.IntField(primary_key=True)
    board: fields.ForeignKeyRelation[Board] = fields.ForeignKeyField(
        "boards.Board", related_name="moderators", on_delete=fields.CASCADE
    )
    board_id: int
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="board_moderations", null=True, on_delete=fields.CASCADE
    )
    user_id: int | None
    org: fields.ForeignKeyNullableRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="board_moderations", null=True, on_delete=fields.CASCADE
    )
    org_id: int | None
    role = fields.CharField(max_length=32, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "boards_moderators"
        indexes = (("user_id",), ("org_id", "role"), ("board_id",))


class Topic(models.Model):
    """A topic (主题): its first post holds the opening text."""

    id = fields.IntField(primary_key=True)
    board: fields.ForeignKeyRelation[Board] = fields.ForeignKeyField(
        "boards.Board", related_name="topics", on_delete=fields.RESTRICT
    )
    board_id: int
    title = fields.CharField(max_length=120)
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="topics", on_delete=fields.RESTRICT
    )
    author_id: int
    pinned = fields.BooleanField(default=False, db_default=False)
    closed = fields.BooleanField(default=False, db_default=False)
    hidden = fields.BooleanField(default=False, db_default=False)
    # Hidden because it waits for review (premoderation, a "review" word): its author still
    # sees it, marked 等待审核. A moderator's decision (approve, hide, delete) ends the hold.
    held = fields.BooleanField(default=False, db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_activity_at = fields.DatetimeField()
    last_poster_name = fields.CharField(max_length=32, default="")
    reply_count = fields.IntField(default=0)
    # Highest post number allocated so far (numbers are never reused).
    last_number = fields.IntField(default=0)
    # The accepted answer in a consultation board (a post id; no FK to avoid a cycle).
    accepted_post_id = fields.IntField(null=True)
    # Attached by queries: the policy snapshot of the topic's board.
    access: BoardAccess

    class Meta:
        table = "boards_topics"
        indexes = (
            ("board_id", "pinned", "last_activity_at", "id"),
            ("author_id", "id"),
        )


class Post(models.Model):
    """A post (回帖), numbered from 1 inside its topic."""

    id = fields.IntField(primary_key=True)
    topic: fields.ForeignKeyRelation[Topic] = fields.ForeignKeyField(
        "boards.Topic", related_name="posts", on_delete=fields.CASCADE
    )
    topic_id: int
    number = fields.IntField()
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="posts", on_delete=fields.RESTRICT
    )
    author_id: int
    reply_to_number = fields.IntField(null=True)
    body_raw = fields.TextField()
    body_html = fields.TextField()
    render_version = fields.IntField(default=1)
    hidden = fields.BooleanField(default=False, db_default=False)
    deleted = fields.BooleanField(default=False, db_default=False)
    # Hidden while it waits for review; its author still sees it (see Topic.held).
    held = fields.BooleanField(default=False, db_default=False)
    like_count = fields.IntField(default=0)
    edit_count = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    edited_at = fields.DatetimeField(null=True)

    class Meta:
        table = "boards_posts"
        unique_together = (("topic_id", "number"),)
        indexes = (("author_id", "id"), ("render_version", "id"))


class PostRevision(models.Model):
    """The text of a post before one edit: who changed it, when, and what it was."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "boards.Post", related_name="revisions", on_delete=fields.CASCADE
    )
    post_id: int
    number = fields.IntField()
    editor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="post_revisions", on_delete=fields.RESTRICT
    )
    editor_id: int
    body_before = fields.TextField()
    body_after = fields.TextField()
    reason = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "boards_post_revisions"
        unique_together = (("post_id", "number"),)


class Like(models.Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "boards.Post", related_name="likes", on_delete=fields.CASCADE
    )
    post_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="likes", on_delete=fields.CASCADE
    )
    user_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "boards_likes"
        unique_together = (("post_id", "user_id"),)
        indexes = (("user_id", "post_id"),)


class Bookmark(models.Model):
    """A person's bookmark (收藏) of a topic (`post` NULL) or of one post (`topic` NULL: the
    post's topic is read through the post, so a post moved by a split keeps its bookmark).
    `key` ("t12" / "p345") makes one bookmark per thing and person."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="bookmarks", on_delete=fields.CASCADE
    )
    user_id: int
    topic: fields.ForeignKeyNullableRelation[Topic] = fields.ForeignKeyField(
        "boards.Topic", related_name="bookmarks", null=True, on_delete=fields.CASCADE
    )
    topic_id: int | None
    post: fields.ForeignKeyNullableRelation[Post] = fields.ForeignKeyField(
        "boards.Post", related_name="bookmarks", null=True, on_delete=fields.CASCADE
    )
    post_id: int | None
    key = fields.CharField(max_length=24)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "boards_bookmarks"
        unique_together = (("user_id", "key"),)
        # The list on /me/bookmarks: newest first, keyset on id.
        indexes = (("user_id", "id"),)


class TopicRead(models.Model):
    """Read tracking: the highest post number a user has seen in a topic."""

    id = fields.IntField(primary_key=True)
    topic: fields.ForeignKeyRelation[Topic] = fields.ForeignKeyField(
        "boards.Topic", related_name="reads", on_delete=fields.CASCADE
    )
    topic_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="topic_reads", on_delete=fields.CASCADE
    )
    user_id: int
    board_id = fields.IntField()
    last_read_number = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "boards_topic_reads"
        unique_together = (("user_id", "topic_id"),)
        indexes = (("user_id", "board_id"),)


# Legacy: the forum's notifications before the kernel inbox (`forum.notifications`). The table
# is kept and no longer written; boards migration 0005 copied its rows into `notifications`.
class Notification(models.Model):
    """An in-app notification (mention, reply to my topic, quote, accepted answer)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="notifications", on_delete=fields.CASCADE
    )
    user_id: int
    kind = fields.CharEnumField(NotificationKind, max_length=16)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="sent_notifications", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    topic: fields.ForeignKeyRelation[Topic] = fields.ForeignKeyField(
        "boards.Topic", related_name="notifications", on_delete=fields.CASCADE
    )
    topic_id: int
    post_number = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "boards_notifications"
        indexes = (("user_id", "id"), ("user_id", "read_at"))


class AttachmentKind(StrEnum):
    image = "image"
    document = "document"


class Attachment(models.Model):
    """A file uploaded to a board, linked to the post whose text first references it.

    The bytes live under the data folder, named by their sha256 (content-addressed), so the
    same file uploaded twice is stored once. `deleted` is a moderator's soft delete.
    """

    id = fields.IntField(primary_key=True)
    board: fields.ForeignKeyRelation[Board] = fields.ForeignKeyField(
        "boards.Board", related_name="attachments", on_delete=fields.RESTRICT
    )
    board_id: int
    uploader: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="attachments", on_delete=fields.RESTRICT
    )
    uploader_id: int
    post: fields.ForeignKeyNullableRelation[Post] = fields.ForeignKeyField(
        "boards.Post", related_name="attachments", null=True, on_delete=fields.SET_NULL
    )
    post_id: int | None
    filename = fields.CharField(max_length=120)
    content_type = fields.CharField(max_length=100)
    kind = fields.CharEnumField(AttachmentKind, max_length=16)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    storage_key = fields.CharField(max_length=80)
    deleted = fields.BooleanField(default=False, db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Attached by queries: the policy snapshot of the attachment's board.
    access: BoardAccess

    class Meta:
        table = "boards_attachments"
        indexes = (
            ("post_id", "id"),
            ("uploader_id", "created_at"),
            ("board_id", "id"),
            ("sha256",),
        )


class Draft(models.Model):
    """A composer's unsent text, saved as its author types: one per (author, key), where the
    key names the composer (`topic:{board_id}` for a new topic, `reply:{topic_id}` for a
    reply). Private to its author; the post that sends it removes it in its transaction."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="drafts", on_delete=fields.CASCADE
    )
    user_id: int
    key = fields.CharField(max_length=40)
    board: fields.ForeignKeyRelation[Board] = fields.ForeignKeyField(
        "boards.Board", related_name="drafts", on_delete=fields.CASCADE
    )
    board_id: int
    topic: fields.ForeignKeyNullableRelation[Topic] = fields.ForeignKeyField(
        "boards.Topic", related_name="drafts", null=True, on_delete=fields.CASCADE
    )
    topic_id: int | None
    title = fields.CharField(max_length=120, default="")
    body = fields.TextField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "boards_drafts"
        unique_together = (("user_id", "key"),)

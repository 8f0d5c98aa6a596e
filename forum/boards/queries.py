"""Read paths for boards: every list is keyset-paginated and makes a fixed number of queries.

The board table is small (tens to hundreds of rows), so each request loads all boards with
their grants in two queries and evaluates the policy on the snapshots (`BoardAccess`); list
queries then filter by the readable board ids at query level.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tortoise.expressions import Q

from forum.boards.models import (
    Attachment,
    Board,
    BoardModerator,
    Notification,
    Post,
    PostRevision,
    Topic,
)
from forum.db import is_postgres, raw
from forum.errors import NotFound
from forum.models import Org
from forum.policy import (
    BoardAccess,
    GrantRule,
    Viewer,
    can_read_attachment,
    can_read_topic,
    can_see_board,
    ensure_visible,
    readable_board_ids,
)

TOPICS_PER_PAGE = 30
POSTS_PER_PAGE = 20
NOTIFICATIONS_PER_PAGE = 30
SEARCH_PER_PAGE = 20
UNREAD_WINDOW = dt.timedelta(days=30)


def _when(value: Any) -> dt.datetime:
    """A timestamp column as an aware datetime: asyncpg returns datetimes, SQLite the ISO text
    Tortoise wrote (`datetime.fromisoformat` parses it in C, far cheaper than the ORM's
    per-field conversion)."""
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class AuthorName:
    """The only author fact list pages show."""

    display_name: str


# --- boards -------------------------------------------------------------------------


@dataclass
class BoardIndex:
    """All boards of the site, each with its `access` snapshot attached."""

    boards: dict[int, Board]

    def get(self, board_id: int) -> Board | None:
        return self.boards.get(board_id)

    def accesses(self) -> list[BoardAccess]:
        return [b.access for b in self.boards.values()]


def _prefixed(model: type[Board] | type[Org], alias: str) -> str:
    """Every column of `model` as `alias_column` (so new fields follow automatically)."""
    return ", ".join(f'{alias}."{c}" AS "{alias}_{c}"' for c in sorted(model._meta.db_fields))


def _unprefixed(row: dict[str, Any], alias: str) -> dict[str, Any]:
    cut = len(alias) + 1
    return {k[cut:]: v for k, v in row.items() if k.startswith(alias + "_")}


async def board_index() -> BoardIndex:
    """All boards with their org and grant rows: one statement (every request asks)."""
    rows = await raw(
        f"SELECT {_prefixed(Board, 'b')}, {_prefixed(Org, 'o')}, "  # noqa: S608
        "g.verb AS g_verb, g.min_status AS g_min_status, g.scope AS g_scope, "
        "g.deny_sanctioned AS g_deny_sanctioned "
        "FROM boards_boards b LEFT JOIN orgs o ON o.id = b.org_id "
        "LEFT JOIN boards_grants g ON g.board_id = b.id ORDER BY b.id, g.id",
        [],
    )
    by_id: dict[int, Board] = {}
    grants: dict[int, dict[str, GrantRule]] = {}
    for row in rows:
        board_id = int(row["b_id"])
        if board_id not in by_id:
            board = Board._init_from_db(**_unprefixed(row, "b"))
            board.org = Org._init_from_db(**_unprefixed(row, "o")) if row["o_id"] else None
            by_id[board_id] = board
            grants[board_id] = {}
        if row["g_verb"] is not None:
            grants[board_id][str(row["g_verb"])] = GrantRule(
                str(row["g_min_status"]), str(row["g_scope"]), bool(row["g_deny_sanctioned"])
            )

    def hidden(board: Board) -> bool:
        seen: set[int] = set()
        current: Board | None = board
        while current is not None and current.id not in seen:
            if current.hidden:
                return True
            seen.add(current.id)
            current = by_id.get(current.parent_id) if current.parent_id else None
        return False

    for b in by_id.values():
        b.access = BoardAccess(
            board_id=b.id,
            kind=str(b.kind),
            org_id=b.org_id,
            org_path=b.org.path if b.org is not None else None,
            hidden=hidden(b),
            grants=grants[b.id],
        )
    return BoardIndex(by_id)


async def get_board_for(viewer: Viewer, board_id: int, index: BoardIndex | None = None) -> Board:
    index = index or await board_index()
    board = index.get(board_id)
    if board is None:
        raise NotFound()
    ensure_visible(can_see_board(viewer, board.access))
    return board


@dataclass
class BoardRow:
    board: Board
    unread: int = 0


@dataclass
class BoardList:
    site: list[BoardRow] = field(default_factory=list)
    mine: list[BoardRow] = field(default_factory=list)
    other: list[BoardRow] = field(default_factory=list)


async def unread_counts(viewer: Viewer, board_ids: list[int]) -> dict[int, int]:
    """Per board: recently active topics with posts the viewer has not read (one query)."""
    if viewer.user_id is None or not board_ids:
        return {}
    marks = ",".join("?" for _ in board_ids)
    since = dt.datetime.now(dt.UTC) - UNREAD_WINDOW
    rows = await raw(
        "SELECT t.board_id AS board_id, COUNT(*) AS n FROM boards_topics t "  # noqa: S608
        "LEFT JOIN boards_topic_reads r ON r.topic_id = t.id AND r.user_id = ? "
        f"WHERE t.board_id IN ({marks}) AND t.hidden = ? AND t.last_activity_at > ? "
        "AND (r.id IS NULL OR r.last_read_number < t.last_number) GROUP BY t.board_id",
        [viewer.user_id, *board_ids, False, since],
    )
    return {int(r["board_id"]): int(r["n"]) for r in rows}


async def board_list(viewer: Viewer) -> BoardList:
    index = await board_index()
    visible = [b for b in index.boards.values() if can_see_board(viewer, b.access)]
    visible.sort(key=lambda b: (b.org.path if b.org else "", b.position, b.id))
    counts = await unread_counts(viewer, readable_board_ids(viewer, [b.access for b in visible]))
    result = BoardList()
    my_paths = [p for p in (viewer.org_path, viewer.host_org_path) if p]
    for b in visible:
        row = BoardRow(b, counts.get(b.id, 0))
        if b.org is None:
            result.site.append(row)
        elif any(p.startswith(b.org.path) for p in my_paths):
            result.mine.append(row)
        else:
            result.other.append(row)
    return result


async def board_moderators(board: Board) -> list[BoardModerator]:
    return (
        await BoardModerator.filter(board_id=board.id).select_related("user", "org").order_by("id")
    )


async def creatable_orgs(viewer: Viewer) -> list[Org]:
    """Orgs where the viewer may create boards: those they administer (site admins: all)."""
    from forum.policy import ADMIN_ROLES, can_admin_site

    qs = Org.filter(is_active=True)
    if not can_admin_site(viewer):
        paths = viewer.role_paths(ADMIN_ROLES)
        if not paths:
            return []
        condition = Q(path__startswith=paths[0])
        for path in paths[1:]:
            condition |= Q(path__startswith=path)
        qs = qs.filter(condition)
    return await qs.order_by("path").limit(500)


# --- topics -------------------------------------------------------------------------


@dataclass
class TopicSummary:
    """A topic as list pages, the list API and the feed show it (read-only; the writes take
    the `Topic` model from `get_topic_for`). Same attribute names as `Topic`, so templates
    and policy predicates (`TopicFacts`) accept either."""

    id: int
    board_id: int
    title: str
    author_id: int
    author: AuthorName
    pinned: bool
    closed: bool
    hidden: bool
    held: bool
    created_at: dt.datetime
    last_activity_at: dt.datetime
    last_poster_name: str
    reply_count: int
    last_number: int
    accepted_post_id: int | None
    access: BoardAccess
    board: Board


@dataclass
class TopicRow:
    topic: TopicSummary
    last_read: int | None  # None: never opened

    @property
    def unread(self) -> int:
        return self.topic.last_number - (self.last_read or 0)


@dataclass
class TopicPage:
    pinned: list[TopicRow]
    rows: list[TopicRow]
    next_cursor: str | None


def parse_topic_cursor(raw_cursor: str | None) -> tuple[dt.datetime, int] | None:
    if not raw_cursor:
        return None
    try:
        stamp, _, raw_id = raw_cursor.partition("_")
        when = dt.datetime.fromtimestamp(int(stamp) / 1_000_000, dt.UTC)
        return when, int(raw_id)
    except (ValueError, OverflowError, OSError) as exc:
        raise NotFound() from exc


def topic_cursor(topic: Topic | TopicSummary) -> str:
    micros = int(topic.last_activity_at.timestamp() * 1_000_000)
    return f"{micros}_{topic.id}"


async def _read_marks(viewer: Viewer, topic_ids: list[int]) -> dict[int, int]:
    if viewer.user_id is None or not topic_ids:
        return {}
    marks = ",".join("?" for _ in topic_ids)
    rows = await raw(
        "SELECT topic_id, last_read_number FROM boards_topic_reads "  # noqa: S608
        f"WHERE user_id = ? AND topic_id IN ({marks})",
        [viewer.user_id, *topic_ids],
    )
    return {int(r["topic_id"]): int(r["last_read_number"]) for r in rows}


def _attach(topics: list[Topic], board: Board) -> None:
    for t in topics:
        t.access = board.access
        t.board = board


_TOPIC_COLUMNS = (
    "SELECT t.id AS id, t.title AS title, t.author_id AS author_id, t.pinned AS pinned, "
    "t.closed AS closed, t.hidden AS hidden, t.held AS held, t.created_at AS created_at, "
    "t.last_activity_at AS last_activity_at, t.last_poster_name AS last_poster_name, "
    "t.reply_count AS reply_count, t.last_number AS last_number, "
    "t.accepted_post_id AS accepted_post_id, u.display_name AS author_name"
)


def _topic_part(
    viewer: Viewer,
    board: Board,
    *,
    pinned: bool,
    with_hidden: bool,
    cursor: tuple[dt.datetime, int] | None,
    limit: int,
) -> tuple[str, list[Any]]:
    """One slice of a board's topics with the viewer's read mark joined in.

    Served by the index (board_id, pinned, last_activity_at, id): equality on the first two
    columns, then the index order backwards; `hidden` is checked on the rows read. The read
    mark follows the unique (user_id, topic_id) index.
    """
    params: list[Any] = []
    if viewer.user_id is None:
        query = f"{_TOPIC_COLUMNS}, NULL AS last_read FROM boards_topics t "
    else:
        query = (
            f"{_TOPIC_COLUMNS}, r.last_read_number AS last_read FROM boards_topics t "
            "LEFT JOIN boards_topic_reads r ON r.topic_id = t.id AND r.user_id = ? "
        )
        params.append(viewer.user_id)
    query += "JOIN users u ON u.id = t.author_id WHERE t.board_id = ? AND t.pinned = ?"
    params += [board.id, pinned]
    if not with_hidden:
        query += " AND t.hidden = ?"
        params.append(False)
    if cursor is not None:
        when, last_id = cursor
        query += " AND (t.last_activity_at < ? OR (t.last_activity_at = ? AND t.id < ?))"
        params += [when, when, last_id]
    query += " ORDER BY t.last_activity_at DESC, t.id DESC LIMIT ?"
    params.append(limit)
    return query, params


def _topic_row(r: dict[str, Any], board: Board) -> TopicRow:
    topic = TopicSummary(
        id=int(r["id"]),
        board_id=board.id,
        title=str(r["title"]),
        author_id=int(r["author_id"]),
        author=AuthorName(str(r["author_name"])),
        pinned=bool(r["pinned"]),
        closed=bool(r["closed"]),
        hidden=bool(r["hidden"]),
        held=bool(r["held"]),
        created_at=_when(r["created_at"]),
        last_activity_at=_when(r["last_activity_at"]),
        last_poster_name=str(r["last_poster_name"]),
        reply_count=int(r["reply_count"]),
        last_number=int(r["last_number"]),
        accepted_post_id=r["accepted_post_id"],
        access=board.access,
        board=board,
    )
    last_read = r["last_read"]
    return TopicRow(topic, int(last_read) if last_read is not None else None)


async def board_topics(
    viewer: Viewer, board: Board, cursor: tuple[dt.datetime, int] | None
) -> TopicPage:
    """Topics by last activity (pinned first on the first page), keyset by (time, id).

    One statement: on the first page the pinned slice and the page slice are two indexed
    subqueries joined by UNION ALL (each keeps its own LIMIT), read marks joined in.
    """
    from forum.policy import can_moderate_board

    with_hidden = can_moderate_board(viewer, board.access)
    page, params = _topic_part(
        viewer,
        board,
        pinned=False,
        with_hidden=with_hidden,
        cursor=cursor,
        limit=TOPICS_PER_PAGE + 1,
    )
    if cursor is None:
        top, top_params = _topic_part(
            viewer, board, pinned=True, with_hidden=with_hidden, cursor=None, limit=20
        )
        query = (
            f"SELECT * FROM ({top}) AS top UNION ALL SELECT * FROM ({page}) AS page "  # noqa: S608
            "ORDER BY pinned DESC, last_activity_at DESC, id DESC"
        )
        params = top_params + params
    else:
        query = page
    rows = [_topic_row(r, board) for r in await raw(query, params)]
    pinned = [r for r in rows if r.topic.pinned]
    topics = [r for r in rows if not r.topic.pinned]
    more = len(topics) > TOPICS_PER_PAGE
    topics = topics[:TOPICS_PER_PAGE]
    return TopicPage(
        pinned=pinned,
        rows=topics,
        next_cursor=topic_cursor(topics[-1].topic) if more and topics else None,
    )


async def topic_with_access(topic_id: int) -> Topic | None:
    """The topic with its board's policy facts, or None. No visibility check: for callers
    that apply their own rule (the moderation tools)."""
    topic = await Topic.get_or_none(id=topic_id)
    board = (await board_index()).get(topic.board_id) if topic else None
    if topic is None or board is None:
        return None
    _attach([topic], board)
    return topic


async def get_topic_for(viewer: Viewer, topic_id: int, index: BoardIndex | None = None) -> Topic:
    topic = await Topic.get_or_none(id=topic_id)
    if topic is None:
        raise NotFound()
    index = index or await board_index()
    board = index.get(topic.board_id)
    if board is None:  # pragma: no cover - FK guarantees the board
        raise NotFound()
    _attach([topic], board)
    ensure_visible(can_see_board(viewer, board.access) and can_read_topic(viewer, topic))
    return topic


async def get_post(topic: Topic, number: int) -> Post:
    post = await Post.get_or_none(topic_id=topic.id, number=number).select_related("author")
    if post is None:
        raise NotFound()
    return post


@dataclass
class PostItem:
    """A post as the topic page and the topic API show it (read-only). Same attribute names
    as `Post`, so `_post.html` and the policy predicates (`PostFacts`) accept either."""

    id: int
    topic_id: int
    number: int
    author_id: int
    author: AuthorName
    reply_to_number: int | None
    body_html: str
    hidden: bool
    deleted: bool
    held: bool
    like_count: int
    edit_count: int
    created_at: dt.datetime
    liked: bool = False  # by the viewer


_POST_COLUMNS = (
    "SELECT p.id AS id, p.topic_id AS topic_id, p.number AS number, p.author_id AS author_id, "
    "p.reply_to_number AS reply_to_number, p.body_html AS body_html, p.hidden AS hidden, "
    "p.deleted AS deleted, p.held AS held, p.like_count AS like_count, p.edit_count AS edit_count, "
    "p.created_at AS created_at, u.display_name AS author_name"
)


def _post_item(r: dict[str, Any]) -> PostItem:
    return PostItem(
        id=int(r["id"]),
        topic_id=int(r["topic_id"]),
        number=int(r["number"]),
        author_id=int(r["author_id"]),
        author=AuthorName(str(r["author_name"])),
        reply_to_number=r["reply_to_number"],
        body_html=str(r["body_html"]),
        hidden=bool(r["hidden"]),
        deleted=bool(r["deleted"]),
        held=bool(r["held"]),
        like_count=int(r["like_count"]),
        edit_count=int(r["edit_count"]),
        created_at=_when(r["created_at"]),
        liked=bool(r.get("liked")),
    )


async def _topic_posts(
    viewer: Viewer, topic_id: int, start: int, limit: int
) -> tuple[list[PostItem], int | None]:
    """Posts by number from `start` (the unique (topic_id, number) index), with the viewer's
    likes joined in (the (post_id, user_id) index) and the viewer's read mark as a scalar
    subquery (the unique (user_id, topic_id) index): one statement. Returns the posts and
    the read mark (None: never opened; looked up separately only when no post matched)."""
    if viewer.user_id is None:
        query = (
            f"{_POST_COLUMNS} FROM boards_posts p JOIN users u ON u.id = p.author_id "
            "WHERE p.topic_id = ? AND p.number >= ? ORDER BY p.number LIMIT ?"
        )
        return [_post_item(r) for r in await raw(query, [topic_id, start, limit])], None
    # Only the constant column list is formatted in; values are parameters.
    query = (
        f"{_POST_COLUMNS}, l.id AS liked, (SELECT m.last_read_number FROM boards_topic_reads m "  # noqa: S608
        "WHERE m.user_id = ? AND m.topic_id = ?) AS last_read FROM boards_posts p "
        "JOIN users u ON u.id = p.author_id "
        "LEFT JOIN boards_likes l ON l.post_id = p.id AND l.user_id = ? "
        "WHERE p.topic_id = ? AND p.number >= ? ORDER BY p.number LIMIT ?"
    )
    rows = await raw(query, [viewer.user_id, topic_id, viewer.user_id, topic_id, start, limit])
    if not rows:
        return [], (await _read_marks(viewer, [topic_id])).get(topic_id)
    last_read = rows[0]["last_read"]
    return [_post_item(r) for r in rows], int(last_read) if last_read is not None else None


@dataclass
class TopicView:
    topic: Topic
    posts: list[PostItem]
    liked: set[int]
    last_read: int | None
    first_number: int
    next_from: int | None
    prev_from: int | None
    accepted: PostItem | None
    # Files per post id (the page lists documents; moderators also see images to delete them).
    files: dict[int, list[Attachment]] = field(default_factory=dict)


async def topic_view(viewer: Viewer, topic: Topic, start: int) -> TopicView:
    """Posts by number from `start` (keyset), with the viewer's likes and read mark."""
    start = max(1, start)
    posts, last_read = await _topic_posts(viewer, topic.id, start, POSTS_PER_PAGE + 1)
    more = len(posts) > POSTS_PER_PAGE
    posts = posts[:POSTS_PER_PAGE]
    files: dict[int, list[Attachment]] = {}
    if posts:
        found = await Attachment.filter(post_id__in=[p.id for p in posts], deleted=False).order_by(
            "id"
        )
        for attachment in found:
            attachment.access = topic.access
            if attachment.post_id is not None:
                files.setdefault(attachment.post_id, []).append(attachment)
    accepted = None
    if topic.accepted_post_id is not None:
        rows = await raw(
            f"{_POST_COLUMNS} FROM boards_posts p JOIN users u ON u.id = p.author_id "
            "WHERE p.id = ?",
            [topic.accepted_post_id],
        )
        accepted = _post_item(rows[0]) if rows else None
    return TopicView(
        topic=topic,
        posts=posts,
        liked={p.id for p in posts if p.liked},
        last_read=last_read,
        first_number=start,
        next_from=posts[-1].number + 1 if more and posts else None,
        prev_from=max(1, start - POSTS_PER_PAGE) if start > 1 else None,
        accepted=accepted,
        files=files,
    )


async def get_attachment_for(
    viewer: Viewer, attachment_id: int
) -> tuple[Attachment, Topic | None, Post | None]:
    """An attachment with its board's access (and its post and topic when linked), or 404."""
    attachment = await Attachment.get_or_none(id=attachment_id)
    if attachment is None:
        raise NotFound()
    index = await board_index()
    board = index.get(attachment.board_id)
    if board is None:  # pragma: no cover - FK guarantees the board
        raise NotFound()
    attachment.access = board.access
    topic: Topic | None = None
    post: Post | None = None
    if attachment.post_id is not None:
        post = await Post.get_or_none(id=attachment.post_id)
        if post is not None:
            topic = await Topic.get_or_none(id=post.topic_id)
        if topic is None or post is None:  # pragma: no cover - FK guarantees both
            raise NotFound()
        topic_board = index.get(topic.board_id)
        if topic_board is None:  # pragma: no cover
            raise NotFound()
        _attach([topic], topic_board)
    ensure_visible(can_read_attachment(viewer, attachment, topic, post))
    return attachment, topic, post


async def revisions(post: Post) -> list[PostRevision]:
    return await PostRevision.filter(post_id=post.id).select_related("editor").order_by("-number")


# --- notifications ------------------------------------------------------------------


async def unread_notification_count(viewer: Viewer) -> int:
    if viewer.user_id is None:
        return 0
    rows = await raw(  # every forum page asks: plain SQL, the (user_id, read_at) index
        "SELECT COUNT(*) AS n FROM boards_notifications WHERE user_id = ? AND read_at IS NULL",
        [viewer.user_id],
    )
    return int(rows[0]["n"])


async def notifications(
    viewer: Viewer, before: int | None
) -> tuple[list[Notification], int | None]:
    qs = Notification.filter(user_id=viewer.user_id)
    if before is not None:
        qs = qs.filter(id__lt=before)
    rows = (
        await qs.select_related("actor", "topic").order_by("-id").limit(NOTIFICATIONS_PER_PAGE + 1)
    )
    more = len(rows) > NOTIFICATIONS_PER_PAGE
    rows = rows[:NOTIFICATIONS_PER_PAGE]
    return rows, (rows[-1].id if more and rows else None)


# --- search -------------------------------------------------------------------------


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def search_posts(
    viewer: Viewer, text: str, before: int | None
) -> tuple[list[Post], int | None]:
    """Posts (and topic titles, through their first post) containing `text`.

    SQLite: FTS5 trigram MATCH for >= 3 characters, else LIKE over the FTS content.
    PostgreSQL: ILIKE served by pg_trgm GIN indexes. Only readable boards, visible rows.
    """
    index = await board_index()
    board_ids = readable_board_ids(viewer, index.accesses())
    if not board_ids or not text:
        return [], None
    marks = ",".join("?" for _ in board_ids)
    params: list[Any] = []
    if is_postgres():
        match = "(p.body_raw ILIKE ? OR (p.number = 1 AND t.title ILIKE ?))"
        params += [_like_pattern(text), _like_pattern(text)]
        source = "boards_posts p"
    elif len(text) >= 3:
        match = "boards_search_fts MATCH ?"
        params.append('"' + text.replace('"', '""') + '"')
        source = "boards_search_fts f JOIN boards_posts p ON p.id = f.rowid"
    else:
        match = "(f.title LIKE ? ESCAPE '\\' OR f.body LIKE ? ESCAPE '\\')"
        params += [_like_pattern(text), _like_pattern(text)]
        source = "boards_search_fts f JOIN boards_posts p ON p.id = f.rowid"
    keyset = ""
    if before is not None:
        keyset = " AND p.id < ?"
    # Only placeholders and fixed fragments are formatted in; values are parameters.
    query = (
        f"SELECT p.id AS id FROM {source} JOIN boards_topics t ON t.id = p.topic_id "  # noqa: S608
        f"WHERE {match} AND t.board_id IN ({marks}) AND t.hidden = ? AND p.hidden = ? "
        f"AND p.deleted = ?{keyset} ORDER BY p.id DESC LIMIT ?"
    )
    params += [*board_ids, False, False, False]
    if before is not None:
        params.append(before)
    params.append(SEARCH_PER_PAGE + 1)
    ids = [int(r["id"]) for r in await raw(query, params)]
    more = len(ids) > SEARCH_PER_PAGE
    ids = ids[:SEARCH_PER_PAGE]
    posts = await Post.filter(id__in=ids).select_related("author", "topic").order_by("-id")
    for p in posts:
        board = index.get(p.topic.board_id)
        if board is not None:
            _attach([p.topic], board)
    return posts, (ids[-1] if more and ids else None)


@dataclass
class HeldItem:
    """One of the viewer's own topics or posts waiting for review (their /me page)."""

    kind: str  # "topic" | "post"
    title: str
    url: str
    excerpt: str
    created_at: dt.datetime


HELD_LIMIT = 20


async def held_items(viewer: Viewer) -> list[HeldItem]:
    """The viewer's topics and replies held back for review, newest first (the
    (author_id, id) indexes; at most HELD_LIMIT of each)."""
    if viewer.user_id is None:
        return []
    index = await board_index()
    topics = (
        await Topic.filter(author_id=viewer.user_id, held=True).order_by("-id").limit(HELD_LIMIT)
    )
    posts = (
        await Post.filter(author_id=viewer.user_id, held=True, deleted=False)
        .order_by("-id")
        .limit(HELD_LIMIT)
        .select_related("topic")
    )
    for topic in [*topics, *(p.topic for p in posts)]:
        board = index.get(topic.board_id)
        if board is not None:
            _attach([topic], board)
    items = [
        HeldItem("topic", topic.title, f"/t/{topic.id}", "", topic.created_at)
        for topic in topics
        if getattr(topic, "access", None) is not None and can_read_topic(viewer, topic)
    ]
    for post in posts:
        topic = post.topic
        if getattr(topic, "access", None) is not None and can_read_topic(viewer, topic):
            url = f"/t/{topic.id}?from={post.number}#p{post.number}"
            items.append(HeldItem("post", topic.title, url, post.body_raw[:80], post.created_at))
    items.sort(key=lambda i: i.created_at, reverse=True)
    return items

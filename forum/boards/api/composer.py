"""The composer's helpers (static/js/composer.js): the preview, drafts saved as one types,
and @mention suggestions. JSON in and out, CSRF header on the writes, JSON errors."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import apispec
from forum.boards import actions, queries
from forum.boards.api._common import TAG, body_schema, strict
from forum.boards.models import Board, Topic
from forum.errors import ActionError
from forum.http import int_param, read_json, viewer_of

TEXT = {"type": "string", "maxLength": 20_000}

PREVIEW = apispec.schema(
    "Preview",
    {"type": "object", "required": ["html"], "properties": {"html": {"type": "string"}}},
)
DRAFT_SAVED = apispec.schema(
    "DraftSaved",
    {
        "type": "object",
        "required": ["saved"],
        "properties": {
            "saved": {"type": "boolean", "description": "false: the empty draft was removed"},
            "key": {"type": "string"},
            "updated_at": {"type": "string", "format": "date-time", "nullable": True},
        },
    },
)
SUGGESTIONS = apispec.schema(
    "MentionSuggestions",
    {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {
                "type": "array",
                "maxItems": queries.mentions.SUGGEST_LIMIT,
                "items": {
                    "type": "object",
                    "required": ["username", "display_name"],
                    "properties": {
                        "username": {"type": "string"},
                        "display_name": {"type": "string"},
                        "org": {"type": "string"},
                    },
                },
            }
        },
    },
)


@apispec.operation(
    "/api/v1/preview",
    "POST",
    summary="Render a post's Markdown as it would be published (sanitised HTML); stores nothing",
    tag=TAG,
    body=body_schema(["body"], {"body": TEXT}),
    response=PREVIEW,
)
async def api_preview(request: Request) -> Response:
    data = await read_json(request)
    strict(data, {"body": str})
    html = await actions.preview(viewer_of(request), data.get("body", ""))
    return JSONResponse({"html": html})


async def _composer_of(request: Request, data: dict[str, object]) -> tuple[Board, Topic | None]:
    """The board (new topic) or topic (reply) a draft belongs to, as the viewer sees it."""
    viewer = viewer_of(request)
    topic_id, board_id = data.get("topic_id"), data.get("board_id")
    if (topic_id is None) == (board_id is None):
        raise ActionError("请指定 topic_id（回复）或 board_id（新主题）之一")
    if topic_id is not None:
        topic = await queries.get_topic_for(viewer, int_param(topic_id))
        return topic.board, topic
    return await queries.get_board_for(viewer, int_param(board_id)), None


@apispec.operation(
    "/api/v1/drafts",
    "POST",
    summary="Save the composer's draft (a reply: topic_id; a new topic: board_id and title); "
    "an empty draft is removed",
    tag=TAG,
    body=body_schema(
        ["body"],
        {
            "topic_id": {"type": "integer", "minimum": 1},
            "board_id": {"type": "integer", "minimum": 1},
            "title": {"type": "string", "maxLength": 120},
            "body": TEXT,
        },
    ),
    response=DRAFT_SAVED,
)
async def api_save_draft(request: Request) -> Response:
    data = await read_json(request)
    strict(data, {"topic_id": int, "board_id": int, "title": str, "body": str})
    board, topic = await _composer_of(request, data)
    draft = await actions.save_draft(
        viewer_of(request), board, topic, data.get("title"), data.get("body", "")
    )
    if draft is None:
        return JSONResponse({"saved": False, "updated_at": None})
    return JSONResponse(
        {"saved": True, "key": draft.key, "updated_at": draft.updated_at.isoformat()}
    )


@apispec.operation(
    "/api/v1/users/suggest",
    "GET",
    summary="People to @mention: username prefix or display name match, only people the viewer "
    "may see (and, with topic or board, who may read it); at most 8",
    tag=TAG,
    query={
        "q": {"type": "string", "maxLength": 32},
        "topic": {"type": "integer", "minimum": 1},
        "board": {"type": "integer", "minimum": 1},
    },
    response=SUGGESTIONS,
)
async def api_suggest_users(request: Request) -> Response:
    viewer = viewer_of(request)
    params = request.query_params
    topic = board = None
    if params.get("topic"):
        topic = await queries.get_topic_for(viewer, int_param(params.get("topic")))
    elif params.get("board"):
        board = await queries.get_board_for(viewer, int_param(params.get("board")))
    found = await queries.suggest_mentions(viewer, params.get("q", ""), topic=topic, board=board)
    items = [{"username": s.username, "display_name": s.display_name, "org": s.org} for s in found]
    return JSONResponse({"items": items}, headers={"Cache-Control": "private, no-store"})

"""`/todo` (我的待办), `/api/v1/todo` and `/api/v1/todo/count`: the registry of
`forum.todo` as a page and as JSON."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import apispec
from forum.http import viewer_of
from forum.policy import can_use_account, ensure, ensure_visible
from forum.templating import render
from forum.todo import TodoItem, todo_counts, todo_list

TAG = "todo"

ITEM = {
    "type": "object",
    "required": ["title", "href", "overdue"],
    "properties": {
        "title": {"type": "string"},
        "href": {"type": "string"},
        "detail": {"type": "string"},
        "due": {"type": "string", "format": "date", "nullable": True},
        "overdue": {"type": "boolean"},
    },
}


def item_json(item: TodoItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "href": item.href,
        "detail": item.detail,
        "due": item.due.isoformat() if item.due else None,
        "overdue": item.overdue,
    }


async def page(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(viewer.is_authenticated)
    listing = await todo_list(viewer)
    return render(request, "forum/todo.html", {"todo": listing, "nav": "todo"})


@apispec.operation(
    "/api/v1/todo",
    "GET",
    summary="Everything waiting for me, grouped by where it comes from",
    tag=TAG,
    response={
        "type": "object",
        "required": ["total", "groups"],
        "properties": {
            "total": {"type": "integer"},
            "groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["key", "label", "count", "items"],
                    "properties": {
                        "key": {"type": "string"},
                        "label": {"type": "string"},
                        "count": {"type": "integer"},
                        "more_href": {"type": "string"},
                        "items": {"type": "array", "items": ITEM},
                    },
                },
            },
        },
    },
)
async def api_todo(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure(can_use_account(viewer))
    listing = await todo_list(viewer)
    return JSONResponse(
        {
            "total": listing.total,
            "groups": [
                {
                    "key": g.source.key,
                    "label": g.source.label,
                    "count": g.batch.count,
                    "more_href": g.batch.more_href,
                    "items": [item_json(i) for i in g.batch.items],
                }
                for g in listing.groups
            ],
        }
    )


@apispec.operation(
    "/api/v1/todo/count",
    "GET",
    summary="How many things wait for me (the header's 待办 badge)",
    tag=TAG,
    response={
        "type": "object",
        "required": ["total", "by_source"],
        "properties": {
            "total": {"type": "integer"},
            "by_source": {"type": "object", "additionalProperties": {"type": "integer"}},
        },
    },
)
async def api_todo_count(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure(can_use_account(viewer))
    counts = await todo_counts(viewer)
    response = JSONResponse({"total": sum(counts.values()), "by_source": counts})
    response.headers["Cache-Control"] = "private, no-store"
    return response


routes: list[BaseRoute] = [
    Route("/todo", page, methods=["GET"]),
    Route("/api/v1/todo", api_todo, methods=["GET"]),
    Route("/api/v1/todo/count", api_todo_count, methods=["GET"]),
]

"""JSON API v1 for boards, topics, posts, attachments, search and the composer's helpers (the same
queries and actions as the pages), one module per concept; each handler carries its OpenAPI
operation."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from forum.boards.api import attachments, boards, composer, posts, search, topics

routes: list[BaseRoute] = [
    Route(
        "/api/v1/boards/{board_id:int}/attachments",
        attachments.api_upload_attachment,
        methods=["POST"],
    ),
    Route("/api/v1/attachments/{attachment_id:int}", attachments.api_attachment, methods=["GET"]),
    Route("/api/v1/boards", boards.api_boards, methods=["GET"]),
    Route("/api/v1/boards/{board_id:int}/topics", topics.api_board_topics, methods=["GET"]),
    Route("/api/v1/boards/{board_id:int}/topics", topics.api_create_topic, methods=["POST"]),
    Route("/api/v1/topics/{topic_id:int}", topics.api_topic, methods=["GET"]),
    Route("/api/v1/topics/{topic_id:int}/posts", posts.api_create_post, methods=["POST"]),
    Route(
        "/api/v1/topics/{topic_id:int}/posts/{number:int}", posts.api_edit_post, methods=["PATCH"]
    ),
    Route(
        "/api/v1/topics/{topic_id:int}/posts/{number:int}",
        posts.api_delete_post,
        methods=["DELETE"],
    ),
    Route("/api/v1/search", search.api_search, methods=["GET"]),
    Route("/api/v1/preview", composer.api_preview, methods=["POST"]),
    Route("/api/v1/drafts", composer.api_save_draft, methods=["POST"]),
    Route("/api/v1/users/suggest", composer.api_suggest_users, methods=["GET"]),
]

"""OpenAPI registry: JSON handlers declare their operation next to their code.

`operation(...)` records path, method, parameters and schemas at import time; the document
served at /api/v1/openapi.json is assembled from exactly the handlers that are mounted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_paths: dict[str, dict[str, Any]] = {}
_schemas: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "status"],
        "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
    }
}

ERROR_RESPONSES = {
    code: {
        "description": text,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for code, text in {
        "400": "Invalid input; nothing was written",
        "403": "Forbidden (policy or CSRF)",
        "404": "Missing or not visible",
        "413": "Body too large",
        "429": "Rate limited",
    }.items()
}


def schema(name: str, definition: dict[str, Any]) -> dict[str, str]:
    _schemas[name] = definition
    return {"$ref": f"#/components/schemas/{name}"}


def operation(
    path: str,
    method: str,
    *,
    summary: str,
    tag: str,
    response: dict[str, Any] | None = None,
    status: int = 200,
    body: dict[str, Any] | None = None,
    body_type: str = "application/json",
    query: dict[str, dict[str, Any]] | None = None,
    path_params: tuple[str, ...] = (),
) -> Callable[[F], F]:
    def register(func: F) -> F:
        params: list[dict[str, Any]] = [
            {"name": p, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
            for p in path_params
        ]
        params += [
            {"name": name, "in": "query", "required": False, "schema": s}
            for name, s in (query or {}).items()
        ]
        op: dict[str, Any] = {
            "summary": summary,
            "tags": [tag],
            "operationId": func.__name__,
            "parameters": params,
            "responses": {
                str(status): {
                    "description": "OK",
                    "content": {"application/json": {"schema": response or {"type": "object"}}},
                },
                **ERROR_RESPONSES,
            },
        }
        if body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {body_type: {"schema": body}},
            }
        _paths.setdefault(path, {})[method.lower()] = op
        return func

    return register


def document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Grassroots API", "version": "1"},
        "paths": _paths,
        "components": {
            "schemas": _schemas,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "grassroots_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
            },
        },
        "security": [{"session": [], "csrf": []}, {}],
    }

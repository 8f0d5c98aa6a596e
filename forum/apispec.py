"""OpenAPI: JSON handlers declare their operation next to their code.

`operation(...)` attaches path, method, parameters and schemas to the handler function (nothing
is registered anywhere); `document(routes)` assembles the document served at
/api/v1/openapi.json from exactly the handlers that are mounted, with the schemas they use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from starlette.routing import BaseRoute, Mount, Route

F = TypeVar("F", bound=Callable[..., Any])
OPERATIONS = "__openapi_operations__"


class SchemaRef(dict[str, str]):
    """`{"$ref": "#/components/schemas/Name"}` that also carries the schema it points to."""

    def __init__(self, name: str, definition: dict[str, Any]) -> None:
        super().__init__({"$ref": f"#/components/schemas/{name}"})
        self.name = name
        self.definition = definition


ERROR = SchemaRef(
    "Error",
    {
        "type": "object",
        "required": ["error", "status"],
        "properties": {
            "error": {"type": "string"},
            "status": {"type": "integer"},
            "field": {"type": "string"},
        },
    },
)

ERROR_RESPONSES = {
    code: {
        "description": text,
        "content": {"application/json": {"schema": ERROR}},
    }
    for code, text in {
        "400": "Invalid input; nothing was written",
        "403": "Forbidden (policy or CSRF)",
        "404": "Missing or not visible",
        "409": "Conflicts with the current state (already done, or changed meanwhile)",
        "413": "Body too large",
        "429": "Rate limited",
    }.items()
}


def schema(name: str, definition: dict[str, Any]) -> SchemaRef:
    return SchemaRef(name, definition)


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
        operations = [*getattr(func, OPERATIONS, ()), (path, method.lower(), op)]
        setattr(func, OPERATIONS, operations)
        return func

    return register


def _endpoints(routes: Iterable[BaseRoute]) -> Iterator[Any]:
    for route in routes:
        if isinstance(route, Mount):
            yield from _endpoints(route.routes)
        elif isinstance(route, Route):
            yield route.endpoint


def _refs(value: Any) -> Iterator[SchemaRef]:
    if isinstance(value, SchemaRef):
        yield value
        yield from _refs(value.definition)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _refs(item)


def document(routes: Iterable[BaseRoute]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in _endpoints(routes):
        for path, method, op in getattr(endpoint, OPERATIONS, ()):
            paths.setdefault(path, {})[method] = op
    schemas = {ref.name: ref.definition for ref in _refs(paths)}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Grassroots API", "version": "1"},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "grassroots_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
            },
        },
        "security": [{"session": [], "csrf": []}, {}],
    }

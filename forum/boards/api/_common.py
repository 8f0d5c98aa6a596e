"""What every boards endpoint shares: the OpenAPI tag, the post body field, list and request
body schemas, and the strict check of a JSON body."""

from __future__ import annotations

from typing import Any

from forum.errors import ActionError

TAG = "boards"
BODY_FIELD = {"type": "string", "minLength": 1, "maxLength": 20_000, "pattern": r"\S"}
NULLABLE_INT = {"type": "integer", "nullable": True}


def list_of(item: dict[str, str], cursor_type: str = "string") -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {"type": "array", "items": item},
            "next": {"type": cursor_type, "nullable": True},
        },
    }


def body_schema(required: list[str], props: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": required,
        "additionalProperties": False,
        "properties": props,
    }


def strict(data: dict[str, Any], allowed: dict[str, type | tuple[type, ...]]) -> None:
    """Unknown fields and wrong types are refused (400) before anything is written."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ActionError(f"未知字段：{', '.join(unknown)}")
    for name, kind in allowed.items():
        value = data.get(name)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            raise ActionError(f"字段 {name} 类型错误", field=name)

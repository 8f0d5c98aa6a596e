"""Domain errors, mapped once to HTTP responses in `forum.app` and to frames in websockets."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    default_message = "请求无效"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class NotFound(DomainError):
    """Missing or not visible to this viewer: both look the same (404)."""

    status_code = 404
    default_message = "页面不存在或您无权查看"


class Forbidden(DomainError):
    status_code = 403
    default_message = "您没有权限执行此操作"


class ActionError(DomainError):
    """Invalid input or a state that forbids the action; nothing was written (400)."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(ActionError):
    status_code = 409


class RateLimited(DomainError):
    status_code = 429
    default_message = "操作过于频繁，请稍后再试"

    def __init__(self, message: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))

"""Test helpers: an HTTP client that logs in and sends CSRF tokens like a browser would."""

from __future__ import annotations

import re
from types import TracebackType
from typing import Any

import httpx
from starlette.types import ASGIApp

from forum.seeding import DEMO_PASSWORD

CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')


class Client:
    """httpx over ASGI with a cookie jar; `post_form` adds the page's CSRF token."""

    def __init__(self, app: ASGIApp, base_url: str = "http://testserver") -> None:
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
            base_url=base_url,
            follow_redirects=False,
        )
        self._csrf: str | None = None

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.http.aclose()

    async def csrf(self) -> str:
        if self._csrf is None:
            response = await self.http.get("/api/v1/csrf")
            self._csrf = response.json()["csrf_token"]
        return self._csrf

    def forget_csrf(self) -> None:
        self._csrf = None

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.http.get(url, **kwargs)

    async def post_form(
        self, url: str, data: dict[str, Any] | None = None, **kwargs: Any
    ) -> httpx.Response:
        payload = {"csrf_token": await self.csrf(), **(data or {})}
        return await self.http.post(url, data=payload, **kwargs)

    async def post_json(self, url: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        headers = {"X-CSRF-Token": await self.csrf(), **kwargs.pop("headers", {})}
        return await self.http.post(url, json=json, headers=headers, **kwargs)

    async def request_json(self, method: str, url: str, json: Any = None) -> httpx.Response:
        return await self.http.request(
            method, url, json=json, headers={"X-CSRF-Token": await self.csrf()}
        )

    async def login(self, username: str, password: str = DEMO_PASSWORD) -> httpx.Response:
        response = await self.post_form("/login", {"username": username, "password": password})
        assert response.status_code == 303, response.text
        self._csrf = None  # a new session comes with a new token
        return response

    async def logout(self) -> httpx.Response:
        response = await self.post_form("/logout")
        self._csrf = None
        return response

"""The visitors' page cache across two real uvicorn workers (PostgreSQL, Redis).

Visitors read a topic and the board list on both workers until both serve them from their
cache (a weak ETag, a 304 on revalidation); then an edit, a hide and a permission change,
each made through the other worker, are never served stale to anyone on either worker, and
a 304 is never given for a page that changed. Each visitor's page carries its own CSRF token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.servers import DEMO_PASSWORD, UvicornServer, login, post_form, running

pytestmark = pytest.mark.e2e
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
PUBLIC = {
    "see_status": "public",
    "see_scope": "anyone",
    "read_status": "public",
    "read_scope": "anyone",
    "start_topic_status": "full",
    "start_topic_scope": "org_only",
    "reply_status": "probationary",
    "reply_scope": "org_subtree",
    "attach_status": "none",
    "moderate_status": "none",
}
MEMBERS_ONLY = {**PUBLIC, "see_status": "probationary", "read_status": "probationary",
                "see_scope": "org_subtree", "read_scope": "org_subtree"}  # fmt: skip


@pytest.fixture(scope="module")
def workers(e2e_demo_env: dict[str, str]) -> Iterator[tuple[UvicornServer, UvicornServer]]:
    with running(UvicornServer(e2e_demo_env), UvicornServer(e2e_demo_env)) as pair:
        yield pair


async def _board(server: UvicornServer, cookie: str) -> int:
    async with httpx.AsyncClient(base_url=server.base_url, headers={"Cookie": cookie}) as client:
        boards = (await client.get("/api/v1/boards")).json()["items"]
    return int(next(b for b in boards if b["name"].endswith("内部交流"))["id"])


class Visitor:
    """A browser without a login: keeps its session cookie (its CSRF token) and its ETags."""

    def __init__(self, *servers: UvicornServer) -> None:
        self.clients = [httpx.AsyncClient(base_url=s.base_url, timeout=10) for s in servers]
        self.etags: dict[tuple[int, str], str] = {}

    async def get(self, worker: int, path: str) -> httpx.Response:
        client = self.clients[worker]
        response = await client.get(path)
        if "etag" in response.headers:
            known = self.etags.get((worker, path))
            if known is not None:  # revalidate the copy held: 304 only when unchanged
                again = await client.get(path, headers={"If-None-Match": known})
                if again.status_code == 304:
                    assert again.headers["etag"] == response.headers["etag"] == known
            self.etags[(worker, path)] = response.headers["etag"]
        meta = CSRF_META.search(response.text)
        if meta is not None:
            assert meta[1] == _session_token(client), "another visitor's CSRF token"
        return response

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


def _session_token(client: httpx.AsyncClient) -> str:
    import base64
    import json

    cookie = client.cookies["grassroots_session"]
    payload = cookie.split(".", 1)[0]
    data = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))
    return str(data["csrf"])


async def _seen_everywhere(visitors: list[Visitor], path: str) -> list[httpx.Response]:
    """The page as every visitor gets it on every worker (twice: the second is a hit)."""
    pages = []
    for visitor in visitors:
        for worker in (0, 1):
            for _ in range(2):
                pages.append(await visitor.get(worker, path))  # noqa: PERF401 - awaited in turn
    return pages


async def test_edit_hide_and_permission_change_are_never_served_stale(
    workers: tuple[UvicornServer, UvicornServer],
) -> None:
    a, b = workers
    secretary = await login(b.base_url, "secretary", DEMO_PASSWORD)
    deputy = await login(b.base_url, "deputy", DEMO_PASSWORD)
    board_id = await _board(b, secretary)
    made_public = await post_form(b.base_url, secretary, f"/forum/b/{board_id}/grants", PUBLIC)
    assert made_public.status_code == 303, made_public.text[:300]
    created = await post_form(
        b.base_url, secretary, f"/forum/b/{board_id}/new",
        {"title": "缓存测试主题", "body": "第一版正文"},
    )  # fmt: skip
    assert created.status_code == 303, created.text[:300]
    path = re.sub(r"#.*", "", created.headers["location"])
    assert re.fullmatch(r"/t/\d+", path), path
    reply = await post_form(b.base_url, deputy, f"{path}/reply", {"body": "将被隐藏的回复"})
    assert reply.status_code == 303, reply.text[:300]
    visitors = [Visitor(a, b), Visitor(a, b)]
    try:
        pages = await _seen_everywhere(visitors, path)
        assert all(p.status_code == 200 and "第一版正文" in p.text for p in pages)
        assert all("将被隐藏的回复" in p.text for p in pages)
        assert all(p.headers["etag"].startswith('W/"') for p in pages)
        lists = await _seen_everywhere(visitors, "/forum")
        assert all(p.status_code == 200 and p.headers["etag"].startswith('W/"') for p in lists)

        # An edit through worker B: nobody on either worker gets the first version again.
        edited = await post_form(b.base_url, secretary, f"{path}/1/edit", {"body": "第二版正文"})
        assert edited.status_code == 303, edited.text[:300]
        pages = await _seen_everywhere(visitors, path)
        assert all("第二版正文" in p.text and "第一版正文" not in p.text for p in pages)

        # A hide through worker A.
        hidden = await post_form(
            a.base_url, secretary, f"{path}/2/hide", {"hidden": "1", "confirmed": "1"}
        )
        assert hidden.status_code == 303, hidden.text[:300]
        pages = await _seen_everywhere(visitors, path)
        assert all(p.status_code == 200 and "将被隐藏的回复" not in p.text for p in pages)

        # A permission change through worker B: visitors may no longer read the topic.
        closed = await post_form(b.base_url, secretary, f"/forum/b/{board_id}/grants", MEMBERS_ONLY)
        assert closed.status_code == 303, closed.text[:300]
        pages = await _seen_everywhere(visitors, path)
        assert all(p.status_code == 404 and "第二版正文" not in p.text for p in pages)
        lists = await _seen_everywhere(visitors, "/forum")
        assert all("缓存测试主题" not in p.text for p in lists)
    finally:
        for visitor in visitors:
            await visitor.aclose()


async def test_a_member_never_gets_the_visitors_page(
    workers: tuple[UvicornServer, UvicornServer],
) -> None:
    a, _ = workers
    member = await login(a.base_url, "full_member", DEMO_PASSWORD)
    async with httpx.AsyncClient(base_url=a.base_url, headers={"Cookie": member}) as client:
        for _ in range(2):
            page = await client.get("/forum")
            assert page.status_code == 200 and "etag" not in page.headers

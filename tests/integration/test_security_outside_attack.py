"""Findings 3-6, 11 and 12 of the outside attack (issue 14): each is a clear 4xx now, never a
500 and never a silent pass. The login throttle (finding 13) is in test_security_login.py."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message

from forum.boards.models import Post
from forum.models import AuthSession, OrgRole
from forum.security.middleware import content_security_policy
from tests.boards_helpers import make_world, reply_to, start_topic, upload
from tests.boards_helpers import png_bytes as png
from tests.factories import make_person, make_tree, make_user
from tests.helpers import Client

# --- finding 3: more form fields than any form has ------------------------------------


async def test_urlencoded_form_with_1001_fields_is_400_on_any_path_without_session(
    client: Client,
) -> None:
    body = "&".join(f"f{i}=x" for i in range(1001))
    headers = {"content-type": "application/x-www-form-urlencoded"}
    for path in ("/login", "/no/such/path", "/api/v1/orgs"):
        response = await client.http.post(path, content=body, headers=headers)
        assert response.status_code == 400, (path, response.status_code)
        assert "表单字段过多" in response.text
    assert (await client.http.post("/api/v1/orgs", content=body, headers=headers)).json()[
        "status"
    ] == 400


async def test_form_with_one_field_more_than_the_limit_is_refused_at_the_limit_accepted(
    client: Client,
) -> None:
    await make_user("fieldy")
    token = await client.csrf()
    base = {"csrf_token": token, "username": "fieldy", "password": "demo-password-2026"}
    # 200 fields in all: the login goes through.
    filler = {f"pad{i}": "x" for i in range(200 - len(base))}
    assert (await client.http.post("/login", data={**base, **filler})).status_code == 303
    client.forget_csrf()
    token = await client.csrf()
    base["csrf_token"] = token
    filler = {f"pad{i}": "x" for i in range(201 - len(base))}
    refused = await client.http.post("/login", data={**base, **filler})
    assert refused.status_code == 400 and "表单字段过多" in refused.text


async def test_multipart_form_with_too_many_fields_is_400(client: Client) -> None:
    token = await client.csrf()
    data = {"csrf_token": token, **{f"f{i}": "x" for i in range(300)}}
    response = await client.http.post("/register", data=data, files={"unused": ("a.txt", b"hello")})
    assert response.status_code == 400 and "表单字段过多" in response.text


# --- finding 4: deeply nested JSON -----------------------------------------------------


def _nested(depth: int) -> str:
    return '{"name": ' + "[" * depth + "]" * depth + "}"


async def test_deeply_nested_json_is_400_for_anonymous_and_members(
    client: Client, other_client: Client
) -> None:
    tree = await make_tree()
    await make_person(tree.committee, username="deepadmin", role="org_admin")
    await other_client.login("deepadmin")
    for who in (client, other_client):
        for depth in (33, 1_000, 100_000):
            response = await who.http.post(
                "/api/v1/orgs",
                content=_nested(depth),
                headers={"X-CSRF-Token": await who.csrf(), "content-type": "application/json"},
            )
            assert response.status_code == 400, (depth, response.status_code)
            assert "嵌套过深" in response.json()["error"]
    # Shallow bodies still reach the action (a normal 400 for the list instead of a name,
    # and a created org for a proper body).
    shallow = await other_client.post_json("/api/v1/orgs", {"name": [[1]], "kind": "branch"})
    assert shallow.status_code == 400 and "嵌套" not in shallow.json()["error"]
    created = await other_client.post_json(
        "/api/v1/orgs", {"name": "新支部", "kind": "branch", "parent_id": tree.gb1.id}
    )
    assert created.status_code == 201, created.text


async def test_deep_json_in_a_patch_and_a_put_is_400_too(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    await client.login("full")
    deep = '{"body": ' + "[" * 5_000 + "]" * 5_000 + "}"
    response = await client.http.patch(
        f"/api/v1/topics/{topic.id}/posts/1",
        content=deep,
        headers={"X-CSRF-Token": await client.csrf(), "content-type": "application/json"},
    )
    assert response.status_code == 400 and "嵌套过深" in response.json()["error"]
    assert (await Post.get(topic_id=topic.id, number=1)).body_raw == "正文内容"


# --- finding 5: unknown role names -----------------------------------------------------


async def test_unknown_role_name_is_400_and_grants_nothing(client: Client) -> None:
    tree = await make_tree()
    await make_person(tree.committee, username="roleadmin", role="org_admin")
    await make_person(None, None, username="rootadmin", role="site_admin")
    await make_person(tree.branch_a, username="target")
    await client.login("roleadmin")
    before = await OrgRole.all().count()
    for role in ("bogus", "", "SECRETARY", "secretary\x00"):
        response = await client.post_form(
            f"/orgs/{tree.branch_a.id}/roles", {"username": "target", "role": role}
        )
        assert response.status_code == 400, (role, response.status_code)
        assert "有效的职务" in response.text or "无法保存的字符" in response.text
    await client.logout()
    await client.login("rootadmin")
    response = await client.post_form("/admin/roles", {"username": "target", "role": "emperor"})
    assert response.status_code == 400 and "有效的职务" in response.text
    assert await OrgRole.all().count() == before
    # A known role still works.
    ok = await client.post_form("/admin/roles", {"username": "target", "role": "moderator"})
    assert ok.status_code == 303


# --- finding 6: the client drops the connection mid-body -------------------------------


async def _raw_call(
    app: ASGIApp,
    method: str,
    path: str,
    cookie: str,
    chunks: list[Message],
    *,
    content_type: bytes = b"application/x-www-form-urlencoded",
    extra: tuple[tuple[bytes, bytes], ...] = (),
) -> list[Message]:
    """One request straight into the ASGI app; `receive` yields `chunks` in order."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"cookie", cookie.encode()),
            (b"content-type", content_type),
            (b"content-length", b"4096"),
            *extra,
        ],
        "client": ("127.0.0.1", 50001),
        "server": ("testserver", 80),
    }
    pending = list(chunks)
    sent: list[Message] = []

    async def receive() -> Message:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def _cookie(client: Client) -> str:
    return "; ".join(f"{k}={v}" for k, v in client.http.cookies.items())


def _status(sent: list[Message]) -> int:
    return int(next(m["status"] for m in sent if m["type"] == "http.response.start"))


MID_BODY = [
    {"type": "http.request", "body": b"next=%2F&csrf_", "more_body": True},
    {"type": "http.disconnect"},
]


async def test_logout_with_body_cut_off_by_disconnect_is_refused_and_session_lives(
    app: ASGIApp, client: Client
) -> None:
    await make_user("cutoff")
    await client.login("cutoff")
    sent = await _raw_call(app, "POST", "/logout", _cookie(client), MID_BODY)
    assert _status(sent) == 400
    assert await AuthSession.filter(revoked_at__isnull=True).count() == 1
    assert (await client.get("/api/v1/me")).json()["authenticated"] is True


async def test_post_delete_with_body_cut_off_by_disconnect_is_refused(
    app: ASGIApp, client: Client
) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    post = await reply_to(topic, world.users["full"])
    await client.login("full")
    path = f"/api/v1/topics/{topic.id}/posts/{post.number}"
    sent = await _raw_call(app, "DELETE", path, _cookie(client), MID_BODY)
    assert _status(sent) == 400
    assert not (await Post.get(id=post.id)).deleted
    # A disconnect before any byte of the body: refused as well.
    sent = await _raw_call(app, "DELETE", path, _cookie(client), [{"type": "http.disconnect"}])
    assert _status(sent) == 400
    assert not (await Post.get(id=post.id)).deleted
    # The whole body without a token: the usual 403; with the header token it is deleted.
    whole = [{"type": "http.request", "body": b"x=1", "more_body": False}]
    assert _status(await _raw_call(app, "DELETE", path, _cookie(client), whole)) == 403
    assert not (await Post.get(id=post.id)).deleted
    assert (await client.request_json("DELETE", path)).status_code == 200
    assert (await Post.get(id=post.id)).deleted


async def test_json_body_cut_off_after_a_valid_header_token_is_400_not_500(
    app: ASGIApp, client: Client
) -> None:
    tree = await make_tree()
    await make_person(tree.committee, username="cutadmin", role="org_admin")
    await client.login("cutadmin")
    token = await client.csrf()
    body = json.dumps({"name": "半截", "kind": "branch", "parent_id": tree.gb1.id}).encode()
    chunks: list[Message] = [
        {"type": "http.request", "body": body[:10], "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent = await _raw_call(
        app,
        "POST",
        "/api/v1/orgs",
        _cookie(client),
        chunks,
        content_type=b"application/json",
        extra=((b"x-csrf-token", token.encode()),),
    )
    assert _status(sent) == 400
    assert await _org_named("半截") is False


async def _org_named(name: str) -> bool:
    from forum.models import Org

    return await Org.filter(name=name).exists()


# --- finding 11: caching of personal data and attachments ------------------------------


async def test_personal_pages_and_audit_csv_are_no_store(client: Client) -> None:
    tree = await make_tree()
    user = await make_person(tree.branch_a, username="privy", role="secretary")
    await client.login("privy")
    member_id = (await client.get("/api/v1/me")).json()["member_id"]
    for url in (
        "/me",
        "/members",
        f"/members/{member_id}",
        f"/members/{member_id}/edit",
        "/moderation/audit.csv",
        "/api/v1/me",
        "/api/v1/members",
        f"/api/v1/members/{member_id}",
    ):
        response = await client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response.headers.get("cache-control") == "no-store", url
    assert user.id > 0


async def test_attachment_is_revalidated_and_access_rechecked_on_every_view(
    client: Client,
) -> None:
    world = await make_world()
    author = world.users["full"]
    topic = await start_topic(world.branch, author)
    image = await upload(world.branch, author, "图.png", png())
    post = await reply_to(topic, author, f"![图](/attachments/{image.id}/a.png)")
    await client.login("full2")
    url = f"/attachments/{image.id}/图.png"
    first = await client.get(url)
    assert first.status_code == 200
    assert first.headers["cache-control"] == "private, no-cache"
    etag = first.headers["etag"]
    assert etag == f'"{image.sha256}"'
    again = await client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert (await client.get(url, headers={"If-None-Match": '"other"'})).status_code == 200
    # The post is hidden: the cached copy is not confirmed, the file is gone for the reader.
    await Post.filter(id=post.id).update(hidden=True)
    assert (await client.get(url, headers={"If-None-Match": etag})).status_code == 404


# --- finding 12: CSP and the feed's charset --------------------------------------------


async def test_csp_narrows_websockets_to_the_allowed_origins_and_images_to_self(
    client: Client,
) -> None:
    csp = (await client.get("/login")).headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["connect-src"] == "'self' ws://127.0.0.1 ws://testserver"
    assert directives["img-src"] == "'self'"
    assert not re.search(r" (ws|wss|https):(;| |$)", csp)  # no bare scheme: any host


def test_csp_maps_each_allowed_origin_to_its_websocket_origin() -> None:
    csp = content_security_policy(
        ["https://dj.example.cn", "http://127.0.0.1:8000", "HTTPS://Upper.Example", "ftp://x", "x"]
    )
    connect = next(d for d in csp.split("; ") if d.startswith("connect-src"))
    assert connect == (
        "connect-src 'self' ws://127.0.0.1:8000 wss://dj.example.cn wss://upper.example"
    )


async def test_disclosure_feed_declares_utf8(client: Client) -> None:
    response = await client.get("/disclosures/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"

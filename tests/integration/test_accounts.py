"""Accounts through HTTP: register, log in/out, passwords, CSRF, throttling, sessions."""

from __future__ import annotations

import pytest

from forum.models import AuthSession, User
from tests.factories import make_person, make_tree, make_user
from tests.helpers import Client


async def test_register_creates_account_with_argon2id_hash_and_logs_in(client: Client) -> None:
    response = await client.post_form(
        "/register",
        {
            "username": "王小明",
            "display_name": "小明",
            "password": "s3cret-pass",
            "password_confirm": "s3cret-pass",
        },
    )
    assert response.status_code == 303
    user = await User.get(username="王小明")
    assert user.password_hash.startswith("$argon2id$")
    assert "s3cret-pass" not in user.password_hash
    me = (await client.get("/api/v1/me")).json()
    assert me["authenticated"] and me["display_name"] == "小明" and me["status"] == "public"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "a"}, "2-32"),
        ({"username": "x" * 100}, "32"),
        ({"username": "bad name!"}, "只能包含"),
        ({"username": "admin"}, "保留"),
        ({"display_name": ""}, "显示名称"),
        ({"display_name": "名" * 40}, "32"),
        ({"display_name": "a\u202eb"}, "控制字符"),
        ({"password": "short", "password_confirm": "short"}, "至少"),
        ({"password_confirm": "different-pass"}, "不一致"),
    ],
)
async def test_register_rejects_bad_input_with_message_and_writes_nothing(
    client: Client, fields: dict[str, str], message: str
) -> None:
    data = {
        "username": "newbie",
        "display_name": "新人",
        "password": "long-enough",
        "password_confirm": "long-enough",
    }
    data.update(fields)
    response = await client.post_form("/register", data)
    assert response.status_code == 400
    assert message in response.text
    assert await User.all().count() == 0


async def test_register_duplicate_username_case_insensitive(client: Client) -> None:
    await make_user("Li")
    response = await client.post_form(
        "/register",
        {
            "username": "li",
            "display_name": "李",
            "password": "long-enough",
            "password_confirm": "long-enough",
        },
    )
    assert response.status_code == 400 and "已被注册" in response.text
    assert await User.all().count() == 1


async def test_login_wrong_password_is_400_with_generic_message(client: Client) -> None:
    await make_user("zhao")
    response = await client.post_form("/login", {"username": "zhao", "password": "wrong"})
    assert response.status_code == 400
    assert "用户名或密码错误" in response.text
    assert await AuthSession.all().count() == 0


async def test_login_throttled_after_five_failures_per_account(
    client: Client, other_client: Client
) -> None:
    await make_user("qian")
    for _ in range(5):
        assert (
            await client.post_form("/login", {"username": "qian", "password": "nope"})
        ).status_code == 400
    blocked = await client.post_form(
        "/login", {"username": "qian", "password": "demo-password-2026"}
    )
    assert blocked.status_code == 429
    assert "登录失败次数过多" in blocked.text
    assert int(blocked.headers["Retry-After"]) > 0
    # Another client (same loopback IP in tests) hits the IP limit as well; the account
    # limit alone would also refuse it. Either way no session was created.
    again = await other_client.post_form(
        "/login", {"username": "qian", "password": "demo-password-2026"}
    )
    assert again.status_code == 429
    assert await AuthSession.all().count() == 0


async def test_login_throttled_per_ip_across_accounts_after_100_failures(client: Client) -> None:
    # An office behind one NAT address mistypes far less than this; a guessing run far more.
    await make_user("a6")
    for n in range(99):
        await client.post_form("/login", {"username": f"a{n}x", "password": "nope"})
    assert (
        await client.post_form("/login", {"username": "a6", "password": "wrong"})
    ).status_code == 400
    response = await client.post_form(
        "/login", {"username": "a6", "password": "demo-password-2026"}
    )
    assert response.status_code == 429 and "该网络的登录失败次数过多" in response.text


async def test_api_login_throttle_answers_json(client: Client) -> None:
    await make_user("sun")
    for _ in range(5):
        await client.post_form("/login", {"username": "sun", "password": "nope"})
    response = await client.get("/api/v1/me")
    assert response.status_code == 200  # reads are not throttled


async def test_form_post_without_csrf_token_is_403_and_changes_nothing(client: Client) -> None:
    await client.get("/login")  # a session exists, but the token is not sent
    response = await client.http.post(
        "/register",
        data={
            "username": "csrfvictim",
            "display_name": "x",
            "password": "long-enough",
            "password_confirm": "long-enough",
        },
    )
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert await User.all().count() == 0


async def test_json_post_with_wrong_csrf_header_is_403_json(client: Client) -> None:
    await client.csrf()
    response = await client.http.post(
        "/api/v1/orgs",
        json={"name": "x", "kind": "committee", "parent_id": None},
        headers={"X-CSRF-Token": "forged"},
    )
    assert response.status_code == 403
    assert response.json()["status"] == 403


async def test_multipart_form_carries_csrf_token(client: Client) -> None:
    token = await client.csrf()
    response = await client.http.post(
        "/register",
        data={
            "csrf_token": token,
            "username": "multi",
            "display_name": "多",
            "password": "long-enough",
            "password_confirm": "long-enough",
        },
        files={"unused": ("a.txt", b"hello")},
    )
    assert response.status_code == 303
    assert await User.filter(username="multi").exists()


async def test_session_cookie_is_httponly_and_samesite_lax(client: Client) -> None:
    await make_user("zhou")
    response = await client.post_form(
        "/login", {"username": "zhou", "password": "demo-password-2026"}
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


async def test_logout_revokes_server_side_session(client: Client) -> None:
    await make_user("wu")
    await client.login("wu")
    cookies = dict(client.http.cookies)
    await client.logout()
    assert await AuthSession.filter(revoked_at__isnull=True).count() == 0
    # Replaying the old cookie does not bring the login back.
    client.http.cookies.clear()
    client.http.cookies.update(cookies)
    assert (await client.get("/api/v1/me")).json()["authenticated"] is False


async def test_change_password_requires_current_and_revokes_other_sessions(
    client: Client, other_client: Client
) -> None:
    await make_user("zheng")
    await client.login("zheng")
    await other_client.login("zheng")
    bad = await client.post_form(
        "/me/password",
        {
            "current_password": "wrong",
            "password": "new-password-1",
            "password_confirm": "new-password-1",
        },
    )
    assert bad.status_code == 400 and "当前密码不正确" in bad.text
    ok = await client.post_form(
        "/me/password",
        {
            "current_password": "demo-password-2026",
            "password": "new-password-1",
            "password_confirm": "new-password-1",
        },
    )
    assert ok.status_code == 303
    assert (await client.get("/api/v1/me")).json()["authenticated"] is True
    assert (await other_client.get("/api/v1/me")).json()["authenticated"] is False
    await client.logout()
    await client.login("zheng", "new-password-1")


async def test_next_parameter_cannot_redirect_off_site(client: Client) -> None:
    await make_user("feng")
    response = await client.post_form(
        "/login", {"username": "feng", "password": "demo-password-2026", "next": "//evil.example/x"}
    )
    assert response.headers["location"] == "/"


async def test_profile_shows_member_status_and_roles(client: Client) -> None:
    tree = await make_tree()
    await make_person(tree.branch_a, "probationary", username="chen", role="publicity_member")
    await client.login("chen")
    page = await client.get("/me")
    assert "预备党员" in page.text and "宣传委员" in page.text and "甲支部" in page.text


async def test_update_display_name_validates(client: Client) -> None:
    await make_user("han")
    await client.login("han")
    assert (await client.post_form("/me", {"display_name": "韩梅梅"})).status_code == 303
    assert (await User.get(username="han")).display_name == "韩梅梅"
    bad = await client.post_form("/me", {"display_name": "   "})
    assert bad.status_code == 400 and "显示名称" in bad.text
    assert (await User.get(username="han")).display_name == "韩梅梅"


async def test_oversized_body_is_413(client: Client) -> None:
    response = await client.post_form(
        "/login", {"username": "x" * (3 * 1024 * 1024), "password": "y"}
    )
    assert response.status_code == 413


async def test_error_pages_are_chinese(client: Client) -> None:
    response = await client.get("/no/such/page")
    assert response.status_code == 404 and "页面不存在" in response.text
    api = await client.get("/api/v1/orgs/999999")
    assert api.status_code == 404 and api.json()["status"] == 404


async def test_security_headers_present(client: Client) -> None:
    response = await client.get("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"

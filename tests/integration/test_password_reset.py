"""Password reset by e-mail through a real SMTP server: the link works once, expires, and the
request answers the same for unknown accounts."""

from __future__ import annotations

import re
import time

import itsdangerous.timed
import pytest

from forum.accounts import reset
from forum.auditlog import AuditEntry
from forum.models import AuthSession, User
from forum.outbox import worker
from forum.outbox.models import OutboxMessage
from forum.settings import Settings
from tests.factories import Tree, make_person
from tests.helpers import Client
from tests.outbox_fixtures import *  # noqa: F403 - the smtp, sms and outbox_settings fixtures
from tests.outbox_servers import SmtpSink

LINK = re.compile(r"http://testserver(/password/reset/[A-Za-z0-9_\-.]+)")
NEW = "a-new-password-123"


async def mailed_link(smtp: SmtpSink, settings: Settings) -> str:
    await worker.drain("w-reset", settings)
    [mail] = smtp.messages()
    body = mail.get_body(("plain",))
    assert body is not None
    match = LINK.search(body.get_content())
    assert match is not None
    assert mail["List-Unsubscribe"] is None  # a requested message, not a subscription
    return match.group(1)


async def test_a_member_resets_the_password_once_through_the_mailed_link(
    tree: Tree, client: Client, other_client: Client, smtp: SmtpSink, outbox_settings: Settings
) -> None:
    user = await make_person(tree.branch_a, email="reset@example.org")
    await other_client.login(user.username)  # a session elsewhere, ended by the reset
    answer = await client.post_form("/password/forgot", {"who": user.username})
    assert answer.status_code == 303
    page = await client.get("/password/forgot")
    assert "我们已向其发送重置密码的链接" in page.text
    # A second request within ten minutes sends no second mail.
    await client.post_form("/password/forgot", {"who": "RESET@example.org"})
    assert await OutboxMessage.all().count() == 1
    path = await mailed_link(smtp, outbox_settings)

    form = await client.get(path)
    assert form.status_code == 200 and "设置新密码" in form.text
    mismatch = await client.post_form(path, {"password": NEW, "password_confirm": "other-123456"})
    assert mismatch.status_code == 400 and "两次输入的密码不一致" in mismatch.text
    ok = await client.post_form(path, {"password": NEW, "password_confirm": NEW})
    assert ok.status_code == 303 and ok.headers["location"] == "/login"
    assert await AuthSession.filter(user_id=user.id, revoked_at__isnull=True).count() == 0
    assert await AuditEntry.filter(action="account.password_reset").count() == 1
    client.forget_csrf()  # the session (and its CSRF token) was cleared
    assert (await client.login(user.username, NEW)).status_code == 303

    # Single use: the same link again is refused, the password unchanged.
    changed = (await User.get(id=user.id)).password_hash
    again = await client.get(path)
    assert again.status_code == 400 and "重置链接无效或已使用" in again.text
    reuse = await client.post_form(
        path, {"password": "third-pass-123", "password_confirm": "third-pass-123"}
    )
    assert reuse.status_code == 400
    assert (await User.get(id=user.id)).password_hash == changed
    other_client.forget_csrf()
    assert (await other_client.login(user.username, NEW)).status_code == 303


async def test_unknown_accounts_and_accounts_without_mail_get_the_same_answer(
    tree: Tree, client: Client
) -> None:
    nomail = await make_person(tree.branch_a, email="")
    for who in ("nobody-here", nomail.username, "ghost@example.org"):
        response = await client.post_form("/password/forgot", {"who": who})
        assert response.status_code == 303
        page = await client.get("/password/forgot")
        assert reset.ANSWER.format(minutes=30) in page.text
    assert await OutboxMessage.all().count() == 0
    empty = await client.post_form(
        "/password/forgot", {"who": " "}, headers={"Referer": "http://testserver/password/forgot"}
    )
    assert empty.status_code == 303
    assert "请填写用户名或邮箱" in (await client.get("/password/forgot")).text


async def test_an_expired_or_forged_link_is_refused(
    tree: Tree, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await make_person(tree.branch_a, email="late@example.org")
    real = time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - 31 * 60)
    old = reset.make_token(user)
    monkeypatch.setattr(itsdangerous.timed.time, "time", real)
    expired = await client.get(f"/password/reset/{old}")
    assert expired.status_code == 400 and "重置链接已过期" in expired.text
    fresh = reset.make_token(user)
    forged = await client.get(f"/password/reset/{fresh[:-3]}abc")
    assert forged.status_code == 400 and "重置链接无效" in forged.text
    post = await client.post_form(
        f"/password/reset/{old}", {"password": NEW, "password_confirm": NEW}
    )
    assert post.status_code == 400
    assert (await client.login(user.username)).status_code == 303  # the old password still works

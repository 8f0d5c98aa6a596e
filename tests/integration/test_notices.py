"""通知公告 with 回执 through HTTP, with the outbox delivering to real loopback servers: the
audience, the bell, e-mail and SMS per preferences, one-tap confirm, the receipts list, the
reminder, expiry, and every refusal."""

from __future__ import annotations

import datetime as dt

from forum.clock import utcnow, zone
from forum.notices.models import Notice, NoticeRecipient
from forum.notifications import Notification
from forum.outbox import prefs, worker
from forum.settings import Settings
from tests.factories import Tree, make_person
from tests.helpers import Client
from tests.outbox_fixtures import *  # noqa: F403 - the smtp, sms and outbox_settings fixtures
from tests.outbox_servers import SmsSink, SmtpSink

REFERER = {"Referer": "http://testserver/notices/new"}


def later(days: int) -> str:
    return (utcnow() + dt.timedelta(days=days)).astimezone(zone()).strftime("%Y-%m-%dT%H:%M")


async def publish(client: Client, org_id: int, **extra: str) -> int:
    form = {
        "org_id": str(org_id),
        "title": "关于开展主题党日活动的通知",
        "body": "请**按时**参加。",
        "requires_receipt": "1",
        "receipt_deadline": later(2),
        "expires_at": later(10),
        **extra,
    }
    response = await client.post_form("/notices", form, headers=REFERER)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/notices/"), location
    return int(location.rsplit("/", 1)[1])


async def test_a_notice_reaches_the_subtree_by_bell_email_and_sms_and_collects_receipts(
    tree: Tree,
    client: Client,
    other_client: Client,
    smtp: SmtpSink,
    sms: SmsSink,
    outbox_settings: Settings,
) -> None:
    secretary = await make_person(tree.branch_a, role="secretary", email="sec@example.org")
    mail = await make_person(tree.branch_a, email="mail@example.org", phone="13900000001")
    both = await make_person(tree.group_a1, email="both@example.org", phone="13900000002")
    quiet = await make_person(tree.branch_a, email="quiet@example.org", phone="13900000003")
    sibling = await make_person(tree.branch_b, email="sib@example.org", phone="13900000004")
    await prefs.set_choice(both.id, "notice.published", "sms", True)
    await prefs.set_choice(quiet.id, "notice.published", "email", False)

    await client.login(secretary.username)
    notice_id = await publish(client, tree.branch_a.id)
    notice = await Notice.get(id=notice_id)
    recipients = set(
        await NoticeRecipient.filter(notice_id=notice_id).values_list("user_id", flat=True)
    )
    assert {mail.id, both.id, quiet.id, secretary.id} <= recipients
    assert sibling.id not in recipients
    assert notice.recipient_count == len(recipients)
    # The bell: everyone but the publisher.
    belled = set(
        await Notification.filter(kind="notice.published").values_list("user_id", flat=True)
    )
    assert belled == recipients - {secretary.id}

    await worker.drain("w-n", outbox_settings)
    assert sorted(str(m["To"]) for m in smtp.messages()) == ["both@example.org", "mail@example.org"]
    [text] = [s for s in sms.messages()]
    assert text["to"] == "13900000002" and "关于开展主题党日活动的通知" in text["text"]

    # The member sees it on home and confirms in one tap.
    await other_client.login(mail.username)
    home = await other_client.get("/")
    assert "关于开展主题党日活动的通知" in home.text and "待确认回执" in home.text
    page = await other_client.get(f"/notices/{notice_id}")
    assert (
        page.status_code == 200 and "<strong>按时</strong>" in page.text and "确认收到" in page.text
    )
    assert (await other_client.post_form(f"/notices/{notice_id}/confirm")).status_code == 303
    again = await other_client.post_form(f"/notices/{notice_id}/confirm")
    assert again.status_code == 403 and "你已确认过此通知" in again.text
    assert (await other_client.get(f"/notices/{notice_id}/receipts")).status_code == 404
    assert (await other_client.post_form(f"/notices/{notice_id}/remind")).status_code == 403

    # The publisher sees who has and has not confirmed, and reminds the rest.
    receipts = await client.get(f"/notices/{notice_id}/receipts")
    assert receipts.status_code == 200
    pending_html = receipts.text.split('data-receipts="pending"')[1].split("</ul>")[0]
    confirmed_html = receipts.text.split('data-receipts="confirmed"')[1].split("</ul>")[0]
    assert mail.display_name in confirmed_html and mail.display_name not in pending_html
    assert both.display_name in pending_html and quiet.display_name in pending_html
    assert "139" not in receipts.text  # names only, no phone numbers
    reminded = await client.post_form(f"/notices/{notice_id}/remind", {"confirmed": "1"})
    assert reminded.status_code == 303
    await worker.drain("w-n", outbox_settings)
    reminders = {s["to"] for s in sms.messages() if "请确认通知回执" in s["text"]}
    assert reminders == {"13900000002", "13900000003"}  # the reminder defaults to SMS too
    assert "mail@example.org" not in {
        str(m["To"]) for m in smtp.messages() if "请确认通知回执" in str(m["Subject"])
    }
    assert (await Notice.get(id=notice_id)).confirmed_count == 1


async def test_refusals_and_expiry(tree: Tree, client: Client, other_client: Client) -> None:
    secretary = await make_person(tree.branch_a, role="secretary")
    sibling_admin = await make_person(tree.branch_b, role="secretary")
    member = await make_person(tree.branch_a)
    outsider = await make_person(tree.branch_b)
    await client.login(secretary.username)
    # Bad input: the form again, input kept, the message at the field.
    bad = await client.post_form(
        "/notices", {"org_id": str(tree.branch_a.id), "title": "", "body": "正文"}, headers=REFERER
    )
    assert bad.status_code == 303 and bad.headers["location"] == "/notices/new"
    form = await client.get("/notices/new")
    assert "请填写标题" in form.text and "正文</textarea>" in form.text
    past = await client.post_form(
        "/notices",
        {
            "org_id": str(tree.branch_a.id),
            "title": "t",
            "body": "b",
            "requires_receipt": "1",
            "receipt_deadline": "2000-01-01T10:00",
        },
        headers=REFERER,
    )
    assert past.status_code == 303
    assert "回执截止时间应晚于现在" in (await client.get("/notices/new")).text
    assert await Notice.all().count() == 0
    notice_id = await publish(client, tree.branch_a.id)

    await other_client.login(sibling_admin.username)
    refused = await other_client.post_form(
        "/notices", {"org_id": str(tree.branch_a.id), "title": "t", "body": "b"}
    )
    assert refused.status_code == 403
    assert (await other_client.get(f"/notices/{notice_id}")).status_code == 404
    assert (await other_client.get("/notices/new")).status_code == 200  # for its own branch
    other_client.forget_csrf()
    await other_client.http.post("/logout", data={"csrf_token": await other_client.csrf()})
    other_client.forget_csrf()
    await other_client.login(outsider.username)
    assert (await other_client.get(f"/notices/{notice_id}")).status_code == 404
    assert (await other_client.post_form(f"/notices/{notice_id}/confirm")).status_code == 404
    assert (await other_client.get("/notices/new")).status_code == 404

    # Expired: no confirmation, no reminder, gone from the member's list.
    await Notice.filter(id=notice_id).update(expires_at=utcnow() - dt.timedelta(minutes=1))
    other_client.forget_csrf()
    await other_client.http.post("/logout", data={"csrf_token": await other_client.csrf()})
    other_client.forget_csrf()
    await other_client.login(member.username)
    expired = await other_client.post_form(f"/notices/{notice_id}/confirm")
    assert expired.status_code == 403 and "通知已过期" in expired.text
    assert "关于开展主题党日活动的通知" not in (await other_client.get("/notices")).text
    assert (await client.post_form(f"/notices/{notice_id}/remind")).status_code == 403

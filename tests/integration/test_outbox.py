"""The outbox through real servers on loopback: e-mail to an aiosmtpd server, SMS to a local
HTTP provider; preferences, quiet hours, de-duplication, retries, the digest, unsubscribe,
the .ics of a meeting notice, and personal data kept out of the log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import icalendar
import pytest
from tortoise.transactions import in_transaction

from forum.clock import utcnow
from forum.models import User
from forum.outbox import ics, links, prefs, worker
from forum.outbox.models import (
    CANCELLED,
    DIGESTED,
    FAILED,
    HELD,
    QUEUED,
    DeliveryAttempt,
    DeliveryProfile,
    OutboxMessage,
)
from forum.outbox.queue import Letter, deliver
from forum.settings import Settings
from tests.factories import Tree, make_person
from tests.helpers import Client
from tests.outbox_fixtures import *  # noqa: F403 - the smtp, sms and outbox_settings fixtures
from tests.outbox_fixtures import aimed_at
from tests.outbox_servers import SmsSink, SmtpSink

BOTH = frozenset({"email", "sms"})


async def person(tree: Tree, n: int, **fields: object) -> User:
    return await make_person(
        tree.branch_a, email=f"p{n}@example.org", phone=f"1380000{n:04d}", **fields
    )


async def test_a_message_goes_by_email_and_sms_per_preferences(
    tree: Tree, smtp: SmtpSink, sms: SmsSink, outbox_settings: Settings
) -> None:
    both, mail_only, nothing = [await person(tree, n) for n in (1, 2, 3)]
    await prefs.set_choice(mail_only.id, "test.kind", "sms", False)
    await prefs.set_choice(nothing.id, "test.kind", "sms", False)
    await prefs.set_choice(nothing.id, "test.kind", "email", False)
    async with in_transaction():
        written = await deliver(
            [both.id, mail_only.id, nothing.id],
            "test.kind",
            "test:1",
            Letter(subject="关于召开组织生活会的通知", text="请按时参加。", url="/notices/1"),
            defaults=BOTH,
        )
    assert len(written) == 3
    tally = await worker.drain("w-test", outbox_settings)
    assert tally.sent == 3
    assert sorted(str(m["To"]) for m in smtp.messages()) == ["p1@example.org", "p2@example.org"]
    received = smtp.to("p1@example.org")[0]
    assert received["Subject"] == "关于召开组织生活会的通知"
    body = received.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "请按时参加。" in text and "http://testserver/notices/1" in text
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [(s["to"], s["text"]) for s in sms.messages()] == [
        ("13800000001", "【基层党建】关于召开组织生活会的通知 http://testserver/notices/1")
    ]
    # Once sent, the row keeps only the masked address.
    assert {m.address for m in await OutboxMessage.all()} == {
        "p***@example.org",
        "138****0001",
    }
    assert {a.outcome for a in await DeliveryAttempt.all()} == {"sent"}


async def test_the_same_key_twice_is_one_message(tree: Tree, outbox_settings: Settings) -> None:
    someone = await person(tree, 4)
    letter = Letter(subject="一次", text="只发一次")
    first = await deliver([someone.id], "test.kind", "same:1", letter, defaults=BOTH)
    again = await deliver([someone.id], "test.kind", "same:1", letter, defaults=BOTH)
    assert len(first) == 2 and again == []
    assert await OutboxMessage.all().count() == 2


async def test_a_member_without_a_usable_address_gets_nothing(tree: Tree) -> None:
    bad = await make_person(tree.branch_a, email="not-an-address", phone="12345")
    assert await deliver([bad.id], "test.kind", "bad:1", Letter("x", "y"), defaults=BOTH) == []


async def test_quiet_hours_delay_and_urgent_does_not(tree: Tree) -> None:
    someone = await person(tree, 5)
    now = utcnow().astimezone(dt.timezone(dt.timedelta(hours=8)))
    start = (now - dt.timedelta(hours=1)).hour * 60
    end = (now + dt.timedelta(hours=2)).hour * 60
    await DeliveryProfile.create(user_id=someone.id, quiet_start=start, quiet_end=end)
    [later] = await deliver([someone.id], "k", "q:1", Letter("a", "b"), defaults=frozenset({"sms"}))
    assert later.next_attempt_at > utcnow() + dt.timedelta(minutes=30)
    [now_row] = await deliver(
        [someone.id], "k", "q:2", Letter("a", "b"), defaults=frozenset({"sms"}), urgent=True
    )
    assert now_row.next_attempt_at <= utcnow()


async def test_the_smtp_server_down_means_retries_with_backoff_then_delivery(
    tree: Tree, smtp: SmtpSink, sms: SmsSink
) -> None:
    someone = await person(tree, 6)
    await deliver(
        [someone.id], "k", "down:1", Letter("稍后送达", "正文"), defaults=frozenset({"email"})
    )
    smtp.stop()
    settings = aimed_at(smtp, sms)
    first = await worker.drain("w-a", settings)
    assert first.retried == 1 and first.sent == 0
    row = await OutboxMessage.get(key=f"down:1:u{someone.id}:email")
    assert row.state == QUEUED and row.attempts == 1
    assert row.next_attempt_at > utcnow()  # backing off: not due now
    assert (await worker.drain("w-a", settings)).claimed == 0
    smtp.start()
    await OutboxMessage.filter(id=row.id).update(next_attempt_at=utcnow())
    assert (await worker.drain("w-a", settings)).sent == 1
    log = [a.outcome for a in await DeliveryAttempt.filter(message_id=row.id).order_by("number")]
    assert log == ["retry", "sent"]
    assert len(smtp.messages()) == 1


async def test_after_the_last_attempt_the_message_fails_and_keeps_only_the_masked_address(
    tree: Tree, smtp: SmtpSink, sms: SmsSink, caplog: pytest.LogCaptureFixture
) -> None:
    someone = await person(tree, 7)
    await deliver([someone.id], "k", "dead:1", Letter("s", "b"), defaults=BOTH)
    smtp.stop()
    sms.key = "another-key"  # the provider refuses our key: a permanent 401
    settings = aimed_at(smtp, dataclasses.replace(sms, key="wrong"), outbox_max_attempts=1)
    settings = dataclasses.replace(settings, sms_key="wrong")
    with caplog.at_level(logging.INFO, logger="forum.outbox"):
        tally = await worker.drain("w-b", settings)
    assert tally.failed == 2
    rows = await OutboxMessage.all().order_by("channel")
    assert [(r.channel, r.state, r.address) for r in rows] == [
        ("email", FAILED, "p***@example.org"),
        ("sms", FAILED, "138****0007"),
    ]
    assert "p7@example.org" not in caplog.text and "13800000007" not in caplog.text
    assert sms.refused_auth == 1


async def test_the_daily_digest_gathers_held_mail(
    tree: Tree, smtp: SmtpSink, outbox_settings: Settings
) -> None:
    someone = await person(tree, 8)
    await DeliveryProfile.create(user_id=someone.id, digest=True)
    for n in range(3):
        await deliver(
            [someone.id],
            "k",
            f"d:{n}",
            Letter(f"通知{n}", "正文", url=f"/x/{n}"),
            defaults=frozenset({"email"}),
        )
    assert await OutboxMessage.filter(state=HELD).count() == 3
    assert (await worker.drain("w-c", outbox_settings)).claimed == 0  # held, not sent
    assert await worker.build_digests() == 1
    assert await worker.build_digests() == 0  # idempotent
    await worker.drain("w-c", outbox_settings)
    [digest] = smtp.messages()
    assert digest["Subject"] == "每日摘要：3 条新消息"
    body = digest.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert all(f"通知{n}" in text and f"/x/{n}" in text for n in range(3))
    assert await OutboxMessage.filter(state=DIGESTED).count() == 3


async def test_one_click_unsubscribe_turns_the_kind_off_and_cancels_waiting_mail(
    tree: Tree, client: Client, smtp: SmtpSink, outbox_settings: Settings
) -> None:
    someone = await person(tree, 9)
    await deliver([someone.id], "k", "u:1", Letter("第一封", "b"), defaults=frozenset({"email"}))
    await worker.drain("w-d", outbox_settings)
    [first] = smtp.messages()
    url = str(first["List-Unsubscribe"]).strip("<>")
    path = url.removeprefix("http://testserver")
    await deliver([someone.id], "k", "u:2", Letter("第二封", "b"), defaults=frozenset({"email"}))
    page = await client.get(path)
    assert page.status_code == 200 and "确认退订" in page.text
    # RFC 8058: the mail client posts without a session or CSRF token.
    response = await client.http.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "已退订" in response.text
    assert (await OutboxMessage.get(key=f"u:2:u{someone.id}:email")).state == CANCELLED
    assert (
        await deliver([someone.id], "k", "u:3", Letter("c", "d"), defaults=frozenset({"email"}))
        == []
    )
    # A forged or altered token does nothing.
    forged = links.unsubscribe_token(someone.id, "k", "email")[:-2] + "xx"
    assert (await client.http.post(f"/unsubscribe/{forged}")).status_code == 404


async def test_a_meeting_notice_carries_an_ics_a_calendar_parser_accepts(
    tree: Tree, smtp: SmtpSink, outbox_settings: Settings
) -> None:
    someone = await person(tree, 10)
    start = dt.datetime(2026, 12, 20, 6, 30, tzinfo=dt.UTC)
    invite = ics.invitation(
        uid="meeting-7@grassroots",
        title="第一党支部2026年度组织生活会：对照检查，开展批评与自我批评；请准时参加",
        start=start,
        end=start + dt.timedelta(hours=2),
        location="党员活动室, 3楼",
        description="议程：\n1. 学习\n2. 讨论",
    )
    await deliver(
        [someone.id],
        "meeting.scheduled",
        "m:7",
        Letter("会议通知", "t", ics=invite),
        defaults=frozenset({"email"}),
    )
    await worker.drain("w-e", outbox_settings)
    [mail] = smtp.messages()
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event.decoded("DTSTART") == start
    assert str(event["LOCATION"]) == "党员活动室, 3楼"
    assert str(event["SUMMARY"]).startswith("第一党支部2026年度组织生活会：对照检查")
    assert str(event["DESCRIPTION"]) == "议程：\n1. 学习\n2. 讨论"


async def test_preferences_page_saves_channels_quiet_hours_and_digest(
    tree: Tree, client: Client
) -> None:
    someone = await person(tree, 11)
    await client.login(someone.username)
    page = await client.get("/notifications/settings")
    assert page.status_code == 200 and "免打扰" in page.text
    bad = await client.post_form(
        "/notifications/settings",
        {"quiet_start": "25:00", "quiet_end": "07:00", "kind": "mention"},
        headers={"Referer": "http://testserver/notifications/settings"},
    )
    assert bad.status_code == 303
    again = await client.get("/notifications/settings")
    assert "请按 22:00 的格式填写开始时间" in again.text and 'value="25:00"' in again.text
    assert not await DeliveryProfile.exists(user_id=someone.id)
    ok = await client.post_form(
        "/notifications/settings",
        {"quiet_start": "22:00", "quiet_end": "07:00", "digest": "1", "email": "mention"},
    )
    assert ok.status_code == 303
    profile = await DeliveryProfile.get(user_id=someone.id)
    assert (profile.quiet_start, profile.quiet_end, profile.digest) == (1320, 420, True)
    choices = await prefs.channel_choices(someone.id)
    assert choices[("mention", "email")] is True and choices[("mention", "sms")] is False


async def test_a_site_only_kind_goes_out_only_to_those_who_opted_in(
    tree: Tree, smtp: SmtpSink, outbox_settings: Settings
) -> None:
    from forum import notifications

    opted, other = await person(tree, 12), await person(tree, 13)
    await prefs.set_choice(opted.id, "mention", "email", True)
    async with in_transaction():
        await notifications.notify(
            [opted.id, other.id], "mention", text="张三 提到了你", url="/t/1"
        )
    await worker.drain("w-f", outbox_settings)
    assert [str(m["To"]) for m in smtp.messages()] == ["p12@example.org"]


async def test_scheduling_a_meeting_mails_the_roll_an_ics_a_calendar_accepts(
    tree: Tree, smtp: SmtpSink, outbox_settings: Settings
) -> None:
    """Through the meetings part's own action: the roll's e-mail copy of meeting.scheduled
    carries the invitation; the sibling branch's member hears nothing."""
    from realtime.meetings import actions as meetings
    from tests.factories import viewer_of

    secretary = await person(tree, 20, role="secretary")
    attendee = await person(tree, 21)
    outsider = await make_person(tree.branch_b, email="outsider@example.org")
    when = (utcnow() + dt.timedelta(days=2)).replace(microsecond=0)
    meeting = await meetings.schedule_meeting(
        await viewer_of(secretary),
        tree.branch_a,
        type="branch_plenary",
        title="第四季度支部党员大会",
        scheduled_at=when,
        location="党员活动室",
        agenda=["讨论接收预备党员"],
    )
    await worker.drain("w-m", outbox_settings)
    received = {str(m["To"]): m for m in smtp.messages()}
    assert "p21@example.org" in received and "outsider@example.org" not in received
    assert outsider.id  # on another branch's roll: nothing
    mail = received["p21@example.org"]
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    [event] = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    assert event.decoded("DTSTART") == when
    assert str(event["UID"]) == f"meeting-{meeting.id}@grassroots"
    assert str(event["LOCATION"]) == "党员活动室"
    assert attendee.id

"""在线学习 over HTTP: Range streaming, publishing, heartbeats, courses, quizzes, assignments,
学时 totals (党课 attendance through the meetings part), the development-file link and the
secretary's dashboard."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from forum import studyrecords
from forum.clock import utcnow
from forum.learning import actions, queries
from forum.learning.demo import VIDEO
from forum.learning.models import Assignment, CourseCompletion, Progress, Resource
from forum.models import Member
from forum.notifications import Notification
from realtime.meetings.models import CheckIn, Meeting
from tests.helpers import Client
from tests.integration.learning_fixtures import World, deadline, make_world, resource

SIZE = VIDEO.stat().st_size


@pytest.fixture
async def w(database: object) -> World:
    return await make_world()


class Clock:
    """The server's clock for heartbeats, moved by the test (the rules read server time)."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> dt.datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(actions, "utcnow", c)
    return c


# --- Range requests ----------------------------------------------------------------------


async def test_media_streams_with_range_requests(client: Client, w: World) -> None:
    await client.login("member_a")
    url = f"/learning/media/{w.ids['video_a']}"
    whole = await client.get(url)
    assert whole.status_code == 200
    assert whole.content == VIDEO.read_bytes()
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"] == "video/webm"
    etag = whole.headers["etag"]
    assert etag.startswith('"') and len(etag) == 66  # the content's sha256, quoted

    first = await client.get(url, headers={"Range": "bytes=0-99"})
    assert first.status_code == 206
    assert first.headers["content-range"] == f"bytes 0-99/{SIZE}"
    assert first.headers["content-length"] == "100"
    assert first.content == whole.content[:100]

    seek = await client.get(url, headers={"Range": f"bytes={SIZE // 2}-"})
    assert seek.status_code == 206
    assert seek.headers["content-range"] == f"bytes {SIZE // 2}-{SIZE - 1}/{SIZE}"
    assert seek.content == whole.content[SIZE // 2 :]

    tail = await client.get(url, headers={"Range": "bytes=-500"})
    assert tail.status_code == 206 and tail.content == whole.content[-500:]

    beyond = await client.get(url, headers={"Range": f"bytes={SIZE}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{SIZE}"

    for junk in ("bytes=abc", "items=0-5", "bytes=--3"):
        ignored = await client.get(url, headers={"Range": junk})
        assert ignored.status_code == 200, junk  # a malformed Range is ignored, not refused
        assert len(ignored.content) == SIZE

    cached = await client.get(url, headers={"If-None-Match": etag})
    assert cached.status_code == 304
    stale = await client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert stale.status_code == 200 and len(stale.content) == SIZE
    fresh = await client.get(url, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert fresh.status_code == 206 and len(fresh.content) == 10
    head = await client.http.head(url, headers={"Range": "bytes=0-9"})
    assert head.status_code == 206 and head.content == b""


async def test_media_follows_the_resource_visibility(client: Client, w: World) -> None:
    url = f"/learning/media/{w.ids['video_a']}"
    assert (await client.get(url)).status_code == 404  # anonymous
    await client.login("member_b")
    assert (await client.get(url, headers={"Range": "bytes=0-9"})).status_code == 404
    await client.logout()
    await client.login("publisher")
    assert (await client.get(url)).status_code == 200


# --- publishing --------------------------------------------------------------------------


async def test_publish_draft_then_approve_over_http(
    client: Client, other_client: Client, w: World
) -> None:
    await client.login("publisher")
    form = {
        "org_id": str(w.ids["org_a"]),
        "kind": "article",
        "title": "新文章",
        "body": "# 标题\n\n<script>x</script>正文",
    }
    r = await client.http.post(
        "/learning/new", data={"csrf_token": await client.csrf(), **form}, files={"file": ("", b"")}
    )
    assert r.status_code == 303, r.text
    rid = int(r.headers["location"].rsplit("/", 1)[1])
    item = await Resource.get(id=rid)
    assert item.state == "draft" and "<script>" not in item.body_html and "<h1>" in item.body_html
    await other_client.login("member_a")
    assert (await other_client.get(f"/learning/r/{rid}")).status_code == 404
    assert (await client.post_form(f"/learning/r/{rid}/approve")).status_code == 403
    assert (await client.post_form(f"/learning/r/{rid}/submit")).status_code == 303
    await client.logout()
    await client.login("secretary")
    page = await client.get(f"/learning/r/{rid}")
    assert "审批发布" in page.text
    assert (await client.post_form(f"/learning/r/{rid}/approve")).status_code == 303
    assert (await Resource.get(id=rid)).state == "published"
    assert (await other_client.get(f"/learning/r/{rid}")).status_code == 200
    notes = await Notification.filter(
        user_id=w.users["publisher"].id, kind="learning.published", url=f"/learning/r/{rid}"
    )
    assert len(notes) == 1


async def test_upload_type_comes_from_the_bytes(client: Client, w: World) -> None:
    await client.login("publisher")
    data = {
        "csrf_token": await client.csrf(),
        "org_id": str(w.ids["org_a"]),
        "kind": "video",
        "title": "假视频",
        "duration_minutes": "3",
    }
    r = await client.http.post(
        "/learning/new",
        data=data,
        files={"file": ("a.mp4", b"<html>not a video</html>", "video/mp4")},
    )
    assert r.status_code == 400
    assert "不支持的文件类型" in r.text
    assert not await Resource.filter(title="假视频").exists()


async def test_library_tabs_and_scope(client: Client, w: World) -> None:
    await client.login("member_b")
    page = (await client.get("/learning")).text
    assert "党委文章" in page and "乙支部文章" in page
    assert "甲支部文章" not in page and "草稿文章" not in page
    await client.logout()
    await client.login("member_a")
    for tab in ("latest", "hot", "required"):
        assert (await client.get(f"/learning?tab={tab}")).status_code == 200
    page = (await client.get("/learning")).text
    assert "甲支部文章" in page and "党委文章" in page and "乙支部文章" not in page
    api = (await client.get("/api/v1/learning/resources")).json()["items"]
    assert {"甲支部文章", "党委文章"} <= {i["title"] for i in api}
    assert "乙支部文章" not in {i["title"] for i in api}


async def test_search_finds_visible_resources_only(client: Client, w: World) -> None:
    await client.login("member_b")
    page = (await client.get("/search?q=支部文章&part=learning")).text
    assert f'href="/learning/r/{w.ids["article_b"]}"' in page
    assert f'href="/learning/r/{w.ids["article_a"]}"' not in page


# --- heartbeats --------------------------------------------------------------------------


async def _beat(client: Client, rid: int, **body: Any) -> dict[str, Any]:
    r = await client.post_json(
        f"/api/v1/learning/resources/{rid}/beat",
        {"tab": "t1", "visible": True, "active": True, "position": 0, **body},
    )
    assert r.status_code == 200, r.text
    return r.json()


async def test_watching_resumes_and_completes(client: Client, w: World, clock: Clock) -> None:
    await client.login("member_a")
    rid = w.ids["video_a"]
    assert (await _beat(client, rid, position=0))["reason"] == "first"
    clock.tick(5)
    assert (await _beat(client, rid, position=5))["counted_seconds"] == 5
    page = (await client.get(f"/learning/r/{rid}")).text
    assert 'data-position="5.0"' in page  # the page resumes here
    clock.tick(300)  # left the page: the next beat only restarts the clock
    out = await _beat(client, rid, position=5)
    assert out["reason"] == "gap" and out["counted_seconds"] == 35  # capped interval
    for pos in (10, 12):
        clock.tick(5)
        out = await _beat(client, rid, position=pos)
    assert out["completed"] is True


async def test_two_tabs_never_count_twice(client: Client, w: World, clock: Clock) -> None:
    await client.login("member_a")
    rid = w.ids["article_a"]
    await _beat(client, rid, tab="one")
    for _ in range(4):
        clock.tick(1)
        assert (await _beat(client, rid, tab="two"))["reason"] == "other_tab"
        clock.tick(4)
        await _beat(client, rid, tab="one")
    p = await Progress.get(user_id=w.users["member_a"].id, resource_id=rid)
    assert p.counted_seconds == 20


async def test_hidden_tab_counts_nothing(client: Client, w: World, clock: Clock) -> None:
    await client.login("member_a")
    rid = w.ids["article_a"]
    await _beat(client, rid)
    for _ in range(5):
        clock.tick(15)
        assert (await _beat(client, rid, visible=False))["added"] == 0
    clock.tick(15)
    assert (await _beat(client, rid, active=False))["reason"] == "idle"
    assert (
        await Progress.get(user_id=w.users["member_a"].id, resource_id=rid)
    ).counted_seconds == 0


async def test_skipping_to_the_end_does_not_complete(
    client: Client, w: World, clock: Clock
) -> None:
    pub = await w.v("publisher")
    long = await resource(
        w, "publisher", "video", media=VIDEO.read_bytes(), duration_seconds="600", title="长视频"
    )
    assert pub.user_id
    await client.login("member_a")
    await _beat(client, long.id, position=0)
    for _ in range(3):
        clock.tick(15)
        out = await _beat(client, long.id, position=599)
    assert out["completed"] is False and out["furthest"] < 100 and out["position"] == 599


async def test_bad_heartbeats_are_refused(client: Client, w: World) -> None:
    await client.login("member_a")
    url = f"/api/v1/learning/resources/{w.ids['article_a']}/beat"
    for body in (
        {"tab": "", "position": 0},
        {"tab": "x", "position": -1},
        {"tab": "x", "position": "1"},
        {"tab": "x" * 41, "position": 0},
        {"tab": "x", "position": 0, "page": True},
    ):
        r = await client.post_json(url, {"visible": True, "active": True, **body})
        assert r.status_code == 400, body
        assert "error" in r.json()
    r = await client.http.post(url, json={"tab": "x", "position": 0})  # no CSRF header
    assert r.status_code == 403
    await client.logout()
    await client.login("member_b")
    assert (
        await client.post_json(url, {"tab": "x", "position": 0, "visible": True, "active": True})
    ).status_code == 404


# --- quiz, completion, 学时 -----------------------------------------------------------------


async def _finish(client: Client, rid: int, clock: Clock, length: int) -> None:
    await _beat(client, rid, position=0)
    pos = 0
    while True:
        clock.tick(15)
        pos = min(length, pos + 15)
        if (await _beat(client, rid, position=pos))["completed"]:
            return


async def _take_quiz(client: Client, cid: int, answer: str) -> Any:
    r = await client.post_form(f"/learning/c/{cid}/quiz")
    assert r.status_code == 303, r.text
    paper_url = r.headers["location"]
    paper = await client.get(paper_url)
    assert paper.status_code == 200
    from forum.learning.models import QuizAttempt

    attempt = await QuizAttempt.get(id=int(paper_url.rsplit("/", 1)[1]))
    form = {f"q{q}": answer for q in attempt.question_ids}
    return await client.post_form(paper_url, form)


async def test_course_quiz_and_hours(client: Client, w: World, clock: Clock) -> None:
    await client.login("member_a")
    cid = w.ids["course_a"]
    await _finish(client, w.ids["article_a"], clock, 600)
    await _finish(client, w.ids["video_a"], clock, 12)
    user = w.users["member_a"].id
    assert not await CourseCompletion.exists(user_id=user, course_id=cid)  # quiz not passed
    assert (await _take_quiz(client, cid, "1")).status_code == 303  # all wrong
    assert not await CourseCompletion.exists(user_id=user, course_id=cid)
    assert (await _take_quiz(client, cid, "0")).status_code == 303  # all right
    done = await CourseCompletion.get(user_id=user, course_id=cid)
    assert done.hours_tenths == 20
    r = await client.post_form(f"/learning/c/{cid}/quiz")
    assert r.status_code == 403  # passed: no more attempts
    me = (await client.get("/api/v1/learning/me")).json()
    assert me["online_hours"] == 2.0 and me["required_hours"] == 32
    page = (await client.get("/learning/me")).text
    assert "2.0" in page and "32" in page


async def test_attempts_are_limited(client: Client, w: World) -> None:
    await client.login("member_a")
    cid = w.ids["course_a"]
    for _ in range(2):
        await _take_quiz(client, cid, "1")
    assert (await client.post_form(f"/learning/c/{cid}/quiz")).status_code == 403


async def test_party_lecture_attendance_counts_hours(w: World) -> None:
    member = await Member.get(user_id=w.users["member_a"].id)
    start = utcnow().replace(hour=1, minute=0, second=0, microsecond=0)
    lecture = await Meeting.create(
        org_id=w.ids["org_a"],
        org_path=w.tree.branch_a.path,
        type="party_lecture",
        title="专题党课",
        status="archived",
        scheduled_at=start,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=90),
    )
    other = await Meeting.create(
        org_id=w.ids["org_a"],
        org_path=w.tree.branch_a.path,
        type="branch_plenary",
        title="党员大会",
        status="archived",
        scheduled_at=start,
    )
    for m in (lecture, other):
        await CheckIn.create(meeting_id=m.id, member_id=member.id)
    hours = (await queries.hours_for([member], start.year))[member.id]
    assert hours.organized_tenths == 20  # 90 minutes = 2 学时 of 45 minutes
    assert hours.items == [("党课", "专题党课", 20)]
    assert not hours.met and hours.required == 32
    assert (await queries.hours_for([member], start.year - 1))[member.id].total_tenths == 0


async def test_secretaries_owe_56_hours(w: World) -> None:
    secretary = await Member.get(user_id=w.users["secretary"].id)
    member = await Member.get(user_id=w.users["member_a"].id)
    hours = await queries.hours_for([secretary, member], utcnow().year)
    assert hours[secretary.id].required == 56 and hours[member.id].required == 32


async def test_completed_training_lands_in_the_development_file(
    client: Client, w: World, clock: Clock
) -> None:
    from tests.integration.learning_fixtures import course

    article = await Resource.get(id=w.ids["article_b"])  # not in A's subtree: refused
    with pytest.raises(Exception):  # noqa: B017
        await course(w, [(article, 10)], training=True, title="不该成功")
    notice = await resource(w, "publisher", title="发展对象培训须知")
    training = await course(
        w, [(notice, 240)], training=True, questions=1, title="发展对象集中培训"
    )
    activist = await Member.get(user_id=w.users["activist_a"].id)
    assert await studyrecords.completed_training(activist.id) == []
    await client.login("activist_a")
    await _finish(client, notice.id, clock, 600)
    await _take_quiz(client, training.id, "0")
    records = await studyrecords.completed_training(activist.id)
    assert [(t.title, t.hours_tenths) for t in records] == [("发展对象集中培训", 240)]


# --- assignments, reminders, dashboard -----------------------------------------------------


async def test_assignment_reaches_statuses_and_named_members(client: Client, w: World) -> None:
    await client.login("secretary")
    form = {
        "org_id": str(w.ids["org_a"]),
        "target": f"c:{w.ids['course_a']}",
        "statuses": "activist",
        "deadline": deadline(2),
    }
    assert (await client.post_form("/learning/assign", form)).status_code == 303
    named = {
        "org_id": str(w.ids["org_a"]),
        "target": f"r:{w.ids['article_a']}",
        "scope": "named",
        "usernames": "member_a",
        "deadline": deadline(20),
    }
    assert (await client.post_form("/learning/assign", named)).status_code == 303
    outsider = {**named, "usernames": "member_b"}
    r = await client.post_form(
        "/learning/assign", outsider, headers={"Referer": "http://testserver/learning/dashboard"}
    )
    assert r.status_code == 303 and r.headers["location"] == "/learning/dashboard"
    assert await Assignment.all().count() == 2
    await client.logout()
    await client.login("activist_a")
    assert "党章课程" in (await client.get("/learning/me")).text
    assert "党章课程" in (await client.get("/")).text  # the home section
    assert await Notification.filter(
        user_id=w.users["activist_a"].id, kind="learning.assigned"
    ).exists()
    await client.logout()
    await client.login("member_a")
    me = (await client.get("/learning/me")).text
    assert "甲支部文章" in me and "党章课程" not in me
    await client.logout()
    await client.login("member_b")
    assert "甲支部文章" not in (await client.get("/learning/me")).text
    sent = await actions.remind_due()
    assert sent == 1  # the activist: the course is due in two days; the article in 20
    assert await actions.remind_due() == 0  # once per assignment
    assert await Notification.filter(
        user_id=w.users["activist_a"].id, kind="learning.reminder"
    ).exists()


async def test_dashboard_and_export(client: Client, w: World, clock: Clock) -> None:
    await client.login("secretary")
    form = {
        "org_id": str(w.ids["org_a"]),
        "target": f"r:{w.ids['article_a']}",
        "deadline": deadline(5),
    }
    assert (await client.post_form("/learning/assign", form)).status_code == 303
    await client.logout()
    await client.login("member_a")
    await _finish(client, w.ids["article_a"], clock, 600)
    await client.logout()
    await client.login("secretary")
    page = await client.get(f"/learning/dashboard?org={w.ids['org_a']}")
    assert page.status_code == 200
    assert "必学完成情况" in page.text and "1 / " in page.text and "<svg" in page.text
    xlsx = await client.get(f"/learning/dashboard.xlsx?org={w.ids['org_a']}")
    assert xlsx.status_code == 200
    assert "filename*=UTF-8''" in xlsx.headers["content-disposition"]
    assert "%E5%AD%A6%E4%B9%A0%E7%BB%9F%E8%AE%A1" in xlsx.headers["content-disposition"]  # 学习统计
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["学时统计", "必学完成情况"]
    member = await Member.get(user_id=w.users["member_a"].id)
    names = [row[0].value for row in book["学时统计"].iter_rows(min_row=2)]
    assert member.name in names
    assert (await client.get(f"/learning/member/{member.id}")).status_code == 200
    assert (await client.get(f"/learning/dashboard?org={w.ids['org_b']}")).status_code == 403


async def test_development_workflow_can_require_training(
    client: Client, w: World, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from forum.errors import ActionError
    from forum.members import approvals
    from forum.settings import get_settings
    from tests.integration.learning_fixtures import course

    strict = dataclasses.replace(get_settings(), development_training_hours=24)
    monkeypatch.setattr(approvals, "get_settings", lambda: strict)
    target = await Member.get(user_id=w.users["activist_a"].id).select_related("org")
    await Member.filter(id=target.id).update(
        status="development_target", development_target_at=dt.date(2026, 1, 5)
    )
    target = await Member.get(id=target.id).select_related("org")
    secretary = await w.v("secretary")
    with pytest.raises(ActionError, match="须完成发展对象培训（不少于 24 学时），已完成 0 学时"):
        await approvals.check_propose(secretary, target, "admission", vote_id=1)
    notice = await resource(w, "publisher", title="培训须知")
    training = await course(
        w, [(notice, 240)], training=True, questions=1, title="发展对象集中培训"
    )
    await client.login("activist_a")
    await _finish(client, notice.id, clock, 600)
    await _take_quiz(client, training.id, "0")
    # The training check passed: the next rule (the plenary's vote) speaks.
    with pytest.raises(ActionError, match="找不到本支部党员大会的该项表决"):
        await approvals.check_propose(secretary, target, "admission", vote_id=1)
    await client.logout()
    await client.login("secretary")
    record = await client.get(f"/members/{target.id}")
    assert record.status_code == 200
    assert "培训记录" in record.text and "发展对象集中培训：24.0 学时" in record.text

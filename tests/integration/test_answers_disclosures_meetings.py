"""Every action answers (forum.answers) in the disclosures and meetings parts, through real
forms without JS: a message after each step, a refused form back in place with its input and
the message at the field, and a confirmation before an irreversible step."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from forum.answers import KeptForm
from realtime.meetings.models import Meeting, MeetingMessage
from realtime.meetings.verbs import VERBS
from tests.helpers import Client
from tests.integration.meetings_fixtures import live_plenary, make_branch
from tests.integration.transparency_fixtures import (
    CHECKLIST,
    World,
    category,
    draft,
    make_world,
    publish_through,
)
from transparency import actions
from transparency.models import Disclosure

BASE = "http://testserver"

pytestmark = pytest.mark.usefixtures("database")


@pytest.fixture
async def w(database) -> World:  # type: ignore[no-untyped-def]
    return await make_world()


def _flashes(page: str) -> str:
    match = re.search(r'<div class="flashes" data-flashes>(.*?)</div>\s*</div>', page, re.S)
    assert match, "every page has the flash regions"
    return match.group(1)


def _local(delta: dt.timedelta) -> str:
    when = (dt.datetime.now(dt.UTC) + delta).astimezone(dt.timezone(dt.timedelta(hours=8)))
    return when.strftime("%Y-%m-%dT%H:%M")


async def _then(client: Client, response_location: str) -> str:
    return _flashes((await client.get(response_location)).text)


# ---- disclosures -----------------------------------------------------------------------------


async def test_disclosure_steps_say_what_they_did_after_the_redirect(
    w: World, client: Client
) -> None:
    await client.login("publisher")
    cat = await category()
    created = await client.post_form(
        "/disclosures/new",
        {
            "org": str(w.tree.branch_a.id),
            "title": "党费收缴情况",
            "category": str(cat.id),
            "scope": "org_subtree",
            "body": "正文",
        },
    )
    assert created.status_code == 303
    item_url = created.headers["location"]
    assert "草稿「党费收缴情况」已保存" in await _then(client, item_url)
    proposed = await client.post_form(item_url + "/propose")
    assert proposed.status_code == 303 and proposed.headers["location"] == item_url
    region = await _then(client, item_url)
    assert "已提出，等待保密审查" in region
    # Shown once.
    assert "已提出" not in await _then(client, item_url)


async def test_an_unticked_secrecy_checklist_comes_back_in_place(w: World, client: Client) -> None:
    d = await actions.propose_disclosure(await w.v("publisher"), await draft(w))
    await client.login("secretary")
    item_url = f"/disclosures/{d.id}"
    refused = await client.post_form(
        item_url + "/review",
        {"_form": "review", "checklist": CHECKLIST[:1], "note": "意见<b>保留</b>"},
        headers={"referer": BASE + item_url},
    )
    assert refused.status_code == 303 and refused.headers["location"] == item_url
    page = (await client.get(item_url)).text
    # The message at the field, linked from the summary; the ticked box and the note kept.
    assert re.search(r'<p class="field-error" id="checklist-error">请逐项确认保密审查清单', page)
    assert '<fieldset id="checklist" aria-invalid="true"' in page
    assert '<a href="#checklist">请逐项确认保密审查清单' in _flashes(page)
    assert f'value="{CHECKLIST[0]}" checked>' in page
    assert f'value="{CHECKLIST[1]}" checked>' not in page
    assert 'value="意见&lt;b&gt;保留&lt;/b&gt;"' in page
    assert (await Disclosure.get(id=d.id)).state == "proposed"
    # Shown once: the next visit is the plain form again.
    again = (await client.get(item_url)).text
    assert "checklist-error" not in again and "意见&lt;b&gt;" not in again
    ok = await client.post_form(item_url + "/review", {"checklist": CHECKLIST})
    assert "保密审查已通过" in await _then(client, ok.headers["location"])


async def test_a_refused_draft_form_shows_the_message_at_the_field_it_re_renders(
    w: World, client: Client
) -> None:
    await client.login("publisher")
    cat = await category()
    response = await client.post_form(
        "/disclosures/new",
        {
            "org": str(w.tree.branch_a.id),
            "title": "标题保留",
            "category": str(cat.id),
            "scope": "targeted",
            "body": "正文保留",
        },
        headers={"referer": BASE + "/disclosures/new"},
    )
    assert response.status_code == 400
    page = response.text
    assert '<p class="field-error" id="targets-error">定向公开需要指定' in page
    assert 'value="标题保留"' in page and ">正文保留</textarea>" in page
    assert 'value="targeted" checked required>' in page
    assert 'value="org_subtree" checked' not in page
    assert await Disclosure.all().count() == 0
    assert await KeptForm.all().count() == 0  # re-rendered in place: nothing stored


async def test_publishing_and_withdrawing_ask_first_and_are_refused_before_asking(
    w: World, client: Client
) -> None:
    d = await draft(w)
    d = await actions.propose_disclosure(await w.v("publisher"), d)
    d = await actions.review_disclosure(await w.v("secretary"), d, CHECKLIST)
    d = await actions.approve_disclosure(await w.v("secretary"), d)
    item_url = f"/disclosures/{d.id}"
    await client.login("publisher")
    page = (await client.get(item_url)).text
    assert f'action="{item_url}/publish" data-confirm="发布后内容不能修改' in page
    asked = await client.post_form(item_url + "/publish")
    assert asked.status_code == 200 and "确定发布" in asked.text
    assert '<input type="hidden" name="confirmed" value="1">' in asked.text
    assert (await Disclosure.get(id=d.id)).state == "approved"
    published = await client.post_form(item_url + "/publish", {"confirmed": "1"})
    assert published.status_code == 303
    assert (await Disclosure.get(id=d.id)).state == "published"
    assert f"已发布「{d.title}」" in await _then(client, item_url)

    # The publisher may not withdraw: refused (403) before any question is asked.
    forbidden = await client.post_form(item_url + "/withdraw", {"reason": "数据有误"})
    assert forbidden.status_code == 403 and 'name="confirmed"' not in forbidden.text
    await client.logout()
    await client.login("secretary")
    short = await client.post_form(item_url + "/withdraw", {"reason": "x"})
    assert short.status_code == 400 and 'name="confirmed"' not in short.text
    asked = await client.post_form(item_url + "/withdraw", {"reason": "数据有误待核"})
    assert asked.status_code == 200 and "确定撤回" in asked.text
    assert '<input type="hidden" name="reason" value="数据有误待核">' in asked.text
    assert (await Disclosure.get(id=d.id)).state == "published"
    done = await client.post_form(
        item_url + "/withdraw", {"reason": "数据有误待核", "confirmed": "1"}
    )
    assert (await Disclosure.get(id=d.id)).state == "withdrawn"
    assert "已撤回" in await _then(client, done.headers["location"])


async def test_feedback_and_its_answer_say_so_and_a_refused_answer_stays_at_its_form(
    w: World, client: Client
) -> None:
    d = await publish_through(w, await draft(w))
    await client.login("member_a")
    item_url = f"/disclosures/{d.id}"
    sent = await client.post_form(item_url + "/feedback", {"body": "请问党费标准？"})
    assert "反馈已提交" in await _then(client, sent.headers["location"])
    await client.logout()
    await client.login("secretary")
    fb_id = (await client.get(item_url)).text.split('id="feedback-', 1)[1].split('"', 1)[0]
    refused = await client.post_form(
        f"{item_url}/feedback/{fb_id}/answer",
        {"_form": f"answer-{fb_id}", "answer": "", "public": "1"},
        headers={"referer": BASE + item_url},
    )
    assert refused.status_code == 303
    page = (await client.get(item_url)).text
    assert '<p class="field-error" id="answer-error">请填写答复内容</p>' in page
    assert 'id="answer" name="answer"' in page
    answered = await client.post_form(
        f"{item_url}/feedback/{fb_id}/answer", {"answer": "按月收入比例缴纳。", "public": "1"}
    )
    assert "答复已保存，并与本事项一同公开" in await _then(client, answered.headers["location"])


# ---- meetings --------------------------------------------------------------------------------


async def test_scheduling_a_meeting_says_so_after_the_redirect(client: Client) -> None:
    branch = await make_branch(voters=3)
    org = branch.tree.branch_a
    await client.login(branch.secretary.username)
    response = await client.post_form(
        f"/orgs/{org.id}/meetings",
        {
            "type": "branch_plenary",
            "title": "十二月支部党员大会",
            "scheduled_at": _local(dt.timedelta(days=1)),
            "publish": "1",
        },
    )
    assert response.status_code == 303
    region = await _then(client, response.headers["location"])
    assert "已安排「十二月支部党员大会」" in region and "会议通知已发给应到人员" in region


@pytest.mark.parametrize(
    ("when", "message"),
    [(_local(-dt.timedelta(days=1)), "会议时间不能早于现在"), ("明天上午", "请填写有效的会议时间")],
)
async def test_a_bad_meeting_date_comes_back_in_place_with_the_input(
    client: Client, when: str, message: str
) -> None:
    branch = await make_branch(voters=3)
    org = branch.tree.branch_a
    await client.login(branch.secretary.username)
    form_url = f"/orgs/{org.id}/meetings/new"
    refused = await client.post_form(
        f"/orgs/{org.id}/meetings",
        {
            "type": "branch_plenary",
            "title": "标题<保留>",
            "scheduled_at": when,
            "location": "党员活动室",
            "agenda": "学习文件\n讨论",
        },
        headers={"referer": BASE + form_url},
    )
    assert refused.status_code == 400
    page = refused.text
    assert f'<p class="field-error" id="scheduled_at-error">{message}</p>' in page
    assert 'name="scheduled_at" required value="' in page
    assert 'aria-invalid="true" aria-describedby="scheduled_at-error"' in page
    assert f'<a href="#scheduled_at">{message}</a>' in _flashes(page)
    assert 'value="标题&lt;保留&gt;"' in page and 'value="党员活动室"' in page
    assert ">学习文件\n讨论</textarea>" in page
    # The unticked notice box stays unticked.
    assert 'name="publish" value="1" checked' not in page
    assert not await Meeting.filter(title="标题<保留>").exists()


async def test_meeting_verbs_posted_as_forms_say_what_they_did(
    client: Client, other_client: Client
) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    room = f"/meetings/{meeting.id}"
    await other_client.login(branch.voters[1].username)
    checked = await other_client.post_form(room + "/check_in")
    assert checked.status_code == 303
    assert "签到成功" in await _then(other_client, checked.headers["location"])
    hand = await other_client.post_form(room + "/raise_hand")
    assert "已举手" in await _then(other_client, hand.headers["location"])
    await client.login(branch.secretary.username)
    locked = await client.post_form(room + "/lock", {"locked": "1"})
    assert "讨论已锁定" in await _then(client, locked.headers["location"])
    opened = await client.post_form(room + "/lock", {"locked": "0"})
    assert "讨论已开放" in await _then(client, opened.headers["location"])
    created = await client.post_form(room + "/create_vote", {"kind": "motion", "title": "议题"})
    assert created.headers["location"] == room + "#votes"
    assert "表决已创建" in await _then(client, created.headers["location"])


async def test_ending_a_meeting_asks_first_and_changes_nothing_until_confirmed(
    client: Client, other_client: Client
) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    room = f"/meetings/{meeting.id}"
    # A member may not end it: refused before any question is asked.
    await other_client.login(branch.voters[1].username)
    forbidden = await other_client.post_form(room + "/end")
    assert forbidden.status_code == 403 and 'name="confirmed"' not in forbidden.text
    await client.login(branch.secretary.username)
    asked = await client.post_form(room + "/end")
    assert asked.status_code == 200
    assert "确定结束会议" in asked.text and ">结束会议</button>" in asked.text
    assert f'action="{room}/end"' in asked.text
    assert '<input type="hidden" name="confirmed" value="1">' in asked.text
    assert (await Meeting.get(id=meeting.id)).status == "live"
    ended = await client.post_form(room + "/end", {"confirmed": "1"})
    assert ended.status_code == 303
    assert (await Meeting.get(id=meeting.id)).status == "ended"
    assert "会议已结束，会议记录已生成" in await _then(client, ended.headers["location"])

    # 归档纪要 the same way, from the minutes page that marks its form.
    minutes = (await client.get(room + "/minutes")).text
    assert f'data-confirm="{VERBS["archive"].confirm}"' in minutes
    asked = await client.post_form(room + "/archive")
    assert asked.status_code == 200 and "确定归档" in asked.text
    assert (await Meeting.get(id=meeting.id)).status == "ended"
    archived = await client.post_form(room + "/archive", {"confirmed": "1"})
    assert archived.headers["location"] == room + "/minutes"
    assert "会议记录已归档" in await _then(client, archived.headers["location"])


async def _room_with_a_message(client: Client) -> tuple[Meeting, str]:
    """A live plenary whose secretary (logged in on `client`) has checked in and spoken."""
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    room = f"/meetings/{meeting.id}"
    await client.login(branch.secretary.username)
    await client.post_form(room + "/check_in")
    await client.post_form(room + "/message", {"body": "一条发言"})
    return meeting, room


async def test_removing_a_message_is_checked_then_asked(client: Client) -> None:
    meeting, room = await _room_with_a_message(client)
    missing = await client.post_form(room + "/remove_message", {"number": "99"})
    assert missing.status_code == 404  # nothing to remove: no question
    asked = await client.post_form(room + "/remove_message", {"number": "1", "reason": "离题"})
    assert asked.status_code == 200 and "确定移除" in asked.text
    assert not (await MeetingMessage.get(meeting_id=meeting.id, number=1)).removed
    removed = await client.post_form(
        room + "/remove_message", {"number": "1", "reason": "离题", "confirmed": "1"}
    )
    assert (await MeetingMessage.get(meeting_id=meeting.id, number=1)).removed
    assert "发言已移除" in await _then(client, removed.headers["location"])


def test_the_verb_table_says_every_html_verb_s_message_and_its_questions() -> None:
    # Every verb a form can post answers with a message (the heartbeat is no form).
    assert [name for name, verb in VERBS.items() if not verb.done and name != "here"] == []
    asked = {name for name, verb in VERBS.items() if verb.confirm}
    assert asked == {"end", "archive", "close_vote", "remove_message"}
    assert all(VERBS[name].check is not None for name in asked)


async def test_the_room_marks_every_form_of_an_asking_verb_for_the_dialog(client: Client) -> None:
    """With JS the room's forms go over the socket, which does not ask: the page asks, in the
    dialog app.js opens for a form marked `data-confirm` with the verb's own question."""
    _, room = await _room_with_a_message(client)
    await client.post_form(room + "/create_vote", {"kind": "motion", "title": "一项表决"})
    page = (await client.get(room)).text
    vote_id = re.search(r'name="vote_id" value="(\d+)"', page)
    assert vote_id is not None
    await client.post_form(room + "/open_vote", {"vote_id": vote_id.group(1)})
    page = (await client.get(room)).text
    forms = re.findall(rf'<form[^>]*action="{room}/(\w+)"[^>]*>', page)
    assert {"end", "close_vote", "remove_message"} <= set(forms)
    for verb in ("end", "close_vote", "remove_message"):
        tag = re.search(rf'<form[^>]*action="{room}/{verb}"[^>]*>', page)
        assert tag is not None
        assert f'data-confirm="{VERBS[verb].confirm}"' in tag.group(0), verb
        assert f'data-confirm-label="{VERBS[verb].confirm_label}"' in tag.group(0), verb

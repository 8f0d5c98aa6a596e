"""我的待办 (/todo, /api/v1/todo, /api/v1/todo/count): one list of what waits for the
viewer from every part, within each part's policy, each item linking to a page that answers
the viewer; the list empties as the work is done."""

from __future__ import annotations

import re

from forum.boards.models import Post
from forum.demo import DEMO_ACCOUNTS, seed_demo
from forum.models import User
from forum.todo import SOURCES
from realtime.meetings import actions
from tests.helpers import Client
from tests.integration.meetings_fixtures import live_plenary, make_branch, v

ITEM_RE = re.compile(r'<li class="todo-item[^"]*">\s*<a href="([^"]+)">')


async def _counts(client: Client) -> dict[str, int]:
    response = await client.get("/api/v1/todo/count")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    body = response.json()
    assert body["total"] == sum(body["by_source"].values())
    return dict(body["by_source"])


async def test_every_part_declares_its_sources() -> None:
    assert {
        "meetings.votes",
        "disclosures.work",
        "moderation.reviews",
        "members.transfers",
        "members.conversions",
        "members.approvals",
        "tasks.answer",
        "tasks.review",
        "reviews.round",
        "notices.receipts",
        "affairs.queue",
        "learning.assignments",
    } <= set(SOURCES.keys())


async def test_anonymous_has_no_todo_list(client: Client) -> None:
    assert (await client.get("/todo")).status_code == 404
    for url in ("/api/v1/todo", "/api/v1/todo/count"):
        response = await client.get(url)
        assert response.status_code in {401, 403}, url
        assert "error" in response.json()


async def test_demo_accounts_see_their_own_work_and_every_link_answers(client: Client) -> None:
    assert await seed_demo(progress=lambda _: None) is not None
    seen: dict[str, dict[str, int]] = {}
    for key, *_ in DEMO_ACCOUNTS:
        await client.login(key)
        counts = await _counts(client)
        seen[key] = counts
        listing = (await client.get("/api/v1/todo")).json()
        assert {g["key"]: g["count"] for g in listing["groups"]} == counts, key
        page = await client.get("/todo")
        assert page.status_code == 200
        hrefs = ITEM_RE.findall(page.text)
        api_hrefs = [i["href"] for g in listing["groups"] for i in g["items"]]
        assert hrefs == api_hrefs, key
        if not counts:
            assert "没有等待您办理的事项" in page.text, key
        # Every link leads to a page the viewer may open (no 404 behind a to-do).
        for href in dict.fromkeys(h.split("#")[0] for h in hrefs):
            assert (await client.get(href)).status_code == 200, (key, href)
        await client.logout()
    # Ordinary members have nothing to approve; branch leaders see their branch's work and
    # the committee sees more than one branch's.
    leaders_work = {
        "disclosures.work",
        "moderation.reviews",
        "members.transfers",
        "members.conversions",
        "members.approvals",
        "tasks.review",
        "affairs.queue",
    }
    for key in ("full_member", "probationary", "applicant", "visitor", "floating"):
        assert not set(seen[key]) & leaders_work, (key, seen[key])
    assert seen["visitor"] == {}  # an account with no member record is asked for nothing
    assert seen["secretary"].get("members.conversions", 0) > 0
    assert seen["committee_admin"]["members.conversions"] > seen["secretary"]["members.conversions"]
    assert seen["committee_admin"]["members.transfers"] > seen["sibling_secretary"].get(
        "members.transfers", 0
    )
    # The sibling branch's secretary sees none of the first branch's conversions.
    assert (
        seen["sibling_secretary"].get("members.conversions", 0)
        < (seen["committee_admin"]["members.conversions"])
    )


async def test_an_open_vote_waits_for_each_voter_until_cast(client: Client) -> None:
    branch = await make_branch(voters=4)
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    vote = await actions.create_vote(host, meeting, kind="motion", title="关于支部工作计划的表决")
    voter = branch.voters[1]
    await client.login(voter.username)
    assert "meetings.votes" not in await _counts(client)  # unpublished: nobody is asked yet
    await actions.open_vote(host, meeting, vote)
    assert (await _counts(client))["meetings.votes"] == 1
    page = (await client.get("/todo")).text
    assert "表决：关于支部工作计划的表决" in page
    assert f'href="/meetings/{meeting.id}"' in page
    await client.logout()
    # A member of the sibling branch and a floating guest have no vote to cast here.
    for outsider in (branch.outsider, branch.floating_guest):
        await client.login(outsider.username)
        assert "meetings.votes" not in await _counts(client)
        await client.logout()
    # Casting the ballot takes it off the list.
    actor = await v(voter)
    await actions.check_in(actor, meeting)
    await actions.cast_ballot(actor, meeting, vote, choice="yes")
    await client.login(voter.username)
    assert "meetings.votes" not in await _counts(client)
    await client.logout()


async def test_a_flag_waits_for_the_moderator_until_decided(client: Client) -> None:
    assert await seed_demo(progress=lambda _: None) is not None
    await client.login("moderator")
    before = (await _counts(client)).get("moderation.reviews", 0)
    await client.logout()
    member = await User.get(username="full_member")
    post = await Post.filter(hidden=False).exclude(author_id=member.id).order_by("id").first()
    assert post is not None
    await client.login("full_member")
    flagged = await client.post_json(
        "/api/v1/moderation/flags",
        {"kind": "post", "target_id": post.id, "reason": "spam", "text": "广告"},
    )
    assert flagged.status_code == 201, flagged.text
    await client.logout()
    await client.login("moderator")
    assert (await _counts(client))["moderation.reviews"] == before + 1
    listing = (await client.get("/api/v1/todo")).json()
    group = next(g for g in listing["groups"] if g["key"] == "moderation.reviews")
    item_id = int(group["items"][-1]["href"].rsplit("#item-", 1)[1])
    decided = await client.post_json(
        f"/api/v1/moderation/review/{item_id}", {"decision": "dismiss", "reason": "未违规"}
    )
    assert decided.status_code == 200, decided.text
    assert (await _counts(client)).get("moderation.reviews", 0) == before
    await client.logout()

"""民主评议 through HTTP in a small branch: the secretary opens the round, members write 自评
and 互评, hand in the secret 测评表, the secretary closes the rating, sees only counts,
decides the grades within the 1/3 rule, and records 组织处置 for 不合格. Nobody can learn who
rated whom: no row, answer or audit entry links a rater to a grade or to the member rated."""

from __future__ import annotations

from dataclasses import dataclass

import pytest_asyncio
from tortoise import Tortoise

from forum.auditlog import AuditEntry
from forum.models import User
from forum.notifications import Notification
from forum.reviews.models import PeerComment, RatingSheet, RatingTally, ReviewRound, ReviewSubject
from tests.factories import Tree, make_person, make_tree
from tests.helpers import Client

BASE = "http://testserver"


@dataclass
class Branch:
    tree: Tree
    secretary: User
    full: list[User]
    probationary: User
    outsider: User


@pytest_asyncio.fixture(loop_scope="session")
async def branch() -> Branch:
    tree = await make_tree()
    c = tree.branch_c
    return Branch(
        tree,
        await make_person(c, "full", role="secretary"),
        [await make_person(c, "full") for _ in range(3)],
        await make_person(c, "probationary"),
        await make_person(tree.branch_a, "full"),
    )


async def _open(client: Client, b: Branch) -> ReviewRound:
    await client.login(b.secretary.username)
    opened = await client.post_form("/reviews", {"org_id": str(b.tree.branch_c.id)})
    assert opened.status_code == 303, opened.text
    round_ = await ReviewRound.get(org_id=b.tree.branch_c.id)
    assert opened.headers["location"] == f"/reviews/{round_.id}"
    assert "已开始" in (await client.get(opened.headers["location"])).text
    await client.logout()
    return round_


async def _subjects(round_: ReviewRound) -> dict[int, ReviewSubject]:
    return {s.user_id or 0: s for s in await ReviewSubject.filter(round_id=round_.id)}


async def _sheet(client: Client, round_: ReviewRound, grades: dict[int, str]) -> int:
    data = {f"grade_{sid}": grade for sid, grade in grades.items()}
    return (
        await client.post_form(f"/reviews/{round_.id}/rate", {**data, "confirmed": "1"})
    ).status_code


async def test_a_whole_round_in_a_small_branch(client: Client, branch: Branch) -> None:
    b = branch
    round_ = await _open(client, b)
    subjects = await _subjects(round_)
    # Full and probationary members are reviewed; all five heard of it but the secretary.
    assert round_.subjects == 5 and len(subjects) == 5
    told = await Notification.filter(kind="review").values_list("user_id", flat=True)
    assert sorted(told) == sorted(u.id for u in [*b.full, b.probationary])
    # A second round in the same year is refused.
    await client.login(b.secretary.username)
    again = await client.post_json("/api/v1/reviews/0", None)  # not a route for POST
    assert again.status_code in {404, 405}
    twice = await client.post_form("/reviews", {"org_id": str(b.tree.branch_c.id)})
    assert twice.status_code == 409
    await client.logout()

    first, second, third = b.full
    me, other = subjects[first.id], subjects[second.id]
    await client.login(first.username)
    saved = await client.post_form(
        f"/reviews/{round_.id}/self", {"self_review": "认真学习，按时交纳党费。"}
    )
    assert saved.status_code == 303
    peer = await client.post_form(f"/reviews/{round_.id}/peer/{other.id}", {"body": "工作积极。"})
    assert peer.status_code == 303
    own = await client.post_form(
        f"/reviews/{round_.id}/peer/{me.id}",
        {"_form": f"peer-{me.id}", "body": "我很好"},
        headers={"referer": f"{BASE}/reviews/{round_.id}"},
    )
    assert own.status_code == 303
    assert "自己的请写在自评中" in (await client.get(f"/reviews/{round_.id}")).text
    assert await PeerComment.filter(subject_id=me.id).count() == 0
    # An incomplete sheet is refused and writes nothing.
    partial = {s.id: "qualified" for uid, s in subjects.items() if uid not in {first.id, second.id}}
    assert await _sheet(client, round_, partial) == 400
    assert await RatingSheet.filter(round_id=round_.id).count() == 0
    await client.logout()

    # Every full member hands in one sheet about everyone else.
    raters = [b.secretary, *b.full]
    plan = {
        b.secretary.id: "excellent",
        first.id: "excellent",
        second.id: "qualified",
        third.id: "unqualified",
        b.probationary.id: "basically",
    }
    for rater in raters:
        await client.login(rater.username)
        grades = {s.id: plan[uid] for uid, s in subjects.items() if uid != rater.id}
        # Rating oneself is not possible: oneself is not on the sheet (a posted grade about
        # oneself is not read).
        sheet = (await client.get(f"/reviews/{round_.id}")).text
        assert f'name="grade_{subjects[rater.id].id}"' not in sheet
        assert f'name="grade_{next(iter(grades))}"' in sheet
        assert await _sheet(client, round_, grades) == 303
        assert await _sheet(client, round_, grades) in {403, 409}  # one sheet each
        api = (await client.get(f"/api/v1/reviews/{round_.id}")).json()
        assert api["rated"] is True
        assert all("tally" not in s for s in api["subjects"])  # nobody sees counts yet
        await client.logout()
    # The probationary member has no 表决权 and hands in no sheet.
    await client.login(b.probationary.username)
    assert await _sheet(client, round_, {s.id: "qualified" for s in subjects.values()}) == 403
    await client.logout()
    # Another branch's member cannot even see the round.
    await client.login(b.outsider.username)
    assert (await client.get(f"/reviews/{round_.id}")).status_code == 404
    await client.logout()

    await client.login(b.secretary.username)
    closed = await client.post_form(f"/reviews/{round_.id}/close", {"confirmed": "1"})
    assert closed.status_code == 303
    api = (await client.get(f"/api/v1/reviews/{round_.id}")).json()
    tally = {s["id"]: s["tally"] for s in api["subjects"]}
    # Each member got one grade from each other rater: 3 for the raters, 4 for the others.
    for uid, s in subjects.items():
        expected = 3 if uid in {r.id for r in raters} else 4
        assert tally[s.id] == {plan[uid]: expected}
    # The 1/3 rule: 5 reviewed, at most 1 优秀.
    decision = {s.id: plan[uid] for uid, s in subjects.items()}
    refused = await client.post_form(
        f"/reviews/{round_.id}/decide",
        {
            **{f"grade_{k}": v for k, v in decision.items()},
            "decided_by": "支部党员大会",
            "confirmed": "1",
        },
        headers={"referer": f"{BASE}/reviews/{round_.id}"},
    )
    assert refused.status_code == 303
    page = (await client.get(f"/reviews/{round_.id}")).text
    assert "参评 5 人，最多 1 人，现为 2 人" in page
    assert not await ReviewSubject.filter(round_id=round_.id).exclude(grade="").exists()
    decision[subjects[first.id].id] = "qualified"
    decided = await client.post_form(
        f"/reviews/{round_.id}/decide",
        {
            **{f"grade_{k}": v for k, v in decision.items()},
            "decided_by": "12月15日支部党员大会",
            "confirmed": "1",
        },
    )
    assert decided.status_code == 303
    grades = {s.user_id: s.grade for s in await ReviewSubject.filter(round_id=round_.id)}
    assert grades[third.id] == "unqualified" and grades[b.secretary.id] == "excellent"
    unqualified = subjects[third.id]
    dispose = await client.post_form(
        f"/reviews/{round_.id}/subjects/{unqualified.id}/disposal",
        {"disposal": "correct", "disposal_note": "限期三个月改正，支委会12月20日决定"},
    )
    assert dispose.status_code == 303
    await client.logout()
    assert (await ReviewSubject.get(id=unqualified.id)).disposal == "correct"
    assert await Notification.filter(user_id=third.id, text__contains="限期改正").exists()

    # The decided grade and the disposal go to the member's record (电子档案).
    await client.login(b.secretary.username)
    record = await client.get(f"/members/{unqualified.member_id}")
    assert f"{round_.year}年度民主评议：不合格（12月15日支部党员大会）" in record.text
    assert "组织处置：限期改正" in record.text
    await client.logout()

    # The member sees their own grade, never the counts.
    await client.login(third.username)
    own_page = (await client.get(f"/reviews/{round_.id}")).text
    assert "不合格" in own_page and "测评：" not in own_page
    await client.logout()


async def test_no_record_links_a_rater_to_a_grade(client: Client, branch: Branch) -> None:
    """The tables of the 测评 hold who handed in a sheet and counts, nothing that ties them."""
    conn = Tortoise.get_connection("default")
    for table, allowed in (
        ("review_rating_sheets", {"id", "round_id", "rater_member_id"}),
        ("review_rating_tallies", {"id", "subject_id", "grade", "count"}),
    ):
        if conn.capabilities.dialect == "sqlite":
            _, rows = await conn.execute_query(f"PRAGMA table_info({table})")
            columns = {r["name"] for r in rows}
        else:
            _, rows = await conn.execute_query(
                "SELECT column_name FROM information_schema.columns WHERE table_name = $1", [table]
            )
            columns = {r["column_name"] for r in rows}
        assert columns == allowed, table
    round_ = await _open(client, branch)
    subjects = await _subjects(round_)
    rater = branch.full[0]
    await client.login(rater.username)
    grades = {s.id: "qualified" for uid, s in subjects.items() if uid != rater.id}
    assert await _sheet(client, round_, grades) == 303
    await client.logout()
    entry = await AuditEntry.get(action="review.sheet_handed_in", target_id=str(round_.id))
    assert entry.before is None and entry.after is None and entry.reason == ""
    assert await RatingTally.filter(subject__round_id=round_.id).count() == len(grades)

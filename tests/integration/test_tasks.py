"""任务下达 through HTTP: a committee assigns a task to its branches, two branches answer, one
is returned with a reason and answers again, the committee accepts; every refusal answers
and writes nothing; the people concerned are notified, every step is audited, reminders go
out once before the deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest_asyncio

from forum.auditlog import AuditEntry
from forum.clock import today
from forum.models import User
from forum.notifications import Notification
from forum.tasks.actions import remind_due
from forum.tasks.models import Task, TaskAssignment
from tests.factories import Tree, make_person, make_tree
from tests.helpers import Client

BASE = "http://testserver"


@dataclass
class People:
    tree: Tree
    chief: User  # the committee's secretary
    a: User  # 甲支部 secretary
    b: User  # 乙支部 secretary
    c: User  # 丙支部 secretary
    outsider: User  # another committee's branch secretary
    member: User  # a member of 甲支部


@pytest_asyncio.fixture(loop_scope="session")
async def people() -> People:
    tree = await make_tree()
    return People(
        tree,
        await make_person(tree.committee, role="secretary"),
        await make_person(tree.branch_a, role="secretary"),
        await make_person(tree.branch_b, role="secretary"),
        await make_person(tree.branch_c, role="secretary"),
        await make_person(tree.branch_x, role="secretary"),
        await make_person(tree.branch_a),
    )


def _deadline(days: int = 7) -> str:
    return (today() + dt.timedelta(days=days)).isoformat()


async def _assign(client: Client, p: People, **fields: object) -> Task:
    await client.login(p.chief.username)
    data = {
        "org_id": p.tree.committee.id,
        "title": "报送专题组织生活会情况",
        "body": "请于期限前**报送**。",
        "deadline": _deadline(),
        "requires_submission": "1",
        "target": "level",
        "level": "branch",
        **fields,
    }
    response = await client.post_form("/tasks", data)
    assert response.status_code == 303, response.text
    task = await Task.filter(title=data["title"]).order_by("-id").first()
    assert task is not None
    assert response.headers["location"] == f"/tasks/{task.id}"
    assert "任务已下达给" in (await client.get(response.headers["location"])).text
    await client.logout()
    return task


async def _row(task: Task, org_id: int) -> TaskAssignment:
    return await TaskAssignment.get(task_id=task.id, receiver_org_id=org_id)


async def _todo(client: Client) -> dict[str, int]:
    return dict((await client.get("/api/v1/todo/count")).json()["by_source"])


async def test_assign_answer_return_and_accept(client: Client, people: People) -> None:
    p, tree = people, people.tree
    task = await _assign(client, p)
    rows = await TaskAssignment.filter(task_id=task.id).order_by("receiver_path")
    # Every branch below the committee, not the other committee's branch.
    assert {r.receiver_org_id for r in rows} == {
        tree.branch_a.id,
        tree.branch_b.id,
        tree.branch_c.id,
    }
    assert task.receivers == 3 and task.body_html.count("<strong>报送</strong>") == 1
    # The branches' secretaries were told; the assigning secretary was not.
    told = set(
        await Notification.filter(kind="task", subject=f"task:{task.id}").values_list(
            "user_id", flat=True
        )
    )
    assert told == {p.a.id, p.b.id, p.c.id}

    # 甲支部 answers: an empty answer comes back to the page with the message at the field.
    await client.login(p.a.username)
    assert (await _todo(client))["tasks.answer"] == 1
    row_a = await _row(task, tree.branch_a.id)
    page = f"/tasks/{task.id}"
    empty = await client.post_form(
        f"/tasks/{task.id}/assignments/{row_a.id}/submit",
        {"_form": f"answer-{row_a.id}", "answer": "  "},
        headers={"referer": BASE + page},
    )
    assert empty.status_code == 303 and empty.headers["location"] == page
    assert 'id="answer-error"' in (await client.get(page)).text
    assert (await _row(task, tree.branch_a.id)).state == "pending"
    sent = await client.post_form(
        f"/tasks/{task.id}/assignments/{row_a.id}/submit", {"answer": "已召开，查摆问题 3 条。"}
    )
    assert sent.status_code == 303
    assert "已提交办理情况" in (await client.get(sent.headers["location"])).text
    assert (await _row(task, tree.branch_a.id)).state == "submitted"
    assert "tasks.answer" not in await _todo(client)
    # A receiver sees its own answer, not the other branches'.
    api = (await client.get(f"/api/v1/tasks/{task.id}")).json()
    assert [a["receiver"] for a in api["assignments"]] == [tree.branch_a.name]
    await client.logout()

    await client.login(p.b.username)
    row_b = await _row(task, tree.branch_b.id)
    answered = await client.post_json(
        f"/api/v1/tasks/{task.id}/assignments/{row_b.id}", {"step": "submit", "answer": "已召开。"}
    )
    assert answered.status_code == 200 and answered.json()["state"] == "submitted"
    await client.logout()

    # The committee sees every receiver and decides.
    await client.login(p.chief.username)
    assert (await _todo(client))["tasks.review"] == 2
    detail = (await client.get(page)).text
    for org in (tree.branch_a, tree.branch_b, tree.branch_c):
        assert org.name in detail
    no_reason = await client.post_form(
        f"/tasks/{task.id}/assignments/{row_b.id}/return",
        {"_form": f"return-{row_b.id}", "reason": ""},
        headers={"referer": BASE + page},
    )
    assert no_reason.status_code == 303
    assert "退回时须填写原因" in (await client.get(page)).text
    assert (await _row(task, tree.branch_b.id)).state == "submitted"
    returned = await client.post_form(
        f"/tasks/{task.id}/assignments/{row_b.id}/return", {"reason": "请补充整改措施"}
    )
    assert returned.status_code == 303
    accepted = await client.post_form(f"/tasks/{task.id}/assignments/{row_a.id}/accept")
    assert accepted.status_code == 303
    assert "已验收" in (await client.get(accepted.headers["location"])).text
    assert (await Task.get(id=task.id)).accepted == 1
    # Accepted is final: no second decision.
    again = await client.post_json(
        f"/api/v1/tasks/{task.id}/assignments/{row_a.id}", {"step": "return", "reason": "x"}
    )
    assert again.status_code == 403
    # The committee manages the branches but never answers on their behalf.
    row_c = await _row(task, tree.branch_c.id)
    on_behalf = await client.post_json(
        f"/api/v1/tasks/{task.id}/assignments/{row_c.id}", {"step": "submit", "answer": "代报"}
    )
    assert on_behalf.status_code == 403
    assert (await _row(task, tree.branch_c.id)).state == "pending"
    await client.logout()

    # 乙支部 hears of the return, sees the reason and answers again.
    assert await Notification.filter(
        user_id=p.b.id, kind="task", text__contains="请补充整改措施"
    ).exists()
    await client.login(p.b.username)
    todo = (await client.get("/api/v1/todo")).json()
    group = next(g for g in todo["groups"] if g["key"] == "tasks.answer")
    assert group["items"][0]["title"].startswith("重新办理")
    assert "退回原因：请补充整改措施" in (await client.get(page)).text
    resent = await client.post_json(
        f"/api/v1/tasks/{task.id}/assignments/{row_b.id}",
        {"step": "submit", "answer": "已补充整改措施。"},
    )
    assert resent.status_code == 200 and resent.json()["state"] == "submitted"
    await client.logout()

    actions = await AuditEntry.filter(
        target_type__in=["task", "task_assignment"],
    ).values_list("action", flat=True)
    assert sorted(set(actions)) == [
        "task.accepted",
        "task.assigned",
        "task.returned",
        "task.submitted",
    ]


async def test_outsiders_see_nothing_and_change_nothing(client: Client, people: People) -> None:
    p = people
    task = await _assign(client, p, title="外人不可见的任务")
    row_a = await _row(task, p.tree.branch_a.id)
    for user in (p.outsider, p.member, p.b):
        await client.login(user.username)
        if user is not p.b:
            assert (await client.get(f"/tasks/{task.id}")).status_code == 404
            assert (await client.get(f"/api/v1/tasks/{task.id}")).status_code == 404
        # 乙支部 sees the task (it is a receiver) but 甲支部's row is not one it answers for.
        refused = await client.post_json(
            f"/api/v1/tasks/{task.id}/assignments/{row_a.id}", {"step": "submit", "answer": "x"}
        )
        assert refused.status_code == 404, user.username
        assert "tasks.answer" not in await _todo(client) or user is p.b
        await client.logout()
    assert (await _row(task, p.tree.branch_a.id)).state == "pending"
    # A member leads nothing: no form. Another committee's secretary leads only their own
    # branch: the committee is not theirs to assign from.
    for user in (p.member, p.outsider):
        await client.login(user.username)
        expected = 404 if user is p.member else 200
        assert (await client.get("/tasks/new")).status_code == expected
        refused = await client.post_json(
            "/api/v1/tasks",
            {
                "org_id": p.tree.committee.id,
                "title": "越权",
                "deadline": _deadline(),
                "target": "all",
            },
        )
        if user is p.member:
            assert refused.status_code == 403, refused.text
        else:
            assert refused.status_code == 400 and refused.json()["field"] == "org_id", refused.text
        await client.logout()
    assert not await Task.filter(title="越权").exists()


async def test_bad_input_is_refused_at_its_field(client: Client, people: People) -> None:
    p = people
    await client.login(p.chief.username)
    base = {
        "org_id": p.tree.committee.id,
        "title": "输入检查",
        "deadline": _deadline(),
        "target": "all",
    }
    cases = [
        ({"deadline": (today() - dt.timedelta(days=1)).isoformat()}, "deadline", "不能早于今天"),
        ({"deadline": "明天"}, "deadline", "完成期限"),
        ({"title": "  "}, "title", "任务名称"),
        ({"target": "orgs", "org_ids": [p.tree.branch_x.id]}, "org_ids", "本组织下属"),
        ({"target": "orgs", "org_ids": []}, "org_ids", "至少选择"),
        ({"target": "members", "usernames": f"{p.member.username} nobody"}, "usernames", "nobody"),
        ({"target": "members", "usernames": p.outsider.username}, "usernames", "不是本组织"),
        ({"target": "level", "level": "committee"}, "level", "层级"),
    ]
    for change, field, message in cases:
        response = await client.post_json("/api/v1/tasks", {**base, **change})
        assert response.status_code == 400, (change, response.text)
        body = response.json()
        assert body["field"] == field and message in body["error"], (change, body)
    assert not await Task.filter(title="输入检查").exists()
    # The HTML form comes back with the input kept.
    refused = await client.post_form(
        "/tasks",
        {**base, "title": "保留我的输入", "deadline": "2000-01-01"},
        headers={"referer": BASE + "/tasks/new"},
    )
    assert refused.status_code == 303 and refused.headers["location"] == "/tasks/new"
    form = (await client.get("/tasks/new")).text
    assert 'value="保留我的输入"' in form and 'id="deadline-error"' in form
    # Named members: each member receiver answers for themself.
    created = await client.post_json(
        "/api/v1/tasks",
        {
            **base,
            "title": "个人任务",
            "target": "members",
            "usernames": p.member.username,
            "requires_submission": False,
        },
    )
    assert created.status_code == 201, created.text
    await client.logout()
    task_id = created.json()["id"]
    row = await TaskAssignment.get(task_id=task_id)
    await client.login(p.member.username)
    assert (await _todo(client))["tasks.answer"] == 1
    done = await client.post_json(
        f"/api/v1/tasks/{task_id}/assignments/{row.id}", {"step": "complete"}
    )
    assert done.status_code == 200 and done.json()["state"] == "accepted"
    assert "tasks.answer" not in await _todo(client)
    await client.logout()
    assert (await Task.get(id=task_id)).accepted == 1


async def test_reminders_go_out_once_before_the_deadline(client: Client, people: People) -> None:
    p = people
    near = await _assign(client, p, title="两天内到期", deadline=_deadline(2))
    far = await _assign(client, p, title="一个月后到期", deadline=_deadline(30))
    row_a = await _row(near, p.tree.branch_a.id)
    await client.login(p.a.username)
    await client.post_form(f"/tasks/{near.id}/assignments/{row_a.id}/submit", {"answer": "已办"})
    await client.logout()
    reminded = await remind_due()
    # 乙 and 丙 still owe the near task; 甲 has answered; the far task is not due.
    assert reminded == 2
    texts = await Notification.filter(subject=f"task:{near.id}", text__contains="到期").values_list(
        "user_id", flat=True
    )
    assert sorted(texts) == sorted([p.b.id, p.c.id])
    assert await remind_due() == 0  # once
    assert not await Notification.filter(subject=f"task:{far.id}", text__contains="到期").exists()


async def test_files_go_with_the_task_and_each_answer(client: Client, people: People) -> None:
    """The task's files reach every receiver; a receiver's files reach the assigning side
    and not the other receivers; a disguised file is refused with nothing written."""
    from forum.tasks.models import TaskFile

    p, tree = people, people.tree
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    await client.login(p.chief.username)
    data = {
        "org_id": p.tree.committee.id,
        "title": "报送党员花名册",
        "body": "模板见附件。",
        "deadline": _deadline(),
        "requires_submission": "1",
        "target": "level",
        "level": "branch",
    }
    bad = await client.post_form(
        "/tasks", data, files=[("files", ("模板.pdf", b"<html>x</html>", "application/pdf"))]
    )
    assert bad.status_code == 400 and "模板.pdf" in bad.text
    assert not await Task.exists(title="报送党员花名册")
    made = await client.post_form(
        "/tasks", data, files=[("files", ("花名册模板.pdf", pdf, "application/pdf"))]
    )
    assert made.status_code == 303
    task = await Task.get(title="报送党员花名册")
    own = await TaskFile.get(task_id=task.id, assignment_id=None)
    await client.logout()

    await client.login(p.a.username)
    row_a = await _row(task, tree.branch_a.id)
    page = (await client.get(f"/tasks/{task.id}")).text
    assert "花名册模板.pdf" in page
    assert (await client.get(f"/tasks/{task.id}/files/{own.id}/x")).status_code == 200
    sent = await client.post_form(
        f"/tasks/{task.id}/assignments/{row_a.id}/submit",
        {"answer": "见附件。"},
        files=[("files", ("甲支部花名册.pdf", pdf, "application/pdf"))],
    )
    assert sent.status_code == 303
    answer_file = await TaskFile.get(task_id=task.id, assignment_id=row_a.id)
    url = f"/tasks/{task.id}/files/{answer_file.id}/x"
    assert (await client.get(url)).status_code == 200
    await client.logout()

    await client.login(p.b.username)  # another receiver: the task's file, not 甲's answer
    assert (await client.get(f"/tasks/{task.id}/files/{own.id}/x")).status_code == 200
    assert (await client.get(url)).status_code == 404
    await client.logout()
    await client.login(p.outsider.username)
    assert (await client.get(f"/tasks/{task.id}/files/{own.id}/x")).status_code == 404
    await client.logout()
    await client.login(p.chief.username)
    assert "甲支部花名册.pdf" in (await client.get(f"/tasks/{task.id}")).text
    got = await client.get(url)
    assert got.status_code == 200 and got.content == pdf
    await client.logout()

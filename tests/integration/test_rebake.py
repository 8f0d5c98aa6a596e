"""`forum rebake` re-renders every stored Markdown body of an older markup version: board
posts, meeting messages, minutes and their corrections, disclosures, their revisions and
feedback (each part declares its tables with a `Rebake`)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from tortoise.models import Model

from forum import markup, rebake
from forum.boards.models import Post
from forum.clock import today
from forum.learning.models import Resource
from forum.notices.models import Notice
from forum.tasks import actions as task_actions
from forum.tasks.models import Task, TaskAssignment
from realtime.meetings.models import MeetingMessage, Minutes, MinutesCorrection
from tests import boards_helpers
from tests.conftest import DATABASE_URL
from tests.factories import make_person, viewer_of
from tests.integration import meetings_fixtures, transparency_fixtures
from transparency.models import Disclosure, DisclosureRevision, Feedback

SOURCE = "我的意见如下：\n- 第一条\n- 第二条\n\n请 @张三 看 https://www.12371.cn"
OLD = markup.VERSION - 1


async def _rows_of_every_kind() -> dict[type[Model], list[int]]:
    """Rows in every table with rendered Markdown (one minutes per meeting, two or more
    of the others), made to look rendered by version OLD."""
    boards = await boards_helpers.make_world()
    topic = await boards_helpers.start_topic(boards.public, boards.users["full"], body=SOURCE)
    for _ in range(4):
        await boards_helpers.reply_to(topic, boards.users["full"], SOURCE)
    branch = await meetings_fixtures.make_branch(voters=2)
    meeting = await meetings_fixtures.live_plenary(branch)
    author = branch.secretary
    for number in (1, 2):
        await MeetingMessage.create(
            meeting_id=meeting.id,
            number=number,
            author_id=author.id,
            author_name="书记",
            body_raw=SOURCE,
            body_html="",
            render_version=OLD,
        )
    minutes = await Minutes.create(meeting_id=meeting.id, record={}, summary_raw=SOURCE)
    for _ in range(2):
        await MinutesCorrection.create(
            minutes_id=minutes.id,
            body_raw=SOURCE,
            body_html="",
            render_version=OLD,
            author_id=author.id,
            author_name="书记",
        )
    world = await transparency_fixtures.make_world()
    items = [await transparency_fixtures.draft(world, body=SOURCE) for _ in range(2)]
    publisher = world.users["publisher"]
    for number, item in enumerate(items, 1):
        await DisclosureRevision.create(
            disclosure_id=item.id,
            number=number,
            title=item.title,
            body_raw=SOURCE,
            body_html="",
            author_id=publisher.id,
        )
        await Feedback.create(
            disclosure_id=item.id,
            author_id=world.users["member_a"].id,
            body_raw=SOURCE,
            body_html="",
            answer_raw="已收到，**谢谢**。" if number == 1 else "",
        )
    # Two tasks to 甲支部 (Markdown text), each answered in Markdown by its secretary.
    chief = await viewer_of(await make_person(branch.tree.committee, role="secretary"))
    for n in (1, 2):
        task = await task_actions.assign_task(
            chief,
            branch.tree.committee,
            task_actions.TaskInput(
                title=f"重渲染任务{n}",
                body=SOURCE,
                deadline=today().isoformat(),
                requires_submission=True,
                target="orgs",
                org_ids=(branch.tree.branch_a.id,),
            ),
        )
        row = await TaskAssignment.get(task_id=task.id)
        await task_actions.answer_task(await viewer_of(author), task, row, "submit", SOURCE)
    for n in (1, 2):
        await Notice.create(
            org_id=branch.tree.branch_a.id,
            org_path=branch.tree.branch_a.path,
            title=f"重渲染通知{n}",
            body_raw=SOURCE,
            body_html="",
        )
    for number in (1, 2):
        await Resource.create(
            org_id=world.tree.branch_a.id,
            org_path=world.tree.branch_a.path,
            kind="article",
            title=f"学习资源 {number}",
            body_raw=SOURCE,
        )
    found: dict[type[Model], list[int]] = {}
    for target in rebake.TARGETS:
        model = target.model
        update: dict[str, Any] = {html: "stale" for _, html in target.fields}
        await model.all().update(**update, **{target.version: OLD})
        found[model] = list(await model.all().order_by("id").values_list("id", flat=True))
    return found


async def test_every_rendered_table_is_declared() -> None:
    assert {t.model for t in rebake.TARGETS} == {
        Post,
        MeetingMessage,
        Minutes,
        MinutesCorrection,
        Disclosure,
        DisclosureRevision,
        Feedback,
        Task,
        TaskAssignment,
        Notice,
        Resource,
    }


async def test_rebake_rerenders_every_old_row_in_batches(
    database: object, services: object
) -> None:
    rows = await _rows_of_every_kind()
    assert all(rows.values()), rows
    # A row written meanwhile (the current version) is left as it is.
    kept = rows[Post][-1]
    await Post.filter(id=kept).update(body_html="kept", render_version=markup.VERSION)
    before = {d.id: d.updated_at for d in await Disclosure.all()}
    lines: list[str] = []
    counts = await rebake.rebake(batch=2, progress=lines.append)
    assert counts == {
        "boards.posts": 4,
        "meetings.messages": 2,
        "meetings.minutes": 1,
        "meetings.corrections": 2,
        "disclosures.items": 2,
        "disclosures.revisions": 2,
        "disclosures.feedback": 2,
        "tasks.tasks": 2,
        "tasks.answers": 2,
        "notices.notices": 2,
        "learning.resources": 2,
    }
    assert lines[:2] == ["帖子 2/4", "帖子 4/4"]
    assert "会议纪要 1/1" in lines and "意见反馈 2/2" in lines and "公开修订版本 2/2" in lines
    expected = markup.render(SOURCE)
    assert "<ul>" in expected and 'class="mention"' in expected
    for target in rebake.TARGETS:
        for row in await target.model.all().values():
            if row["id"] == kept and target.model is Post:
                assert row["body_html"] == "kept"
                continue
            assert row[target.version] == markup.VERSION
            for raw, html in target.fields:
                assert row[html] == markup.render(row[raw]), (target.key, row)
    answered = await Feedback.filter(answer_raw__not="").get()
    assert answered.answer_html == "<p>已收到，<strong>谢谢</strong>。</p>"
    # Only the HTML and the version changed: no timestamps moved.
    assert {d.id: d.updated_at for d in await Disclosure.all()} == before
    # Idempotent: nothing older is left, so nothing is done and nothing printed.
    again: list[str] = []
    assert set((await rebake.rebake(progress=again.append)).values()) == {0}
    assert again == []


async def test_the_command_prints_its_progress(database: object, services: object) -> None:
    world = await boards_helpers.make_world()
    for n in range(3):
        await boards_helpers.start_topic(world.public, world.users["full"], f"主题{n}", body=SOURCE)
    await Post.all().update(body_html="stale", render_version=OLD)

    def forum(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "forum.cli", *args],
            capture_output=True,
            text=True,
            env={**os.environ, "FORUM_DATABASE_URL": DATABASE_URL},
            timeout=120,
            check=False,
        )

    first = forum("rebake", "--batch", "2")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "帖子 2/3",
        "帖子 3/3",
        f"已重新渲染 3 条内容（渲染版本 {markup.VERSION}）：帖子 3。",
    ]
    assert {p.body_html for p in await Post.all()} == {markup.render(SOURCE)}
    second = forum("rebake")
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == f"所有内容已是渲染版本 {markup.VERSION}，无需重新渲染。"

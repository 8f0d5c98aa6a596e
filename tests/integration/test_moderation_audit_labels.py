"""The audit log in Chinese over HTTP: action names from the parts' `AuditLabels`, the
names of what was acted on (one query per target type), the filter by Chinese name, the
reason an ID reveal was made for, and the CSV's name columns."""

from __future__ import annotations

import csv
import io
import re

from tortoise.transactions import in_transaction

import moderation.routes  # noqa: F401
from forum import audit
from forum.boards.models import Post
from moderation import audit_queries, review
from tests.boards_helpers import make_world, reply_to, start_topic
from tests.capture import count_queries
from tests.factories import make_member, make_person, make_tree, viewer_of
from tests.helpers import Client


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


async def test_audit_page_shows_chinese_actions_and_target_names(
    database, services, client: Client
) -> None:  # type: ignore[no-untyped-def]
    tree = await make_tree()
    member = await make_member(tree.branch_a, name="张三丰")
    await make_person(tree.branch_a, username="sec", role="secretary")
    await client.login("sec")
    revealed = await client.post_form(f"/members/{member.id}/reveal", {"reason": "转接核对身份"})
    assert revealed.status_code == 200
    page = await client.get("/moderation/audit")
    assert page.status_code == 200
    rows = _rows(page.text)
    assert len(rows) == 1
    row = rows[0]
    # Not `member.id_revealed member 13`: the action's and the target's names.
    assert "查看完整身份证号" in row and "党员「张三丰」" in row
    assert "转接核对身份" in row  # the reveal's reason
    assert f">{tree.branch_a.name}<" in row  # the org, by name
    assert "<code>member.id_revealed</code>" not in page.text
    assert 'title="member.id_revealed"' in row  # the code stays at hand
    # The filter lists actions by their Chinese names.
    assert '<option value="member.id_revealed">查看完整身份证号</option>' in page.text
    # Searching by the Chinese name finds the code.
    found = await client.get("/moderation/audit", params={"q": "身份证号"})
    assert len(_rows(found.text)) == 1
    none = await client.get("/moderation/audit", params={"q": "禁言"})
    assert "没有符合条件的记录" in none.text


async def test_content_and_sanction_entries_name_their_targets(
    database, services, client: Client
) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    u = world.users
    topic = await start_topic(world.public, u["full2"], "学习二十大精神")
    post = await reply_to(topic, u["full"], "一条广告")
    root = await viewer_of(u["site_admin"])
    await review.moderate_content(root, "post", post.id, "hide", "广告")
    await review.moderate_content(root, "topic", topic.id, "hide", "整理")
    await client.login("root")
    resp = await client.post_form(
        "/moderation/sanctions",
        {"username": "full", "kind": "silence", "days": "3", "reason": "发广告", "confirmed": "1"},
    )
    assert resp.status_code == 303
    text = (await client.get("/moderation/audit")).text
    assert f"回帖「学习二十大精神 · #{(await Post.get(id=post.id)).number}」" in text
    assert "主题「学习二十大精神」" in text
    assert "隐藏内容" in text and "禁言" in text
    assert f"账号「{u['full'].display_name}（full）」" in text
    csv_text = (await client.get("/moderation/audit.csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert rows[0][-2:] == ["操作名称", "对象名称"]
    silenced = next(r for r in rows[1:] if r[3] == "sanction.silence")
    assert silenced[-2:] == ["禁言", f"{u['full'].display_name}（full）"]


async def test_target_names_cost_one_query_per_type(database, services) -> None:  # type: ignore[no-untyped-def]
    tree = await make_tree()
    actor = await viewer_of(await make_person(None, None, username="actor", role="site_admin"))

    async def queries_for(n: int) -> int:
        async with in_transaction():
            for i in range(n):
                m = await make_member(tree.branch_a, name=f"成员{n}-{i}")
                await audit.record(actor, "member.updated", "member", m.id, org_path=m.org.path)
                await audit.record(actor, "org.renamed", "org", tree.branch_a.id)
        entries, _ = await audit_queries.search(actor, audit_queries.AuditFilter())
        with count_queries() as counted:
            rows = await audit_queries.describe(entries)
        assert all(r.target_name for r in rows)
        return counted.count

    assert await queries_for(2) == await queries_for(6) == 2  # members, orgs

"""Statistics against hand-computed counts; charts rendered; CSV/XLSX exports masked."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

from openpyxl import load_workbook

from forum import clock
from forum.auditlog import AuditEntry
from forum.members import stats
from forum.members.stats import years_ago
from forum.models import Member
from tests.factories import make_member, make_person, make_tree
from tests.helpers import Client

TODAY = clock.today()


def born(age: int) -> dt.date:
    """A birth date giving exactly `age` years today."""
    return years_ago(TODAY, age) - dt.timedelta(days=1)


async def seed() -> object:
    tree = await make_tree()
    # (org, status, sex via id, age, ethnicity, education, full years ago, probation year, floating)
    people = [
        (tree.branch_a, "full", 25, "汉族", "本科", 2, True),
        (tree.branch_a, "full", 35, "汉族", "硕士", 12, False),
        (tree.group_a1, "probationary", 30, "回族", "本科", None, False),
        (tree.branch_b, "full", 45, "汉族", "大专", 25, False),
        (tree.branch_b, "activist", 22, "汉族", "本科", None, False),
        (tree.branch_c, "full", 61, "蒙古族", "", 40, True),
        (tree.branch_c, "full", 70, "汉族", "高中", 50, False),
        (tree.branch_x, "full", 40, "汉族", "本科", 10, False),  # another committee
    ]
    import random

    from forum import idcard

    rng = random.Random(3)
    for i, (org, status, age, eth, edu, party_years, floating) in enumerate(people):
        birth = born(age)
        sex = "M" if i % 3 else "F"
        full_at = (
            years_ago(TODAY, party_years) - dt.timedelta(days=1)
            if party_years is not None
            else None
        )
        probation_at = (
            full_at - dt.timedelta(days=366)
            if full_at
            else (TODAY - dt.timedelta(days=30))
            if status == "probationary"
            else None
        )
        await make_member(
            org,
            status,
            id_number=idcard.generate(rng, birth, sex),
            ethnicity=eth,
            education=edu,
            full_at=full_at,
            probation_at=probation_at,
            floating=floating,
        )
    return tree


async def test_subtree_statistics_match_hand_counts(database: object) -> None:
    tree = await seed()
    result = (await stats.compute(tree.committee)).by_key()  # type: ignore[attr-defined]
    assert result["status"] == {"full": 5, "probationary": 1, "activist": 1}
    assert result["sex"] == {"F": 3, "M": 4}  # i = 0, 3, 6 are F
    assert result["age"] == {
        "30岁及以下": 3,  # 25, 30, 22
        "31-40岁": 1,  # 35
        "41-50岁": 1,  # 45
        "51-60岁": 0,
        "61岁及以上": 2,  # 61, 70
    }
    assert result["ethnicity"] == {"汉族": 5, "回族": 1, "蒙古族": 1}
    assert result["education"] == {"本科": 3, "硕士": 1, "大专": 1, "": 1, "高中": 1}
    assert result["party_age"] == {
        "不满5年": 1,  # 2 years
        "5-9年": 0,
        "10-19年": 1,  # 12
        "20-29年": 1,  # 25
        "30-49年": 1,  # 40
        "50年及以上": 1,  # 50
    }
    assert result["floating"] == {"floating": 2, "resident": 5}
    assert sum(result["join_year"].values()) == 6  # everyone with a probation date
    dates = await Member.filter(
        probation_at__isnull=False, org__path__startswith=tree.committee.path
    ).values_list("probation_at", flat=True)  # type: ignore[attr-defined]
    assert result["join_year"] == dict(Counter(str(d.year) for d in dates))
    gb1, gb2 = str(tree.gb1.id), str(tree.gb2.id)  # type: ignore[attr-defined]
    assert result["org"] == {gb1: 5, gb2: 2}
    branch = (await stats.compute(tree.branch_a)).by_key()  # type: ignore[attr-defined]
    assert branch["status"] == {"full": 2, "probationary": 1}
    assert branch["org"] == {str(tree.branch_a.id): 2, str(tree.group_a1.id): 1}  # type: ignore[attr-defined]


async def test_dashboard_renders_svg_charts_and_tables(client: Client) -> None:
    tree = await seed()
    await make_person(tree.gb1, role="org_admin", username="gbadmin", status=None)  # type: ignore[attr-defined]
    await client.login("gbadmin")
    page = await client.get("/members/stats")
    assert page.status_code == 200
    assert page.text.count('<svg class="chart ') == 9
    assert "chart-pie" in page.text and "chart-bar" in page.text
    assert 'id="stats-total">5<' in page.text
    # Outside the admin's subtree: 404, not a 403 that confirms the org exists.
    other = await client.get(f"/members/stats?org={tree.gb2.id}")  # type: ignore[attr-defined]
    assert other.status_code == 404


async def test_exports_masked_by_default_full_ids_audited(client: Client) -> None:
    tree = await seed()
    await make_member(tree.branch_a, name="导出测试", id_number="34052419800101001X")  # type: ignore[attr-defined]
    await make_person(tree.branch_a, username="plain")  # type: ignore[attr-defined]
    await make_person(tree.branch_a, role="secretary", username="sec", status=None)  # type: ignore[attr-defined]
    await client.login("plain")
    assert (await client.get("/members/export.csv")).status_code == 404
    await client.login("sec")
    csv_response = await client.get("/members/export.csv")
    assert csv_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig")
    assert "导出测试" in text and "340524********001X" in text  # masked by default
    assert "34052419800101001X" not in text
    # Full numbers: the link asks for a reason first and exports nothing until given one.
    asked = await client.get("/members/export.csv?ids=full")
    assert asked.status_code == 200 and "导出原因" in asked.text
    assert 'action="/members/export.csv?ids=full"' in asked.text
    assert "34052419800101001X" not in asked.text
    blank = await client.post_form("/members/export.csv?ids=full", {"reason": "  "})
    assert blank.status_code == 400 and "导出原因" in blank.text
    assert await AuditEntry.filter(action="member.exported").count() == 1
    full_response = await client.post_form("/members/export.csv?ids=full", {"reason": "年度统计"})
    full = full_response.content.decode("utf-8-sig")
    assert "34052419800101001X" in full  # the secretary may reveal: with a reason, audited
    entries = await AuditEntry.filter(action="member.exported").order_by("id")
    assert [e.after["full_ids"] for e in entries] == [False, True]  # type: ignore[index]
    assert entries[1].after["ids_revealed"] == 5  # type: ignore[index]
    assert entries[1].reason == "年度统计"
    # The entry names each member whose full number was exported, not only a count.
    named = entries[1].after["revealed"]  # type: ignore[index]
    assert len(named) == 5 and "导出测试" in {m["name"] for m in named}
    exported = await Member.get(name="导出测试")
    assert exported.id in {m["id"] for m in named}
    xlsx = await client.get(f"/members/stats.xlsx?org={tree.branch_a.id}")  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ("统计项", "分类", "人数", "占比")
    assert ("按党员状态", "正式党员", 4, "80.0%") in values

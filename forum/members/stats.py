"""Statistics of an org subtree, computed live with grouped queries (never stored counts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tortoise.expressions import Case, Q, RawSQL, Subquery, When
from tortoise.functions import Count

from forum.clock import today
from forum.members.fields import SEX_LABELS
from forum.models import STATUS_LABELS, Member, Org


@dataclass
class Row:
    key: str
    label: str
    count: int


@dataclass
class Dimension:
    key: str
    title: str
    chart: str  # "bar" or "pie"
    rows: list[Row] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)


@dataclass
class Stats:
    org: Org
    total: int
    dimensions: list[Dimension]

    def by_key(self) -> dict[str, dict[str, int]]:
        return {d.key: {r.key: r.count for r in d.rows} for d in self.dimensions}


AGE_BANDS: tuple[tuple[str, int | None, int | None], ...] = (
    ("30岁及以下", None, 30),
    ("31-40岁", 31, 40),
    ("41-50岁", 41, 50),
    ("51-60岁", 51, 60),
    ("61岁及以上", 61, None),
)
PARTY_AGE_BANDS: tuple[tuple[str, int | None, int | None], ...] = (
    ("不满5年", None, 4),
    ("5-9年", 5, 9),
    ("10-19年", 10, 19),
    ("20-29年", 20, 29),
    ("30-49年", 30, 49),
    ("50年及以上", 50, None),
)
UNKNOWN = "未登记"


def years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def band_case(field_name: str, bands: tuple[tuple[str, int | None, int | None], ...]) -> Case:
    """CASE that puts a date column into year bands: years >= lo iff date <= today - lo years."""
    now = today()
    whens = []
    for label, lo, hi in bands:
        conditions: dict[str, Any] = {}
        if lo is not None:
            conditions[f"{field_name}__lte"] = years_ago(now, lo)
        if hi is not None:
            conditions[f"{field_name}__gt"] = years_ago(now, hi + 1)
        whens.append(When(Q(**conditions), then=label))
    return Case(*whens, default=UNKNOWN)


def subtree(org: Org) -> Any:
    """The records the statistics count: a record merged as 重复档案 is the same person as
    the record kept, so it is counted once (as the kept one)."""
    org_ids = Org.filter(path__startswith=org.path).values("id")
    return Member.filter(org_id__in=Subquery(org_ids), duplicate_of_id__isnull=True)


async def _grouped(query: Any, column: str) -> list[tuple[Any, int]]:
    rows = await query.annotate(n=Count("id")).group_by(column).values(column, "n")
    return [(r[column], int(r["n"])) for r in rows]


async def _banded(
    query: Any, name: str, bands: tuple[tuple[str, int | None, int | None], ...]
) -> list[Row]:
    rows = await (
        query.annotate(band=band_case(name, bands))
        .annotate(n=Count("id"))
        .group_by("band")
        .values("band", "n")
    )
    counts = {str(r["band"]): int(r["n"]) for r in rows}
    ordered = [Row(label, label, counts.get(label, 0)) for label, _, _ in bands]
    if counts.get(UNKNOWN):
        ordered.append(Row(UNKNOWN, UNKNOWN, counts[UNKNOWN]))
    return ordered


def _labelled(pairs: list[tuple[Any, int]], labels: dict[str, str] | None = None) -> list[Row]:
    rows = [
        Row(str(k or ""), (labels or {}).get(str(k or ""), str(k or "")) or UNKNOWN, n)
        for k, n in pairs
    ]
    return sorted(rows, key=lambda r: (-r.count, r.key))


async def by_child_org(org: Org) -> list[Row]:
    """Members per direct child of `org` (its own members count under `org` itself)."""
    orgs = await Org.filter(path__startswith=org.path).values("id", "name", "path")
    per_org = dict(await _grouped(subtree(org), "org_id"))
    children = {o["id"]: o for o in orgs if o["path"].count("/") == org.path.count("/") + 1}
    totals: dict[int, int] = {}
    for o in orgs:
        count = per_org.get(o["id"], 0)
        if not count:
            continue
        rest = o["path"][len(org.path) :].strip("/")
        child_id = int(rest.split("/", 1)[0]) if rest else org.id
        totals[child_id] = totals.get(child_id, 0) + count
    names = {org.id: f"{org.name}（本级）", **{cid: c["name"] for cid, c in children.items()}}
    return sorted(
        (Row(str(cid), names.get(cid, str(cid)), n) for cid, n in totals.items()),
        key=lambda r: (-r.count, r.label),
    )


async def join_years(query: Any) -> list[Row]:
    """Members by the year admission was passed (probation start): one grouped query.

    Both SQLite (ISO text) and PostgreSQL (date::text in ISO style) give 'YYYY-MM-DD'.
    """
    rows = await (
        query.filter(probation_at__isnull=False)
        .annotate(year=RawSQL('SUBSTR(CAST("members"."probation_at" AS TEXT), 1, 4)'))
        .annotate(n=Count("id"))
        .group_by("year")
        .values("year", "n")
    )
    years = {int(str(r["year"])): int(r["n"]) for r in rows}
    return [Row(str(y), f"{y}年", years[y]) for y in sorted(years)]


async def compute(org: Org) -> Stats:
    base = subtree(org)
    status_pairs = await _grouped(base, "status")
    order = list(STATUS_LABELS)
    status_rows = sorted(
        (Row(str(k), STATUS_LABELS[str(k)], n) for k, n in status_pairs),
        key=lambda r: order.index(r.key),
    )
    floating = dict(await _grouped(base, "floating"))
    dimensions = [
        Dimension("status", "按党员状态", "pie", status_rows),
        Dimension("org", "按组织", "bar", await by_child_org(org)),
        Dimension("sex", "按性别", "pie", _labelled(await _grouped(base, "sex"), SEX_LABELS)),
        Dimension("age", "按年龄", "bar", await _banded(base, "birth_date", AGE_BANDS)),
        Dimension("ethnicity", "按民族", "bar", _labelled(await _grouped(base, "ethnicity"))),
        Dimension("education", "按学历", "bar", _labelled(await _grouped(base, "education"))),
        Dimension(
            "party_age",
            "按党龄（正式党员）",
            "bar",
            await _banded(base.filter(status="full"), "full_at", PARTY_AGE_BANDS),
        ),
        Dimension("join_year", "按入党年份", "bar", await join_years(base)),
        Dimension(
            "floating",
            "流动党员",
            "pie",
            [
                Row("floating", "流动党员", sum(n for k, n in floating.items() if k)),
                Row("resident", "非流动党员", sum(n for k, n in floating.items() if not k)),
            ],
        ),
    ]
    return Stats(org=org, total=sum(r.count for r in status_rows), dimensions=dimensions)


# 大专及以上: free-text education values naming a college degree or above.
COLLEGE_WORDS = ("研究生", "博士", "硕士", "本科", "专科", "大专", "大学")
PARTY_STATUSES = ("full", "probationary")


@dataclass
class Headline:
    """The figures a statistics page leads with, over Party members (full and probationary)
    of the subtree; shares are of that number, ages of those with a birth date."""

    members: int
    average_age: float | None
    women: int
    minorities: int
    college: int
    admitted_this_year: int

    def share(self, count: int) -> str:
        return f"{100 * count / self.members:.1f}%" if self.members else "—"


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


async def headline(org: Org) -> Headline:
    """One query for the Party members' rows that the figures need, then plain counting."""
    now = today()
    rows = await (
        subtree(org)
        .filter(status__in=PARTY_STATUSES)
        .values("sex", "birth_date", "ethnicity", "education", "probation_at")
    )
    ages = [_age(r["birth_date"], now) for r in rows if r["birth_date"]]
    return Headline(
        members=len(rows),
        average_age=round(sum(ages) / len(ages), 1) if ages else None,
        women=sum(1 for r in rows if r["sex"] == "F"),
        minorities=sum(1 for r in rows if r["ethnicity"] and r["ethnicity"] != "汉族"),
        college=sum(1 for r in rows if any(w in (r["education"] or "") for w in COLLEGE_WORDS)),
        admitted_this_year=await subtree(org)
        .filter(probation_at__gte=dt.date(now.year, 1, 1), probation_at__lte=now)
        .count(),
    )

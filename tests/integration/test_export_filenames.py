"""Export downloads are named for people and for Windows: `第一党支部党员名册-2026-12-02.xlsx`,
the org's name and the local date, the extension last, with an ASCII fallback (RFC 6266)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from forum.settings import get_settings
from tests.disposition import parse
from tests.factories import make_member, make_person, make_tree
from tests.helpers import Client


def _local_days() -> set[str]:
    """Today in the configured zone (both days if the test straddles local midnight)."""
    zone = ZoneInfo(get_settings().timezone)
    return {dt.datetime.now(dt.UTC).astimezone(zone).date().isoformat()}


@pytest.mark.parametrize(
    ("path", "title", "slug", "ext"),
    [
        ("/members/export.xlsx", "党员名册", "members", "xlsx"),
        ("/members/export.csv", "党员名册", "members", "csv"),
        ("/members/stats.xlsx", "党员统计", "member-stats", "xlsx"),
        ("/members/stats.csv", "党员统计", "member-stats", "csv"),
    ],
)
async def test_member_exports_named_by_org_and_local_date(
    client: Client, path: str, title: str, slug: str, ext: str
) -> None:
    tree = await make_tree()
    await make_member(tree.branch_a)
    await make_person(tree.branch_a, role="secretary", username="export_sec")
    await client.login("export_sec")
    days = _local_days()
    response = await client.get(path, params={"org": tree.branch_a.id})
    days |= _local_days()
    assert response.status_code == 200
    kind, params = parse(response.headers["content-disposition"])
    assert kind == "attachment"
    assert params["filename*"] in {f"甲支部{title}-{day}.{ext}" for day in days}
    assert params["filename"] in {f"{slug}-{tree.branch_a.id}-{day}.{ext}" for day in days}
    assert params["filename*"].endswith(f".{ext}") and params["filename"].endswith(f".{ext}")


async def test_audit_csv_named_with_local_date(client: Client) -> None:
    tree = await make_tree()
    await make_person(tree.branch_a, role="secretary", username="audit_sec")
    await client.login("audit_sec")
    days = _local_days()
    response = await client.get("/moderation/audit.csv")
    days |= _local_days()
    assert response.status_code == 200
    kind, params = parse(response.headers["content-disposition"])
    assert kind == "attachment"
    assert params["filename*"] in {f"操作日志-{day}.csv" for day in days}
    assert params["filename"] in {f"audit-log-{day}.csv" for day in days}

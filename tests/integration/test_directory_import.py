"""Import from CSV/XLSX: dry-run report of every invalid row, all-or-valid-only, UI and CLI."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from forum.auditlog import AuditEntry
from forum.errors import ActionError
from forum.members import importer
from forum.members.models import ImportBatch, MemberChange
from forum.models import Member
from tests.factories import make_member, make_person, make_tree, viewer_of
from tests.helpers import Client

HEADER = ["姓名", "身份证号", "状态", "所在组织", "民族", "接收预备党员日期", "转正日期"]


def rows(tree) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [
        ["张一", "110101199001010015", "正式党员", "甲支部", "汉族", "2015-01-01", "2016-01-01"],
        ["王二", "34052419800101001x", "预备党员", "乙支部", "回族", "2025-12-01", ""],
        ["李三", "340524198001010019", "正式党员", "甲支部", "汉族", "2010-01-01", "2011-01-01"],
        [
            "赵四",
            "110101198505050040",
            "正式党员",
            "不存在的支部",
            "汉族",
            "2010-01-01",
            "2011-01-01",
        ],
        ["钱五", "110101199001010015", "正式党员", "乙支部", "汉族", "2015-01-01", "2016-01-01"],
        [
            "孙六",
            "110101197001010016",
            "正式党员",
            "外单位支部",
            "汉族",
            "2000-01-01",
            "2001-01-01",
        ],
        ["周七", "110101198002300011", "正式党员", "甲支部", "汉族", "2000-01-01", "2001-01-01"],
    ]


def xlsx(data: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(data: list[list[str]]) -> bytes:
    lines = [",".join(HEADER)] + [",".join(r) for r in data]
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


async def test_dry_run_reports_every_invalid_row_with_reason(database: object) -> None:
    tree = await make_tree()
    existing = await make_member(tree.branch_c, id_number="110101197001010016")
    assert existing.id
    report = await importer.validate(
        tree.committee, await importer.read_table("m.xlsx", xlsx(rows(tree)))
    )
    assert report.total == 7
    assert [r["name"] for r in report.valid] == ["张一", "王二"]
    reasons = {e.row: " ".join(e.reasons) for e in report.errors}
    assert "校验位" in reasons[4]  # 李三: wrong check character
    assert "不存在的支部" in reasons[5]  # 赵四: unknown org
    assert "与第 2 行重复" in reasons[6]  # 钱五: duplicate inside the file
    assert "外单位支部" in reasons[7] and "已登记" in reasons[7]  # another committee + existing
    assert "出生日期" in reasons[8]  # 周七: 1980-02-30
    assert {e.id_hint for e in report.errors} >= {"340524********0019"}


async def test_import_refuses_when_invalid_rows_unless_only_valid(database: object) -> None:
    tree = await make_tree()
    admin = await viewer_of(await make_person(tree.committee, role="org_admin", status=None))
    before = await Member.all().count()
    batch = await importer.create_batch(admin, tree.committee, "m.csv", csv_bytes(rows(tree)))
    assert "110101199001010015" not in batch.payload_encrypted
    with pytest.raises(ActionError, match="无效"):
        await importer.run_batch(admin, batch, only_valid=False)
    assert await Member.all().count() == before
    seen: list[tuple[int, int]] = []
    count = await importer.run_batch(
        admin, batch, only_valid=True, progress=lambda d, t: seen.append((d, t))
    )
    assert count == 2 and seen[-1] == (2, 2)
    wang = await Member.get(name="王二")
    assert wang.org_id == tree.branch_b.id and wang.id_number_hint == "340524********001X"
    assert wang.sex == "M" and str(wang.birth_date) == "1980-01-01"
    assert await MemberChange.filter(member_id=wang.id, kind="imported").count() == 1
    audit = await AuditEntry.get(action="member.imported")
    assert audit.after == {"batch_id": batch.id, "imported": 2, "skipped_invalid": 5}
    assert (await ImportBatch.get(id=batch.id)).state == "done"


async def test_import_of_clean_file_is_all_or_nothing(database: object) -> None:
    tree = await make_tree()
    admin = await viewer_of(await make_person(tree.committee, role="org_admin", status=None))
    good = rows(tree)[:2]
    batch = await importer.create_batch(admin, tree.committee, "m.xlsx", xlsx(good))
    # Someone records 王二 between the check and the import: nothing is written.
    await make_member(tree.branch_a, id_number="34052419800101001X")
    with pytest.raises(ActionError, match="重新上传"):
        await importer.run_batch(admin, batch, only_valid=False)
    assert await Member.filter(name__in=["张一", "王二"]).count() == 0
    assert (await ImportBatch.get(id=batch.id)).state == "failed"


async def test_import_ui_upload_report_confirm(client: Client) -> None:
    tree = await make_tree()
    await make_person(tree.gb1, role="org_admin", username="gbadmin", status=None)
    await client.login("gbadmin")
    files = {"file": ("名册.xlsx", xlsx(rows(tree)[:3]), "application/octet-stream")}
    token = await client.csrf()
    response = await client.http.post(
        "/members/import", data={"csrf_token": token, "org_id": str(tree.gb1.id)}, files=files
    )
    assert response.status_code == 303, response.text
    report_url = response.headers["location"]
    page = await client.get(report_url)
    assert "第 4 行" in page.text and "校验位" in page.text and "仅导入有效的 2 行" in page.text
    refused = await client.post_form(report_url + "/run")
    assert refused.status_code == 400
    done = await client.post_form(report_url + "/run", {"only_valid": "1"})
    assert done.status_code == 303
    page = await client.get(report_url)
    assert "已导入 2 名党员" in page.text
    assert await Member.filter(name__in=["张一", "王二"]).count() == 2
    # Importing into a committee outside the admin's scope is refused.
    response = await client.http.post(
        "/members/import",
        data={"csrf_token": token, "org_id": str(tree.other_committee.id)},
        files={"file": ("x.csv", csv_bytes(rows(tree)[:1]), "text/csv")},
    )
    assert response.status_code == 400
    # Another admin's batch outside their scope is invisible.
    await make_person(tree.branch_x, role="secretary", username="other")
    await client.login("other")
    assert (await client.get(report_url)).status_code == 404


async def test_cli_import_members_dry_run_then_only_valid(database: object, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    tree = await make_tree()
    path = tmp_path / "名册.xlsx"
    path.write_bytes(xlsx(rows(tree)[:3]))
    base = [
        sys.executable,
        "-m",
        "forum.cli",
        "import-members",
        str(path),
        "--org",
        str(tree.committee.id),
    ]

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*base, *extra],
            capture_output=True,
            text=True,
            env=dict(os.environ),
            timeout=120,
            check=False,
        )

    dry = run("--dry-run")
    assert dry.returncode == 1, dry.stderr
    assert "共 3 行，有效 2 行，无效 1 行" in dry.stdout and "第 4 行" in dry.stdout
    assert "试运行" in dry.stdout
    assert await Member.filter(name__in=["张一", "王二"]).count() == 0
    refused = run()
    assert refused.returncode == 1 and "未导入" in refused.stderr
    assert await Member.filter(name__in=["张一", "王二"]).count() == 0
    done = run("--only-valid")
    assert done.returncode == 0, done.stderr
    assert "已导入 2 名党员" in done.stdout and "100%" in done.stderr
    assert await Member.filter(name__in=["张一", "王二"]).count() == 2


async def test_numeric_id_cells_get_a_clear_reason(database: object) -> None:
    tree = await make_tree()
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "状态", "申请入党日期"])
    sheet.append(["数字号", 110101199001010015, "入党申请人", "2020-01-01"])
    out = io.BytesIO()
    book.save(out)
    report = await importer.validate(
        tree.committee, await importer.read_table("n.xlsx", out.getvalue())
    )
    assert report.valid == [] and "设为文本" in report.errors[0].reasons[0]


async def test_nul_characters_refuse_the_upload(client: Client) -> None:
    """PostgreSQL cannot store U+0000 even inside the report's JSON: a clear refusal, no batch."""
    tree = await make_tree()
    await make_person(tree.gb1, role="org_admin", username="gbadmin", status=None)
    await client.login("gbadmin")
    data = rows(tree)[:1]
    data[0][0] = "张\x00一"
    response = await client.http.post(
        "/members/import",
        data={"csrf_token": await client.csrf(), "org_id": str(tree.gb1.id)},
        files={"file": ("x.csv", csv_bytes(data), "text/csv")},
    )
    assert response.status_code == 400 and "第 2 行含有无效字符" in response.text
    assert await ImportBatch.all().count() == 0

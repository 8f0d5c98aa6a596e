"""Upload bombs through the member import and the word-list import: a clear refusal at the
file field, the form kept, nothing written; and /healthz answers during a large import."""

from __future__ import annotations

import asyncio
import io
import statistics
import time
from collections.abc import Callable

import pytest
from openpyxl import Workbook

from forum import uploads
from forum.members.models import ImportBatch
from moderation.models import WatchedWord
from tests import upload_bombs as bombs
from tests.factories import make_person, make_tree
from tests.figures import report
from tests.helpers import Client
from tests.naughty import write_fingerprint

MEMBER_BOMBS: list[tuple[str, Callable[[], bytes], str]] = [
    ("far_corner.xlsx", bombs.far_corner_bomb, "文件超过 64 列"),
    ("last_row.xlsx", bombs.last_row_bomb, "文件超过 50000 行"),
    ("empty_rows.xlsx", bombs.empty_rows_bomb, "文件超过 50000 行"),
    ("empty_cells.xlsx", bombs.empty_cells_bomb, "文件超过 64 列"),
    ("inflate.xlsx", bombs.inflate_bomb, "解压后超过 32 MB"),
    ("ratio.xlsx", bombs.ratio_bomb, "压缩率异常"),
    ("entity.xlsx", bombs.entity_bomb, "XML 声明（DTD）"),
    ("nested.xlsx", bombs.nested_bomb, "嵌有压缩包"),
    ("giant_line.csv", bombs.csv_giant_line, "第 2 行超过 65536 个字符"),
    ("wide.csv", bombs.csv_wide, "文件超过 64 列"),
]


async def _secretary(client: Client) -> int:
    tree = await make_tree()
    await make_person(tree.gb1, role="org_admin", username="gbadmin", status=None)
    await client.login("gbadmin")
    return int(tree.gb1.id)


@pytest.mark.parametrize(
    ("name", "build", "message"), MEMBER_BOMBS, ids=[b[0] for b in MEMBER_BOMBS]
)
async def test_member_import_bomb_refused_at_file_field_nothing_written(
    client: Client, name: str, build: Callable[[], bytes], message: str
) -> None:
    org_id = await _secretary(client)
    token = await client.csrf()
    before = await write_fingerprint()
    response = await client.http.post(
        "/members/import",
        data={"csrf_token": token, "org_id": str(org_id)},
        files={"file": (name, build(), "application/octet-stream")},
    )
    assert response.status_code == 400, response.text[:500]
    page = response.text
    assert message in page
    # The message sits at the file field, the form is kept with the chosen org.
    assert 'id="file-error"' in page and 'aria-invalid="true" aria-describedby="file-error"' in page
    assert f'value="{org_id}" selected' in page and 'id="import-form"' in page
    assert await write_fingerprint() == before
    assert await ImportBatch.all().count() == 0


async def test_member_import_dimension_bomb_read_bounded_and_header_only_refused(
    client: Client,
) -> None:
    """The issue's file: the declared A1:XFD20000 is not trusted, the one data row is read
    (and is an invalid row in the report); a header alone is a clear refusal."""
    org_id = await _secretary(client)
    token = await client.csrf()
    response = await client.http.post(
        "/members/import",
        data={"csrf_token": token, "org_id": str(org_id)},
        files={"file": ("dim.xlsx", bombs.dimension_bomb(), "application/octet-stream")},
    )
    assert response.status_code == 303, response.text[:500]
    batch = await ImportBatch.get()
    assert (batch.total_rows, batch.valid_rows) == (1, 0)
    assert batch.report["errors"][0]["row"] == 20_000
    before = await write_fingerprint()
    header_only = bombs.xlsx(bombs.sheet([bombs.HEADER_ROW], dimension="A1:XFD20000"))
    response = await client.http.post(
        "/members/import",
        data={"csrf_token": token, "org_id": str(org_id)},
        files={"file": ("header.xlsx", header_only, "application/octet-stream")},
    )
    assert response.status_code == 400 and "除表头外没有数据行" in response.text
    assert await write_fingerprint() == before


async def _site_admin(client: Client) -> None:
    await make_person(None, None, username="words_admin", role="site_admin")
    await client.login("words_admin")


WORD_BOMBS: list[tuple[str, bytes | str, str]] = [
    ("lines", b"\n" * 50_001 + "词".encode(), "一次最多导入 50000 行"),
    ("giant_line", ("甲\n" + "乙" * 70_000).encode(), "第 2 行超过 65536 个字符"),
    ("pasted_lines", "甲\n" * 50_001, "一次最多导入 50000 行"),
]


@pytest.mark.parametrize(("kind", "content", "message"), WORD_BOMBS, ids=[b[0] for b in WORD_BOMBS])
async def test_word_import_bomb_refused_at_the_form_nothing_written(
    database: object,
    services: object,
    client: Client,
    kind: str,
    content: bytes | str,
    message: str,
) -> None:
    await _site_admin(client)
    token = await client.csrf()
    before = await write_fingerprint()
    data = {"csrf_token": token, "action": "flag"}
    if isinstance(content, str):
        response = await client.http.post(
            "/moderation/words/import", data={**data, "text": content}
        )
    else:
        response = await client.http.post(
            "/moderation/words/import", data=data, files={"file": ("w.txt", content, "text/plain")}
        )
    assert response.status_code == 400
    assert message in response.text and 'id="import-error"' in response.text
    assert 'action="/moderation/words/import"' in response.text  # the form again
    if isinstance(content, str):
        assert "甲\n甲\n" in response.text  # the pasted text is kept
    else:
        assert 'name="file" accept=".txt,.csv,text/plain" aria-invalid="true"' in response.text
    assert await write_fingerprint() == before
    assert await WatchedWord.all().count() == 0


def _large_roster(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "状态", "所在组织", "民族", "接收预备党员日期", "转正日期"])
    for n in range(rows):
        sheet.append([f"党员{n}", f"1101011990{n:06d}", "正式党员", "", "汉族", "2015-01-01", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_healthz_answers_while_a_large_import_is_read(client: Client) -> None:
    """The parse runs in a worker thread: /healthz keeps answering during the upload, far
    faster than the parse takes (on the event loop it would wait for the whole parse)."""
    org_id = await _secretary(client)
    content = _large_roster(10_000)
    started = time.perf_counter()
    uploads.read_table_sync("large.xlsx", content, uploads.limits())
    parse_seconds = time.perf_counter() - started
    token = await client.csrf()
    upload = asyncio.create_task(
        client.http.post(
            "/members/import",
            data={"csrf_token": token, "org_id": str(org_id)},
            files={"file": ("large.xlsx", content, "application/octet-stream")},
        )
    )
    started = time.perf_counter()
    latencies: list[float] = []
    while not upload.done():
        sent = time.perf_counter()
        health = await client.http.get("/healthz")
        latencies.append(time.perf_counter() - sent)
        assert health.status_code == 200
    response = await upload
    upload_seconds = time.perf_counter() - started
    assert response.status_code == 303, response.text[:500]
    assert (await ImportBatch.get()).total_rows == 10_000
    assert len(latencies) >= 3
    assert max(latencies) < parse_seconds / 2, (max(latencies), parse_seconds)
    report(
        f"event loop during a 10,000-row import ({len(content):,} bytes): /healthz answered "
        f"{len(latencies)} times in {upload_seconds:.1f} s, median "
        f"{statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms "
        f"(the parse alone takes {parse_seconds:.1f} s)"
    )

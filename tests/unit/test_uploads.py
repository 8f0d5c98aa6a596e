"""forum.uploads: every bomb is refused (or read bounded) before the work it would cost,
and within a memory cap on the parsing process that the unguarded openpyxl path dies under."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from forum import uploads
from forum.errors import ActionError
from tests import upload_bombs as bombs
from tests.figures import report

ROOT = Path(__file__).resolve().parents[2]
CAP_MB = 300  # address space of the parsing process: far below what the bombs would need

REFUSALS: list[tuple[str, Callable[[], bytes], str]] = [
    ("far_corner.xlsx", bombs.far_corner_bomb, "文件超过 64 列"),
    ("last_row.xlsx", bombs.last_row_bomb, "文件超过 50000 行"),
    ("empty_rows.xlsx", bombs.empty_rows_bomb, "文件超过 50000 行"),
    ("wide.xlsx", bombs.wide_bomb, "文件超过 64 列"),
    ("empty_cells.xlsx", bombs.empty_cells_bomb, "文件超过 64 列"),
    ("inflate.xlsx", bombs.inflate_bomb, "解压后超过 32 MB"),
    ("ratio.xlsx", bombs.ratio_bomb, "压缩率异常（超过 100 倍）"),
    ("entity.xlsx", bombs.entity_bomb, "XML 声明（DTD）"),
    ("nested.xlsx", bombs.nested_bomb, "嵌有压缩包"),
    ("styles.xlsx", bombs.styles_bomb, "压缩率异常"),
    ("giant_line.csv", bombs.csv_giant_line, "第 2 行超过 65536 个字符"),
    ("wide.csv", bombs.csv_wide, "文件超过 64 列"),
    ("open_quote.csv", bombs.csv_open_quote, "格式有误"),
]


@pytest.mark.parametrize(("name", "build", "message"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_read_table_bomb_refused_with_the_limit_named(
    name: str, build: Callable[[], bytes], message: str
) -> None:
    content = build()
    started = time.perf_counter()
    with pytest.raises(ActionError) as caught:
        uploads.read_table_sync(name, content, uploads.limits())
    assert message in caught.value.message and caught.value.field == "file"
    assert time.perf_counter() - started < 10


def test_read_table_declared_dimension_is_not_trusted() -> None:
    """A1:XFD20000 declared: the rows come back two cells wide, not 16,384."""
    rows = uploads.read_table_sync("dim.xlsx", bombs.dimension_bomb(), uploads.limits())
    assert len(rows) == 20_000 and {len(r) for r in rows} == {2}
    assert rows[0] == ["姓名", "身份证号"] and rows[-1] == ["张三", "x"]
    assert all(r == [None, None] for r in rows[1:-1])


def test_read_table_shared_strings_and_dates_as_excel_writes_them() -> None:
    """Excel keeps text in sharedStrings.xml and dates as styled serials: both read back."""
    styles = bombs.STYLES.replace(
        '<cellXfs count="1"><xf/></cellXfs>',
        '<cellXfs count="2"><xf/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>',
    )
    row = '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="C3" s="1"><v>45658</v></c></row>'
    header = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    content = bombs.xlsx(
        bombs.sheet([header, row]),
        styles=styles,
        strings=bombs.shared_strings(["姓名", "身份证号", "张三"]),
    )
    rows = uploads.read_table_sync("excel.xlsx", content, uploads.limits())
    assert rows[0] == ["姓名", "身份证号", None] and rows[1] == [None, None, None]
    assert rows[2][0] == "张三" and str(rows[2][2]) == "2025-01-01 00:00:00"
    lim = dataclasses.replace(uploads.limits(), max_cells=2)
    with pytest.raises(ActionError, match="文件超过 2 个单元格"):  # three shared strings
        uploads.read_table_sync("excel.xlsx", content, lim)


def test_read_table_many_xml_nodes_refused_even_when_they_compress_modestly() -> None:
    lim = dataclasses.replace(uploads.limits(), max_ratio=10_000)
    with pytest.raises(ActionError, match="结构过于复杂（超过 200000 个节点）"):
        uploads.read_table_sync("styles.xlsx", bombs.styles_bomb(), lim)


def test_read_table_too_many_cells_and_rows_refused_at_the_limit() -> None:
    lim = dataclasses.replace(uploads.limits(), max_rows=3, max_cells=5)
    rows = "".join(
        f'<row r="{n}">' + bombs.cell(f"A{n}", "甲") + bombs.cell(f"B{n}", "乙") + "</row>"
        for n in range(2, 4)
    )
    content = bombs.xlsx(bombs.sheet([bombs.HEADER_ROW, rows]))
    with pytest.raises(ActionError, match="文件超过 5 个单元格"):
        uploads.read_table_sync("cells.xlsx", content, lim)
    csv_rows = "姓名,身份证号\n" + "甲,乙\n" * 4
    with pytest.raises(ActionError, match="文件超过 3 行"):
        uploads.read_table_sync(
            "rows.csv", csv_rows.encode(), dataclasses.replace(lim, max_cells=99)
        )
    assert len(uploads.read_table_sync("ok.csv", b"a,b\nc,d\n", lim)) == 2


def test_read_table_oversized_cell_and_file_refused() -> None:
    long_cell = bombs.cell("A2", "长" * (uploads.MAX_CELL_CHARS + 1))
    content = bombs.xlsx(bombs.sheet([bombs.HEADER_ROW, f'<row r="2">{long_cell}</row>']))
    with pytest.raises(ActionError, match="超过 32767 个字符"):
        uploads.read_table_sync("long.xlsx", content, uploads.limits())
    lim = dataclasses.replace(uploads.limits(), max_bytes=1024)
    with pytest.raises(ActionError, match="文件不能超过"):
        uploads.read_table_sync("big.csv", b"x" * 1025, lim)


def test_text_lines_bounded_while_reading() -> None:
    lim = uploads.limits()
    assert uploads.text_lines("甲\r\n乙\r丙\n", lim, max_lines=3) == ["甲", "乙", "丙"]
    assert uploads.text_lines("甲\x1c乙\u2028丙", lim, max_lines=1) == ["甲\x1c乙\u2028丙"]
    with pytest.raises(ActionError, match="一次最多导入 2 行"):
        uploads.text_lines("\n" * 5, lim, max_lines=2)
    with pytest.raises(ActionError, match="第 2 行超过 65536 个字符"):
        uploads.text_lines("甲\n" + "乙" * 70_000, lim, max_lines=10)


CAPPED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]) * 1024 * 1024,) * 2)
mode, path = sys.argv[2], sys.argv[3]
data = open(path, "rb").read()
try:
    if mode == "naive":  # what the importer did before forum.uploads
        import io
        from openpyxl import load_workbook
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        print("ROWS", len(rows))
    else:
        from forum import uploads
        from forum.errors import ActionError
        try:
            print("ROWS", len(uploads.read_table_sync(path, data, uploads.limits())))
        except ActionError as exc:
            print("REFUSED", exc.message)
except MemoryError:
    print("MEMORYERROR")
# VmHWM, not ru_maxrss: on Linux the latter keeps the forking parent's high-water mark.
peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print("MAXRSS_MB", int(peak) // 1024)
"""


def capped_parse(tmp_path: Path, name: str, content: bytes, mode: str = "safe") -> list[str]:
    path = tmp_path / name
    path.write_bytes(content)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", CAPPED, str(CAP_MB), mode, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines, done.stderr[-2000:]
    return lines


def test_unguarded_openpyxl_runs_out_of_memory_under_the_cap(tmp_path: Path) -> None:
    """The control: the cap is low enough that the issue's file kills the old path."""
    lines = capped_parse(tmp_path, "dim.xlsx", bombs.dimension_bomb(), mode="naive")
    assert lines[0] == "MEMORYERROR"


CAPPED_CASES: list[tuple[str, Callable[[], bytes], str]] = [
    ("dim.xlsx", bombs.dimension_bomb, "ROWS 20000"),
    *REFUSALS,
]


@pytest.mark.parametrize(
    ("name", "build", "outcome"), CAPPED_CASES, ids=[c[0] for c in CAPPED_CASES]
)
def test_read_table_bomb_under_memory_cap_refuses_cleanly(
    tmp_path: Path, name: str, build: Callable[[], bytes], outcome: str
) -> None:
    content = build()
    lines = capped_parse(tmp_path, name, content)
    assert outcome in lines[0], lines
    peak = int(lines[1].split()[1])
    report(f"upload bomb {name}: {len(content):,} bytes -> {lines[0]} (peak RSS {peak} MB, cap {CAP_MB} MB)")  # fmt: skip

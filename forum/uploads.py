"""The one door for parsing uploaded files (spreadsheets, CSV, text lists).

A small upload can stand for a huge amount of work: a 1.5 KB .xlsx that declares the
dimension `A1:XFD20000` makes openpyxl pad 20,000 rows of 16,384 cells; a zip entry of
zeros inflates a thousand-fold; a CSV can be one 2 MB line. So every parsed upload goes
through here, and every limit is checked before the work it bounds is done:

1. the bytes (`upload_max_bytes`);
2. for .xlsx, the zip container before openpyxl opens it: entry count, per-entry and total
   uncompressed size, compression ratio, no encrypted or nested archives;
3. every XML part, streamed through expat before openpyxl builds a tree of it: no DTD (no
   entity expansion) and a bounded number of nodes; the shared strings and the sheet that is
   read: rows, columns, cells, nodes per row and characters per cell;
4. openpyxl then reads the sheet in read-only mode, bounded to the rows and columns that the
   scan found (the declared dimension is never trusted);
5. CSV and text: line length, rows, fields per row and cells while reading, never after.

`read_table` and `off_loop` run the parse in a worker thread (at most `upload_parse_workers`
at once), so the event loop keeps answering while a large import is read.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import weakref
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from xml.parsers import expat

import anyio
import anyio.to_thread

from forum.errors import ActionError
from forum.settings import get_settings

T = TypeVar("T")
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
RATIO_GRACE_BYTES = 1024 * 1024  # small entries may compress well without harm
NODES_PER_COLUMN = 16  # element and attribute budget of one row, per allowed column
NODES_PER_STRING = 256  # element and attribute budget of one shared string (rich text runs)
NESTED_NAMES = re.compile(
    r"\.(zip|xlsx|xlsm|xlsb|xls|docx|docm|doc|pptx|ppt|jar|gz|tgz|bz2|xz|7z|rar|tar|bin|cab)$",
    re.IGNORECASE,
)
NESTED_MAGIC = (  # zip, gzip, 7z, rar, bzip2, xz, OLE (doc/xls/embedded objects), cab
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\x1f\x8b",
    b"7z\xbc\xaf",
    b"Rar!",
    b"BZh",
    b"\xfd7zXZ",
    b"\xd0\xcf\x11\xe0",
    b"MSCF",
)
PRINTER_SETTINGS = re.compile(r"^xl/printerSettings/printerSettings\d+\.bin$")
UNREADABLE = "无法读取该 Excel 文件，请确认是 .xlsx 格式"


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int  # data rows, the header row not counted
    max_columns: int
    max_cells: int
    max_line_chars: int
    max_zip_entries: int
    max_entry_bytes: int
    max_unzipped_bytes: int
    max_ratio: int
    max_xml_nodes: int


def limits() -> Limits:
    s = get_settings()
    return Limits(
        max_bytes=s.upload_max_bytes,
        max_rows=s.upload_max_rows,
        max_columns=s.upload_max_columns,
        max_cells=s.upload_max_cells,
        max_line_chars=s.upload_max_line_chars,
        max_zip_entries=s.upload_max_zip_entries,
        max_entry_bytes=s.upload_max_entry_bytes,
        max_unzipped_bytes=s.upload_max_unzipped_bytes,
        max_ratio=s.upload_max_compression_ratio,
        max_xml_nodes=s.upload_max_xml_nodes,
    )


def refuse(message: str) -> ActionError:
    return ActionError(message, field="file")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"


def too_many_rows(lim: Limits) -> ActionError:
    return refuse(f"文件超过 {lim.max_rows} 行（不含表头），请分批导入")


def too_many_columns(lim: Limits) -> ActionError:
    return refuse(f"文件超过 {lim.max_columns} 列，请删除多余的列")


def too_many_cells(lim: Limits) -> ActionError:
    return refuse(f"文件超过 {lim.max_cells} 个单元格，请分批导入")


def cell_too_long() -> ActionError:
    return refuse(f"有单元格超过 {MAX_CELL_CHARS} 个字符")


# -- the door ----------------------------------------------------------------------------

_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


async def off_loop(fn: Callable[..., T], *args: Any) -> T:
    """Run a parse in a worker thread, at most `upload_parse_workers` at once (each is
    bounded in memory by the limits; the cap bounds them together)."""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(get_settings().upload_parse_workers)
    return await anyio.to_thread.run_sync(fn, *args, limiter=limiter)


async def read_table(filename: str, content: bytes) -> list[list[Any]]:
    """The rows of an uploaded .xlsx (first sheet) or .csv, header first, off the loop."""
    return await off_loop(read_table_sync, filename, content, limits())


def read_table_sync(filename: str, content: bytes, lim: Limits) -> list[list[Any]]:
    check_size(content, lim)
    name = filename.lower()
    if name.endswith(".xlsx"):
        return read_xlsx(content, lim)
    if name.endswith(".csv"):
        return read_csv(decode_text(content), lim)
    raise refuse("只支持 .csv 和 .xlsx 文件")


def check_size(content: bytes, lim: Limits) -> None:
    if len(content) > lim.max_bytes:
        raise refuse(f"文件不能超过 {_mb(lim.max_bytes)}")


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 as Chinese Excel saves CSV."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("gb18030", errors="replace")


def text_lines(text: str, lim: Limits, *, max_lines: int) -> list[str]:
    """The lines of an uploaded or pasted text (CR/LF only, as `forum.http.lines`), refused
    as soon as there are more than `max_lines` or one is longer than `max_line_chars`."""
    out: list[str] = []
    for number, line in enumerate(_bounded_lines(text, lim), start=1):
        if number > max_lines:
            raise refuse(f"一次最多导入 {max_lines} 行")
        out.append(line.rstrip("\r\n"))
    return out


def _bounded_lines(text: str, lim: Limits) -> Iterator[str]:
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > lim.max_line_chars:
            raise refuse(f"第 {number} 行超过 {lim.max_line_chars} 个字符")
        yield line


# -- CSV ---------------------------------------------------------------------------------


def read_csv(text: str, lim: Limits) -> list[list[Any]]:
    rows: list[list[Any]] = []
    cells = 0
    reader = csv.reader(_bounded_lines(text, lim))
    try:
        for record in reader:
            if len(rows) > lim.max_rows:
                raise too_many_rows(lim)
            if len(record) > lim.max_columns:
                raise too_many_columns(lim)
            cells += len(record)
            if cells > lim.max_cells:
                raise too_many_cells(lim)
            if any(len(value) > MAX_CELL_CHARS for value in record):
                raise cell_too_long()
            rows.append(list(record))
    except csv.Error as exc:  # e.g. a quoted field running past csv's field size limit
        raise refuse(f"第 {reader.line_num} 行格式有误，请检查引号是否成对") from exc
    return rows


# -- XLSX --------------------------------------------------------------------------------


def read_xlsx(content: bytes, lim: Limits) -> list[list[Any]]:
    from openpyxl import load_workbook  # only parses reach openpyxl, and only through here

    archive = check_archive(content, lim)
    nodes = 0
    for info in archive.infolist():
        nodes = _XmlScan(lim, full=False, nodes=nodes).feed(archive, info.filename).nodes
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception as exc:  # corrupt or not a workbook: one clear message
        raise refuse(UNREADABLE) from exc
    try:
        if not book.worksheets:
            raise refuse(UNREADABLE)
        sheet = book.worksheets[0]
        path = str(getattr(sheet, "_worksheet_path", "")).lstrip("/")
        if path not in archive.NameToInfo:
            raise refuse(UNREADABLE)
        scan = _XmlScan(lim, full=True, nodes=nodes).feed(archive, path)
        return _sheet_rows(sheet, scan.last_row, scan.last_column, lim)
    except (ActionError, MemoryError):
        raise
    except Exception as exc:
        raise refuse(UNREADABLE) from exc
    finally:
        book.close()


def _sheet_rows(sheet: Any, last_row: int, last_column: int, lim: Limits) -> list[list[Any]]:
    if not last_row or not last_column:
        return []
    rows: list[list[Any]] = []
    # Bounded by what the scan saw: openpyxl would otherwise pad to the declared dimension.
    for values in sheet.iter_rows(max_row=last_row, max_col=last_column, values_only=True):
        if len(rows) > lim.max_rows:  # the scan already refused this; a second fence
            raise too_many_rows(lim)
        rows.append(list(values))
    return rows


def check_archive(content: bytes, lim: Limits) -> zipfile.ZipFile:
    """The container, judged from its directory and first bytes before anything inflates."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise refuse(UNREADABLE) from exc
    if len(infos) > lim.max_zip_entries:
        raise refuse(f"Excel 文件包含的部件过多（超过 {lim.max_zip_entries} 个）")
    if len({i.filename for i in infos}) != len(infos):
        raise refuse(UNREADABLE)
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise refuse("Excel 文件已加密，请取消密码后重新上传")
        if info.compress_type not in {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}:
            raise refuse(UNREADABLE)
        if info.file_size > lim.max_entry_bytes:
            raise refuse(f"Excel 文件中有部件解压后超过 {_mb(lim.max_entry_bytes)}")
        total += info.file_size
        if total > lim.max_unzipped_bytes:
            raise refuse(f"Excel 文件解压后超过 {_mb(lim.max_unzipped_bytes)}")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_GRACE_BYTES and ratio > lim.max_ratio:
            raise refuse(f"Excel 文件的压缩率异常（超过 {lim.max_ratio} 倍），疑似压缩炸弹")
        if _nested(archive, info):
            raise refuse("Excel 文件中嵌有压缩包、文档或其他对象，请另存为不含嵌入对象的 .xlsx")
    return archive


def _nested(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    if PRINTER_SETTINGS.match(info.filename):  # Excel's binary page setup, not an archive
        return False
    if NESTED_NAMES.search(info.filename):
        return True
    try:
        with archive.open(info) as entry:
            head = entry.read(8)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise refuse(UNREADABLE) from exc
    return head.startswith(NESTED_MAGIC)


class _Stop(Exception):
    """Enough of this part was seen (openpyxl reads a sheet's head only)."""


class _XmlScan:
    """One streaming pass of expat over one zip entry, counting what openpyxl would build.

    Outside the sheet data every element and attribute counts against `max_xml_nodes`
    (openpyxl keeps a tree of those parts). The shared strings (root `sst`) count strings;
    the sheet data counts rows, cells, columns that hold values, nodes per row (openpyxl
    builds one row's tree at a time) and characters per cell. With `full=False` a sheet is
    read up to its data only, which is all that openpyxl reads of a sheet it does not open.
    """

    def __init__(self, lim: Limits, *, full: bool, nodes: int) -> None:
        self.lim, self.full, self.nodes = lim, full, nodes
        self.depth = self.data_depth = 0
        self.root = ""
        self.rows = self.cells = self.row = self.column = self.row_nodes = 0
        self.last_row = self.last_column = 0
        self.valued = False
        self.strings = self.chars = 0
        self.text = False
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._chars
        self.parser = parser

    def feed(self, archive: zipfile.ZipFile, name: str) -> _XmlScan:
        try:
            with archive.open(name) as entry:
                while chunk := entry.read(64 * 1024):
                    self.parser.Parse(chunk, False)
                self.parser.Parse(b"", True)
        except (_Stop, expat.ExpatError):
            # Not XML (an image) or not well-formed: openpyxl stops at the same point.
            pass
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
            raise refuse(UNREADABLE) from exc
        return self

    def _doctype(self, *_args: Any) -> None:
        raise refuse("Excel 文件含有不允许的 XML 声明（DTD），请另存后重新上传")

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        self.depth += 1
        if self.depth == 1:
            self.root = local
        if self.data_depth:
            self._data_start(local, attrs)
        elif self.root == "sst":
            self._string_start(local, attrs)
        elif local == "sheetData" and self.root in {"worksheet", "dialogsheet"}:
            if not self.full:
                raise _Stop()
            self.data_depth = self.depth
        else:
            self._count(1 + len(attrs))

    def _count(self, nodes: int) -> None:
        self.nodes += nodes
        if self.nodes > self.lim.max_xml_nodes:
            raise refuse(f"Excel 文件的结构过于复杂（超过 {self.lim.max_xml_nodes} 个节点）")

    def _string_start(self, local: str, attrs: dict[str, str]) -> None:
        if local == "si" and self.depth == 2:
            self.strings += 1
            self.row_nodes = self.chars = 0
            if self.strings > self.lim.max_cells:
                raise too_many_cells(self.lim)
        self.row_nodes += 1 + len(attrs)
        if self.row_nodes > NODES_PER_STRING:
            raise refuse(f"Excel 文件的结构过于复杂（单个文本超过 {NODES_PER_STRING} 个节点）")
        self.text = local == "t"

    def _row_budget(self, nodes: int) -> None:
        self.row_nodes += nodes
        if self.row_nodes > self.lim.max_columns * NODES_PER_COLUMN:
            raise too_many_columns(self.lim)

    def _data_start(self, local: str, attrs: dict[str, str]) -> None:
        level = self.depth - self.data_depth
        if level == 1 and local == "row":
            self._row_start(attrs.get("r"))
        elif level == 2 and local == "c":
            self.cells += 1
            if self.cells > self.lim.max_cells:
                raise too_many_cells(self.lim)
            self.column = _column(attrs.get("r"), self.column)
            self.valued = False
        elif level == 3 and local in {"v", "is"}:
            self.valued = True
        self._row_budget(1 + len(attrs))
        self.text = local in {"v", "t"}
        self.chars = 0

    def _row_start(self, ref: str | None) -> None:
        self.rows += 1
        if self.rows > self.lim.max_rows + 1:
            raise too_many_rows(self.lim)
        self.row = _row_number(ref, self.row)
        self.column = self.row_nodes = 0

    def _end(self, name: str) -> None:
        level = self.depth - self.data_depth if self.data_depth else 0
        if self.data_depth and level == 2 and self.valued:
            if self.row > self.lim.max_rows + 1:
                raise too_many_rows(self.lim)
            if self.column > self.lim.max_columns:
                raise too_many_columns(self.lim)
            self.last_row = max(self.last_row, self.row)
            self.last_column = max(self.last_column, self.column)
        if self.depth == self.data_depth:
            self.data_depth = 0
        self.depth -= 1
        self.text = False

    def _chars(self, data: str) -> None:
        if self.text:
            self.chars += len(data)
            if self.chars > MAX_CELL_CHARS:
                raise cell_too_long()


def _row_number(ref: str | None, previous: int) -> int:
    """The number of a row as openpyxl reads it: from `r` (even "3.0"), else the next one."""
    if not ref:
        return previous + 1
    try:
        number = float(ref)
    except ValueError as exc:
        raise refuse(UNREADABLE) from exc
    if not number.is_integer():
        raise refuse(UNREADABLE)
    return int(number)


_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?\d+")


def _column(ref: str | None, previous: int) -> int:
    """The column of a cell as openpyxl reads it: from `r`, else one after the previous."""
    if not ref:
        return previous + 1
    match = _CELL_REF.fullmatch(ref)
    if match is None:
        raise refuse(UNREADABLE)
    number = 0
    for letter in match.group(1).upper():
        number = number * 26 + ord(letter) - 64
    return number

"""Hand-built spreadsheets and texts that cost far more to parse than they weigh.

Each .xlsx is assembled with `zipfile` from the few parts openpyxl needs, so a test controls
every byte: the declared dimension, the row numbers, the cells, extra entries.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)  # fmt: skip
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
    '<sheets><sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
    '<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="1"><xf/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def sheet(rows: Iterable[str], dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = "".join(rows)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}'
        f"<sheetData>{body}</sheetData></worksheet>"
    )


def xlsx(sheet_xml: str | bytes, extra: dict[str, bytes] | None = None, *, styles: str = STYLES, strings: str | None = None) -> bytes:  # fmt: skip
    out = io.BytesIO()
    rels, types = WORKBOOK_RELS, CONTENT_TYPES
    if strings is not None:  # openpyxl finds the part by its content type, then by the rel
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
        override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/>'
        types = types.replace("</Types>", override + "</Types>")
        target = f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        rels = rels.replace("</Relationships>", target + "</Relationships>")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        if strings is not None:
            archive.writestr("xl/sharedStrings.xml", strings)
        archive.writestr("xl/styles.xml", styles)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


HEADER_ROW = '<row r="1">' + cell("A1", "姓名") + cell("B1", "身份证号") + "</row>"


def dimension_bomb() -> bytes:
    """The file of the issue (1.9 KB): declares A1:XFD20000 and holds a header and one cell
    on row 20,000. Trusting the dimension, openpyxl pads 20,000 rows of 16,384 cells."""
    last = '<row r="20000">' + cell("A20000", "张三") + cell("B20000", "x") + "</row>"
    return xlsx(sheet([HEADER_ROW, last], dimension="A1:XFD20000"))


def far_corner_bomb() -> bytes:
    """A1:XFD20000 declared, and a second cell really sits at XFD20000."""
    last = '<row r="20000">' + cell("XFD20000", "x") + "</row>"
    return xlsx(sheet([HEADER_ROW, last], dimension="A1:XFD20000"))


def last_row_bomb() -> bytes:
    """One value on the sheet's last row: openpyxl yields a million padded rows before it."""
    last = '<row r="1048576">' + cell("A1048576", "张三") + "</row>"
    return xlsx(sheet([HEADER_ROW, last], dimension="A1:B1048576"))


def empty_rows_bomb(count: int = 60_000) -> bytes:
    """Tens of thousands of empty row elements (each kept by openpyxl's parser)."""
    rows = (f'<row r="{n}" ht="15" customHeight="1"/>' for n in range(2, count + 2))
    return xlsx(sheet([HEADER_ROW, *rows]))


def wide_bomb(columns: int = 200) -> bytes:
    """A header row of `columns` valued cells."""
    cells = "".join(cell(f"{_letters(n)}1", f"列{n}") for n in range(1, columns + 1))
    return xlsx(sheet([f'<row r="1">{cells}</row>']))


def empty_cells_bomb(count: int = 100_000) -> bytes:
    """One row of empty cells: openpyxl builds the whole row's tree before yielding it."""
    return xlsx(sheet([HEADER_ROW, '<row r="2">' + "<c/>" * count + "</row>"]))


def inflate_bomb(size: int = 200 * 1024 * 1024) -> bytes:
    """A zip entry of zeros far beyond the unzipped limit (about 200 KB on the wire)."""
    return xlsx(sheet([HEADER_ROW]), {"xl/media/image1.png": b"\0" * size})


def ratio_bomb(size: int = 24 * 1024 * 1024) -> bytes:
    """Within the size limits, but a thousand-fold compression: a sheet padded with spaces."""
    padded = sheet([HEADER_ROW]).replace("<sheetData>", "<sheetData>" + " " * size)
    return xlsx(padded)


def entity_bomb() -> bytes:
    """Billion laughs in the sheet (XLSX has no DTD; expat's own guard is not the fence)."""
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    doc = sheet(['<row r="1">' + cell("A1", "姓名") + "</row>"]).replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [{entities}]>',
    )
    return xlsx(doc.replace("<t>姓名</t>", "<t>&i;</t>"))


def nested_bomb() -> bytes:
    """An embedded archive (here a second workbook)."""
    return xlsx(sheet([HEADER_ROW]), {"xl/embeddings/inner.xlsx": dimension_bomb()})


def styles_bomb(count: int = 300_000) -> bytes:
    """A style sheet of hundreds of thousands of nodes (openpyxl builds a tree of it)."""
    xfs = "".join(f'<xf numFmtId="{n % 160}"/>' for n in range(count))
    styles = STYLES.replace('<cellXfs count="1"><xf/></cellXfs>', f"<cellXfs>{xfs}</cellXfs>")
    return xlsx(sheet([HEADER_ROW]), styles=styles)


def shared_strings(values: list[str]) -> str:
    items = "".join(f"<si><t>{escape(v)}</t></si>" for v in values)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{items}</sst>'


def csv_giant_line(size: int = 1_500_000) -> bytes:
    return ("姓名,身份证号\n张三," + "1" * size + "\n").encode()


def csv_wide(columns: int = 500) -> bytes:
    return (",".join(f"列{n}" for n in range(columns)) + "\n").encode()


def csv_open_quote(lines: int = 5_000) -> bytes:
    """A quote that never closes: one field running over thousands of lines."""
    return ('姓名,身份证号\n"张三,' + "x" * 60 + "\n" + ("y" * 60 + "\n") * lines).encode()


def _letters(number: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(65 + rest) + out
    return out

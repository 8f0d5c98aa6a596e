"""Browser: an admin imports an XLSX with one bad row, reads the report, imports the valid
rows, opens the statistics dashboard and sees the charts (real uvicorn, migrated SQLite)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import login


def _workbook(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "状态", "所在组织", "民族", "学历", "申请入党日期"])
    rows = [
        [
            "浏览器甲",
            "110101199001010015",
            "入党申请人",
            "第一党支部",
            "汉族",
            "本科",
            "2025-03-01",
        ],
        [
            "浏览器乙",
            "340524198001010019",
            "入党申请人",
            "第一党支部",
            "汉族",
            "本科",
            "2025-03-01",
        ],
        [
            "浏览器丙",
            "110101198505050040",
            "入党申请人",
            "第二党支部",
            "回族",
            "硕士",
            "2025-04-01",
        ],
    ]
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_admin_imports_xlsx_then_sees_charts(page: Page, live_server: str, tmp_path: Path) -> None:
    xlsx = tmp_path / "名册.xlsx"
    _workbook(xlsx)
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(15_000)
    login(page, live_server, "committee_admin")

    page.goto(live_server + "/members/import")
    page.set_input_files("input[name=file]", str(xlsx))
    page.click("#import-form button[type=submit]")
    expect(page.locator("#import-summary")).to_contain_text("共 3 行")
    expect(page.locator("#invalid-count")).to_have_text("1")
    expect(page.locator("#import-errors")).to_contain_text("第 3 行")
    expect(page.locator("#import-errors")).to_contain_text("校验位")

    page.click("#import-valid")
    expect(page.locator("#import-done")).to_contain_text("已导入 2 名党员")

    page.click("text=查看统计")
    expect(page.locator("h1")).to_contain_text("党员统计")
    expect(page.locator("svg.chart-pie").first).to_be_visible()
    expect(page.locator("svg.chart-bar").first).to_be_visible()
    assert page.locator("svg.chart").count() == 9
    assert page.locator("#stats-status svg path, #stats-status svg circle").count() >= 1
    expect(page.locator("#stats-ethnicity table")).to_contain_text("回族")

    page.goto(live_server + "/members?q=浏览器")
    expect(page.locator("table.directory")).to_contain_text("浏览器甲")
    expect(page.locator("table.directory")).not_to_contain_text("浏览器乙")

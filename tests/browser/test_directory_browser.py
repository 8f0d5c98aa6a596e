"""Browser: an admin imports an XLSX with one bad row, reads the report, imports the valid
rows, opens the statistics dashboard and sees the charts. Real uvicorn, migrated temp SQLite."""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect, sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Path]]:
    tmp = Path(tempfile.mkdtemp(prefix="grassroots-browser-"))
    port = _free_port()
    env = {
        **os.environ,
        "FORUM_ENV": "test",
        "FORUM_DATA_DIR": str(tmp),
        "FORUM_DATABASE_URL": f"sqlite://{tmp}/db.sqlite3",
        "FORUM_SECRET_KEY": "browser-secret-" + "y" * 32,
        "FORUM_ID_NUMBER_KEY": base64.urlsafe_b64encode(b"b" * 32).decode(),
        "FORUM_PASSWORD_PROFILE": "fast",
        "FORUM_ALLOWED_ORIGINS": f"http://127.0.0.1:{port}",
    }
    env.pop("FORUM_REDIS_URL", None)
    for command in (["migrate"], ["demo"]):
        subprocess.run(
            [sys.executable, "-m", "forum.cli", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "forum.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/login", timeout=1) as r:  # noqa: S310
                if r.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("uvicorn did not start") from None
            time.sleep(0.1)
    try:
        yield base, tmp
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def _workbook(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "状态", "所在组织", "民族", "学历", "申请入党日期"])
    sheet.append(
        ["浏览器甲", "110101199001010015", "入党申请人", "第一党支部", "汉族", "本科", "2025-03-01"]
    )
    sheet.append(
        ["浏览器乙", "340524198001010019", "入党申请人", "第一党支部", "汉族", "本科", "2025-03-01"]
    )
    sheet.append(
        [
            "浏览器丙",
            "110101198505050040",
            "入党申请人",
            "第二党支部",
            "回族",
            "硕士",
            "2025-04-01",
        ]
    )
    book.save(path)


def test_admin_imports_xlsx_then_sees_charts(server: tuple[str, Path]) -> None:
    base, tmp = server
    xlsx = tmp / "名册.xlsx"
    _workbook(xlsx)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page: Page = browser.new_page(viewport={"width": 390, "height": 844})
        page.set_default_timeout(15_000)
        page.goto(base + "/login")
        page.fill("input[name=username]", "committee_admin")
        page.fill("input[name=password]", "demo-password-2026")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url(lambda url: "/login" not in url)

        page.goto(base + "/members/import")
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
        ethnicity = page.locator("#stats-ethnicity table")
        expect(ethnicity).to_contain_text("回族")

        page.goto(base + "/members?q=浏览器")
        expect(page.locator("table.directory")).to_contain_text("浏览器甲")
        expect(page.locator("table.directory")).not_to_contain_text("浏览器乙")
        browser.close()

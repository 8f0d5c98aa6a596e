"""Every page, every demo role, at phone width (360 px): no WCAG 2.1 A/AA violation that
axe-core finds, and no English system code (raw enum values, field names) in the visible text.

The pages are found the way a person finds them: from the header and tab bar, then one
level into the main lists (a board, a topic, a meeting, a member record, a disclosure ...).
One URL stands for each route shape (`/t/12` and `/t/13` are the same template), so the walk
covers every reachable page kind without visiting every row. Each page is visited once per
role; both checks read the same visit. The walk runs on a demo of its own, as a new branch
first sees it: other suites write XSS vectors and naughty strings into the shared server,
which are user content, not system codes.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import _free_port, demo_env, login, serve_demo

PHONE = {"width": 360, "height": 740}
AXE = (Path(__file__).resolve().parents[1] / "data" / "axe" / "axe.min.js").read_text()
# visitor = a registered account with no Party membership; full_member = 正式党员.
ROLES = ["anonymous", "visitor", "full_member", "secretary", "moderator", "admin"]
MAX_PAGES = 60
# Not pages: downloads, feeds, machine endpoints, and links that change state on GET-less
# forms are never anchors. `/logout` is a POST form, not a link.
SKIP = re.compile(
    r"(\.(csv|xlsx|md|atom|json|txt|pdf|png|svg)$)|^/(static|api|healthz|metrics|ws)\b"
    r"|/(export|feed|qr|download|attachments?)\b|^/files/|/minutes\.html$|/print\b"
)
# Latin words a person may see: product and file-format names, units, and words that are
# user content in the demo (usernames appear as @mentions and in the header).
ALLOWED_LATIN = {
    "pdf", "xlsx", "csv", "markdown", "md", "kb", "mb", "gb", "qr", "url", "id", "ip",
    "utc", "am", "pm", "http", "https", "www", "ok", "ppt", "word", "excel", "html",
    "rss", "atom", "logo", "app", "wifi", "tls", "sms", "b", "k", "m", "s", "x",
    "gif", "jpeg", "jpg", "png", "webp", "docx", "doc", "txt", "utf", "bytes", "kib", "mib",
    "mp4", "mp3", "wav", "webm",
}  # fmt: skip
USERNAMES = {
    "admin", "committee_admin", "committee_secretary", "gb_secretary", "secretary",
    "deputy", "organizer", "publicity", "discipline", "group_leader", "publisher",
    "moderator", "sibling_secretary", "full_member", "probationary", "target", "activist",
    "applicant", "sanctioned", "floating", "visitor", "demo",
}  # fmt: skip
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh demo for this module only (shadows the session's shared server)."""
    port = _free_port()
    yield from serve_demo(demo_env(tmp_path_factory.mktemp("design-data"), port), port)


def shape(path: str) -> str:
    """The route shape of a path: numbers become `#`."""
    return re.sub(r"/\d+", "/#", path)


def walk(page: Any, base: str) -> list[dict[str, Any]]:
    """Visit the nav pages, then the pages they link to (one per shape), running axe and
    reading the visible text on each."""
    page.goto(base + "/")
    nav = page.eval_on_selector_all(
        "nav.main-nav a, nav.phone-nav a, nav.tab-bar a, header a",
        "els => els.map(e => e.getAttribute('href'))",
    )
    queue: deque[tuple[str, int]] = deque((href, 0) for href in ["/", *nav])
    seen: set[str] = set()
    results: list[dict[str, Any]] = []
    while queue and len(results) < MAX_PAGES:
        href, depth = queue.popleft()
        parts = urlsplit(href)
        if parts.netloc and base.split("//", 1)[1] != parts.netloc:
            continue
        path = parts.path or "/"
        if not path.startswith("/") or SKIP.search(path) or shape(path) in seen:
            continue
        seen.add(shape(path))
        url = base + path + (f"?{parts.query}" if parts.query and depth == 0 else "")
        response = page.goto(url)
        if (
            response is None
            or response.status != 200
            or "text/html" not in (response.headers.get("content-type", ""))
        ):
            continue
        axe = page.evaluate(
            """async (tags) => {
              const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
              return r.violations.map(v => ({id: v.id, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
            }""",
            WCAG,
        )
        text = page.evaluate("document.body.innerText")
        results.append({"path": path, "violations": axe, "text": text})
        if depth < 2:
            links = page.eval_on_selector_all(
                "main a[href]", "els => els.map(e => e.getAttribute('href'))"
            )
            queue.extend((link, depth + 1) for link in links if link)
    return results


_CACHE: dict[str, list[dict[str, Any]]] = {}


def visits(browser: Any, base: str, role: str) -> list[dict[str, Any]]:
    if role not in _CACHE:
        context = browser.new_context(viewport=PHONE)
        # An init script runs before the page's own and is not subject to its CSP (which
        # stays on: inline scripts are refused).
        context.add_init_script(AXE)
        page = context.new_page()
        try:
            if role != "anonymous":
                login(page, base, role)
            _CACHE[role] = walk(page, base)
        finally:
            context.close()
    return _CACHE[role]


def latin_words(text: str) -> set[str]:
    """Latin words in `text` that are not allowed: not a URL, file name, e-mail address,
    username, unit or format name."""
    text = re.sub(r"\S+@\S+|https?://\S+|\b[\w.-]+\.(pdf|xlsx|csv|md|png|jpe?g|docx?)\b", " ", text)
    text = re.sub(r"@[\w-]+|(?<![\w.])/[\w/.?=&%#-]+", " ", text)  # @mentions, site paths
    # A token with digits in it is data (a certificate number, 2026-Q3), not a label.
    tokens = re.findall(r"[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*", text)
    words = {t for t in tokens if not any(c.isdigit() for c in t)}
    return {w for w in words if w.lower() not in ALLOWED_LATIN and w not in USERNAMES}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_wcag21_aa_at_360px(
    browser: Any, live_server: str, role: str
) -> None:
    results = visits(browser, live_server, role)
    assert len(results) >= 8, [r["path"] for r in results]
    bad = [(r["path"], v["id"], v["nodes"]) for r in results for v in r["violations"]]
    assert not bad, "\n".join(f"{p}: {i} {n}" for p, i, n in bad)


@pytest.mark.parametrize("role", ROLES)
def test_no_english_system_code_in_visible_text(browser: Any, live_server: str, role: str) -> None:
    results = visits(browser, live_server, role)
    assert len(results) >= 8
    bad = {r["path"]: sorted(latin_words(r["text"])) for r in results}
    bad = {path: words for path, words in bad.items() if words}
    assert not bad, "\n".join(f"{p}: {' '.join(w)}" for p, w in bad.items())


def test_the_walk_covers_the_main_page_kinds(browser: Any, live_server: str) -> None:
    """The crawl really reaches the data-heavy pages (a broken nav would shrink it)."""
    shapes = {shape(r["path"]) for r in visits(browser, live_server, "secretary")}
    for expected in ["/", "/forum", "/meetings", "/meetings/#", "/members", "/members/#",
                     "/members/stats", "/disclosures", "/me", "/t/#"]:  # fmt: skip
        assert expected in shapes, sorted(shapes)
    assert len(shapes) >= 25, sorted(shapes)

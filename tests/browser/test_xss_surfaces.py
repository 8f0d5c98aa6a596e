"""Every public XSS corpus through every user-controlled surface of the pages, in Chromium:
a vector is stored through the normal write path (validation may refuse it) and the pages
that show it must not run any script, dialog, console output or foreign request.

Surfaces here: org name (tree, org page, admin page), display name (role lists, header),
disclosure title (as search results) and body, feedback and its answer (visitor and staff
views), meeting message (live in the room, the reloaded room, the minutes), notification text
and boards search results. Post bodies and topic titles: tests/browser/test_boards_browser.py.
Every page checked also runs a canary script that the probe must catch.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.xss import Probe
from tests.corpora import all_xss_vectors
from tests.figures import report

VECTORS = all_xss_vectors()


def _admin_client(base: str, username: str = "committee_admin") -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    token = client.get("/api/v1/csrf").json()["csrf_token"]
    login = client.post(
        "/login", data={"csrf_token": token, "username": username, "password": "demo-password-2026"}
    )
    assert login.status_code == 303
    client.headers["X-CSRF-Token"] = client.get("/api/v1/csrf").json()["csrf_token"]
    return client


# --- Transparency, meetings, notifications and search -------------------------------------
# The vectors are written straight into the live server's database (tests/browser/xss_seed.py)
# so that each surface is a handful of page loads; the meeting's live messages go through the
# server (HTTP post -> realtime event -> the room page's script inserts them).


@pytest.fixture(scope="module")
def seeded(live_server: str) -> dict[str, Any]:
    from tests.browser.conftest import LIVE_ENV, ROOT

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "tests.browser.xss_seed"],
        env=LIVE_ENV,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"\nseeded every vector into every surface in {time.monotonic() - started:.1f}s")
    return result


def _walk(page: Any, probe: Probe, url: str, next_label: str, row: str) -> tuple[int, int]:
    """Check `url` and every page after it (following the pager link): (pages, rows seen)."""
    pages = rows = 0
    next_url: str | None = url
    while next_url:
        hits = probe.check(page, next_url, settle=False)
        assert hits == [], (next_url, hits[:5])
        pages += 1
        rows += page.locator(row).count()
        link = page.locator("a.button", has_text=next_label)
        next_url = urljoin(page.url, link.get_attribute("href")) if link.count() else None
    return pages, rows


def _report(surface: str, probe: Probe, pages: int) -> None:
    assert probe.canaries == pages, (probe.canaries, pages)  # the hook was live on every page
    report(
        f"XSS: {len(VECTORS)} vectors x {surface}: {pages} page loads, 0 executions, "
        f"canary caught on {probe.canaries}/{pages} pages"
    )


def test_disclosure_titles_bodies_and_search_never_execute(
    page: Any, live_server: str, seeded: dict[str, Any]
) -> None:
    info = seeded["disclosures"]
    # Titles, as search results on the public board (a visitor), one keyword per group of
    # items, every page: the board list and the search share this page and its item rows.
    probe = Probe(live_server)
    probe.attach(page)
    pages = rows = 0
    for keyword in info["search_groups"]:
        p, r = _walk(page, probe, f"{live_server}/disclosures?q={keyword}", "下一页", ".disc-title")
        pages, rows = pages + p, rows + r
    assert rows == info["title_items"], (rows, info["title_items"])
    _report("disclosure title as search result (/disclosures?q=)", probe, pages)
    # Bodies (and titles in <h1> and <title>) on the item pages.
    probe = Probe(live_server)
    probe.attach(page)
    for item in info["body_items"]:
        hits = probe.check(page, f"{live_server}/disclosures/{item}")
        assert hits == [], (item, hits[:5])
        assert page.locator(".prose").first.inner_text().strip()
    _report("disclosure body (item page)", probe, len(info["body_items"]))


def test_disclosure_feedback_and_answers_never_execute(
    page: Any, live_server: str, seeded: dict[str, Any]
) -> None:
    from tests.browser.conftest import login

    info = seeded["disclosures"]
    url = f"{live_server}/disclosures/{info['feedback_item']}"
    probe = Probe(live_server)
    probe.attach(page)
    hits = probe.check(page, url)  # a visitor: public feedback and answers
    assert hits == [], hits[:5]
    assert page.locator(".disc-feedback").count() == info["feedback_rows"]
    # The publisher also sees the answer forms (the raw answer inside a textarea).
    login(page, live_server, "publisher")
    hits = probe.check(page, url)
    assert hits == [], hits[:5]
    assert page.locator(".disc-feedback textarea[name=answer]").count() == info["feedback_rows"]
    _report("feedback + answer (visitor, staff)", probe, 2)


def test_meeting_messages_never_execute_live_or_in_minutes(
    page: Any, live_server: str, seeded: dict[str, Any]
) -> None:
    from tests.browser.conftest import login

    meeting = seeded["meeting"]["meeting"]
    messages: list[str] = seeded["meeting"]["messages"]
    room = f"{live_server}/meetings/{meeting}"
    probe = Probe(live_server)
    probe.attach(page)
    login(page, live_server, "full_member")
    assert probe.check(page, room) == []
    page.wait_for_selector("#room[data-live='1']")  # the socket is subscribed
    speakers = [_admin_client(live_server, name) for name in seeded["meeting"]["speakers"]]
    try:
        for index, body in enumerate(messages):
            speaker = speakers[index % len(speakers)]
            sent = speaker.post(
                f"/meetings/{meeting}/message",
                data={"csrf_token": speaker.headers["X-CSRF-Token"], "body": body},
            )
            assert sent.status_code == 303, (sent.status_code, sent.text[:300])
        # Every message arrives over the socket and the page's script inserts its HTML.
        expect(page.locator("#messages li.message")).to_have_count(len(messages), timeout=60_000)
        hits = probe.scan(page)
        assert hits == [], hits[:5]
        hits = probe.check(page, room)  # the same messages rendered by the server
        assert hits == [], hits[:5]
        assert page.locator("#messages li.message").count() == len(messages)
        page.goto("about:blank")  # the room reloads itself when the meeting ends
        host = speakers[0]  # the secretary
        ended = host.post(
            f"/meetings/{meeting}/end",
            data={"csrf_token": host.headers["X-CSRF-Token"], "confirmed": "1"},
        )
        assert ended.status_code == 303, ended.text[:300]
    finally:
        for speaker in speakers:
            speaker.close()
    hits = probe.check(page, room + "/minutes")
    assert hits == [], hits[:5]
    assert page.locator(".minutes-message").count() == len(messages)
    _report("meeting message (live room, reloaded room, minutes)", probe, 4)


def test_notification_texts_never_execute(
    page: Any, live_server: str, seeded: dict[str, Any]
) -> None:
    from tests.browser.conftest import login

    info = seeded["boards"]
    probe = Probe(live_server)
    probe.attach(page)
    login(page, live_server, info["reader"])
    pages, rows = _walk(
        page, probe, live_server + "/forum/notifications", "更早的通知", ".notification"
    )
    assert rows >= info["notifications"]
    _report("notification text (topic titles)", probe, pages)


def test_boards_search_snippets_never_execute(
    page: Any, live_server: str, seeded: dict[str, Any]
) -> None:
    from tests.browser.conftest import login

    info = seeded["boards"]
    probe = Probe(live_server)
    probe.attach(page)
    login(page, live_server, info["reader"])
    pages = rows = 0
    for keyword in info["snippet_groups"]:  # the one search ranks at most 200 per query
        url = f"{live_server}/search?q={keyword}&part=forum"
        p, r = _walk(page, probe, url, "下一页", ".search-result")
        pages, rows = pages + p, rows + r
    assert rows == info["snippets"], (rows, info["snippets"])
    _report("boards search result (title + excerpt, /search)", probe, pages)


# --- Org names and display names (these add thousands of orgs and users: run them last, so the
# pages above are not also listing every org in their filter menus) -------------------------


def test_org_names_from_every_corpus_never_execute(page: Any, live_server: str) -> None:
    with contextlib.closing(_admin_client(live_server)) as client:
        orgs = client.get("/api/v1/orgs").json()
        committee = next(o for o in orgs if o["kind"] == "committee")
        holder = client.post(
            "/api/v1/orgs",
            json={"name": "XSS测试党委下属支部", "kind": "branch", "parent_id": committee["id"]},
        ).json()

        def create(item: tuple[int, str]) -> int:
            index, vector = item
            response = client.post(
                "/api/v1/orgs",
                json={"name": f"{index} {vector}"[:64], "kind": "group", "parent_id": holder["id"]},
            )
            assert response.status_code in {201, 400}, (vector, response.status_code)
            return int(response.status_code == 201)

        # Through the real write path, a few requests at a time (the server is async).
        with ThreadPoolExecutor(max_workers=6) as pool:
            stored = sum(pool.map(create, enumerate(VECTORS)))
        assert stored > len(VECTORS) * 0.9
    probe = Probe(live_server)
    probe.attach(page)
    from tests.browser.conftest import login

    login(page, live_server, "committee_admin")
    for path in ["/orgs", f"/orgs/{holder['id']}", f"/orgs/{holder['id']}/admin"]:
        started = time.monotonic()
        hits = probe.check(page, live_server + path)
        print(f"\n{path}: {time.monotonic() - started:.1f}s")
        assert hits == [], (path, hits[:5])
    report(f"XSS: {stored} org-name vectors x 3 pages, 0 executions")


def test_display_names_from_every_corpus_never_execute(page: Any, live_server: str) -> None:
    stored = 0
    with contextlib.closing(_admin_client(live_server, "admin")) as admin:
        orgs = admin.get("/api/v1/orgs").json()
        branch = next(o for o in orgs if o["kind"] == "branch")
        with httpx.Client(base_url=live_server, timeout=30) as client:
            for index, vector in enumerate(VECTORS[:300]):
                client.cookies.clear()
                token = client.get("/api/v1/csrf").json()["csrf_token"]
                response = client.post(
                    "/register",
                    data={
                        "csrf_token": token,
                        "username": f"xss{index}",
                        "display_name": vector[:32],
                        "password": "xss-password-1",
                        "password_confirm": "xss-password-1",
                    },
                )
                if response.status_code != 303:
                    continue
                grant = admin.post(
                    f"/orgs/{branch['id']}/roles",
                    data={
                        "csrf_token": admin.headers["X-CSRF-Token"],
                        "username": f"xss{index}",
                        "role": "publisher",
                    },
                )
                assert grant.status_code == 303
                stored += 1
    assert stored > 150
    probe = Probe(live_server)
    probe.attach(page)
    from tests.browser.conftest import login

    login(page, live_server, "admin")
    for path in [f"/orgs/{branch['id']}", f"/orgs/{branch['id']}/admin"]:
        hits = probe.check(page, live_server + path)
        assert hits == [], (path, hits[:5])
    report(f"XSS: {stored} display-name vectors x 2 pages, 0 executions")


def test_every_vector_as_a_display_name_never_executes(
    page: Any, live_server: str, seeded: dict[str, Any]
) -> None:
    """The whole corpus as display names (seeded: one account per vector), on the org page
    and its admin page, which list every role holder by display name."""
    from tests.browser.conftest import login

    info = seeded["display_names"]
    # The org pages list every seeded holder (hundreds of rows): on two cores shared by four
    # lanes their load can pass the default 30 s, so this test waits longer (a timeout only).
    page.set_default_timeout(90_000)
    probe = Probe(live_server)
    probe.attach(page)
    login(page, live_server, "admin")
    org = f"{live_server}/orgs/{info['org']}"
    for url in (org, org + "/admin"):
        assert probe.check(page, url) == [], url
    assert page.locator("#roles li.row").count() >= info["names"]
    _report("display name (org page, org admin page)", probe, 2)


def test_probe_detects_a_script_that_runs(page: Any, live_server: str) -> None:
    """The probe itself can fail: a page that does run a vector is caught."""
    probe = Probe("data:")
    probe.attach(page)
    hits = probe.check(
        page,
        "data:text/html,<p>x</p><img src=x onerror=alert(1)><script>console.log('xss')</script>",
    )
    assert any(h.startswith(("alert", "dialog")) for h in hits)
    assert any(h.startswith("console") for h in hits)

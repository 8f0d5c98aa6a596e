"""Every public XSS corpus through every user-controlled surface of the pages, in Chromium:
a vector is stored through the normal write path (validation may refuse it) and the pages
that show it must not run any script, dialog, console output or foreign request.

Surfaces here: org name (tree, org page, admin page) and display name (role lists, header).
Other parts register their surfaces in their own browser tests with the same probe.
"""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.browser.xss import Probe
from tests.corpora import all_xss_vectors

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
    print(f"\nXSS: {stored} org-name vectors x 3 pages, 0 executions")


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
    print(f"\nXSS: {stored} display-name vectors x 2 pages, 0 executions")


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

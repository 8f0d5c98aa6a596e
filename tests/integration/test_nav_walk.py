"""Every demo account, every nav link: the header and the phone (tab bar plus header) offer
the same links, each answers 200 for the viewer, and so does every tool on the 管理 hub."""

from __future__ import annotations

import re

from forum.demo import DEMO_ACCOUNTS, seed_demo
from tests.helpers import Client

NAV_RE = re.compile(r'<nav class="(main-nav|tab-bar|phone-nav)"[^>]*>(.*?)</nav>', re.S)
LINK_RE = re.compile(r'<a href="([^"]+)"[^>]*data-nav="([^"]+)"')
HUB_RE = re.compile(r'<section class="card">\s*<h2><a href="([^"]+)">')
ORG_ADMIN_RE = re.compile(r'<a href="(/orgs/\d+/admin)">')


def nav_of(html: str) -> dict[str, list[tuple[str, str]]]:
    return {kind: LINK_RE.findall(body) for kind, body in NAV_RE.findall(html)}


async def _walk(client: Client) -> list[str]:
    home = await client.get("/")
    assert home.status_code == 200
    bars = nav_of(home.text)
    assert set(bars) == {"main-nav", "tab-bar", "phone-nav"}
    # Phones get every link too: six tabs at most, the rest (待办, 管理) in the phone header.
    assert len(bars["tab-bar"]) <= 6
    assert sorted(bars["main-nav"]) == sorted(bars["tab-bar"] + bars["phone-nav"])
    for href, key in bars["main-nav"]:
        response = await client.get(href)
        assert response.status_code == 200, (key, href, response.status_code)
    return [key for _, key in bars["main-nav"]]


async def test_every_demo_role_nav_links_answer_200(client: Client) -> None:
    assert await seed_demo(progress=lambda _: None) is not None
    seen = {"anonymous": await _walk(client)}
    for key, *_ in DEMO_ACCOUNTS:
        await client.login(key)
        seen[key] = await _walk(client)
        if "admin" in seen[key]:
            hub = (await client.get("/manage")).text
            tools = HUB_RE.findall(hub) + ORG_ADMIN_RE.findall(hub)
            assert tools, key
            for href in tools:
                assert (await client.get(href)).status_code == 200, (key, href)
        else:
            assert (await client.get("/manage")).status_code == 404, key
        await client.logout()
    public = ["home", "forum", "meetings", "disclosures"]
    assert seen["anonymous"] == public
    assert seen["visitor"] == [*public, "me", "todo"]
    assert seen["full_member"] == [*public, "members", "learning", "me", "todo"]
    # The first walk: the site moderator's 管理 was a 404, publishers and 宣传委员 had none.
    for key in ("moderator", "publisher", "publicity", "admin", "secretary", "committee_admin"):
        assert seen[key][-1] == "admin", key
    for key in ("full_member", "probationary", "applicant", "group_leader", "floating"):
        assert "admin" not in seen[key], key

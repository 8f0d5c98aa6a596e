"""Issue 14, findings 8-10: feed summaries escaped once, absolute links from the configured
public base URL (never the Host header), and site-internal links that stay on the site."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import pytest

from forum.boards import feeds
from forum.seeding import DEMO_PASSWORD
from forum.settings import get_settings
from tests.boards_helpers import make_world as make_boards_world
from tests.boards_helpers import start_topic
from tests.helpers import Client
from tests.integration.transparency_fixtures import category, draft, publish_through
from tests.integration.transparency_fixtures import make_world as make_transparency_world
from transparency import routes as transparency_routes
from transparency.models import Disclosure

pytestmark = pytest.mark.usefixtures("database")

ATOM = "{http://www.w3.org/2005/Atom}"
TRICKY = "1 < 2 & 3 > 2, \"引号\" 'apos' <b>不是标签</b> &amp; &lt;script&gt;"


def _parse(xml_text: str) -> ET.Element:
    return ET.fromstring(xml_text.encode())  # noqa: S314 - our own feed, in a test


def _entries(xml_text: str) -> list[ET.Element]:
    return _parse(xml_text).findall(f"{ATOM}entry")


def _hrefs(xml_text: str) -> list[str]:
    root = _parse(xml_text)
    return [link.attrib["href"] for link in root.iter(f"{ATOM}link")] + [
        el.text or "" for el in root.iter(f"{ATOM}id")
    ]


async def test_board_feed_summary_is_escaped_exactly_once(client: Client) -> None:
    world = await make_boards_world()
    # Markdown renders the text escaped (&lt; &amp; ...) and the tags as text or stripped;
    # the summary must decode to the plain text a reader saw on the page.
    await start_topic(world.public, world.users["full"], "转义测试", f"`{TRICKY}`")
    feed = await client.get(f"/forum/b/{world.public.id}/feed.atom")
    assert feed.status_code == 200
    (entry,) = _entries(feed.text)
    summary = entry.find(f"{ATOM}summary")
    assert summary is not None and summary.attrib.get("type", "text") == "text"
    assert summary.text == TRICKY  # before the fix: "1 &lt; 2 &amp; 3 ..." (escaped twice)


async def test_transparency_feed_content_is_html_escaped_once(client: Client) -> None:
    w = await make_transparency_world()
    await publish_through(
        w,
        await draft(w, scope="public", title="公开 & <透明>", body="第一段 **加粗** 1 < 2"),
        approver="committee_secretary",
    )
    feed = await client.get("/disclosures/feed.atom")
    (entry,) = _entries(feed.text)
    title = entry.find(f"{ATOM}title")
    content = entry.find(f"{ATOM}content")
    assert title is not None and title.text == "公开 & <透明>"
    assert content is not None and content.attrib["type"] == "html"
    # type="html": once decoded, the text is the sanitized HTML itself (escaped once)
    assert content.text is not None
    assert "<strong>加粗</strong>" in content.text and "1 &lt; 2" in content.text


async def test_feed_links_come_from_the_setting_not_the_host_header(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = dataclasses.replace(get_settings(), public_base_url="https://dangjian.example.org")
    monkeypatch.setattr(feeds, "get_settings", lambda: configured)
    monkeypatch.setattr(transparency_routes, "get_settings", lambda: configured)
    world = await make_boards_world()
    await start_topic(world.public, world.users["full"], "链接测试")
    forged = {"Host": "evil.example"}
    board_feed = await client.get(f"/forum/b/{world.public.id}/feed.atom", headers=forged)
    w = await make_transparency_world()
    await publish_through(w, await draft(w, scope="public"), approver="committee_secretary")
    disclosure_feed = await client.get("/disclosures/feed.atom", headers=forged)
    for feed in (board_feed, disclosure_feed):
        assert feed.status_code == 200
        links = _hrefs(feed.text)
        assert links and all(h.startswith("https://dangjian.example.org/") for h in links), links
        assert "evil.example" not in feed.text


async def test_disclosure_attachment_links_must_stay_on_the_site(client: Client) -> None:
    w = await make_transparency_world()
    await client.login("publisher")
    cat = await category()
    for url in ("/\\evil.example/x", "//evil.example/x", "/\\/evil.example", "\\\\evil.example"):
        response = await client.post_form(
            "/disclosures/new",
            {
                "org": str(w.tree.branch_a.id),
                "title": "附件链接测试",
                "category": str(cat.id),
                "scope": "public",
                "body": "正文",
                "attachments": f"会议记录 | {url}",
            },
        )
        assert response.status_code == 400, (url, response.status_code)
        assert "附件链接" in response.text and 'value="附件链接测试"' in response.text
    assert await Disclosure.all().count() == 0
    ok = await client.post_form(
        "/disclosures/new",
        {
            "org": str(w.tree.branch_a.id),
            "title": "附件链接测试",
            "category": str(cat.id),
            "scope": "public",
            "body": "正文",
            "attachments": "会议记录 | /meetings/7/minutes\n外部 | https://www.12371.cn/x",
        },
    )
    assert ok.status_code == 303
    stored = await Disclosure.get(title="附件链接测试")
    assert [a["url"] for a in stored.attachments] == [
        "/meetings/7/minutes",
        "https://www.12371.cn/x",
    ]


async def test_login_next_is_the_same_local_path_check(app: object, client: Client) -> None:
    await make_boards_world()
    evils = ("/\\evil.example", "//evil.example", "/\t/evil.example", "https://evil.example")
    for evil in evils:
        page = await client.get("/login", params={"next": evil})
        assert page.status_code == 200 and "evil.example" not in page.text, evil
    for evil in evils:
        async with Client(app) as fresh:
            response = await fresh.post_form(
                "/login", {"username": "full", "password": DEMO_PASSWORD, "next": evil}
            )
            assert response.status_code == 303 and response.headers["location"] == "/", evil
    response = await client.post_form(
        "/login", {"username": "full", "password": DEMO_PASSWORD, "next": "/t/5?x=1"}
    )
    assert response.headers["location"] == "/t/5?x=1"

"""Demo seeding of boards (the rebake command: tests/integration/test_rebake.py)."""

from __future__ import annotations

from forum.boards.models import Attachment, Board, Post, Topic
from forum.demo import seed_demo
from tests.helpers import Client


async def test_demo_seeds_site_boards_and_branch_board(client: Client) -> None:
    assert await seed_demo(progress=lambda _: None) is not None
    names = set(await Board.filter(org_id__isnull=True).values_list("name", flat=True))
    assert names == {"时事热点", "党务公开讨论", "学习园地", "在线咨询"}
    assert await Board.filter(org_id__isnull=False).count() == 1
    assert await Topic.all().count() >= 4 and await Post.all().count() >= 8
    consult = await Board.get(name="在线咨询")
    assert str(consult.kind) == "consultation"
    page = await client.get("/forum")
    assert "时事热点" in page.text and "内部交流" not in page.text
    await client.login("full_member")
    assert "内部交流" in (await client.get("/forum")).text
    found = (await client.get("/api/v1/search", params={"q": "基层党建"})).json()["items"]
    assert found
    # The study corner's demo topic carries a chart shown inline and a PDF to download.
    study = await Topic.get(title="第三季度理论学习资料")
    files = await Attachment.filter(post__topic_id=study.id).order_by("id")
    assert [f.filename for f in files] == ["学习进度.png", "第三季度学习资料目录.pdf"]
    page = (await client.get(f"/t/{study.id}")).text
    assert f'<img src="/attachments/{files[0].id}/' in page and 'alt="学习进度.png"' in page
    for attachment, kind in zip(files, ("image/png", "application/pdf"), strict=True):
        served = await client.get(f"/attachments/{attachment.id}/{attachment.filename}")
        assert served.status_code == 200 and served.headers["content-type"] == kind
        assert len(served.content) == attachment.size

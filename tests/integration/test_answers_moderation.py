"""Every moderation action answers (forum.answers): a flag is thanked, a duplicate flag comes
back to its form with the text kept, every sanction asks first and then says what it did, a
filter word's deletion asks first."""

from __future__ import annotations

import re

from moderation.models import Flag, Sanction
from tests.boards_helpers import make_world, reply_to, start_topic
from tests.helpers import Client

BASE = "http://testserver"


def _flashes(page: str) -> list[str]:
    return re.findall(r'<p class="flash[^"]*">(?:<a [^>]*>)?([^<]*)', page)


async def test_a_duplicate_flag_comes_back_to_its_form_with_the_text_kept(
    client: Client,
) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full2"])
    post = await reply_to(topic, world.users["full2"], "一条待举报的回复")
    await client.login("full")
    flag_page = f"/moderation/flag?kind=post&id={post.id}"
    form = {
        "kind": "post",
        "target_id": str(post.id),
        "next": f"/t/{topic.id}/{post.number}",
        "reason": "other",
        "text": "第一次：内容与主题无关",
    }
    first = await client.post_form("/moderation/flags", form, headers={"referer": BASE + flag_page})
    assert first.status_code == 303 and first.headers["location"] == form["next"]
    thanked = (await client.get(first.headers["location"], follow_redirects=True)).text
    assert "已举报，感谢反馈。版主会尽快处理。" in _flashes(thanked)

    again = dict(form, text="第二次：<b>仍然</b>无关")
    refused = await client.post_form(
        "/moderation/flags", again, headers={"referer": BASE + flag_page}
    )
    # Back to the flag form, not a full-page 400; nothing else written.
    assert refused.status_code == 303 and refused.headers["location"] == flag_page
    assert await Flag.filter(target_kind="post", target_id=post.id).count() == 1
    page = (await client.get(flag_page)).text
    assert "您已经举报过这条内容，管理员会尽快处理" in page
    assert "第二次：&lt;b&gt;仍然&lt;/b&gt;无关" in page  # kept, escaped
    assert re.search(r'value="other"[^>]*checked', page)


async def test_a_sanction_asks_first_then_says_what_it_did(client: Client) -> None:
    world = await make_world()
    await client.login("sec")
    form = {"username": "full", "kind": "silence", "days": "3", "reason": "反复发广告"}
    asked = await client.post_form(
        "/moderation/sanctions", form, headers={"referer": BASE + "/moderation/sanctions"}
    )
    assert asked.status_code == 200
    assert "确定禁言" in asked.text and "3 天" in asked.text
    assert 'name="confirmed" value="1"' in asked.text
    assert await Sanction.filter(user=world.users["full"]).count() == 0  # nothing yet

    done = await client.post_form("/moderation/sanctions", dict(form, confirmed="1"))
    assert done.status_code == 303
    assert await Sanction.filter(user=world.users["full"]).count() == 1
    page = (await client.get(done.headers["location"])).text
    assert any(f.startswith("已禁言") and f.endswith("已告知当事人。") for f in _flashes(page))


async def test_a_refused_sanction_keeps_its_input_at_the_field(client: Client) -> None:
    await make_world()
    await client.login("sec")
    form = {
        "username": "no_such_person",
        "kind": "warn",
        "reason": "提醒：注意用语",
        "confirmed": "1",
    }
    refused = await client.post_form(
        "/moderation/sanctions", form, headers={"referer": BASE + "/moderation/sanctions"}
    )
    assert refused.status_code == 303
    assert refused.headers["location"] == "/moderation/sanctions"
    page = (await client.get("/moderation/sanctions")).text
    assert 'value="no_such_person"' in page
    assert "提醒：注意用语" in page
    assert 'aria-invalid="true"' in page
    assert await Sanction.all().count() == 0

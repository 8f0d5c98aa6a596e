"""Demo data for moderation: a starter word list and one warning (both audited)."""

from __future__ import annotations

from forum.seeding import DemoContext
from forum.viewer import viewer_for_user
from moderation import sanctions, words

STARTER_WORDS = """\
# 词语,处理方式,类别
代开发票,replace,广告
刷单,review,广告
网络赌博,block,违法信息
加微信领红包,flag,广告
傻逼,replace,辱骂
"""


async def seed(ctx: DemoContext) -> None:
    await words.import_words(None, STARTER_WORDS, "block")
    moderator, member = ctx.users.get("moderator"), ctx.users.get("activist")
    if moderator is not None and member is not None:
        actor = await viewer_for_user(moderator.id)
        await sanctions.sanction_user(actor, member, "warn", "请在讨论中注意文明用语（演示数据）")

"""Demo disclosures: published items at committee, general-branch and branch level, a
correction, a scheduled item and one waiting in the review inbox.

Branch items go through the real actions (so the audit log shows the workflow); items of
orgs whose demo accounts cannot fill every role are inserted by `_do_published`.
"""

from __future__ import annotations

import datetime as dt

from forum import markup
from forum.clock import utcnow
from forum.models import Org, User
from forum.seeding import DemoContext
from forum.viewer import viewer_for_user
from transparency import actions
from transparency.models import REVIEW_CHECKLIST, Disclosure, DisclosureCategory, DisclosureRevision

CHECKLIST = [key for key, _ in REVIEW_CHECKLIST]


async def _category(key: str) -> int:
    category = await DisclosureCategory.get_or_none(key=key)
    if category is None:
        category = await DisclosureCategory.filter(is_active=True).order_by("sort_order").first()
    if category is None:  # pragma: no cover - the migration seeds the catalogue
        raise RuntimeError("the disclosure catalogue is empty")
    return category.id


async def _do_published(
    org: Org, author: User, title: str, body: str, category: str, scope: str, days_ago: int
) -> Disclosure:
    """Unchecked insert of a published item with its first revision (demo only)."""
    when = utcnow() - dt.timedelta(days=days_ago)
    html = markup.render(body)
    d = await Disclosure.create(
        title=title,
        category_id=await _category(category),
        org_id=org.id,
        scope=scope,
        state="published",
        approver_org_id=org.id,
        publish_from=when,
        body_raw=body,
        body_html=html,
        render_version=markup.VERSION,
        search_text=f"{title}\n{body}",
        revision_count=1,
        created_by_id=author.id,
        proposed_by_id=author.id,
        reviewed_by_id=author.id,
        approved_by_id=author.id,
        published_by_id=author.id,
        proposed_at=when,
        reviewed_at=when,
        approved_at=when,
        published_at=when,
    )
    await DisclosureRevision.create(
        disclosure_id=d.id,
        number=1,
        title=title,
        body_raw=body,
        body_html=html,
        render_version=markup.VERSION,
        note="首次发布",
        author_id=author.id,
    )
    return d


async def seed(ctx: DemoContext) -> None:
    await actions.do_ensure_catalogue()
    users = ctx.users
    committee, gb1, branch = ctx.committee, ctx.general_branches[0], ctx.branches[0]
    await _do_published(
        committee,
        users["committee_secretary"],
        "示范街道党委2026年党建工作要点",
        "## 一、总体要求\n\n坚持以党建引领基层治理……\n\n## 二、重点任务\n\n1. 规范“三会一课”\n"
        "2. 推进党务公开\n3. 做好党员发展工作",
        "plans",
        "public",
        60,
    )
    await _do_published(
        committee,
        users["committee_secretary"],
        "关于开展党委换届选举工作的通知",
        "根据党章和选举工作条例，定于明年一季度召开党员大会进行换届选举。",
        "elections",
        "all_members",
        20,
    )
    await _do_published(
        gb1,
        users["gb_secretary"],
        "第一党总支第四季度主题党日安排",
        "| 月份 | 主题 |\n|---|---|\n| 10月 | 学习党章 |\n"
        "| 11月 | 志愿服务 |\n| 12月 | 组织生活会 |",
        "study",
        "org_subtree",
        30,
    )
    publisher = await viewer_for_user(users["publisher"].id)
    secretary = await viewer_for_user(users["secretary"].id)
    committee_secretary = await viewer_for_user(users["committee_secretary"].id)
    now = utcnow()

    async def through(
        title: str,
        body: str,
        category: str,
        scope: str,
        *,
        approver: object = None,
        publish_from: dt.datetime | None = None,
        stop: str = "published",
    ) -> Disclosure:
        data = actions.DraftInput(
            title=title,
            body=body,
            category_id=await _category(category),
            scope=scope,
            publish_from=publish_from or now,
        )
        d = await actions.create_disclosure(publisher, branch, data)
        d = await actions.propose_disclosure(publisher, d)
        if stop == "proposed":
            return d
        d = await actions.review_disclosure(secretary, d, CHECKLIST, "已核对")
        d = await actions.approve_disclosure(
            committee_secretary if approver == "committee" else secretary, d
        )
        return await actions.publish_disclosure(publisher, d)

    dues = await through(
        "第一党支部2026年第三季度党费收缴情况",
        "本季度应缴党费 3,600 元，实缴 3,400 元。\n\n党费使用：订阅党报党刊 800 元。",
        "dues",
        "org_subtree",
    )
    await actions.correct_disclosure(
        publisher,
        dues,
        dues.title,
        "本季度应缴党费 3,600 元，实缴 3,600 元。\n\n党费使用：订阅党报党刊 800 元。",
        "更正实缴金额（补录两名党员的缴费记录）",
    )
    await through(
        "第一党支部2026年度民主评议党员结果公示",
        "经支部党员大会民主评议，评定优秀等次 3 名、合格等次 24 名。公示期 5 个工作日。",
        "democratic_review",
        "public",
        approver="committee",
    )
    await through(
        "第一党支部下月主题党日活动预告",
        "下月主题党日将组织参观革命旧址，请各党小组提前报名。",
        "study",
        "org_subtree",
        publish_from=now + dt.timedelta(days=7),
    )
    await through(
        "关于确定2名发展对象的公示",
        "经支部委员会研究，拟确定2名入党积极分子为发展对象，现予公示。",
        "member_development",
        "public",
        stop="proposed",
    )

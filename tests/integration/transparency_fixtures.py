"""Shared setup for the disclosure tests: a tree, staff at several levels, readers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from forum.auditlog import AuditEntry
from forum.models import User
from forum.policy import Viewer
from tests.factories import Tree, make_person, make_tree, viewer_of
from transparency import actions
from transparency.models import REVIEW_CHECKLIST, Disclosure, DisclosureCategory

CHECKLIST = [key for key, _ in REVIEW_CHECKLIST]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class World:
    tree: Tree
    users: dict[str, User]

    async def v(self, key: str) -> Viewer:
        return await viewer_of(self.users[key])


async def make_world() -> World:
    await actions.do_ensure_catalogue()
    t = await make_tree()
    people = {
        "publisher": (t.branch_a, "publisher", None),
        "publicity": (t.branch_a, "publicity_member", None),
        "secretary": (t.branch_a, "secretary", None),
        "discipline": (t.branch_a, "discipline_member", None),
        "committee_secretary": (t.committee, "secretary", None),
        "committee_publisher": (t.committee, "publisher", None),
        "gb_secretary": (t.gb1, "secretary", None),
        "gb2_secretary": (t.gb2, "secretary", None),
        "sibling_secretary": (t.branch_b, "secretary", None),
        "member_a": (t.group_a1, None, None),
        "member_b": (t.branch_b, None, None),
        "member_c": (t.branch_c, None, None),
        "member_x": (t.branch_x, None, None),
    }
    users: dict[str, User] = {}
    for key, (org, role, _) in people.items():
        users[key] = await make_person(org, "full", username=key, role=role)
    users["applicant_a"] = await make_person(t.branch_a, "applicant", username="applicant_a")
    users["citizen"] = await make_person(None, None, username="citizen")
    return World(t, users)


async def category() -> DisclosureCategory:
    return await DisclosureCategory.filter(is_active=True).order_by("sort_order").first()  # type: ignore[return-value]


async def draft(
    w: World,
    *,
    by: str = "publisher",
    org=None,  # type: ignore[no-untyped-def]
    scope: str = "org_subtree",
    title: str = "第一党支部2026年第三季度党费收缴情况",
    body: str = "本季度应缴党费 1200 元，实缴 1200 元。",
    publish_from: dt.datetime | None = None,
    until: dt.datetime | None = None,
    target_org_ids: list[int] | None = None,
    target_user_ids: list[int] | None = None,
) -> Disclosure:
    cat = await category()
    data = actions.DraftInput(
        title=title,
        body=body,
        category_id=cat.id,
        scope=scope,
        publish_from=publish_from or utcnow() - dt.timedelta(minutes=1),
        until=until,
        target_org_ids=target_org_ids or [],
        target_user_ids=target_user_ids or [],
    )
    return await actions.create_disclosure(await w.v(by), org or w.tree.branch_a, data)


async def publish_through(
    w: World,
    d: Disclosure,
    *,
    reviewer: str = "secretary",
    approver: str = "secretary",
    publisher: str = "publisher",
) -> Disclosure:
    d = await actions.propose_disclosure(await w.v(publisher), d)
    d = await actions.review_disclosure(await w.v(reviewer), d, CHECKLIST)
    d = await actions.approve_disclosure(await w.v(approver), d)
    return await actions.publish_disclosure(await w.v(publisher), d)


async def audit_actions(target_id: int) -> list[str]:
    rows = await AuditEntry.filter(target_type="disclosure", target_id=str(target_id)).order_by(
        "id"
    )
    return [r.action for r in rows]

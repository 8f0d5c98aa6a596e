"""Builders for meeting tests: a branch with a known roll (16 expected voters)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from forum.models import Member, User
from forum.policy import Viewer
from realtime.meetings import actions
from realtime.meetings.models import Meeting
from tests.factories import Tree, make_member, make_person, make_tree, make_user, viewer_of


@dataclass
class Branch:
    tree: Tree
    secretary: User
    voters: list[User]  # 16 full members with voting rights, the secretary first
    probationary: User
    activist: User
    sanctioned: User
    floating_guest: User
    outsider: User  # full member of the sibling branch
    development_target: Member
    probationary_member: Member
    extra: dict[str, Any] = field(default_factory=dict)


async def make_branch(voters: int = 16) -> Branch:
    tree = await make_tree()
    secretary = await make_person(tree.branch_a, "full", role="secretary")
    others = [await make_person(tree.branch_a, "full") for _ in range(voters - 1)]
    probationary = await make_person(tree.branch_a, "probationary")
    activist = await make_person(tree.branch_a, "activist")
    sanctioned = await make_person(tree.branch_a, "full", on_probation_sanction=True)
    floating_guest = await make_person(tree.branch_b, "full", floating=True, host_org=tree.branch_a)
    outsider = await make_person(tree.branch_b, "full")
    target = await make_member(tree.branch_a, "development_target", user=await make_user())
    probationary_member = await Member.get(user_id=probationary.id)
    return Branch(
        tree,
        secretary,
        [secretary, *others],
        probationary,
        activist,
        sanctioned,
        floating_guest,
        outsider,
        target,
        probationary_member,
    )


async def v(user: User) -> Viewer:
    return await viewer_of(user)


async def live_plenary(branch: Branch, title: str = "第四季度支部党员大会") -> Meeting:
    host = await v(branch.secretary)
    meeting = await actions.schedule_meeting(
        host,
        branch.tree.branch_a,
        type="branch_plenary",
        title=title,
        scheduled_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
        agenda=["讨论接收预备党员", "其他事项"],
    )
    return await actions.start_meeting(host, meeting)

"""Plain async factories (Misago style): keyword overrides, no framework."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from forum import crypto, idcard
from forum.models import Member, Org, OrgRole, User
from forum.orgs.actions import do_create_org
from forum.policy import Viewer
from forum.security.passwords import hash_password
from forum.seeding import DEMO_PASSWORD
from forum.viewer import viewer_for_user

_seq = itertools.count(1)
_hash: str | None = None


@dataclass
class Tree:
    """committee ─┬─ gb1 ─┬─ branch_a ── group_a1
               │       └─ branch_b ── group_b1   (branch_b is branch_a's sibling)
               └─ gb2 ─── branch_c
    other_committee ── branch_x                  (an unrelated tree)
    """

    committee: Org
    gb1: Org
    gb2: Org
    branch_a: Org
    branch_b: Org
    branch_c: Org
    group_a1: Org
    group_b1: Org
    other_committee: Org
    branch_x: Org


async def make_tree() -> Tree:
    committee = await do_create_org(None, f"党委{next(_seq)}", "committee")
    gb1 = await do_create_org(committee, "第一党总支", "general_branch")
    gb2 = await do_create_org(committee, "第二党总支", "general_branch")
    branch_a = await do_create_org(gb1, "甲支部", "branch")
    branch_b = await do_create_org(gb1, "乙支部", "branch")
    branch_c = await do_create_org(gb2, "丙支部", "branch")
    group_a1 = await do_create_org(branch_a, "甲一小组", "group")
    group_b1 = await do_create_org(branch_b, "乙一小组", "group")
    other = await do_create_org(None, f"外单位党委{next(_seq)}", "committee")
    branch_x = await do_create_org(other, "外单位支部", "branch")
    return Tree(
        committee, gb1, gb2, branch_a, branch_b, branch_c, group_a1, group_b1, other, branch_x
    )


async def make_user(username: str | None = None, *, display_name: str | None = None) -> User:
    global _hash
    if _hash is None:
        _hash = await hash_password(DEMO_PASSWORD)
    name = username or f"user{next(_seq)}"
    return await User.create(username=name, display_name=display_name or name, password_hash=_hash)


async def make_member(
    org: Org,
    status: str = "full",
    *,
    user: User | None = None,
    name: str | None = None,
    group: Org | None = None,
    id_number: str | None = None,
    **fields: Any,
) -> Member:
    if id_number is None:
        # Unique per call: the birth date and sequence come from a counter.
        n = next(_seq)
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=n % 16000)
        first17 = f"110101{birth:%Y%m%d}{(n // 16000 % 500) * 2 + 1:03d}"
        id_number = first17 + idcard.check_char(first17)
    number = id_number
    parsed = idcard.parse(number)
    return await Member.create(
        user=user,
        name=name or f"党员{next(_seq)}",
        status=status,
        org=org,
        group=group,
        sex=parsed.sex,
        birth_date=parsed.birth_date,
        id_number_encrypted=crypto.encrypt(parsed.value),
        id_number_hash=crypto.lookup_hash(parsed.value),
        id_number_hint=idcard.mask(parsed.value),
        **fields,
    )


async def grant(user: User, role: str, org: Org | None) -> OrgRole:
    return await OrgRole.create(user=user, org=org, role=role)


async def make_person(
    org: Org | None,
    status: str | None = "full",
    *,
    username: str | None = None,
    role: str | None = None,
    role_org: Org | None = None,
    **member_fields: Any,
) -> User:
    """An account, optionally with a member record in `org` and a role (default: in `org`)."""
    user = await make_user(username)
    if org is not None and status is not None:
        await make_member(org, status, user=user, **member_fields)
    if role is not None:
        await grant(user, role, role_org if role_org is not None else org)
    return user


async def viewer_of(user: User) -> Viewer:
    return await viewer_for_user(user.id)


async def make_plenary_vote(
    org: Org,
    kind: str,
    candidate: Member | None,
    *,
    passed: bool = True,
    closed_on: dt.date | None = None,
    state: str = "closed",
    meeting_type: str = "branch_plenary",
    title: str | None = None,
) -> int:
    """A branch plenary (ended) with one question about `candidate`, closed on `closed_on`
    (noon local time) and passed or failed: the vote a status change cites. Its id."""
    from forum.clock import today, zone
    from realtime.meetings.models import Meeting, Vote

    day = closed_on or today()
    at = dt.datetime.combine(day, dt.time(12, 0), tzinfo=zone())
    meeting = await Meeting.create(
        org_id=org.id,
        org_path=org.path,
        type=meeting_type,
        title="支部党员大会",
        status="ended" if state == "closed" else "live",
        scheduled_at=at,
        started_at=at,
    )
    vote = await Vote.create(
        meeting_id=meeting.id,
        kind=kind,
        title=title or f"{kind} 表决",
        candidate_id=candidate.id if candidate else None,
        state=state,
        expected_voters=10,
        present_voters=8 if state == "closed" else None,
        result={
            "passed": passed,
            "quorum": True,
            "reason": "passed" if passed else "not_enough_yes",
        }
        if state == "closed"
        else None,
        opened_at=at,
        closed_at=at if state == "closed" else None,
    )
    return int(vote.id)

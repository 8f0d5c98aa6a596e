"""Meetings (三会一课, 组织生活会): who may see, attend, speak, vote and host.

Rights come from membership status and discipline flags (domain.md §2), never from a role:
only full members with voting rights in the meeting's own org vote; probationary members
attend and speak; applicants, activists and development targets may sit in (列席) where the
meeting type allows; floating members (流动党员) join their host org's meetings as guests and
never vote there. Roles only give the right to host.

A `Seat` holds the viewer's facts inside one meeting (on the roll, checked in, muted,
removed); the websocket and HTTP handlers load it fresh for every inbound action, so a
member muted or removed mid-meeting loses the right at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tortoise.expressions import Q

from forum.policy.core import (
    ADMIN_ROLES,
    EVERYTHING,
    NOTHING,
    Viewer,
    can_admin_site,
    can_vote_in,
    has_voting_rights,
    in_subtree,
    under_paths,
)
from forum.policy.decision import ALLOWED, Decision, decide, refused

__all__ = [
    "COMMITTEE_ROLES",
    "MEETING_HOST_ROLES",
    "MEETING_RULES",
    "NO_SEAT",
    "MeetingRule",
    "MinutesVisibility",
    "Seat",
    "branch_path_of",
    "can_archive_meeting",
    "can_attend_meeting",
    "can_cast_ballot",
    "can_check_in_meeting",
    "can_correct_minutes",
    "can_edit_meeting",
    "can_edit_minutes",
    "can_edit_roll_exclusions",
    "can_enter_written_opinion",
    "can_host_meeting",
    "can_manage_votes",
    "can_moderate_meeting",
    "can_name_recorder",
    "can_raise_hand",
    "can_record_attendance",
    "can_record_in_person_count",
    "can_request_leave",
    "can_schedule_meeting",
    "can_see_meeting",
    "can_see_minutes",
    "can_see_vote_results",
    "can_speak_in_meeting",
    "meeting_role",
    "minutes_visibility",
    "results_visible",
    "visible_meetings",
]

# The branch committee (支委会): the org's elected posts.
COMMITTEE_ROLES = frozenset(
    {
        "secretary",
        "deputy_secretary",
        "organization_member",
        "publicity_member",
        "discipline_member",
    }
)
# Who schedules and hosts an org's meetings (plus anyone the host names on the meeting).
MEETING_HOST_ROLES = ADMIN_ROLES | {"group_leader"}


@dataclass(frozen=True)
class MeetingRule:
    label: str
    org_kind: str  # the kind of org that holds it
    roll: str  # "all" (every branch member), "committee", "group"
    sit_in: bool  # applicants/activists/development targets may sit in (列席)
    everyone_speaks: bool  # those sitting in may speak too (open exchange)
    vote_kinds: frozenset[str]
    frequency_days: int  # the usual frequency, for overdue flags (domain.md §3)


_ALL_KINDS = frozenset(
    {"motion", "admission", "conversion", "extension", "cancellation", "exclusion", "election"}
)
MEETING_RULES: dict[str, MeetingRule] = {
    "branch_plenary": MeetingRule("支部党员大会", "branch", "all", True, False, _ALL_KINDS, 92),
    "branch_committee": MeetingRule(
        "支委会", "branch", "committee", False, False, frozenset({"motion"}), 31
    ),
    # A group carries out tasks and decides nothing: no votes in group meetings.
    "group_meeting": MeetingRule("党小组会", "group", "group", False, False, frozenset(), 31),
    "party_lecture": MeetingRule("党课", "branch", "all", True, False, frozenset(), 92),
    "theme_day": MeetingRule("主题党日", "branch", "all", True, False, frozenset(), 31),
    "org_life": MeetingRule(
        "组织生活会", "branch", "all", False, False, frozenset({"motion"}), 366
    ),
    "open_exchange": MeetingRule("思想交流会", "branch", "all", True, True, frozenset(), 0),
}


class MeetingLike(Protocol):
    @property
    def type(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def org_id(self) -> int: ...

    @property
    def org_path(self) -> str: ...

    @property
    def paused(self) -> bool: ...

    @property
    def discussion_locked(self) -> bool: ...

    @property
    def host_user_ids(self) -> list[int]: ...


class RecorderMeetingLike(MeetingLike, Protocol):
    @property
    def recorder_user_ids(self) -> list[int]: ...


class VoteLike(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def state(self) -> str: ...

    @property
    def secret(self) -> bool: ...


class OrgLike(Protocol):
    @property
    def path(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def is_active(self) -> bool: ...


@dataclass(frozen=True)
class Seat:
    """The viewer's facts inside one meeting, loaded fresh for every action."""

    on_roll: bool = False  # on the expected roll generated at the start
    voter: bool = False  # counted among the expected voters at the start
    guest: bool = False  # a floating member hosted here
    checked_in: bool = False
    on_leave: bool = False
    muted: bool = False
    removed: bool = False


NO_SEAT = Seat()


def branch_path_of(meeting: MeetingLike) -> str:
    """The branch a meeting belongs to (a group meeting's parent branch)."""
    if MEETING_RULES[str(meeting.type)].org_kind == "group":
        return meeting.org_path.rstrip("/").rsplit("/", 1)[0] + "/"
    return meeting.org_path


def _is_guest(viewer: Viewer, meeting: MeetingLike) -> bool:
    branch = branch_path_of(meeting)
    return (
        viewer.floating
        and viewer.host_org_path is not None
        and in_subtree(viewer.host_org_path, branch)
        and not (viewer.org_path is not None and in_subtree(viewer.org_path, branch))
    )


def _on_expected_roll(viewer: Viewer, meeting: MeetingLike, seat: Seat) -> bool:
    rule = MEETING_RULES[str(meeting.type)]
    if rule.roll == "committee":
        return viewer.holds_role_at(COMMITTEE_ROLES, meeting.org_id)
    if rule.roll == "group" and seat.on_roll and not seat.guest:
        return True  # a branch-level member listed in the group by `Member.group`
    return viewer.org_path is not None and in_subtree(viewer.org_path, meeting.org_path)


def meeting_role(viewer: Viewer, meeting: MeetingLike, seat: Seat = NO_SEAT) -> str:
    """ "voter", "participant" (attends and speaks), "observer" (sits in) or "none"."""
    if not viewer.is_member or viewer.suspended or viewer.membership_suspended or seat.removed:
        return "none"
    rule = MEETING_RULES[str(meeting.type)]
    if _is_guest(viewer, meeting):
        ok = rule.roll == "all" and viewer.status in {"full", "probationary"}
        return "participant" if ok else "none"
    if not _on_expected_roll(viewer, meeting, seat):
        return "none"
    if viewer.status == "full":
        # Roles never grant the vote (a committee post included): status and flags do.
        voting = has_voting_rights(viewer) and can_vote_in(viewer, _PathOnly(meeting.org_path))
        return "voter" if voting and rule.vote_kinds else "participant"
    if viewer.status == "probationary":
        return "participant"
    if rule.sit_in:
        return "participant" if rule.everyone_speaks else "observer"
    return "none"


@dataclass
class _PathOnly:
    path: str


def can_schedule_meeting(viewer: Viewer, org: OrgLike) -> bool:
    if viewer.suspended or not org.is_active:
        return False
    if str(org.kind) not in {rule.org_kind for rule in MEETING_RULES.values()}:
        return False
    return can_admin_site(viewer) or viewer.has_role_over(MEETING_HOST_ROLES, org.path)


def can_host_meeting(viewer: Viewer, meeting: MeetingLike) -> bool:
    """The secretary (or an admin above) or whom they named as host."""
    if viewer.suspended or viewer.user_id is None:
        return False
    return (
        viewer.user_id in meeting.host_user_ids
        or can_admin_site(viewer)
        or viewer.has_role_over(MEETING_HOST_ROLES, meeting.org_path)
    )


def can_see_meeting(viewer: Viewer, meeting: MeetingLike) -> bool:
    """Members of the branch (and guests, and admins above); drafts only to hosts."""
    if can_host_meeting(viewer, meeting):
        return True
    if str(meeting.status) == "draft" or viewer.suspended or not viewer.is_member:
        return False
    branch = branch_path_of(meeting)
    if viewer.org_path is not None and in_subtree(viewer.org_path, branch):
        return True
    return _is_guest(viewer, meeting) or viewer.has_role_over(ADMIN_ROLES, meeting.org_path)


def visible_meetings(viewer: Viewer) -> Q:
    """Meeting rows worth judging with `can_see_meeting`: the viewer's branch and host
    branch (no drafts), the orgs they host for, the meetings they created."""
    paths = [p for p in (viewer.home_path, viewer.host_org_path) if p]
    host_paths = viewer.role_paths(MEETING_HOST_ROLES)
    if viewer.suspended or not (paths or host_paths or viewer.is_site_admin):
        return NOTHING
    if viewer.is_site_admin:
        return EVERYTHING
    clause = under_paths(host_paths, "org_path")
    for path in paths:
        clause |= Q(org_path__startswith=path) & ~Q(status="draft")
    if viewer.user_id is not None:
        clause |= Q(created_by_id=viewer.user_id)
    return clause


def can_attend_meeting(viewer: Viewer, meeting: MeetingLike, seat: Seat = NO_SEAT) -> bool:
    """Join the live room (hosts always; others by their role in this meeting)."""
    if str(meeting.status) not in {"scheduled", "live"}:
        return False
    if can_host_meeting(viewer, meeting):
        return True
    return meeting_role(viewer, meeting, seat) != "none"


def can_request_leave(viewer: Viewer, meeting: MeetingLike, seat: Seat = NO_SEAT) -> Decision:
    """请假 before the start, by those expected to attend."""
    expected = str(meeting.status) == "scheduled" and not _is_guest(viewer, meeting)
    expected = expected and meeting_role(viewer, meeting, seat) in {"voter", "participant"}
    return decide(expected, "只有应到会人员可以在会前请假")


def can_check_in_meeting(viewer: Viewer, meeting: MeetingLike, seat: Seat = NO_SEAT) -> Decision:
    open_seat = str(meeting.status) == "live" and not seat.checked_in and not seat.removed
    allowed = open_seat and meeting_role(viewer, meeting, seat) != "none"
    return decide(allowed, "您不能在本次会议签到")


def can_speak_in_meeting(viewer: Viewer, meeting: MeetingLike, seat: Seat = NO_SEAT) -> Decision:
    """Post a discussion message: checked in, not muted or silenced, discussion open.

    The reason of a refusal is what the room shows in place of the message box.
    """
    if str(meeting.status) != "live":
        return refused("会议未在进行中")
    if viewer.suspended:
        return refused("您的账号已被封禁")
    if viewer.silenced:
        return refused("您的账号已被禁言，暂时不能发言")
    if seat.removed:
        return refused("您已被移出本次会议")
    if seat.muted:
        return refused("您已被主持人禁言")
    if can_host_meeting(viewer, meeting):
        return ALLOWED
    if meeting.paused:
        return refused("会议暂停中，暂时不能发言")
    if meeting.discussion_locked:
        return refused("讨论已锁定")
    if meeting_role(viewer, meeting, seat) not in {"voter", "participant"}:
        return refused("您不在本次会议的发言人员之列")
    return decide(seat.checked_in, "签到后即可发言")


def can_raise_hand(viewer: Viewer, meeting: MeetingLike, seat: Seat = NO_SEAT) -> Decision:
    return can_speak_in_meeting(viewer, meeting, seat)


def can_moderate_meeting(viewer: Viewer, meeting: MeetingLike) -> bool:
    """Give the floor, mute, remove messages, lock, move the agenda, pause: hosts, live."""
    return str(meeting.status) == "live" and can_host_meeting(viewer, meeting)


def can_edit_meeting(viewer: Viewer, meeting: MeetingLike) -> bool:
    """Title, time, agenda, hosts and publication, before the meeting starts."""
    return str(meeting.status) in {"draft", "scheduled"} and can_host_meeting(viewer, meeting)


def can_manage_votes(viewer: Viewer, meeting: MeetingLike) -> bool:
    rule = MEETING_RULES[str(meeting.type)]
    return bool(rule.vote_kinds) and can_moderate_meeting(viewer, meeting)


def can_cast_ballot(
    viewer: Viewer, meeting: MeetingLike, vote: VoteLike, seat: Seat = NO_SEAT
) -> Decision:
    """Strictly by domain rules: a voter on the roll, checked in, with rights right now.

    Muting stops speech, not the vote; removal from the room stops both.
    """
    if str(meeting.status) != "live" or str(vote.state) != "open":
        return refused("表决未在进行中")
    entitled = seat.voter and seat.checked_in and not seat.removed and not seat.guest
    entitled = entitled and meeting_role(viewer, meeting, seat) == "voter"
    return decide(entitled, "您在本次表决中没有表决权")


def can_enter_written_opinion(viewer: Viewer, meeting: MeetingLike, vote: VoteLike) -> bool:
    """书面意见 of absent voters, for admission and conversion questions not yet closed."""
    return (
        str(vote.kind) in {"admission", "conversion"}
        and str(vote.state) in {"unpublished", "open"}
        and can_manage_votes(viewer, meeting)
    )


def results_visible(secret: bool, state: str) -> bool:
    """Open ballots show a running tally; secret ones only after the vote is closed."""
    return state == "closed" or (not secret and state == "open")


def can_see_vote_results(viewer: Viewer, meeting: MeetingLike, vote: VoteLike) -> bool:
    """Secret ballots stay hidden until closed, for hosts as for everyone."""
    return can_see_meeting(viewer, meeting) and results_visible(vote.secret, str(vote.state))


def can_see_minutes(viewer: Viewer, meeting: MeetingLike) -> bool:
    return str(meeting.status) in {"ended", "archived"} and can_see_meeting(viewer, meeting)


def _self_and_ancestors(path: str) -> tuple[str, ...]:
    """`/1/3/7/` -> `/1/`, `/1/3/`, `/1/3/7/`: the subtrees that contain `path`."""
    ids = [p for p in path.split("/") if p]
    return tuple("/" + "/".join(ids[: n + 1]) + "/" for n in range(len(ids)))


@dataclass(frozen=True)
class MinutesVisibility:
    """`can_see_minutes` as query-level facts over the minutes of ended and archived meetings
    (the search lists them). A meeting's minutes are visible when its branch
    (`branch_path_of`) is one of `branch_paths`, its org lies under one of `subtree_paths`,
    or it names `host_user_id` as a host."""

    everything: bool = False
    nothing: bool = False
    branch_paths: tuple[str, ...] = ()
    subtree_paths: tuple[str, ...] = ()
    host_user_id: int | None = None


def minutes_visibility(viewer: Viewer) -> MinutesVisibility:
    if viewer.suspended or viewer.user_id is None:
        return MinutesVisibility(nothing=True)
    if can_admin_site(viewer):
        return MinutesVisibility(everything=True)
    subtrees = viewer.role_paths(MEETING_HOST_ROLES)
    branches: tuple[str, ...] = ()
    if viewer.is_member:
        subtrees += viewer.role_paths(ADMIN_ROLES)
        if viewer.org_path is not None:
            branches += _self_and_ancestors(viewer.org_path)
        if viewer.floating and viewer.host_org_path is not None:  # a guest of the host branch
            branches += _self_and_ancestors(viewer.host_org_path)
    return MinutesVisibility(
        branch_paths=tuple(dict.fromkeys(branches)),
        subtree_paths=tuple(dict.fromkeys(subtrees)),
        host_user_id=viewer.user_id,
    )


def can_edit_minutes(viewer: Viewer, meeting: MeetingLike) -> bool:
    return str(meeting.status) == "ended" and can_host_meeting(viewer, meeting)


def can_archive_meeting(viewer: Viewer, meeting: MeetingLike) -> bool:
    return can_edit_minutes(viewer, meeting)


def can_correct_minutes(viewer: Viewer, meeting: MeetingLike) -> bool:
    """Archived minutes are immutable: corrections are appended, by hosts."""
    return str(meeting.status) == "archived" and can_host_meeting(viewer, meeting)


# ---- hybrid meetings: attendance and counts recorded for people in the room ------------------


def can_name_recorder(viewer: Viewer, meeting: MeetingLike) -> bool:
    """The host names the recorder (记录人), before or during the meeting."""
    return str(meeting.status) in {"draft", "scheduled", "live"} and can_host_meeting(
        viewer, meeting
    )


def can_record_attendance(viewer: Viewer, meeting: RecorderMeetingLike) -> Decision:
    """代签到 / 补签 for members in the room: the host or the recorder the host named."""
    refusal = "只有主持人或记录人可以代签到"
    if str(meeting.status) != "live" or viewer.suspended or viewer.user_id is None:
        return refused(refusal)
    recorder = viewer.user_id in meeting.recorder_user_ids
    return decide(recorder or can_host_meeting(viewer, meeting), refusal)


def can_edit_roll_exclusions(viewer: Viewer, meeting: MeetingLike) -> bool:
    """Mark who is not counted in 应到 (with reason, approval and plenary decision): hosts."""
    return str(meeting.status) == "live" and can_host_meeting(viewer, meeting)


def can_record_in_person_count(viewer: Viewer, meeting: MeetingLike, vote: VoteLike) -> Decision:
    """A show-of-hands or paper count of open votes; a secret ballot stays one person one
    ballot, and elections are counted candidate by candidate on their ballots."""
    if vote.secret:
        return refused("无记名投票须一人一票，不能录入现场计数")
    allowed = str(vote.kind) != "election" and str(vote.state) == "open"
    return decide(allowed and can_manage_votes(viewer, meeting), "现在不能录入现场计数")

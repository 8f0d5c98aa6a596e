"""Meetings (三会一课, 组织生活会): schedule, roll, check-in, discussion, votes, minutes.

Tortoise app label `meetings`. Cross-app foreign keys point toward `forum` (Org, Member,
User). The database is the source of truth: every check-in, message and ballot is committed
before it is published.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields, models

from forum.decisions import EXCLUSION_LABELS as EXCLUSION_LABELS  # one list, in the kernel
from realtime.meetings.votes import Choice, DenominatorBasis, VoteKind, VoteState


class MeetingType(StrEnum):
    branch_plenary = "branch_plenary"
    branch_committee = "branch_committee"
    group_meeting = "group_meeting"
    party_lecture = "party_lecture"
    theme_day = "theme_day"
    org_life = "org_life"
    open_exchange = "open_exchange"


CHECKIN_METHOD_LABELS: dict[str, str] = {
    "self": "本人签到",
    "qr": "扫码签到",
    "proxy": "由主持人代签到",
}


class MeetingStatus(StrEnum):
    draft = "draft"
    scheduled = "scheduled"
    live = "live"
    ended = "ended"
    archived = "archived"


STATUS_LABELS: dict[str, str] = {
    "draft": "草稿",
    "scheduled": "已通知",
    "live": "进行中",
    "ended": "已结束",
    "archived": "已归档",
}


class Meeting(models.Model):
    """One meeting of an org. `org_path` is copied from the org for subtree filters."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.Org", related_name="meetings", on_delete=fields.RESTRICT
    )
    org_id: int
    org_path = fields.CharField(max_length=255)
    type = fields.CharEnumField(MeetingType, max_length=24)
    title = fields.CharField(max_length=120)
    description = fields.TextField(default="")
    status = fields.CharEnumField(MeetingStatus, max_length=12, default=MeetingStatus.draft)
    paused = fields.BooleanField(default=False, db_default=False)
    discussion_locked = fields.BooleanField(default=False, db_default=False)
    scheduled_at = fields.DatetimeField()
    location = fields.CharField(max_length=120, default="")
    # Users named as hosts besides the org's secretary (user ids).
    host_user_ids: list[int] = fields.JSONField(default=list)  # type: ignore[assignment]
    # The recorder (记录人) the host names: records attendance for people in the room.
    recorder_user_ids: list[int] = fields.JSONField(default=list, db_default=[])  # type: ignore[assignment]
    created_by: fields.ForeignKeyNullableRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="meetings_created", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    # Per-meeting sequence numbers for discussion messages.
    last_message_no = fields.IntField(default=0, db_default=0)
    started_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)
    archived_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "meetings"
        indexes = (("org_id", "status", "scheduled_at"), ("org_path", "scheduled_at"))

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "meetings.Meeting", related_name="agenda"
    )
    meeting_id: int
    position = fields.SmallIntField()
    title = fields.CharField(max_length=200)
    is_current = fields.BooleanField(default=False, db_default=False)
    started_at = fields.DatetimeField(null=True)

    class Meta:
        table = "meeting_agenda_items"
        unique_together = (("meeting_id", "position"),)


class RollEntry(models.Model):
    """The expected roll (应到), generated from the org at the start, plus guests."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "meetings.Meeting", related_name="roll"
    )
    meeting_id: int
    member: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.Member", related_name="meeting_roll_entries", on_delete=fields.RESTRICT
    )
    member_id: int
    user_id = fields.IntField(null=True)
    name = fields.CharField(max_length=32)
    status = fields.CharField(max_length=24)  # membership status at the start
    guest = fields.BooleanField(default=False, db_default=False)
    voter = fields.BooleanField(default=False, db_default=False)
    on_leave = fields.BooleanField(default=False, db_default=False)
    # Not counted in 应到 (domain.md §3): one of EXCLUSION_LABELS, with the reason, the
    # superior org's approval and the plenary's decision (all three are recorded).
    excluded_category = fields.CharField(max_length=24, default="", db_default="")
    excluded_reason = fields.CharField(max_length=500, default="", db_default="")
    excluded_approval = fields.CharField(max_length=200, default="", db_default="")
    excluded_decision = fields.CharField(max_length=200, default="", db_default="")
    excluded_by_id = fields.IntField(null=True)

    class Meta:
        table = "meeting_roll"
        unique_together = (("meeting_id", "member_id"),)
        indexes = (("meeting_id", "user_id"),)


class CheckIn(models.Model):
    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "meetings.Meeting", related_name="checkins"
    )
    meeting_id: int
    member: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.Member", related_name="meeting_checkins", on_delete=fields.RESTRICT
    )
    member_id: int
    checked_in_at = fields.DatetimeField(auto_now_add=True)
    # "self" (the member's own device), "qr" (scanned the host's code) or "proxy"
    # (代签到 / 补签 by the host or the recorder, for someone in the room).
    method = fields.CharField(max_length=8, default="self", db_default="self")
    recorded_by_id = fields.IntField(null=True)  # the user who recorded a proxy check-in
    note = fields.CharField(max_length=200, default="", db_default="")

    class Meta:
        table = "meeting_checkins"
        unique_together = (("meeting_id", "member_id"),)


class LeaveRequest(models.Model):
    """请假 with a reason, filed before the start."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "meetings.Meeting", related_name="leave_requests"
    )
    meeting_id: int
    member: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.Member", related_name="meeting_leave_requests", on_delete=fields.RESTRICT
    )
    member_id: int
    reason = fields.CharField(max_length=500)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "meeting_leave_requests"
        unique_together = (("meeting_id", "member_id"),)


class MeetingMessage(models.Model):
    """A discussion message. Removed ones stay for the moderation record, hidden in the room."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "meetings.Meeting", related_name="messages"
    )
    meeting_id: int
    number = fields.IntField()
    author: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="meeting_messages", on_delete=fields.RESTRICT
    )
    author_id: int
    author_name = fields.CharField(max_length=32)
    agenda_item_id = fields.IntField(null=True)
    body_raw = fields.TextField()
    body_html = fields.TextField()
    render_version = fields.SmallIntField()
    removed = fields.BooleanField(default=False, db_default=False)
    removed_by_id = fields.IntField(null=True)
    removed_reason = fields.CharField(max_length=500, default="")
    removed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "meeting_messages"
        unique_together = (("meeting_id", "number"),)


class SpeakingState(StrEnum):
    waiting = "waiting"
    speaking = "speaking"
    done = "done"
    withdrawn = "withdrawn"


class SpeakingRequest(models.Model):
    """An entry of the speaking queue: raise hand -> floor -> done."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "meetings.Meeting", related_name="speaking_queue"
    )
    meeting_id: int
    user: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="meeting_speaking", on_delete=fields.RESTRICT
    )
    user_id: int
    name = fields.CharField(max_length=32)
    state = fields.CharEnumField(SpeakingState, max_length=12, default=SpeakingState.waiting)
    raised_at = fields.DatetimeField(auto_now_add=True)
    floor_at = fields.DatetimeField(null=True)
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = "meeting_speaking_queue"
        indexes = (("meeting_id", "state"),)


class MuteKind(StrEnum):
    mute = "mute"  # may not speak
    remove = "remove"  # removed from the room


class Mute(models.Model):
    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "meetings.Meeting", related_name="mutes"
    )
    meeting_id: int
    user: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="meeting_mutes", on_delete=fields.RESTRICT
    )
    user_id: int
    kind = fields.CharEnumField(MuteKind, max_length=8)
    by_user_id = fields.IntField(null=True)
    reason = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    lifted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "meeting_mutes"
        indexes = (("meeting_id", "user_id", "lifted_at"),)


class Vote(models.Model):
    """A question put to the meeting: unpublished -> open -> closed."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "meetings.Meeting", related_name="votes"
    )
    meeting_id: int
    agenda_item_id = fields.IntField(null=True)
    kind = fields.CharEnumField(VoteKind, max_length=12)
    title = fields.CharField(max_length=200)
    # The named candidate of an admission or conversion question.
    candidate: fields.ForeignKeyNullableRelation[models.Model] = fields.ForeignKeyField(
        "forum.Member", related_name="meeting_votes_about", null=True, on_delete=fields.RESTRICT
    )
    candidate_id: int | None
    seats = fields.SmallIntField(default=1, db_default=1)
    secret = fields.BooleanField(default=False, db_default=False)
    state = fields.CharEnumField(VoteState, max_length=12, default=VoteState.unpublished)
    denominator = fields.CharEnumField(
        DenominatorBasis, max_length=10, default=DenominatorBasis.expected
    )
    # Frozen when the question is opened (expected) and closed (present).
    expected_voters = fields.IntField(null=True)
    present_voters = fields.IntField(null=True)
    ballots_cast = fields.IntField(default=0, db_default=0)
    # A show-of-hands or paper count of voters in the room without a device (open votes
    # only); already included in the tallies and `ballots_cast`, kept here for the minutes.
    in_person_yes = fields.IntField(default=0, db_default=0)
    in_person_no = fields.IntField(default=0, db_default=0)
    in_person_abstain = fields.IntField(default=0, db_default=0)
    in_person_by_id = fields.IntField(null=True)
    result: dict[str, object] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    opened_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "meeting_votes"
        # (candidate_id, state): the votes about one member that a status change may cite.
        indexes = (("meeting_id", "state"), ("candidate_id", "state"))


class VoteCandidate(models.Model):
    """A candidate of an election question."""

    id = fields.IntField(primary_key=True)
    vote: fields.ForeignKeyRelation[Vote] = fields.ForeignKeyField(
        "meetings.Vote", related_name="candidates"
    )
    vote_id: int
    member: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.Member", related_name="meeting_candidacies", on_delete=fields.RESTRICT
    )
    member_id: int
    name = fields.CharField(max_length=32)
    position = fields.SmallIntField(default=0)

    class Meta:
        table = "meeting_vote_candidates"
        unique_together = (("vote_id", "member_id"),)


class Ballot(models.Model):
    """Who voted (one ballot per voter, enforced by the database).

    For a secret ballot the choice is not stored here at all: it only increments the
    tallies, so no record links a voter to a choice.
    """

    id = fields.IntField(primary_key=True)
    vote: fields.ForeignKeyRelation[Vote] = fields.ForeignKeyField(
        "meetings.Vote", related_name="ballots"
    )
    vote_id: int
    voter: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.Member", related_name="meeting_ballots", on_delete=fields.RESTRICT
    )
    voter_id: int
    # Open ballots only: "yes"/"no"/"abstain", or candidate member ids for elections.
    choice = fields.CharField(max_length=12, default="")
    selected: list[int] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    cast_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "meeting_ballots"
        unique_together = (("vote_id", "voter_id"),)


class VoteTally(models.Model):
    """Counts per option ("yes"/"no"/"abstain") or per candidate ("c:<member id>")."""

    id = fields.IntField(primary_key=True)
    vote: fields.ForeignKeyRelation[Vote] = fields.ForeignKeyField(
        "meetings.Vote", related_name="tallies"
    )
    vote_id: int
    option = fields.CharField(max_length=24)
    count = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "meeting_vote_tallies"
        unique_together = (("vote_id", "option"),)


class WrittenOpinion(models.Model):
    """书面意见 of an absent voter on an admission or conversion question."""

    id = fields.IntField(primary_key=True)
    vote: fields.ForeignKeyRelation[Vote] = fields.ForeignKeyField(
        "meetings.Vote", related_name="written_opinions"
    )
    vote_id: int
    member: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.Member", related_name="meeting_written_opinions", on_delete=fields.RESTRICT
    )
    member_id: int
    choice = fields.CharEnumField(Choice, max_length=8)
    note = fields.CharField(max_length=500, default="")
    entered_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "meeting_written_opinions"
        unique_together = (("vote_id", "member_id"),)


class Minutes(models.Model):
    """会议记录: the assembled record (frozen JSON) and the host's summary."""

    id = fields.IntField(primary_key=True)
    meeting: fields.OneToOneRelation[Meeting] = fields.OneToOneField(
        "meetings.Meeting", related_name="minutes"
    )
    meeting_id: int
    record: dict[str, object] = fields.JSONField(default=dict)  # type: ignore[assignment]
    summary_raw = fields.TextField(default="")
    summary_html = fields.TextField(default="")
    render_version = fields.SmallIntField(default=1)
    generated_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    archived_at = fields.DatetimeField(null=True)
    # The search (`realtime.meetings.search`): the record's plain text (title, agenda,
    # discussion, votes, summary, corrections), kept by the actions that write the minutes,
    # and the facts its visibility filter reads (`minutes_visibility`): the meeting's branch
    # (`branch_path_of`) and its named hosts as ",3,7,".
    search_text = fields.TextField(default="", db_default="")
    branch_path = fields.CharField(max_length=255, default="", db_default="")
    host_ids = fields.CharField(max_length=500, default=",", db_default=",")

    class Meta:
        table = "meeting_minutes"
        indexes = (("branch_path", "generated_at"),)


class MinutesCorrection(models.Model):
    """A correction appended to archived minutes (they are never edited in place)."""

    id = fields.IntField(primary_key=True)
    minutes: fields.ForeignKeyRelation[Minutes] = fields.ForeignKeyField(
        "meetings.Minutes", related_name="corrections"
    )
    minutes_id: int
    body_raw = fields.TextField()
    body_html = fields.TextField()
    render_version = fields.SmallIntField()
    author_id = fields.IntField(null=True)
    author_name = fields.CharField(max_length=32)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "meeting_minutes_corrections"
        indexes = (("minutes_id", "id"),)

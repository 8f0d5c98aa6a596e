"""Votes: questions, ballots (one per voter, by the database), written opinions, results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import audit, publisher
from forum.clock import utcnow
from forum.errors import ActionError, Conflict
from forum.models import Member
from forum.policy import (
    MEETING_RULES,
    Viewer,
    can_cast_ballot,
    can_enter_written_opinion,
    can_manage_votes,
    ensure,
)
from realtime.meetings import eventtypes, notices, queries
from realtime.meetings import votes as rules
from realtime.meetings.actions._common import (
    _event,
    _reload,
    fresh,
)
from realtime.meetings.models import (
    Ballot,
    CheckIn,
    Meeting,
    RollEntry,
    Vote,
    VoteCandidate,
    VoteTally,
    WrittenOpinion,
)

MAX_OPINION_NOTE = 500  # WrittenOpinion.note's column length

# ---- votes ---------------------------------------------------------------------------------


async def create_vote(
    actor: Viewer,
    meeting: Meeting,
    *,
    kind: str,
    title: str,
    candidate_id: int | None = None,
    candidate_ids: Sequence[int] = (),
    seats: int = 1,
    secret: bool = False,
    denominator: str = "expected",
) -> Vote:
    """A question, unpublished until opened (hosts only see it until then)."""
    meeting = await _reload(meeting)
    ensure(can_manage_votes(actor, meeting))
    rule = MEETING_RULES[str(meeting.type)]
    if kind not in rule.vote_kinds:
        raise ActionError("本次会议不能进行这种表决", field="kind")
    title = title.strip()
    if not title or len(title) > 200:
        raise ActionError("表决事项须为 1 到 200 个字符", field="title")
    if denominator not in {"expected", "present"} or (
        denominator == "present" and kind != "election"
    ):
        raise ActionError("计票基数设置无效", field="denominator")
    eligible = {m.id: m for m in await queries.eligible_candidates(meeting, kind)}
    candidates: list[Member] = []
    if kind in rules.PERSON_KINDS:
        if candidate_id is None or candidate_id not in eligible:
            raise ActionError("请选择本组织符合条件的对象", field="candidate_id")
        # Each candidate is discussed and voted on separately: one person per question.
        candidates = [eligible[candidate_id]]
    elif kind == "election":
        ids = list(dict.fromkeys(candidate_ids))
        if not ids or any(i not in eligible for i in ids):
            raise ActionError("候选人须为本组织有选举权的正式党员", field="candidate_ids")
        if not 1 <= seats <= len(ids):
            raise ActionError("应选人数须在 1 到候选人数之间", field="seats")
        candidates = [eligible[i] for i in ids]
    async with in_transaction():
        vote = await Vote.create(
            meeting_id=meeting.id,
            kind=rules.VoteKind(kind),
            title=title,
            candidate_id=candidates[0].id if kind in rules.PERSON_KINDS else None,
            seats=seats if kind == "election" else 1,
            secret=secret,
            denominator=rules.DenominatorBasis(denominator),
            created_by_id=actor.user_id,
        )
        if kind == "election":
            for position, member in enumerate(candidates):
                await VoteCandidate.create(
                    vote_id=vote.id, member_id=member.id, name=member.name, position=position
                )
        await audit.record(
            actor,
            "vote.created",
            "meeting_vote",
            vote.id,
            org_path=meeting.org_path,
            after={"kind": kind, "title": title, "secret": secret},
        )
        event = await _event(
            meeting, eventtypes.VOTE_CREATED, {"vote_id": vote.id, "title": title}, hosts_only=True
        )
    await publisher.publish(event)
    return vote


def _options(vote: Vote, candidate_ids: Sequence[int]) -> list[str]:
    if str(vote.kind) == "election":
        return [f"c:{cid}" for cid in candidate_ids]
    return [str(c) for c in rules.Choice]


async def open_vote(actor: Viewer, meeting: Meeting, vote: Vote) -> Vote:
    """unpublished -> open. The expected voters are frozen from the roll."""
    meeting = await _reload(meeting)
    vote = await queries.get_vote(meeting, vote.id)
    ensure(can_manage_votes(actor, meeting))
    if not rules.can_transition(str(vote.state), "open"):
        raise ActionError("该表决不能再开启")
    attendance = await queries.attendance(meeting)
    candidate_ids = queries.ints(
        await VoteCandidate.filter(vote_id=vote.id).values_list("member_id", flat=True)
    )
    async with in_transaction():
        updated = await Vote.filter(id=vote.id, state="unpublished").update(
            state="open", opened_at=utcnow(), expected_voters=attendance.expected_voters
        )
        if not updated:
            raise Conflict("表决状态已变化，请刷新")
        await VoteTally.bulk_create(
            [VoteTally(vote_id=vote.id, option=o, count=0) for o in _options(vote, candidate_ids)]
        )
        await audit.record(actor, "vote.opened", "meeting_vote", vote.id, org_path=meeting.org_path)
        vote = await queries.get_vote(meeting, vote.id)
        event = await _event(
            meeting,
            eventtypes.VOTE_OPENED,
            {
                "vote_id": vote.id,
                "kind": str(vote.kind),
                "title": vote.title,
                "secret": vote.secret,
                "seats": vote.seats,
                "candidate_ids": list(candidate_ids),
                "expected_voters": vote.expected_voters,
            },
        )
        sent = await notices.vote_opened(actor, meeting, vote.title)
    await publisher.publish(event)
    await sent.send()
    return vote


async def cast_ballot(
    actor: Viewer,
    meeting: Meeting,
    vote: Vote,
    *,
    choice: str | None = None,
    selected: Sequence[int] = (),
) -> Ballot:
    """One ballot per voter (a database unique constraint). Secret ballots store no choice:
    they only move the tallies, and their events never carry a choice or a name."""
    actor = await fresh(actor)
    meeting = await _reload(meeting)
    vote = await queries.get_vote(meeting, vote.id)
    seat = await queries.seat_for(actor, meeting)
    ensure(can_cast_ballot(actor, meeting, vote, seat))
    assert actor.member_id is not None  # noqa: S101 - a voter always has a member record
    if str(vote.kind) == "election":
        candidate_ids = queries.ints(
            await VoteCandidate.filter(vote_id=vote.id).values_list("member_id", flat=True)
        )
        chosen = [int(s) for s in selected]
        try:
            rules.validate_election_ballot(chosen, candidate_ids, vote.seats)
        except ValueError as exc:
            raise ActionError(
                f"选票无效：最多选择 {vote.seats} 名候选人", field="selected"
            ) from exc
        options = [f"c:{cid}" for cid in chosen]
    else:
        if choice not in {"yes", "no", "abstain"}:
            raise ActionError("请选择赞成、反对或弃权", field="choice")
        options, chosen = [choice], []
    try:
        async with in_transaction():
            ballot = await Ballot.create(
                vote_id=vote.id,
                voter_id=actor.member_id,
                choice="" if vote.secret else (choice or "election"),
                selected=None if vote.secret or not chosen else chosen,
            )
            for option in options:
                await VoteTally.filter(vote_id=vote.id, option=option).update(count=F("count") + 1)
            await Vote.filter(id=vote.id).update(ballots_cast=F("ballots_cast") + 1)
            cast = queries.ints(
                await Vote.filter(id=vote.id).values_list("ballots_cast", flat=True)
            )
            if vote.in_person_by_id is not None:
                # A hand count is in: ballots may not outnumber the voters present.
                present = (await queries.attendance(meeting)).present_voters
                if int(cast[0]) > present:
                    raise ActionError("现场计数与电子投票合计已达到会有表决权人数，不能再投票")
            payload: dict[str, Any] = {"vote_id": vote.id, "ballots_cast": int(cast[0])}
            if not vote.secret:
                payload["tallies"] = await queries.tallies_of(vote)
            event = await _event(meeting, eventtypes.BALLOT_CAST, payload)
    except IntegrityError as exc:
        raise Conflict("您已投过票，每人只能投一票") from exc
    await publisher.publish(event)
    return ballot


async def enter_written_opinion(
    actor: Viewer, meeting: Meeting, vote: Vote, member_id: int, choice: str, note: str = ""
) -> WrittenOpinion:
    """书面意见 of an absent voter (admission and conversion only); audited."""
    meeting = await _reload(meeting)
    vote = await queries.get_vote(meeting, vote.id)
    ensure(can_enter_written_opinion(actor, meeting, vote))
    if choice not in {"yes", "no", "abstain"}:
        raise ActionError("请选择赞成、反对或弃权", field="choice")
    note = note.strip()
    if len(note) > MAX_OPINION_NOTE:  # refused, not silently cut
        raise ActionError(f"备注不能超过 {MAX_OPINION_NOTE} 个字符", field="note")
    entry = await RollEntry.get_or_none(meeting_id=meeting.id, member_id=member_id)
    if entry is None or not entry.voter or entry.guest:
        raise ActionError("只能录入应到会有表决权党员的书面意见", field="member_id")
    if await CheckIn.exists(meeting_id=meeting.id, member_id=member_id):
        raise ActionError("该党员已到会，请本人投票", field="member_id")
    try:
        async with in_transaction():
            opinion = await WrittenOpinion.create(
                vote_id=vote.id,
                member_id=member_id,
                choice=rules.Choice(choice),
                note=note,
                entered_by_id=actor.user_id,
            )
            await audit.record(
                actor,
                "vote.written_opinion_entered",
                "meeting_vote",
                vote.id,
                org_path=meeting.org_path,
                after={"member_id": member_id, "choice": choice},
            )
            count = await WrittenOpinion.filter(vote_id=vote.id).count()
            event = await _event(
                meeting, eventtypes.WRITTEN_OPINION_ENTERED, {"vote_id": vote.id, "count": count}
            )
    except IntegrityError as exc:
        raise Conflict("该党员的书面意见已录入") from exc
    await publisher.publish(event)
    return opinion


async def check_close_vote(actor: Viewer, meeting: Meeting, vote: Vote) -> tuple[Meeting, Vote]:
    """Raises what would refuse 结束表决 (a host of the live meeting, an open vote), before
    the form asks; answers both as they are now."""
    meeting = await _reload(meeting)
    vote = await queries.get_vote(meeting, vote.id)
    ensure(can_manage_votes(actor, meeting))
    if not rules.can_transition(str(vote.state), "closed"):
        raise ActionError("该表决未在进行中")
    return meeting, vote


async def close_vote(actor: Viewer, meeting: Meeting, vote: Vote) -> Vote:
    """open -> closed: the result applies quorum and the majority of expected voters."""
    meeting, vote = await check_close_vote(actor, meeting, vote)
    attendance = await queries.attendance(meeting)
    expected = vote.expected_voters or 0
    present = min(attendance.present_voters, expected)
    tallies = await queries.tallies_of(vote)
    present_ids = set(
        queries.ints(
            await CheckIn.filter(meeting_id=meeting.id).values_list("member_id", flat=True)
        )
    )
    result: dict[str, Any]
    if str(vote.kind) == "election":
        outcome = rules.decide_election(
            expected_voters=expected,
            present_voters=present,
            seats=vote.seats,
            yes={int(k[2:]): v for k, v in tallies.items() if k.startswith("c:")},
            ballots_cast=vote.ballots_cast,
            basis=str(vote.denominator),
        )
        result = {
            "quorum": outcome.quorum,
            "elected": list(outcome.elected),
            "tied": list(outcome.tied),
            "denominator": outcome.denominator,
            "needed_yes": outcome.needed_yes,
            "expected_voters": expected,
            "present_voters": present,
        }
    else:
        written = rules.Tally()
        for opinion in await WrittenOpinion.filter(vote_id=vote.id):
            if opinion.member_id in present_ids:
                continue  # came after all: their own ballot (or none) counts
            written = written + rules.Tally(
                yes=int(opinion.choice == "yes"),
                no=int(opinion.choice == "no"),
                abstain=int(opinion.choice == "abstain"),
            )
        try:
            outcome_m = rules.decide_motion(
                str(vote.kind),
                expected_voters=expected,
                present_voters=present,
                ballots=rules.Tally(
                    tallies.get("yes", 0), tallies.get("no", 0), tallies.get("abstain", 0)
                ),
                written=written,
            )
        except ValueError as exc:  # e.g. a hand count above those present: correct it first
            raise ActionError("计票数与到会人数不符，请核对现场计数后再结束表决") from exc
        result = {
            "in_person_yes": vote.in_person_yes,
            "in_person_no": vote.in_person_no,
            "in_person_abstain": vote.in_person_abstain,
            "quorum": outcome_m.quorum,
            "passed": outcome_m.passed,
            "reason": outcome_m.reason,
            "needed_yes": outcome_m.needed_yes,
            "needed_present": outcome_m.needed_present,
            "expected_voters": expected,
            "present_voters": present,
            "written_yes": written.yes,
            "written_no": written.no,
            "written_abstain": written.abstain,
        }
    async with in_transaction():
        updated = await Vote.filter(id=vote.id, state="open").update(
            state="closed", closed_at=utcnow(), present_voters=present, result=result
        )
        if not updated:
            raise Conflict("表决状态已变化，请刷新")
        await audit.record(
            actor,
            "vote.closed",
            "meeting_vote",
            vote.id,
            org_path=meeting.org_path,
            after=result,
        )
        event = await _event(
            meeting,
            eventtypes.VOTE_CLOSED,
            {"vote_id": vote.id, "tallies": tallies, "result": result},
        )
    await publisher.publish(event)
    return await queries.get_vote(meeting, vote.id)

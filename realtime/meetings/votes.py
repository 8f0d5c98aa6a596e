"""Vote rules of a Party meeting (domain.md §3): pure functions, integer arithmetic only.

The denominator is always the **expected** number of members with voting rights (应到会有表决权
人数), never those present, so a thin turnout never makes passing easier:

- quorum: ``2 * present_voters > expected_voters`` (a branch committee: more than half of its
  committee members, the same inequality over the committee roll).
- a motion passes: ``2 * yes > expected_voters``. For admission and conversion the written
  opinions of absent voters count as votes (but not as attendance).
- elections: ``5 * present_voters > 4 * expected_voters``; a candidate needs
  ``2 * yes > denominator`` (configurable basis, default the expected voters).
- questions move unpublished -> open -> closed; a secret ballot never becomes open and its
  results stay hidden until it is closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class VoteKind(StrEnum):
    motion = "motion"
    admission = "admission"
    conversion = "conversion"
    # The other outcomes of probation (domain.md §2), each about one named probationary member.
    extension = "extension"
    cancellation = "cancellation"
    # A member the branch decides not to count in 应到 (domain.md §3), named like the above.
    exclusion = "exclusion"
    election = "election"


class VoteState(StrEnum):
    unpublished = "unpublished"
    open = "open"
    closed = "closed"


class Choice(StrEnum):
    yes = "yes"
    no = "no"
    abstain = "abstain"


class DenominatorBasis(StrEnum):
    expected = "expected"  # 应到 (default, domain rule)
    present = "present"  # 实到 (local practice for some elections, configurable)


KIND_LABELS: dict[str, str] = {
    "motion": "议题表决",
    "admission": "接收预备党员",
    "conversion": "预备党员转正",
    "extension": "延长预备期",
    "cancellation": "取消预备党员资格",
    "exclusion": "不计入应到",
    "election": "选举",
}
STATE_LABELS: dict[str, str] = {"unpublished": "未发布", "open": "投票中", "closed": "已结束"}
CHOICE_LABELS: dict[str, str] = {"yes": "赞成", "no": "反对", "abstain": "弃权"}

# Kinds for which absent voters may submit a written opinion (书面意见).
WRITTEN_OPINION_KINDS = frozenset({VoteKind.admission, VoteKind.conversion})
# Kinds that name one member (the candidate) and decide that member's status or roll.
PERSON_KINDS = frozenset({"admission", "conversion", "extension", "cancellation", "exclusion"})

_TRANSITIONS: dict[VoteState, frozenset[VoteState]] = {
    VoteState.unpublished: frozenset({VoteState.open}),
    VoteState.open: frozenset({VoteState.closed}),
    VoteState.closed: frozenset(),
}


def _check_counts(*counts: int) -> None:
    for count in counts:
        if count < 0:
            raise ValueError("counts cannot be negative")


def has_quorum(present_voters: int, expected_voters: int) -> bool:
    """More than half of the expected voters are present (also the branch committee rule)."""
    _check_counts(present_voters, expected_voters)
    return expected_voters > 0 and 2 * present_voters > expected_voters


def has_election_quorum(present_voters: int, expected_voters: int) -> bool:
    """Elections: present voters exceed four fifths of the expected voters."""
    _check_counts(present_voters, expected_voters)
    return expected_voters > 0 and 5 * present_voters > 4 * expected_voters


def majority_of(yes: int, denominator: int) -> bool:
    """Strictly more than half: exactly half fails (8 of 16)."""
    _check_counts(yes, denominator)
    return denominator > 0 and 2 * yes > denominator


def min_present_for_quorum(expected_voters: int) -> int:
    """The smallest attendance that makes quorum (expected 16 -> 9)."""
    return expected_voters // 2 + 1


def min_present_for_election(expected_voters: int) -> int:
    """The smallest attendance above four fifths (expected 16 -> 13, expected 10 -> 9)."""
    return (4 * expected_voters) // 5 + 1


def min_yes_to_pass(denominator: int) -> int:
    return denominator // 2 + 1


def can_transition(current: str, target: str) -> bool:
    return VoteState(target) in _TRANSITIONS[VoteState(current)]


def can_change_secrecy(state: str, currently_secret: bool, make_secret: bool) -> bool:
    """Secrecy is fixed once a question is published; a secret ballot never becomes open."""
    if currently_secret and not make_secret:
        return False
    return VoteState(state) is VoteState.unpublished


def denominator_for(basis: str, expected_voters: int, present_voters: int) -> int:
    return (
        expected_voters if DenominatorBasis(basis) is DenominatorBasis.expected else present_voters
    )


@dataclass(frozen=True)
class Tally:
    yes: int = 0
    no: int = 0
    abstain: int = 0

    def __post_init__(self) -> None:
        _check_counts(self.yes, self.no, self.abstain)

    @property
    def total(self) -> int:
        return self.yes + self.no + self.abstain

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.yes + other.yes, self.no + other.no, self.abstain + other.abstain)


@dataclass(frozen=True)
class MotionResult:
    """The outcome of a motion, admission or conversion question."""

    kind: str
    expected_voters: int
    present_voters: int
    ballots: Tally
    written: Tally
    quorum: bool
    passed: bool
    reason: str  # "passed", "no_quorum", "not_enough_yes"

    @property
    def counted(self) -> Tally:
        return self.ballots + self.written

    @property
    def needed_yes(self) -> int:
        return min_yes_to_pass(self.expected_voters)

    @property
    def needed_present(self) -> int:
        return min_present_for_quorum(self.expected_voters)


def decide_motion(
    kind: str,
    *,
    expected_voters: int,
    present_voters: int,
    ballots: Tally,
    written: Tally | None = None,
) -> MotionResult:
    """Apply quorum and the majority-of-expected rule.

    Written opinions of absent voters count as votes for admission and conversion only; they
    never count towards attendance. Ballots plus written opinions can never exceed the
    expected voters, and ballots never exceed those present.
    """
    vote_kind = VoteKind(kind)
    if vote_kind is VoteKind.election:
        raise ValueError("use decide_election for elections")
    written = written or Tally()
    if written.total and vote_kind not in WRITTEN_OPINION_KINDS:
        raise ValueError("written opinions count only for admission and conversion")
    if present_voters > expected_voters:
        raise ValueError("present voters cannot exceed expected voters")
    if ballots.total > present_voters:
        raise ValueError("more ballots than voters present")
    if present_voters + written.total > expected_voters:
        raise ValueError("written opinions only come from absent voters")
    quorum = has_quorum(present_voters, expected_voters)
    counted = ballots + written
    passed = quorum and majority_of(counted.yes, expected_voters)
    reason = "passed" if passed else ("no_quorum" if not quorum else "not_enough_yes")
    return MotionResult(
        kind=str(vote_kind),
        expected_voters=expected_voters,
        present_voters=present_voters,
        ballots=ballots,
        written=written,
        quorum=quorum,
        passed=passed,
        reason=reason,
    )


@dataclass(frozen=True)
class ElectionResult:
    expected_voters: int
    present_voters: int
    seats: int
    denominator: int
    ballots_cast: int
    quorum: bool
    yes: Mapping[int, int]  # candidate id -> yes votes
    elected: tuple[int, ...]
    # Candidates over the threshold who tie for the last seat: a further round is needed.
    tied: tuple[int, ...] = field(default_factory=tuple)

    @property
    def needed_yes(self) -> int:
        return min_yes_to_pass(self.denominator)

    @property
    def seats_filled(self) -> int:
        return len(self.elected)


def validate_election_ballot(
    selected: Iterable[int], candidates: Iterable[int], seats: int
) -> None:
    """A ballot approves at most `seats` distinct listed candidates (none = all against)."""
    chosen = list(selected)
    if len(set(chosen)) != len(chosen):
        raise ValueError("a candidate is selected twice")
    if len(chosen) > seats:
        raise ValueError("more candidates selected than seats")
    if not set(chosen) <= set(candidates):
        raise ValueError("unknown candidate")


def decide_election(
    *,
    expected_voters: int,
    present_voters: int,
    seats: int,
    yes: Mapping[int, int],
    ballots_cast: int,
    basis: str = DenominatorBasis.expected,
) -> ElectionResult:
    """Elect the candidates whose yes votes exceed half of the denominator, best first.

    Without the 4/5 attendance the election is void. When more candidates qualify than
    there are seats, the highest counts win; a tie across the last seat fills none of the
    tied places (a further round decides them).
    """
    if seats < 1:
        raise ValueError("an election needs at least one seat")
    if present_voters > expected_voters or ballots_cast > present_voters:
        raise ValueError("inconsistent counts")
    _check_counts(*yes.values())
    if any(count > ballots_cast for count in yes.values()):
        raise ValueError("a candidate has more votes than ballots cast")
    denominator = denominator_for(basis, expected_voters, present_voters)
    quorum = has_election_quorum(present_voters, expected_voters)
    elected: list[int] = []
    tied: list[int] = []
    if quorum:
        qualified = sorted(
            (cid for cid, count in yes.items() if majority_of(count, denominator)),
            key=lambda cid: (-yes[cid], cid),
        )
        if len(qualified) <= seats:
            elected = qualified
        else:
            cutoff = yes[qualified[seats - 1]]
            elected = [cid for cid in qualified if yes[cid] > cutoff]
            tied = [cid for cid in qualified if yes[cid] == cutoff]
            if len(elected) + len(tied) <= seats:  # the tie sits inside the seats
                elected, tied = elected + tied, []
    return ElectionResult(
        expected_voters=expected_voters,
        present_voters=present_voters,
        seats=seats,
        denominator=denominator,
        ballots_cast=ballots_cast,
        quorum=quorum,
        yes=dict(yes),
        elected=tuple(elected),
        tied=tuple(tied),
    )


def in_person_room(present_voters: int, electronic_ballots: int) -> int:
    """How many voters in the room may still be counted by hand (present minus e-ballots)."""
    _check_counts(present_voters, electronic_ballots)
    return max(0, present_voters - electronic_ballots)


def check_in_person_count(count: Tally, *, present_voters: int, electronic_ballots: int) -> None:
    """A show-of-hands or paper count never exceeds the entitled voters present who did not
    vote on a device: electronic ballots plus the hand count stay within those present."""
    if count.total > in_person_room(present_voters, electronic_ballots):
        raise ValueError("more in-person votes than voters present without a ballot")

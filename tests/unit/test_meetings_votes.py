"""Every vote rule of domain.md §3, with the boundary cases (integer arithmetic only)."""

from __future__ import annotations

import pytest

from forum.policy import results_visible
from realtime.meetings import votes
from realtime.meetings.votes import Tally, decide_election, decide_motion


@pytest.mark.parametrize(
    ("present", "expected", "quorum"),
    [
        (8, 16, False),  # exactly half: fails
        (9, 16, True),
        (16, 16, True),
        (0, 16, False),
        (1, 1, True),
        (0, 1, False),
        (1, 2, False),
        (2, 2, True),
        (2, 3, True),
        (1, 3, False),
        (3, 5, True),
        (2, 5, False),
        (0, 0, False),  # nobody expected: no quorum, never a division
    ],
)
def test_has_quorum_boundaries(present: int, expected: int, quorum: bool) -> None:
    assert votes.has_quorum(present, expected) is quorum


@pytest.mark.parametrize("expected", range(1, 60))
def test_has_quorum_min_present_is_the_exact_boundary(expected: int) -> None:
    needed = votes.min_present_for_quorum(expected)
    assert votes.has_quorum(needed, expected)
    assert not votes.has_quorum(needed - 1, expected)


def test_min_present_for_sixteen_is_nine() -> None:
    assert votes.min_present_for_quorum(16) == 9
    assert votes.min_yes_to_pass(16) == 9


@pytest.mark.parametrize(
    ("yes", "denominator", "passes"),
    [(8, 16, False), (9, 16, True), (0, 1, False), (1, 1, True), (2, 4, False), (3, 4, True)],
)
def test_majority_of_boundaries(yes: int, denominator: int, passes: bool) -> None:
    assert votes.majority_of(yes, denominator) is passes


@pytest.mark.parametrize(
    ("present", "expected", "quorum"),
    [
        (12, 15, False),  # exactly 4/5: fails
        (13, 15, True),
        (8, 10, False),
        (9, 10, True),
        (12, 16, False),
        (13, 16, True),  # 4/5 of 16 is 12.8
        (4, 5, False),
        (5, 5, True),
        (1, 1, True),
        (0, 1, False),
        (0, 0, False),
    ],
)
def test_election_quorum_four_fifths_boundaries(present: int, expected: int, quorum: bool) -> None:
    assert votes.has_election_quorum(present, expected) is quorum


@pytest.mark.parametrize("expected", range(1, 60))
def test_election_min_present_is_the_exact_boundary(expected: int) -> None:
    needed = votes.min_present_for_election(expected)
    assert votes.has_election_quorum(needed, expected)
    assert not votes.has_election_quorum(needed - 1, expected)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        votes.has_quorum(-1, 3)
    with pytest.raises(ValueError):
        Tally(yes=-1)


def test_motion_expected_16_eight_present_fails_on_quorum() -> None:
    result = decide_motion("motion", expected_voters=16, present_voters=8, ballots=Tally(yes=8))
    assert not result.quorum
    assert not result.passed
    assert result.reason == "no_quorum"


def test_motion_expected_16_nine_present_nine_yes_passes() -> None:
    result = decide_motion("motion", expected_voters=16, present_voters=9, ballots=Tally(yes=9))
    assert result.quorum and result.passed and result.reason == "passed"
    assert result.needed_yes == 9 and result.needed_present == 9


def test_motion_expected_16_eight_yes_fails_even_with_everyone_present() -> None:
    result = decide_motion(
        "motion", expected_voters=16, present_voters=16, ballots=Tally(yes=8, no=7, abstain=1)
    )
    assert result.quorum
    assert not result.passed
    assert result.reason == "not_enough_yes"


def test_motion_majority_of_present_is_not_enough() -> None:
    # 10 of 16 present, 7 yes is a majority of those present but not of those expected.
    result = decide_motion(
        "motion", expected_voters=16, present_voters=10, ballots=Tally(yes=7, no=3)
    )
    assert not result.passed


def test_admission_written_opinions_of_absent_voters_count() -> None:
    ballots = Tally(yes=7, no=2)
    without = decide_motion("admission", expected_voters=16, present_voters=9, ballots=ballots)
    assert not without.passed
    with_written = decide_motion(
        "admission",
        expected_voters=16,
        present_voters=9,
        ballots=ballots,
        written=Tally(yes=2),
    )
    assert with_written.passed
    assert with_written.counted == Tally(yes=9, no=2)


def test_conversion_written_opinions_count_but_not_towards_quorum() -> None:
    result = decide_motion(
        "conversion",
        expected_voters=16,
        present_voters=8,
        ballots=Tally(yes=8),
        written=Tally(yes=8),
    )
    assert not result.quorum and not result.passed


def test_written_opinions_refused_for_a_plain_motion() -> None:
    with pytest.raises(ValueError):
        decide_motion(
            "motion", expected_voters=5, present_voters=3, ballots=Tally(), written=Tally(yes=1)
        )


@pytest.mark.parametrize(
    ("expected", "present", "ballots", "written"),
    [
        (5, 6, Tally(), Tally()),  # more present than expected
        (5, 3, Tally(yes=4), Tally()),  # more ballots than present
        (5, 4, Tally(yes=4), Tally(yes=2)),  # written opinions from people who were present
    ],
)
def test_inconsistent_motion_counts_are_refused(
    expected: int, present: int, ballots: Tally, written: Tally
) -> None:
    with pytest.raises(ValueError):
        decide_motion(
            "admission",
            expected_voters=expected,
            present_voters=present,
            ballots=ballots,
            written=written,
        )


def test_decide_motion_refuses_elections() -> None:
    with pytest.raises(ValueError):
        decide_motion("election", expected_voters=3, present_voters=3, ballots=Tally())


def test_election_void_at_exactly_four_fifths() -> None:
    result = decide_election(
        expected_voters=15, present_voters=12, seats=1, yes={1: 12}, ballots_cast=12
    )
    assert not result.quorum and result.elected == ()


def test_election_candidate_needs_more_than_half_of_expected() -> None:
    result = decide_election(
        expected_voters=16, present_voters=13, seats=3, yes={1: 9, 2: 8, 3: 13}, ballots_cast=13
    )
    assert result.quorum
    assert result.elected == (3, 1)  # best first; 8 of 16 is exactly half: not elected
    assert result.needed_yes == 9


def test_election_denominator_configurable_to_present() -> None:
    counts = {1: 7}
    by_expected = decide_election(
        expected_voters=14, present_voters=12, seats=1, yes=counts, ballots_cast=12
    )
    by_present = decide_election(
        expected_voters=14,
        present_voters=12,
        seats=1,
        yes=counts,
        ballots_cast=12,
        basis="present",
    )
    assert by_expected.elected == () and by_expected.denominator == 14
    assert by_present.elected == (1,) and by_present.denominator == 12


def test_election_more_qualified_than_seats_takes_the_highest() -> None:
    result = decide_election(
        expected_voters=10, present_voters=10, seats=2, yes={1: 9, 2: 6, 3: 8}, ballots_cast=10
    )
    assert result.elected == (1, 3) and result.tied == ()


def test_election_tie_across_last_seat_leaves_it_open() -> None:
    result = decide_election(
        expected_voters=10, present_voters=10, seats=2, yes={1: 9, 2: 7, 3: 7}, ballots_cast=10
    )
    assert result.elected == (1,)
    assert set(result.tied) == {2, 3}


def test_election_tie_inside_the_seats_elects_both() -> None:
    result = decide_election(
        expected_voters=10, present_voters=10, seats=2, yes={1: 7, 2: 7}, ballots_cast=10
    )
    assert set(result.elected) == {1, 2} and result.tied == ()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"seats": 0, "yes": {1: 1}, "ballots_cast": 1, "present_voters": 5},
        {"seats": 1, "yes": {1: 6}, "ballots_cast": 5, "present_voters": 5},
        {"seats": 1, "yes": {1: 1}, "ballots_cast": 6, "present_voters": 5},
        {"seats": 1, "yes": {1: 1}, "ballots_cast": 1, "present_voters": 6},
    ],
)
def test_election_inconsistent_counts_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        decide_election(expected_voters=5, **kwargs)  # type: ignore[arg-type]


def test_validate_election_ballot() -> None:
    votes.validate_election_ballot([1, 2], [1, 2, 3], seats=2)
    votes.validate_election_ballot([], [1, 2, 3], seats=2)
    for bad in ([1, 1], [1, 2, 3], [4]):
        with pytest.raises(ValueError):
            votes.validate_election_ballot(bad, [1, 2, 3], seats=2)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("unpublished", "open", True),
        ("open", "closed", True),
        ("unpublished", "closed", False),
        ("open", "unpublished", False),
        ("closed", "open", False),
        ("closed", "unpublished", False),
    ],
)
def test_vote_state_transitions(current: str, target: str, allowed: bool) -> None:
    assert votes.can_transition(current, target) is allowed


@pytest.mark.parametrize(
    ("state", "secret", "make_secret", "allowed"),
    [
        ("unpublished", True, False, False),  # a secret ballot never becomes open
        ("open", True, False, False),
        ("closed", True, False, False),
        ("unpublished", False, True, True),
        ("unpublished", False, False, True),
        ("open", False, True, False),  # fixed once published
    ],
)
def test_secrecy_changes(state: str, secret: bool, make_secret: bool, allowed: bool) -> None:
    assert votes.can_change_secrecy(state, secret, make_secret) is allowed


@pytest.mark.parametrize(
    ("secret", "state", "visible"),
    [
        (True, "unpublished", False),
        (True, "open", False),
        (True, "closed", True),
        (False, "unpublished", False),
        (False, "open", True),
        (False, "closed", True),
    ],
)
def test_results_hidden_until_close_for_secret_ballots(
    secret: bool, state: str, visible: bool
) -> None:
    assert results_visible(secret, state) is visible

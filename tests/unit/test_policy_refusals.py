"""The refusals of the newer policy modules that the flows do not reach: suspended accounts,
closed rounds, cases with no common org, strangers to a request."""

from __future__ import annotations

from dataclasses import dataclass, field

from forum.policy import (
    ANONYMOUS,
    RoleGrant,
    Viewer,
    can_close_review_rating,
    can_file_service_request,
    can_message_service_request,
    can_record_discipline,
    can_resolve_duplicate,
    can_see_review,
    can_write_peer_review,
    can_write_self_review,
    duplicate_case_paths,
)
from forum.policy.core import NOTHING

BRANCH = "/1/2/3/"


@dataclass
class Round:
    org_path: str = BRANCH
    state: str = "open"


@dataclass
class Path:
    path: str = BRANCH


@dataclass
class OrgOf:
    path: str = BRANCH


@dataclass
class MemberLike:
    id: int = 77
    org: OrgOf = field(default_factory=OrgOf)


@dataclass
class Kind:
    active: bool = True
    org_path: str = ""


@dataclass
class Request:
    requester_id: int = 999
    org_id: int = 3
    org_path: str = BRANCH
    state: str = "submitted"


def person(*, suspended: bool = False, admin: bool = False, site_admin: bool = False) -> Viewer:
    roles: tuple[RoleGrant, ...] = ()
    if admin:
        roles = (RoleGrant("secretary", 3, BRANCH),)
    if site_admin:
        roles = (RoleGrant("site_admin", None, None),)
    return Viewer(
        user_id=5,
        username="p",
        member_id=9,
        status="full",
        org_id=3,
        org_path=BRANCH,
        home_path=BRANCH,
        roles=roles,
        suspended=suspended,
    )


def test_reviews_refuse_suspended_accounts_and_closed_rounds() -> None:
    assert not can_see_review(person(suspended=True), Round())
    assert not can_write_self_review(person(), Round(state="rated"), True).allowed
    assert not can_write_peer_review(person(suspended=True), Round(), 3, 3).allowed
    assert not can_close_review_rating(person(admin=True), Round(state="rated")).allowed


def test_duplicate_cases_without_a_common_org_go_to_the_site_admin() -> None:
    assert not can_resolve_duplicate(person(suspended=True, admin=True), Path())
    assert not can_resolve_duplicate(person(admin=True), None)
    assert can_resolve_duplicate(person(site_admin=True), None)
    assert duplicate_case_paths(person(suspended=True, admin=True)) is NOTHING
    assert duplicate_case_paths(person()) is NOTHING  # leads no org


def test_a_suspended_account_files_nothing_and_a_stranger_writes_nothing() -> None:
    assert not can_file_service_request(person(suspended=True), Kind()).allowed
    assert not can_message_service_request(ANONYMOUS, Request()).allowed
    assert not can_record_discipline(person(suspended=True, admin=True), MemberLike()).allowed

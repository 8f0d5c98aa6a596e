"""Rows of the authorization sweep (test_authz_sweep.py) for the member directory routes.

"in" targets live in branch A (the admin's scope), "out" targets in sibling branch B (the
sibling admin's scope). `build` creates them in the sweep's world; `fill` puts their ids into
route templates and form values.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from forum import clock, idcard
from forum.members import importer
from forum.members.models import (
    DuplicateCase,
    FloatingInflow,
    FloatingRecord,
    MembershipSuspension,
    RollExclusion,
    Sanction,
    StatusDecision,
    Transfer,
)
from forum.models import Member
from forum.policy import RoleGrant, Viewer
from tests.factories import Tree, make_member, make_plenary_vote

KINDS = (
    "visitor",
    "applicant",
    "activist",
    "probationary",
    "full",
    "sanctioned",
    "floating",
    "sibling_admin",
    "moderator_elsewhere",
    "admin",
)
A_MEMBERS = ("applicant", "activist", "probationary", "full", "sanctioned", "admin")
TODAY = clock.today()
_rng = random.Random(77)


def exp(default: int, **overrides: int) -> dict[str, int]:
    return {kind: overrides.get(kind, default) for kind in KINDS}


def admins(status: int, others: int = 404) -> dict[str, int]:
    return exp(others, admin=status, sibling_admin=status)


def side(ok: int, seen: int, other: int, target: str) -> dict[str, int]:
    """`ok` for the admin of the target's branch, `seen` for others who can see the target
    (branch members; the floating guest belongs to B), `other` for everyone else."""
    if target == "in":
        return {k: ok if k == "admin" else seen if k in A_MEMBERS else other for k in KINDS}
    return {k: ok if k == "sibling_admin" else seen if k == "floating" else other for k in KINDS}


def discipline(ok: int, seen: int, target: str) -> dict[str, int]:
    """Discipline is recorded by the branch secretary (the sibling admin for B) and the orgs
    above; branch A's org admin sees the record but is refused (403). `seen`: what those who
    see the card get (403 for the routes on a member, 404 for a sanction's own route)."""
    if target == "in":
        return {k: 403 if k == "admin" else seen if k in A_MEMBERS else 404 for k in KINDS}
    return {k: ok if k == "sibling_admin" else seen if k == "floating" else 404 for k in KINDS}


def record_form(name: str, id_number: str) -> dict[str, str]:
    return {
        "org_id": "{org_id}",
        "name": name,
        "id_number": id_number,
        "status": "applicant",
        "applied_at": "2020-01-01",
    }


REVEAL = {"reason": "核对身份"}
SANCTION_JSON = {
    "kind": "warning",
    "decision_number": "纪〔2026〕1号",
    "deciding_body": "支部党员大会",
    "decided_on": TODAY.isoformat(),
}
SANCTION_FORM = {**SANCTION_JSON, "confirmed": "1"}
SUSPEND_JSON = {
    "reason": "失去联系超过六个月",
    "decision_number": "支〔2026〕2号",
    "approving_body": "党委",
    "approved_on": TODAY.isoformat(),
}
SUSPEND_FORM = {**SUSPEND_JSON, "confirmed": "1"}
END_SANCTION_JSON = {
    "outcome": "restore",
    "on": TODAY.isoformat(),
    "decision_number": "支〔2026〕3号",
}
END_SANCTION = {**END_SANCTION_JSON, "confirmed": "1"}
END_SUSPENSION_JSON = {"outcome": "restore", "on": TODAY.isoformat(), "note": "已取得联系"}
END_SUSPENSION = {**END_SUSPENSION_JSON, "confirmed": "1"}
EDIT_FORM = {
    "name": "改名党员",
    "status": "full",
    "probation_at": "2010-01-01",
    "full_at": "2011-01-01",
    "org_id": "{org_id}",
}
FLOAT_FORM = {
    "certificate_number": "LD-1",
    "host_org_id": "{org_c}",
    "starts_on": "2026-01-01",
    "ends_on": "2026-06-01",
}
INFLOW_FORM = {
    "host_org_id": "{org_id}",
    "id_number": "{inflow_id}",
    "certificate_number": "LR-1",
    "starts_on": "2026-01-01",
    "ends_on": "2026-06-01",
}


def _id(birth: dt.date) -> str:
    return idcard.generate(_rng, birth, "M", region="350102")


# Literal numbers (the sweep turns JSON values that start with "{" into integers).
NEW_IDS = {"in": _id(dt.date(1990, 5, 6)), "out": _id(dt.date(1990, 7, 8))}
API_IDS = {"in": _id(dt.date(1989, 5, 6)), "out": _id(dt.date(1989, 7, 8))}
INFLOW_ID = _id(dt.date(1985, 1, 2))


def _cases() -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [
        ("GET", "/members", "-", exp(200, visitor=303)),
        ("GET", "/members/new", "-", admins(200)),
        ("GET", "/members/stats", "-", admins(200)),
        ("GET", "/members/stats.{fmt:str}", "-", admins(200)),
        ("GET", "/members/export.{fmt:str}", "-", admins(200)),
        # A POST is how an export with full ID numbers carries its reason; without
        # `ids=full` it is the same masked export.
        ("POST", "/members/export.{fmt:str}", "-", admins(200)),
        ("GET", "/members/transfers", "-", exp(200, visitor=404)),
        ("GET", "/members/floating", "-", admins(200)),
        ("GET", "/members/development", "-", admins(200)),
        ("GET", "/members/approvals", "-", admins(200)),
        ("GET", "/api/v1/members/decisions", "-", admins(200)),
        ("GET", "/api/v1/members/roll-exclusions", "-", admins(200)),
        ("GET", "/members/import", "-", admins(200)),
        # Duplicate cases: the lists answer every admin (each sees its own cases only).
        ("GET", "/members/duplicates", "-", admins(200)),
        ("GET", "/api/v1/members/duplicates", "-", admins(200)),
        ("GET", "/api/v1/members", "-", exp(200)),
        ("GET", "/api/v1/members/stats", "-", admins(200)),
        # No file in the form: the admins get the form back with an error (400).
        ("POST", "/members/import", "in", admins(400), {"org_id": "{org_id}"}),
    ]
    for t in ("in", "out"):
        owner = "admin" if t == "in" else "sibling_admin"
        rows += [
            ("GET", "/members/{member_id:int}", t, side(200, 200, 404, t)),
            ("GET", "/api/v1/members/{member_id:int}", t, side(200, 200, 404, t)),
            ("GET", "/members/{member_id:int}/edit", t, side(200, 404, 404, t)),
            ("POST", "/members/{member_id:int}/edit", t, side(303, 403, 404, t), EDIT_FORM),
            ("POST", "/members/{member_id:int}/reveal", t, side(200, 403, 404, t), REVEAL),
            (
                "POST",
                "/api/v1/members/{member_id:int}/reveal",
                t,
                side(200, 403, 404, t),
                {},
                REVEAL,
            ),
            (
                "POST",
                "/members/new",
                t,
                exp(403, **{owner: 303}),
                record_form("新党员" + t, NEW_IDS[t]),
            ),
            (
                "POST",
                "/api/v1/members",
                t,
                exp(403, **{owner: 201}),
                {},
                record_form("接口党员" + t, API_IDS[t]),
            ),
            ("GET", "/members/transfers/{tid:int}", t, side(200, 404, 404, t)),
            ("GET", "/api/v1/members/transfers/{transfer_id:int}", t, side(200, 404, 404, t)),
            ("POST", "/members/transfers/{tid:int}/{step:str}", t, side(303, 404, 404, t)),
            (
                "POST",
                "/members/{member_id:int}/transfers",
                t,
                side(303, 403, 404, t),
                {"to_org_id": "{org_c}", "reason": "调动"},
            ),
            ("POST", "/members/{member_id:int}/floating", t, side(303, 403, 404, t), FLOAT_FORM),
            # Confirmed steps carry `confirmed=1`, so the sweep measures the authorization.
            (
                "POST",
                "/members/floating/{rid:int}/end",
                t,
                side(303, 404, 404, t),
                {"confirmed": "1"},
            ),
            ("POST", "/members/floating/inflow", t, exp(403, **{owner: 303}), INFLOW_FORM),
            # The home side decides an inflow request about its member; to anyone else the
            # request does not exist (the host included: it may only withdraw).
            ("POST", "/members/floating/inflows/{iid:int}/{verb:str}", t, side(303, 404, 404, t)),
            (
                "POST",
                "/members/{member_id:int}/advance",
                t,
                side(303, 403, 404, t),
                {"target": "development_target", "on": TODAY.isoformat(), "confirmed": "1"},
            ),
            (
                "POST",
                "/members/{member_id:int}/contacts",
                t,
                side(303, 403, 404, t),
                {"kind": "trainer", "person_id": "{person_id}"},
            ),
            (
                "POST",
                "/members/{member_id:int}/reviews",
                t,
                side(303, 403, 404, t),
                {"reviewed_on": TODAY.isoformat(), "summary": "表现良好"},
            ),
            (
                "POST",
                "/members/{member_id:int}/extend",
                t,
                side(303, 403, 404, t),
                {"months": "6", "vote_id": "{ext_vote}", "confirmed": "1"},
            ),
            # A plenary decision reported for approval (here: cancellation of probation).
            (
                "POST",
                "/members/{member_id:int}/decisions",
                t,
                side(303, 403, 404, t),
                {"kind": "cancellation", "vote_id": "{cancel_vote}", "confirmed": "1"},
            ),
            (
                "POST",
                "/api/v1/members/{member_id:int}/decisions",
                t,
                side(201, 403, 404, t),
                {},
                {"kind": "cancellation", "vote_id": "{api_vote}"},
            ),
            # Only the superior committee decides: the branch's own admin is refused (403);
            # to everyone else the decision does not exist.
            (
                "POST",
                "/members/decisions/{did:int}/{verb:str}",
                t,
                side(403, 404, 404, t),
                {"on": TODAY.isoformat(), "confirmed": "1"},
            ),
            (
                "POST",
                "/api/v1/members/decisions/{decision_id:int}/approve",
                t,
                side(403, 404, 404, t),
                {},
                {"on": TODAY.isoformat()},
            ),
            (
                "POST",
                "/api/v1/members/decisions/{decision_id:int}/reject",
                t,
                side(403, 404, 404, t),
                {},
                {"on": TODAY.isoformat(), "note": "材料不全"},
            ),
            # 不计入应到: the branch's admins propose it; only the superior committee approves
            # (the branch's own admin is refused, 403); to everyone else it does not exist.
            (
                "POST",
                "/members/{member_id:int}/roll-exclusions",
                t,
                side(303, 403, 404, t),
                {"category": "abroad", "reason": "自费留学"},
            ),
            (
                "POST",
                "/members/roll-exclusions/{xid:int}/{verb:str}",
                t,
                side(403, 404, 404, t),
                {"on": TODAY.isoformat(), "note": "组〔2026〕1号", "confirmed": "1"},
            ),
            (
                "POST",
                "/api/v1/members/{member_id:int}/roll-exclusions",
                t,
                side(201, 403, 404, t),
                {},
                {"category": "abroad", "reason": "自费留学"},
            ),
            *(
                (
                    "POST",
                    f"/api/v1/members/roll-exclusions/{{exclusion_id:int}}/{verb}",
                    t,
                    side(403, 404, 404, t),
                    {},
                    body,
                )
                for verb, body in (
                    ("approve", {"on": TODAY.isoformat()}),
                    ("reject", {"on": TODAY.isoformat(), "note": "情况不符"}),
                )
            ),
            # Citing the vote and ending it are the branch's: its admin gets past the policy
            # to the state check (the proposal is not approved yet: 400), others do not.
            *(
                (
                    "POST",
                    f"/api/v1/members/roll-exclusions/{{exclusion_id:int}}/{verb}",
                    t,
                    side(ok, 404, 404, t),
                    {},
                    body,
                )
                for verb, ok, body in (
                    ("vote", 400, {"vote_id": "{ext_vote}"}),
                    ("end", 200, {"ended_on": TODAY.isoformat(), "end_reason": "情况变化"}),
                )
            ),
            # Discipline: the branch's secretary (the sibling admin for "out") records it; the
            # branch's org admin sees the record but may not (403); so do its members (403),
            # who see the card only.
            (
                "POST",
                "/members/{member_id:int}/sanctions",
                t,
                discipline(303, 403, t),
                SANCTION_FORM,
            ),
            (
                "POST",
                "/api/v1/members/{member_id:int}/sanctions",
                t,
                discipline(201, 403, t),
                {},
                SANCTION_JSON,
            ),
            (
                "POST",
                "/members/{member_id:int}/suspensions",
                t,
                discipline(303, 403, t),
                SUSPEND_FORM,
            ),
            (
                "POST",
                "/api/v1/members/{member_id:int}/suspensions",
                t,
                discipline(201, 403, t),
                {},
                SUSPEND_JSON,
            ),
            # Ending: whoever does not see the discipline field gets 404.
            ("POST", "/members/sanctions/{sid:int}/end", t, discipline(303, 404, t), END_SANCTION),
            (
                "POST",
                "/api/v1/members/sanctions/{sanction_id:int}/end",
                t,
                discipline(200, 404, t),
                {},
                END_SANCTION_JSON,
            ),
            (
                "POST",
                "/members/suspensions/{sid:int}/end",
                t,
                discipline(303, 404, t),
                END_SUSPENSION,
            ),
            (
                "POST",
                "/api/v1/members/suspensions/{suspension_id:int}/end",
                t,
                discipline(200, 404, t),
                {},
                END_SUSPENSION_JSON,
            ),
            # A duplicate case lives at the org above both records (here the branch itself):
            # to anyone not managing it, it does not exist.
            ("GET", "/members/duplicates/{cid:int}", t, side(200, 404, 404, t)),
            (
                "POST",
                "/members/duplicates/{cid:int}/merge",
                t,
                side(303, 404, 404, t),
                {"keep": "{keep}", "confirmed": "1"},
            ),
            (
                "POST",
                "/members/duplicates/{cid:int}/dismiss",
                t,
                side(303, 404, 404, t),
                {"note": "核对后不是同一人"},
            ),
            (
                "POST",
                "/api/v1/members/duplicates/{case_id:int}/merge",
                t,
                side(200, 404, 404, t),
                {},
                {"keep": "{keep_api}"},
            ),
            (
                "POST",
                "/api/v1/members/duplicates/{case_id:int}/dismiss",
                t,
                side(200, 404, 404, t),
                {},
                {"note": "核对后不是同一人"},
            ),
            ("GET", "/members/import/{bid:int}", t, side(200, 404, 404, t)),
            ("POST", "/members/import/{bid:int}/run", t, side(303, 404, 404, t)),
        ]
    return rows


CASES = _cases()


async def build(tree: Tree) -> dict[str, Any]:
    """Objects on both sides; the ids go into `fill`."""
    ids: dict[str, Any] = {"org_c": tree.branch_c.id}
    site = Viewer(username="sweep", roles=(RoleGrant("site_admin", None, None),))
    long_ago = TODAY - dt.timedelta(days=800)
    for t, branch in (("in", tree.branch_a), ("out", tree.branch_b)):
        full = dict(probation_at=dt.date(2010, 1, 1), full_at=dt.date(2011, 1, 1))
        member = await make_member(branch, "full", **full)
        person = await make_member(branch, "full", **full)
        mover = await make_member(branch, "full", **full)
        traveller = await make_member(branch, "full", floating=True, host_org=tree.branch_c, **full)
        activist = await make_member(
            branch, "activist", applied_at=long_ago, activist_at=long_ago + dt.timedelta(days=30)
        )
        probationary = await make_member(
            branch, "probationary", probation_at=TODAY - dt.timedelta(days=400)
        )
        transfer = await Transfer.create(
            member_id=mover.id, from_org_id=branch.id, to_org_id=tree.branch_c.id
        )
        record = await FloatingRecord.create(
            member_id=traveller.id,
            direction="outflow",
            certificate_number="LD-0",
            host_org_id=tree.branch_c.id,
            starts_on=TODAY,
            ends_on=TODAY + dt.timedelta(days=90),
        )
        sheet = "姓名,身份证号,状态,申请入党日期\n导入者{},{},入党申请人,2020-01-01\n".format(
            t, _id(dt.date(1991, 3, 4) if t == "in" else dt.date(1992, 3, 4))
        )
        batch = await importer.create_batch(site, branch, "sweep.csv", sheet.encode())
        inflow = await FloatingInflow.create(  # about `person`: `member` gets an outflow
            host_org_id=tree.branch_c.id,
            member_id=person.id,
            id_number_hint="350102********0011",
            certificate_number="LR-0",
            starts_on=TODAY,
            ends_on=TODAY + dt.timedelta(days=90),
        )
        cancelled = await make_member(
            branch, "probationary", probation_at=TODAY - dt.timedelta(days=200)
        )
        api_member = await make_member(
            branch, "probationary", probation_at=TODAY - dt.timedelta(days=200)
        )
        waiting = await make_member(
            branch, "probationary", probation_at=TODAY - dt.timedelta(days=400)
        )
        waiting_vote = await make_plenary_vote(branch, "conversion", waiting)
        decision = await StatusDecision.create(
            member_id=waiting.id,
            kind="conversion",
            vote_id=waiting_vote,
            voted_on=TODAY,
            committee_id=tree.committee.id,
        )
        ended: dict[str, int] = {}
        for n in (1, 2):
            disc = await make_member(branch, "full", **full)
            started = TODAY - dt.timedelta(days=800)
            sanction = await Sanction.create(
                member_id=disc.id,
                kind="probation",
                years=1,
                decision_number=f"纪〔2024〕{n}号",
                deciding_body="支部党员大会",
                decided_on=started,
                starts_on=started,
                ends_on=started + dt.timedelta(days=365),
                state="active",
            )
            suspension = await MembershipSuspension.create(
                member_id=disc.id,
                reason="失联",
                decision_number=f"支〔2024〕{n}号",
                approving_body="党委",
                approved_on=started,
            )
            await Member.filter(id=disc.id).update(
                on_probation_sanction=True, membership_suspended=True
            )
            ended[f"sanction{n}"], ended[f"suspension{n}"] = sanction.id, suspension.id
        dups: dict[str, int] = {}
        for name in ("merge", "dismiss", "api_merge", "api_dismiss"):
            one = await make_member(branch, "full", **full)
            two = await make_member(branch, "full", **full)
            case = await DuplicateCase.create(member_id=two.id, existing_id=one.id, org=branch)
            dups[f"dup_{name}"], dups[f"keep_{name}"] = case.id, one.id
        excludee = await make_member(branch, "full", **full)
        abroad = await make_member(branch, "full", **full)
        exclusion = await RollExclusion.create(
            member_id=abroad.id,
            org_id=branch.id,
            committee_id=tree.committee.id,
            category="abroad",
            reason="自费留学",
        )
        api_excludee = await make_member(branch, "full", **full)
        api_exclusions = []
        for _ in range(2):
            someone = await make_member(branch, "full", **full)
            api_exclusions.append(
                await RollExclusion.create(
                    member_id=someone.id,
                    org_id=branch.id,
                    committee_id=tree.committee.id,
                    category="illness",
                    reason="因病",
                )
            )
        suspendee = await make_member(branch, "full", **full)
        api_suspendee = await make_member(branch, "full", **full)
        ids[t] = {
            **ended,
            **dups,
            "suspendee": suspendee.id,
            "excludee": excludee.id,
            "api_excludee": api_excludee.id,
            "api_exclusion": api_exclusions[0].id,
            "api_exclusion_end": api_exclusions[1].id,
            "exclusion": exclusion.id,
            "api_suspendee": api_suspendee.id,
            "ext_vote": await make_plenary_vote(branch, "extension", probationary),
            "cancel_vote": await make_plenary_vote(branch, "cancellation", cancelled),
            "api_vote": await make_plenary_vote(branch, "cancellation", api_member),
            "cancelled": cancelled.id,
            "api_member": api_member.id,
            "decision": decision.id,
            "inflow": inflow.id,
            "member": member.id,
            "person": person.id,
            "activist": activist.id,
            "probationary": probationary.id,
            "transfer": transfer.id,
            "floating": record.id,
            "batch": batch.id,
        }
    # A member of branch C, registered as an in-flow guest by number.
    ids["inflow_id"] = INFLOW_ID
    await make_member(
        tree.branch_c,
        "full",
        probation_at=dt.date(2010, 1, 1),
        full_at=dt.date(2011, 1, 1),
        id_number=INFLOW_ID,
    )
    return ids


MEMBER_BY_SUFFIX = (
    ("/advance", "activist"),
    ("/contacts", "activist"),
    ("/reviews", "activist"),
    ("/extend", "probationary"),
    ("/decisions", "cancelled"),
    ("/suspensions", "suspendee"),
    ("/roll-exclusions", "excludee"),
)


def fill(value: str, target: str, ids: dict[str, Any]) -> str:
    if not ids or "{" not in value:
        return value
    own = ids["out" if target == "out" else "in"]
    key = next((k for suffix, k in MEMBER_BY_SUFFIX if value.endswith(suffix)), "member")
    if value.startswith("/api/v1/members/{member_id:int}/decisions"):
        key = "api_member"
    if value.startswith("/api/v1/members/{member_id:int}/suspensions"):
        key = "api_suspendee"
    if value.startswith("/api/v1/members/{member_id:int}/roll-exclusions"):
        key = "api_excludee"
    for verb in ("merge", "dismiss"):
        value = value.replace(
            f"/members/duplicates/{{cid:int}}/{verb}",
            f"/members/duplicates/{own['dup_' + verb]}/{verb}",
        ).replace(
            f"/duplicates/{{case_id:int}}/{verb}", f"/duplicates/{own['dup_api_' + verb]}/{verb}"
        )
    value = (
        value.replace("{cid:int}", str(own["dup_merge"]))
        .replace("{keep_api}", str(own["keep_api_merge"]))
        .replace("{keep}", str(own["keep_merge"]))
        .replace("/sanctions/{sid:int}", f"/sanctions/{own['sanction1']}")
        .replace("/suspensions/{sid:int}", f"/suspensions/{own['suspension1']}")
        .replace("{sanction_id:int}", str(own["sanction2"]))
        .replace("{suspension_id:int}", str(own["suspension2"]))
    )
    return (
        value.replace("{member_id:int}", str(own[key]))
        .replace("{tid:int}", str(own["transfer"]))
        .replace("{transfer_id:int}", str(own["transfer"]))
        .replace("{step:str}", "approve")
        .replace("{rid:int}", str(own["floating"]))
        .replace("{iid:int}", str(own["inflow"]))
        .replace("{did:int}/{verb:str}", f"{own['decision']}/approve")
        .replace("{xid:int}/{verb:str}", f"{own['exclusion']}/approve")
        .replace("{exclusion_id:int}/end", f"{own['api_exclusion_end']}/end")
        .replace("{exclusion_id:int}", str(own["api_exclusion"]))
        .replace("{decision_id:int}", str(own["decision"]))
        .replace("{verb:str}", "confirm")
        .replace("{ext_vote}", str(own["ext_vote"]))
        .replace("{cancel_vote}", str(own["cancel_vote"]))
        .replace("{api_vote}", str(own["api_vote"]))
        .replace("{bid:int}", str(own["batch"]))
        .replace("{fmt:str}", "csv")
        .replace("{org_c}", str(ids["org_c"]))
        .replace("{person_id}", str(own["person"]))
        .replace("{inflow_id}", ids["inflow_id"])
    )

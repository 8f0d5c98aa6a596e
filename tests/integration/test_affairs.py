"""党员服务 over HTTP: a member files a request to the branch, the branch accepts and passes it
up, the committee completes it, the member rates it; returns with a reason, the thread,
overdue flags in the queue, kinds added by an org admin, statistics and their export, and the
refusals."""

from __future__ import annotations

import datetime as dt

from forum.affairs import actions
from forum.affairs.models import ServiceKind, ServiceRequest
from forum.auditlog import AuditEntry
from forum.clock import utcnow
from forum.notifications import Notification
from tests.factories import Tree, make_person
from tests.helpers import Client


async def kind(key: str) -> ServiceKind:
    await actions.ensure_default_kinds()
    return await ServiceKind.get(org_path="", key=key)


def step(verb: str, reason: str = "") -> dict[str, str]:
    return {"verb": verb, "reason": reason}


async def test_filed_accepted_passed_up_completed_rated(
    tree: Tree, client: Client, other_client: Client
) -> None:
    member = await make_person(tree.group_a1)  # a group member: routed to the branch above
    secretary = await make_person(tree.branch_a, role="secretary")
    gb_admin = await make_person(tree.gb1, role="org_admin")
    proof = await kind("identity_proof")

    await client.login(member.username)
    hall = await client.get("/affairs")
    assert hall.status_code == 200 and "我要咨询" in hall.text and "开具党员身份证明" in hall.text
    assert (await client.get(f"/affairs/new?kind={proof.id}")).status_code == 200
    filed = await client.post_form(
        "/affairs", {"kind_id": str(proof.id), "title": "政审用身份证明", "f_purpose": "单位政审"}
    )
    assert filed.status_code == 303
    request_id = int(filed.headers["location"].rsplit("/", 1)[1])
    row = await ServiceRequest.get(id=request_id)
    assert (row.org_id, row.state) == (tree.branch_a.id, "submitted")
    assert abs(row.due_at - row.created_at - dt.timedelta(days=5)) < dt.timedelta(seconds=1)
    assert await Notification.filter(user_id=secretary.id, kind="service.new").exists()

    await other_client.login(secretary.username)
    queue = await other_client.get(f"/affairs/queue/{tree.branch_a.id}")
    assert "政审用身份证明" in queue.text
    assert (
        await other_client.post_form(f"/affairs/{request_id}/step", step("accept"))
    ).status_code == 303
    msg = await other_client.post_form(f"/affairs/{request_id}/message", {"body": "请补充单位名称"})
    assert msg.status_code == 303
    assert (
        await client.post_form(f"/affairs/{request_id}/message", {"body": "某某公司"})
    ).status_code == 303
    up = await other_client.post_form(f"/affairs/{request_id}/step", step("pass_up", "需总支盖章"))
    assert up.status_code == 303
    row = await ServiceRequest.get(id=request_id)
    assert (row.org_id, row.state) == (tree.gb1.id, "submitted")
    # The branch no longer holds it: gone from its queue, and (handled above it now) hidden.
    assert (
        "政审用身份证明" not in (await other_client.get(f"/affairs/queue/{tree.branch_a.id}")).text
    )
    assert (
        await other_client.post_form(f"/affairs/{request_id}/step", step("accept"))
    ).status_code == 404

    other_client.forget_csrf()
    await other_client.http.post("/logout", data={"csrf_token": await other_client.csrf()})
    other_client.forget_csrf()
    await other_client.login(gb_admin.username)
    for verb in ("accept", "start", "complete"):
        answer = await other_client.post_form(f"/affairs/{request_id}/step", step(verb))
        assert answer.status_code == 303, (verb, answer.text[:300])
    assert (await ServiceRequest.get(id=request_id)).state == "completed"
    closed = await client.post_form(f"/affairs/{request_id}/message", {"body": "谢谢"})
    assert closed.status_code == 403

    page = await client.get(f"/affairs/{request_id}")
    assert (
        "已办结" in page.text
        and "上报至第一党总支：需总支盖章" in page.text
        and "某某公司" in page.text
    )
    assert (
        await client.post_form(
            f"/affairs/{request_id}/rate", {"rating": "5", "rating_comment": "很快"}
        )
    ).status_code == 303
    twice = await client.post_form(f"/affairs/{request_id}/rate", {"rating": "4"})
    assert twice.status_code == 403
    assert (await ServiceRequest.get(id=request_id)).rating == 5
    assert await AuditEntry.filter(action="service.pass_up").count() == 1
    assert await Notification.filter(user_id=member.id, kind="service.step").count() == 5

    stats = await other_client.get("/affairs/stats")
    assert stats.status_code == 200 and "第一党总支" in stats.text
    export = await other_client.get("/affairs/stats?format=csv")
    assert export.headers["content-type"].startswith("text/csv")
    assert "第一党总支,1,0,1,0,0," in export.text and ",5.0" in export.text


async def test_return_needs_a_reason_and_refusals(
    tree: Tree, client: Client, other_client: Client
) -> None:
    member = await make_person(tree.branch_a)
    outsider = await make_person(tree.branch_b, role="secretary")
    secretary = await make_person(tree.branch_a, role="secretary")
    dues = await kind("dues")
    await client.login(member.username)
    bad = await client.post_form(
        "/affairs",
        {"kind_id": str(dues.id), "title": "党费", "f_question": ""},
        headers={"Referer": f"http://testserver/affairs/new?kind={dues.id}"},
    )
    assert bad.status_code == 303
    assert "请填写问题" in (await client.get(f"/affairs/new?kind={dues.id}")).text
    assert await ServiceRequest.all().count() == 0
    filed = await client.post_form(
        "/affairs", {"kind_id": str(dues.id), "title": "党费", "f_question": "基数怎么算"}
    )
    request_id = int(filed.headers["location"].rsplit("/", 1)[1])
    assert (
        await client.post_form(f"/affairs/{request_id}/step", step("accept"))
    ).status_code == 403

    await other_client.login(outsider.username)
    assert (await other_client.get(f"/affairs/{request_id}")).status_code == 404
    assert (
        await other_client.post_form(f"/affairs/{request_id}/step", step("accept"))
    ).status_code == 404
    assert (await other_client.get(f"/affairs/queue/{tree.branch_a.id}")).status_code == 404

    other_client.forget_csrf()
    await other_client.http.post("/logout", data={"csrf_token": await other_client.csrf()})
    other_client.forget_csrf()
    await other_client.login(secretary.username)
    no_reason = await other_client.post_form(
        f"/affairs/{request_id}/step",
        step("return"),
        headers={"Referer": f"http://testserver/affairs/{request_id}"},
    )
    assert no_reason.status_code == 303
    assert (await ServiceRequest.get(id=request_id)).state == "submitted"
    returned = await other_client.post_form(
        f"/affairs/{request_id}/step", step("return", "请向财务咨询")
    )
    assert returned.status_code == 303
    row = await ServiceRequest.get(id=request_id)
    assert (row.state, row.return_reason) == ("returned", "请向财务咨询")
    assert (
        await client.post_form(f"/affairs/{request_id}/rate", {"rating": "3"})
    ).status_code == 403

    # Overdue: open past its due instant, flagged in the queue.
    again = await client.post_form(
        "/affairs", {"kind_id": str(dues.id), "title": "逾期的申请", "f_question": "?"}
    )
    late_id = int(again.headers["location"].rsplit("/", 1)[1])
    await ServiceRequest.filter(id=late_id).update(due_at=utcnow() - dt.timedelta(hours=1))
    queue = await other_client.get(f"/affairs/queue/{tree.branch_a.id}")
    assert "逾期的申请" in queue.text and "已逾期" in queue.text
    home = await other_client.get("/")
    assert "我要办事" in home.text and "1 件逾期" in home.text


async def test_an_org_admin_adds_a_kind_for_its_subtree(
    tree: Tree, client: Client, other_client: Client
) -> None:
    admin = await make_person(tree.gb1, role="org_admin")
    inside = await make_person(tree.branch_a)
    outside = await make_person(tree.branch_c)
    await client.login(admin.username)
    bad = await client.post_form(
        "/affairs/kinds",
        {"org_id": str(tree.gb1.id), "name": "档案查阅", "time_limit_days": "0"},
        headers={"Referer": "http://testserver/affairs/stats"},
    )
    assert bad.status_code == 303
    assert "办理时限请填写 1 到 365 之间的天数" in (await client.get("/affairs/stats")).text
    ok = await client.post_form(
        "/affairs/kinds",
        {
            "org_id": str(tree.gb1.id),
            "name": "档案查阅",
            "time_limit_days": "3",
            "fields": "查阅原因",
        },
    )
    assert ok.status_code == 303
    added = await ServiceKind.get(name="档案查阅")
    assert (added.org_path, added.handled_by, added.time_limit_days) == (tree.gb1.path, "org", 3)
    refused = await client.post_form(
        "/affairs/kinds", {"org_id": str(tree.committee.id), "name": "x", "time_limit_days": "3"}
    )
    assert refused.status_code == 403

    await other_client.login(inside.username)
    assert "档案查阅" in (await other_client.get("/affairs")).text
    filed = await other_client.post_form(
        "/affairs", {"kind_id": str(added.id), "title": "查档", "f_q0": "评先"}
    )
    assert filed.status_code == 303
    assert (
        await ServiceRequest.get(title="查档")
    ).org_id == tree.gb1.id  # handled by the kind's org
    other_client.forget_csrf()
    await other_client.http.post("/logout", data={"csrf_token": await other_client.csrf()})
    other_client.forget_csrf()
    await other_client.login(outside.username)
    assert "档案查阅" not in (await other_client.get("/affairs")).text
    assert (await other_client.get(f"/affairs/new?kind={added.id}")).status_code == 404


async def test_accepting_a_transfer_request_starts_the_owning_parts_workflow(
    tree: Tree, client: Client, other_client: Client
) -> None:
    """The seam (forum.requesthooks): a handler a part provides runs inside the acceptance;
    here a stand-in records what it was given (the members part is to provide the real one,
    starting its transfer through its own actions)."""
    from forum.requesthooks import HANDLERS, RequestHandler

    seen: list[tuple[int | None, int, dict[str, str]]] = []

    async def start_transfer(actor, facts):  # type: ignore[no-untyped-def]
        seen.append((actor.user_id, facts.requester_id, dict(facts.answers)))
        return "/members/transfers/99"

    member = await make_person(tree.branch_a)
    secretary = await make_person(tree.branch_a, role="secretary")
    transfer = await kind("transfer")
    RequestHandler("transfer", start_transfer).install()
    try:
        await client.login(member.username)
        filed = await client.post_form(
            "/affairs",
            {
                "kind_id": str(transfer.id),
                "title": "转出",
                "f_destination": "乙单位",
                "f_reason": "调动",
            },
        )
        request_id = int(filed.headers["location"].rsplit("/", 1)[1])
        assert seen == []  # filing starts nothing; the branch decides
        await other_client.login(secretary.username)
        await other_client.post_form(f"/affairs/{request_id}/step", step("accept"))
        assert seen == [(secretary.id, member.id, {"destination": "乙单位", "reason": "调动"})]
        page = await client.get(f"/affairs/{request_id}")
        assert "已启动办理流程：/members/transfers/99" in page.text
    finally:
        HANDLERS.remove("transfer")

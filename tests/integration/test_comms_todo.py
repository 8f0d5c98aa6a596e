"""The communication parts in 我的待办 and the transfer seam: an open service request waits
on its branch's leaders; an announcement asking for a 回执 waits on each recipient until
confirmed; a 组织关系转接申请 accepted by the branch starts the transfer slip."""

from __future__ import annotations

from forum.affairs import actions
from forum.affairs.models import ServiceKind, ServiceMessage, ServiceRequest
from forum.members.models import Transfer
from forum.models import Member
from tests.factories import Tree, make_person
from tests.helpers import Client


async def _counts(client: Client) -> dict[str, int]:
    return dict((await client.get("/api/v1/todo/count")).json()["by_source"])


async def test_a_request_waits_on_the_branch_and_a_transfer_starts_on_acceptance(
    tree: Tree, client: Client, other_client: Client
) -> None:
    member = await make_person(tree.branch_a)
    secretary = await make_person(tree.branch_a, role="secretary")
    await actions.ensure_default_kinds()
    transfer_kind = await ServiceKind.get(org_path="", key="transfer")
    await client.login(member.username)
    filed = await client.post_form(
        "/affairs",
        {
            "kind_id": str(transfer_kind.id),
            "title": "转到乙支部",
            "f_destination": tree.branch_b.name,
            "f_reason": "工作调动",
        },
    )
    assert filed.status_code == 303, filed.text[:300]
    request_id = int(filed.headers["location"].rsplit("/", 1)[1])

    await other_client.login(secretary.username)
    assert (await _counts(other_client))["affairs.queue"] == 1
    listing = (await other_client.get("/api/v1/todo")).json()
    group = next(g for g in listing["groups"] if g["key"] == "affairs.queue")
    assert group["items"][0]["href"] == f"/affairs/{request_id}"
    assert "affairs.queue" not in await _counts(client)  # the member files, never handles
    accepted = await other_client.post_form(
        f"/affairs/{request_id}/step", {"verb": "accept", "reason": ""}
    )
    assert accepted.status_code == 303
    record = await Member.get(user_id=member.id)
    slip = await Transfer.get(member_id=record.id)
    assert (slip.from_org_id, slip.to_org_id, str(slip.state)) == (
        tree.branch_a.id,
        tree.branch_b.id,
        "requested",
    )
    assert slip.reason == "工作调动"
    thread = await ServiceMessage.filter(request_id=request_id).values_list("body", flat=True)
    assert any(f"/members/transfers/{slip.id}" in body for body in thread), thread
    assert (await ServiceRequest.get(id=request_id)).state == "accepted"

"""党员服务 → 组织关系接转: when a branch accepts a member's 组织关系转接申请 (a service request
of kind `transfer`, forum/affairs), the transfer slip starts here, through the transfer
workflow's own action and policy (forum/requesthooks.py is the seam; the parts never import
each other)."""

from __future__ import annotations

from forum.errors import DomainError
from forum.members import transfers
from forum.models import Member, Org
from forum.policy import Viewer
from forum.requesthooks import RequestFacts, RequestHandler


async def start_transfer(actor: Viewer, facts: RequestFacts) -> str | None:
    """The slip for the requester's record, to the org named as 转入单位 when it names exactly
    one active org; None (the request is then handled by hand) when it does not, or when the
    transfer workflow refuses (an open slip already, no rights): the acceptance stands."""
    member = await Member.filter(user_id=facts.requester_id).select_related("org").first()
    destination = " ".join(str(facts.answers.get("destination", "")).split())
    if member is None or not destination:
        return None
    candidates = await Org.filter(name=destination, is_active=True).limit(2)
    if len(candidates) != 1:
        return None
    reason = str(facts.answers.get("reason", ""))[:200]
    try:
        slip = await transfers.request_transfer(actor, member, candidates[0], reason)
    except DomainError:
        return None
    return f"/members/transfers/{slip.id}"


HANDLER = RequestHandler("transfer", start_transfer)

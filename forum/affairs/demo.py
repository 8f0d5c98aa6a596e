"""Demo: the default request kinds and one request filed by the demo member."""

from __future__ import annotations

from forum.affairs import actions
from forum.affairs.models import ServiceKind
from forum.seeding import DemoContext
from forum.viewer import viewer_for_user


async def seed(ctx: DemoContext) -> None:
    await actions.ensure_default_kinds()
    member = ctx.users.get("full_member")
    kind = await ServiceKind.filter(org_path="", key="identity_proof").first()
    if member is None or kind is None:
        return
    viewer = await viewer_for_user(member.id)
    await actions.file_request(
        viewer, kind, {"title": "开具党员身份证明（政审用）", "f_purpose": "单位政审"}
    )

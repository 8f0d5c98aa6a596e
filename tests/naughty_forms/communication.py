"""The communication forms: publishing a notice (通知公告), the delivery preferences (quiet
hours) and the password-reset request."""

from __future__ import annotations

from forum.models import Org
from tests.naughty import Form, World, latest


def notices_models():  # type: ignore[no-untyped-def]
    from forum.notices import models

    return models


async def first_branch(world: World) -> None:
    world.ids["notice_org"] = (await Org.get(name="第一党支部")).id


FORMS: dict[str, Form] = {
    "notices: publish": Form(
        "secretary",
        lambda w: "/notices",
        {
            "title": lambda: latest(notices_models().Notice, "title"),
            "body": lambda: latest(notices_models().Notice, "body_raw"),
            "receipt_deadline": None,
            "expires_at": None,
        },
        lambda w: {
            "org_id": str(w.ids["notice_org"]),
            "title": "语料通知",
            "body": "语料正文",
            "requires_receipt": "1",
        },
        fresh=first_branch,
    ),
    "outbox: quiet hours": Form(
        "full_member",
        lambda w: "/notifications/settings",
        {"quiet_start": None, "quiet_end": None},
        lambda w: {"quiet_start": "22:00", "quiet_end": "07:00", "kind": "mention"},
    ),
    "accounts: forgot password": Form("-", lambda w: "/password/forgot", {"who": None}),
}


def affairs_models():  # type: ignore[no-untyped-def]
    from forum.affairs import models

    return models


async def identity_kind(world: World) -> None:
    from forum.affairs import actions

    await actions.ensure_default_kinds()
    kind = await affairs_models().ServiceKind.get(org_path="", key="identity_proof")
    world.ids["service_kind"] = kind.id
    world.ids["notice_org"] = (await Org.get(name="第一党支部")).id


async def open_request(world: World) -> None:
    """A fresh request of the demo member, open, for the thread and the steps."""
    from forum.affairs import actions
    from forum.viewer import viewer_for_user

    await identity_kind(world)
    kind = await affairs_models().ServiceKind.get(id=world.ids["service_kind"])
    from forum.models import User

    member = await viewer_for_user((await User.get(username="full_member")).id)
    request, _ = await actions.file_request(member, kind, {"title": "语料申请", "f_purpose": "x"})
    world.ids["service_request"] = request.id


async def completed_request(world: World) -> None:
    await open_request(world)
    await (
        affairs_models()
        .ServiceRequest.filter(id=world.ids["service_request"])
        .update(state="completed")
    )


FORMS.update(
    {
        "affairs: file a request": Form(
            "full_member",
            lambda w: "/affairs",
            {
                "title": lambda: latest(affairs_models().ServiceRequest, "title"),
                "f_purpose": None,
            },
            lambda w: {"kind_id": str(w.ids["service_kind"]), "title": "t", "f_purpose": "p"},
            fresh=identity_kind,
        ),
        "affairs: message": Form(
            "full_member",
            lambda w: f"/affairs/{w.ids['service_request']}/message",
            {"body": lambda: latest(affairs_models().ServiceMessage, "body")},
            fresh=open_request,
        ),
        "affairs: return with a reason": Form(
            "secretary",
            lambda w: f"/affairs/{w.ids['service_request']}/step",
            {"reason": lambda: latest(affairs_models().ServiceRequest, "return_reason")},
            lambda w: {"verb": "return"},
            fresh=open_request,
        ),
        "affairs: rate": Form(
            "full_member",
            lambda w: f"/affairs/{w.ids['service_request']}/rate",
            {"rating_comment": lambda: latest(affairs_models().ServiceRequest, "rating_comment")},
            lambda w: {"rating": "4"},
            fresh=completed_request,
        ),
        "affairs: add a kind": Form(
            "secretary",
            lambda w: "/affairs/kinds",
            {
                "name": lambda: latest(affairs_models().ServiceKind, "name"),
                "description": lambda: latest(affairs_models().ServiceKind, "description"),
                "time_limit_days": None,
                "fields": None,
            },
            lambda w: {
                "org_id": str(w.ids["notice_org"]),
                "name": "语料事项",
                "time_limit_days": "3",
            },
            fresh=identity_kind,
        ),
    }
)

"""A small world for the learning tests: branch A with its people, the sibling branch B, the
committee above both, and study items in every state (built through the real actions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from forum.clock import utcnow
from forum.learning import actions
from forum.learning.demo import VIDEO, tone_wav
from forum.learning.models import Course, Resource
from forum.models import User
from forum.policy import Viewer
from tests.factories import Tree, make_person, make_tree, viewer_of

PEOPLE: dict[str, tuple[str, str | None, str | None]] = {
    # name: (where, status, role)
    "visitor": ("none", None, None),
    "applicant_a": ("a", "applicant", None),
    "activist_a": ("a", "activist", None),
    "member_a": ("group_a", "full", None),
    "member_b": ("b", "full", None),
    "publisher": ("a", "full", "publisher"),
    "secretary": ("a", "full", "secretary"),
    "sibling_secretary": ("b", "full", "secretary"),
    "committee_secretary": ("committee", "full", "secretary"),
}


@dataclass
class World:
    tree: Tree
    users: dict[str, User] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    async def v(self, name: str) -> Viewer:
        return await viewer_of(self.users[name])


async def resource(
    w: World,
    by: str,
    kind: str = "article",
    *,
    org: Any = None,
    state: str = "published",
    approver: str = "secretary",
    media: bytes | None = None,
    **data: str,
) -> Resource:
    org = org or w.tree.branch_a
    form = {"org_id": str(org.id), "kind": kind, "title": data.pop("title", f"{kind} 资源"), **data}
    if kind == "article" and "body" not in form:
        form["body"] = "学习党章，**做合格党员**。" * 20
    viewer = await w.v(by)
    r = await actions.create_resource(viewer, actions.parse_resource(form, media))
    if state in {"pending", "published"}:
        await actions.submit(viewer, r)
    if state == "published":
        await actions.approve(await w.v(approver), r)
    return r


async def course(
    w: World,
    lessons: list[tuple[Resource, int]],
    *,
    training: bool = False,
    questions: int = 3,
    publish: bool = True,
    **data: str,
) -> Course:
    pub = await w.v("publisher")
    form = {
        "org_id": str(w.tree.branch_a.id),
        "title": data.get("title", "党章课程"),
        "pass_mark": data.get("pass_mark", "60"),
        "max_attempts": data.get("max_attempts", "2"),
        "paper_size": data.get("paper_size", "3"),
    }
    if training:
        form["training"] = "1"
    c = await actions.create_course(pub, form)
    for r, tenths in lessons:
        await actions.add_lesson(pub, c, {"resource_id": str(r.id), "hours_tenths": str(tenths)})
    for i in range(questions):
        await actions.add_question(
            pub, c, {"kind": "truefalse", "text": f"判断题 {i}", "answer": "A"}
        )
    if publish:
        await actions.submit(pub, c)
        await actions.approve(await w.v("secretary"), c)
    return c


async def make_world() -> World:
    t = await make_tree()
    w = World(t)
    where = {"a": t.branch_a, "group_a": t.group_a1, "b": t.branch_b, "committee": t.committee}
    for name, (place, status, role) in PEOPLE.items():
        org = where.get(place)
        w.users[name] = await make_person(org, status, username=name, role=role)
    w.ids["article_a"] = (await resource(w, "publisher", title="甲支部文章")).id
    w.ids["video_a"] = (
        await resource(
            w,
            "publisher",
            "video",
            media=VIDEO.read_bytes(),
            duration_seconds="12",
            title="甲支部视频",
        )
    ).id
    w.ids["audio_a"] = (
        await resource(w, "publisher", "audio", media=tone_wav(4), title="甲支部音频")
    ).id
    w.ids["committee_article"] = (
        await resource(
            w,
            "committee_secretary",
            org=t.committee,
            approver="committee_secretary",
            title="党委文章",
        )
    ).id
    w.ids["article_b"] = (
        await resource(
            w, "sibling_secretary", org=t.branch_b, approver="sibling_secretary", title="乙支部文章"
        )
    ).id
    w.ids["draft_a"] = (await resource(w, "publisher", state="draft", title="草稿文章")).id
    w.ids["pending_a"] = (await resource(w, "publisher", state="pending", title="待审批文章")).id
    w.ids["pending_a2"] = (await resource(w, "publisher", state="pending", title="待审批文章二")).id
    article = await Resource.get(id=w.ids["article_a"])
    video = await Resource.get(id=w.ids["video_a"])
    w.ids["course_a"] = (await course(w, [(article, 10), (video, 10)])).id
    w.ids["course_draft"] = (await course(w, [], questions=0, publish=False, title="草稿课程")).id
    w.ids["org_a"] = t.branch_a.id
    w.ids["org_b"] = t.branch_b.id
    return w


def deadline(days: int = 10) -> str:
    return (utcnow() + dt.timedelta(days=days)).date().isoformat()

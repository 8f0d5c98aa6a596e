"""Flags and the review queue over a registered target kind.

Boards, meetings and transparency register their own kinds; here a small in-process kind
("note") plays that part so the generic flow is tested on its own: the callbacks record
what moderation asked of the owning part.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
import pytest_asyncio

from forum import events
from forum.auditlog import AuditEntry
from forum.errors import ActionError, Forbidden, NotFound
from forum.events import ChannelEvent
from forum.policy import Viewer
from moderation import hooks, review
from moderation.models import Flag, Notice, ReviewItem
from moderation.registry import TARGETS, FlagTarget, TargetInfo
from tests.factories import make_person, make_tree, make_user, viewer_of
from tests.helpers import Client
from tests.moderation_helpers import strict_moderation  # noqa: F401


@dataclasses.dataclass
class Note:
    id: int
    author_id: int
    org_path: str
    body: str
    hidden: bool = False
    deleted: bool = False
    board_id: int | None = None


class Notes:
    """The owning part's store; its callbacks append a realtime event per change."""

    def __init__(self) -> None:
        self.rows: dict[int, Note] = {}
        self.calls: list[tuple[str, int, str]] = []

    def add(self, author_id: int, org_path: str, body: str = "一条内容", **kw: Any) -> Note:
        note = Note(len(self.rows) + 1, author_id, org_path, body, **kw)
        self.rows[note.id] = note
        return note

    async def load(self, note_id: int) -> TargetInfo | None:
        n = self.rows.get(note_id)
        if n is None:
            return None
        return TargetInfo(
            kind="note", id=n.id, author_id=n.author_id, org_path=n.org_path, board_id=n.board_id,
            excerpt=n.body, url=f"/notes/{n.id}", hidden=n.hidden, deleted=n.deleted,
        )  # fmt: skip

    async def _event(self, note: Note, type_: str) -> Sequence[ChannelEvent]:
        return [await events.append(f"note:{note.id}", type_, {"note_id": note.id})]

    async def hide(self, note_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
        self.calls.append(("hide", note_id, reason))
        self.rows[note_id].hidden = True
        return await self._event(self.rows[note_id], "note.hidden")

    async def restore(self, note_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
        self.calls.append(("restore", note_id, reason))
        self.rows[note_id].hidden = self.rows[note_id].deleted = False
        return await self._event(self.rows[note_id], "note.restored")

    async def delete(self, note_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
        self.calls.append(("delete", note_id, reason))
        self.rows[note_id].deleted = True
        return await self._event(self.rows[note_id], "note.deleted")

    async def edit(
        self, note_id: int, actor: Viewer, body: str, reason: str
    ) -> Sequence[ChannelEvent]:
        self.calls.append(("edit", note_id, reason))
        self.rows[note_id].body = body
        return await self._event(self.rows[note_id], "note.edited")


@pytest_asyncio.fixture(loop_scope="session")
async def notes(database) -> AsyncIterator[Notes]:  # type: ignore[no-untyped-def]
    store = Notes()
    FlagTarget(
        "note", label="笔记", load=store.load, hide=store.hide, restore=store.restore,
        delete=store.delete, edit=store.edit,
    ).install()  # fmt: skip
    yield store
    TARGETS.remove("note")
    review.RELEASES.remove("note")


async def _people() -> dict[str, Any]:
    tree = await make_tree()
    return {
        "tree": tree,
        "author": await make_person(tree.group_a1, username="author"),
        "mod_a": await make_person(tree.branch_a, username="mod_a", role="moderator"),
        "mod_b": await make_person(tree.branch_b, username="mod_b", role="moderator"),
        "flaggers": [await make_person(tree.branch_a, username=f"flagger{i}") for i in range(3)],
    }


async def test_flag_once_per_member_with_valid_reason(database, services, notes: Notes) -> None:  # type: ignore[no-untyped-def]
    p = await _people()
    note = notes.add(p["author"].id, p["tree"].group_a1.path)
    flagger = await viewer_of(p["flaggers"][0])
    await review.flag_content(flagger, "note", note.id, "spam")
    with pytest.raises(ActionError, match="已经举报过"):
        await review.flag_content(flagger, "note", note.id, "off_topic")
    with pytest.raises(ActionError, match="举报原因"):
        await review.flag_content(await viewer_of(p["flaggers"][1]), "note", note.id, "boring")
    with pytest.raises(ActionError, match="其他"):
        await review.flag_content(await viewer_of(p["flaggers"][1]), "note", note.id, "other")
    with pytest.raises(Forbidden, match="自己"):
        await review.flag_content(await viewer_of(p["author"]), "note", note.id, "spam")
    with pytest.raises(NotFound):
        await review.flag_content(flagger, "note", 999, "spam")
    assert await Flag.all().count() == 1
    item = await ReviewItem.get(target_kind="note", target_id=note.id)
    assert item.flag_count == 1 and item.reasons == ["垃圾广告"] and not note.hidden


async def test_threshold_flags_hide_item_pending_review(
    database, published_events, notes: Notes
) -> None:  # type: ignore[no-untyped-def]
    p = await _people()
    note = notes.add(p["author"].id, p["tree"].group_a1.path, "广告内容")
    channel = published_events.on(f"note:{note.id}")
    author_messages = published_events.on(f"user:{p['author'].id}")
    for i, reason in enumerate(["spam", "spam", "inappropriate"]):
        await review.flag_content(await viewer_of(p["flaggers"][i]), "note", note.id, reason)
        assert note.hidden == (i == 2)
    item = await ReviewItem.get(target_kind="note", target_id=note.id)
    assert item.flag_count == 3 and item.hidden_by_review
    assert item.reasons == ["垃圾广告", "内容不当"]
    entry = await AuditEntry.get(action="content.auto_hide")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (None, "note", str(note.id))
    assert entry.org_path == p["tree"].group_a1.path
    assert [m["event"] for m in channel] == ["note.hidden"]
    assert [m["type"] for m in author_messages] == ["notification.created"]
    assert "暂时隐藏" in (await Notice.get(user_id=p["author"].id)).title


async def test_queue_scoped_to_moderator_subtree(
    database, services, notes: Notes, client: Client
) -> None:  # type: ignore[no-untyped-def]
    p = await _people()
    tree = p["tree"]
    in_a = notes.add(p["author"].id, tree.group_a1.path, "甲支部的内容")
    in_b = notes.add(p["author"].id, tree.branch_b.path, "乙支部的内容")
    for note in (in_a, in_b):
        await review.flag_content(await viewer_of(p["flaggers"][0]), "note", note.id, "spam")
    await client.login(p["mod_a"].username)
    page = await client.get("/moderation/queue")
    assert page.status_code == 200
    assert "甲支部的内容" in page.text and "乙支部的内容" not in page.text
    api = (await client.get("/api/v1/moderation/review")).json()
    assert [i["target_id"] for i in api["items"]] == [in_a.id]
    item_b = await ReviewItem.get(target_id=in_b.id)
    response = await client.post_json(
        f"/api/v1/moderation/review/{item_b.id}", {"decision": "hide", "reason": "越权"}
    )
    assert response.status_code == 404
    with pytest.raises(Forbidden):
        await review.moderate_content(await viewer_of(p["mod_a"]), "note", in_b.id, "hide", "越权")
    assert not in_b.hidden and notes.calls == []
    assert not await AuditEntry.filter(action="content.hide").exists()


async def test_moderator_cannot_moderate_own_content(database, services, notes: Notes) -> None:  # type: ignore[no-untyped-def]
    p = await _people()
    own = notes.add(p["mod_a"].id, p["tree"].branch_a.path)
    await review.flag_content(await viewer_of(p["flaggers"][0]), "note", own.id, "spam")
    for decision in ("approve", "hide", "delete", "dismiss"):
        with pytest.raises(Forbidden, match="自己"):
            await review.moderate_content(
                await viewer_of(p["mod_a"]), "note", own.id, decision, "r"
            )
    assert notes.calls == [] and not await AuditEntry.filter(action__startswith="content.").exists()


async def test_each_decision_calls_owner_audits_and_notifies(
    database, published_events, notes: Notes
) -> None:  # type: ignore[no-untyped-def]
    p = await _people()
    mod = await viewer_of(p["mod_a"])
    note = notes.add(p["author"].id, p["tree"].group_a1.path)
    channel = published_events.on(f"note:{note.id}")
    author = published_events.on(f"user:{p['author'].id}")
    await review.flag_content(await viewer_of(p["flaggers"][0]), "note", note.id, "spam")
    with pytest.raises(ActionError, match="处理原因"):
        await review.moderate_content(mod, "note", note.id, "hide", "")
    await review.moderate_content(mod, "note", note.id, "hide", "广告")
    assert note.hidden
    item = await ReviewItem.get(target_id=note.id)
    assert (item.resolution, item.resolved_by_id) == ("hide", p["mod_a"].id)
    await review.moderate_content(mod, "note", note.id, "delete", "仍是广告")
    assert note.deleted
    await review.moderate_content(mod, "note", note.id, "restore", "误删")
    assert not note.deleted and not note.hidden
    await review.moderate_content(
        mod, "note", note.id, "edit", "删去联系方式", new_text="改后的内容"
    )
    assert note.body == "改后的内容"
    assert [c[0] for c in notes.calls] == ["hide", "delete", "restore", "edit"]
    actions = [e.action for e in await AuditEntry.filter(actor_id=p["mod_a"].id).order_by("id")]
    assert actions == ["content.hide", "content.delete", "content.restore", "content.edit"]
    hide_entry = await AuditEntry.get(action="content.hide")
    assert hide_entry.reason == "广告" and hide_entry.before == {
        "hidden": False,
        "deleted": False,
        "excerpt": "一条内容",
    }
    assert [m["event"] for m in channel] == [
        "note.hidden",
        "note.deleted",
        "note.restored",
        "note.edited",
    ]
    assert len([m for m in author if m["type"] == "notification.created"]) == 4
    assert "原因：广告" in (await Notice.filter(user_id=p["author"].id).order_by("id").first()).body  # type: ignore[union-attr]


async def test_approve_and_dismiss_restore_hidden_item_and_clear_flags(
    database, services, notes: Notes
) -> None:  # type: ignore[no-untyped-def]
    p = await _people()
    mod = await viewer_of(p["mod_a"])
    note = notes.add(p["author"].id, p["tree"].group_a1.path)
    for i in range(3):
        await review.flag_content(await viewer_of(p["flaggers"][i]), "note", note.id, "spam")
    assert note.hidden
    await review.moderate_content(mod, "note", note.id, "dismiss", "举报不成立")
    assert not note.hidden
    assert await Flag.filter(dismissed_at__isnull=True).count() == 0
    assert await AuditEntry.filter(action="content.dismiss", reason="举报不成立").count() == 1
    # Dismissed flags do not count again; a new flag from someone else opens a new item.
    late = await make_person(p["tree"].branch_a, username="late_flagger")
    await review.flag_content(await viewer_of(late), "note", note.id, "spam")
    item = await ReviewItem.get(target_id=note.id, resolved_at__isnull=True)
    assert item.flag_count == 1 and not note.hidden
    await review.moderate_content(mod, "note", note.id, "approve")
    assert await AuditEntry.filter(action="content.approve").count() == 1
    assert await ReviewItem.filter(resolved_at__isnull=True).count() == 0


async def test_premoderated_item_is_released_on_approve(database, services, notes: Notes) -> None:  # type: ignore[no-untyped-def]
    p = await _people()
    # A freshly registered account with no member record (群众) is premoderated.
    newcomer = await make_user("newcomer")
    note = notes.add(newcomer.id, p["tree"].group_a1.path, hidden=True)
    assert await hooks.needs_premoderation(await viewer_of(newcomer))
    item = await hooks.enqueue_review(
        "note", note.id, source="premoderation", reasons=["新成员"], hidden=True
    )
    assert item.source == "premoderation" and item.hidden_by_review
    released: list[int] = []

    async def release(note_id: int) -> None:
        released.append(note_id)

    review.Release("note", release).install()
    await review.moderate_content(await viewer_of(p["mod_a"]), "note", note.id, "approve")
    assert not note.hidden and released == [note.id]
    assert await AuditEntry.filter(action="content.approve", target_id=str(note.id)).count() == 1
    notice = await Notice.get(user_id=newcomer.id)
    assert notice.title == "您的笔记已通过审核，现已公开"
    # A second, rejected item: the author is told it did not pass, and why; nothing released.
    second = notes.add(newcomer.id, p["tree"].group_a1.path, hidden=True)
    await hooks.enqueue_review("note", second.id, source="premoderation", hidden=True)
    await review.moderate_content(
        await viewer_of(p["mod_a"]), "note", second.id, "hide", "含广告链接"
    )
    rejected = await Notice.filter(user_id=newcomer.id).order_by("-id").first()
    assert rejected is not None and rejected.title == "您的笔记未通过审核"
    assert "原因：含广告链接" in rejected.body and released == [note.id]


async def test_confirmed_member_is_not_premoderated(
    database,
    services,
    notes: Notes,
    strict_moderation,  # noqa: F811 - the fixture (imported above) by name
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    p = await _people()
    # `author` is linked to a member record an org created: trusted from day one.
    member = await viewer_of(p["author"])
    assert member.is_member and not await hooks.needs_premoderation(member)
    # 停止党籍 suspends that standing; the setting can turn the trust off for everyone.
    suspended = dataclasses.replace(member, membership_suspended=True)
    assert await hooks.needs_premoderation(suspended)
    from moderation import newmembers

    untrusting = dataclasses.replace(strict_moderation, trust_confirmed_members=False)
    monkeypatch.setattr(newmembers, "get_settings", lambda: untrusting)
    assert await hooks.needs_premoderation(member)
    # Moderators are never premoderated, whatever the setting.
    assert not await hooks.needs_premoderation(await viewer_of(p["mod_a"]))


async def test_board_moderator_scope(database, services, notes: Notes) -> None:  # type: ignore[no-untyped-def]
    p = await _people()
    note = notes.add(p["author"].id, p["tree"].branch_c.path, board_id=42)
    plain = await make_person(p["tree"].branch_c, username="board_mod")
    viewer = dataclasses.replace(await viewer_of(plain), board_moderator_ids=frozenset({42}))
    await review.flag_content(await viewer_of(p["flaggers"][0]), "note", note.id, "spam")
    from moderation import queries

    items, _ = await queries.review_queue(viewer)
    assert [i.target_id for i in items] == [note.id]
    await review.moderate_content(viewer, "note", note.id, "hide", "版主隐藏")
    assert note.hidden
    other = dataclasses.replace(await viewer_of(plain), board_moderator_ids=frozenset({7}))
    with pytest.raises(Forbidden):
        await review.moderate_content(other, "note", note.id, "restore", "x")


async def test_flag_and_decide_through_pages_and_api(
    database, services, notes: Notes, client: Client, other_client: Client
) -> None:  # type: ignore[no-untyped-def]
    p = await _people()
    note = notes.add(p["author"].id, p["tree"].group_a1.path, "页面上的内容")
    await client.login(p["flaggers"][0].username)
    form = await client.get(f"/moderation/flag?kind=note&id={note.id}")
    assert form.status_code == 200 and "页面上的内容" in form.text
    response = await client.post_form(
        "/moderation/flags",
        {"kind": "note", "target_id": str(note.id), "reason": "spam", "next": "//evil.example"},
    )
    assert response.status_code == 303 and response.headers["location"] == f"/notes/{note.id}"
    bad = await client.post_json(
        "/api/v1/moderation/flags", {"kind": "note", "target_id": "1", "reason": "spam"}
    )
    assert bad.status_code == 400
    bad = await client.post_json(
        "/api/v1/moderation/flags", {"kind": "note", "target_id": note.id, "reason": "spam", "x": 1}
    )
    assert bad.status_code == 400
    await other_client.login(p["flaggers"][1].username)
    ok = await other_client.post_json(
        "/api/v1/moderation/flags",
        {"kind": "note", "target_id": note.id, "reason": "other", "text": "不实信息"},
    )
    assert ok.status_code == 201
    await other_client.logout()
    await other_client.login(p["mod_a"].username)
    item = await ReviewItem.get(target_id=note.id)
    decided = await other_client.post_form(
        f"/moderation/queue/{item.id}", {"decision": "hide", "reason": "不实"}
    )
    assert decided.status_code == 303 and note.hidden
    assert (
        await AuditEntry.filter(
            action="content.hide", actor_id=p["mod_a"].id, reason="不实"
        ).count()
        == 1
    )
    entry = await AuditEntry.get(action="content.hide")
    assert entry.ip == "127.0.0.1"

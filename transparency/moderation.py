"""Disclosure feedback (意见反馈) in the moderation tools: flag, review queue, decisions.

Feedback has its own soft states (`hidden`, `deleted`, both restorable). Hidden or deleted
feedback disappears from the disclosure page for everyone but the moderators of the
disclosure's org subtree (site moderators everywhere). The page reloads over HTTP: there is
no live feedback event, so the callbacks return no realtime events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from forum.events import ChannelEvent
from forum.policy import Viewer, can_see_feedback
from moderation.registry import FlagTarget, Place, TargetInfo
from transparency.models import Disclosure, Feedback

KIND = "disclosure_feedback"


@dataclass(frozen=True)
class FeedbackContext:
    disclosure: Disclosure
    feedback: Feedback


async def load_feedback(feedback_id: int) -> TargetInfo | None:
    feedback = await Feedback.get_or_none(id=feedback_id)
    if feedback is None:
        return None
    disclosure = await Disclosure.get_or_none(id=feedback.disclosure_id).prefetch_related(
        "org", "approver_org", "targets"
    )
    if disclosure is None:  # pragma: no cover - the FK guarantees the disclosure
        return None
    return TargetInfo(
        kind=KIND,
        id=feedback.id,
        author_id=feedback.author_id,
        org_path=disclosure.org.path,
        excerpt=feedback.body_raw[:200],
        url=f"/disclosures/{disclosure.id}#feedback-{feedback.id}",
        hidden=feedback.hidden,
        deleted=feedback.deleted,
        context=FeedbackContext(disclosure, feedback),
    )


def feedback_visible(viewer: Viewer, info: TargetInfo) -> bool:
    ctx = info.context
    return isinstance(ctx, FeedbackContext) and can_see_feedback(
        viewer, ctx.disclosure, ctx.feedback
    )


async def _set(feedback_id: int, **changes: bool) -> Sequence[ChannelEvent]:
    await Feedback.filter(id=feedback_id).update(**changes)
    return []


async def hide_feedback(feedback_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
    return await _set(feedback_id, hidden=True)


async def delete_feedback(feedback_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
    return await _set(feedback_id, deleted=True)


async def restore_feedback(feedback_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
    return await _set(feedback_id, hidden=False, deleted=False)


async def feedback_places(feedback_ids: Sequence[int]) -> Mapping[int, Place]:
    """「党务公开：标题」 and the feedback on its disclosure page: two queries."""
    rows = await Feedback.filter(id__in=list(feedback_ids)).only("id", "disclosure_id")
    titles = dict(
        await Disclosure.filter(id__in={f.disclosure_id for f in rows}).values_list("id", "title")
    )
    return {
        f.id: Place(
            f"党务公开：{titles[f.disclosure_id]}",
            f"/disclosures/{f.disclosure_id}#feedback-{f.id}",
        )
        for f in rows
        if f.disclosure_id in titles
    }


FLAG_TARGET = FlagTarget(
    KIND,
    label="意见反馈",
    load=load_feedback,
    hide=hide_feedback,
    restore=restore_feedback,
    delete=delete_feedback,
    visible_to=feedback_visible,
    places=feedback_places,
)

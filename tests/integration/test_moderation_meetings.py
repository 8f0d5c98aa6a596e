"""Meeting messages in the moderation tools: flagged by participants, removed at the
threshold, restored by a moderator of the branch; outsiders cannot flag what they cannot see."""

from __future__ import annotations

import pytest

import moderation.routes  # noqa: F401  (registers the meeting_message target)
from forum.auditlog import AuditEntry
from forum.errors import Forbidden, NotFound
from moderation import review
from moderation.models import ReviewItem
from realtime.meetings import actions
from realtime.meetings.models import MeetingMessage
from tests.factories import viewer_of
from tests.integration.meetings_fixtures import live_plenary, make_branch


async def test_flagged_meeting_message_removed_then_restored(database, published_events) -> None:  # type: ignore[no-untyped-def]
    branch = await make_branch(voters=5)
    meeting = await live_plenary(branch)
    author = branch.voters[1]
    await actions.check_in(await viewer_of(author), meeting)
    message = await actions.post_message(await viewer_of(author), meeting, "不当言论")
    live = published_events.on(f"meeting:{meeting.id}")
    with pytest.raises(NotFound):
        await review.flag_content(
            await viewer_of(branch.outsider), "meeting_message", message.id, "spam"
        )
    with pytest.raises(Forbidden):
        await review.flag_content(await viewer_of(author), "meeting_message", message.id, "spam")
    for user in branch.voters[2:5]:
        await review.flag_content(
            await viewer_of(user), "meeting_message", message.id, "inappropriate"
        )
    assert (await MeetingMessage.get(id=message.id)).removed
    assert [m["event"] for m in live] == ["message.removed"]
    item = await ReviewItem.get(target_kind="meeting_message", target_id=message.id)
    assert item.org_path == meeting.org_path and item.hidden_by_review
    secretary = await viewer_of(branch.secretary)
    await review.moderate_content(secretary, "meeting_message", message.id, "dismiss", "误报")
    assert not (await MeetingMessage.get(id=message.id)).removed
    assert (
        await AuditEntry.filter(action="content.auto_hide", target_type="meeting_message").count()
        == 1
    )
    assert (
        await AuditEntry.filter(action="content.dismiss", actor_id=branch.secretary.id).count() == 1
    )
    with pytest.raises(Forbidden):  # a member of the sibling branch moderates nothing here
        await review.moderate_content(
            await viewer_of(branch.outsider), "meeting_message", message.id, "hide", "x"
        )


async def test_removal_reason_longer_than_the_message_keeps_is_refused(database, services) -> None:  # type: ignore[no-untyped-def]
    """The queue takes reasons up to 1000 characters; the message keeps 500: refused, not cut."""
    from forum.errors import ActionError

    branch = await make_branch(voters=2)
    meeting = await live_plenary(branch)
    author = branch.voters[1]
    await actions.check_in(await viewer_of(author), meeting)
    message = await actions.post_message(await viewer_of(author), meeting, "一条发言")
    secretary = await viewer_of(branch.secretary)
    with pytest.raises(ActionError, match="500"):
        await review.moderate_content(secretary, "meeting_message", message.id, "hide", "长" * 501)
    assert not (await MeetingMessage.get(id=message.id)).removed
    assert not await AuditEntry.filter(action="content.hide").exists()
    await review.moderate_content(secretary, "meeting_message", message.id, "hide", "长" * 500)
    assert (await MeetingMessage.get(id=message.id)).removed_reason == "长" * 500

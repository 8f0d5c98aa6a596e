"""Readers' feedback on a published item (screened like any post) and the issuing org's
answer."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from forum import audit, markup
from forum.clock import utcnow
from forum.policy import Viewer, can_answer_feedback, can_leave_feedback, ensure
from moderation import hooks
from transparency.actions._common import MAX_FEEDBACK, _notify, clean_text
from transparency.models import Disclosure, Feedback


async def leave_feedback(actor: Viewer, d: Disclosure, body: str) -> Feedback:
    ensure(can_leave_feedback(actor, d))
    await hooks.check_post_rate(actor, scope="disclosure_feedback")
    body = clean_text(body, "反馈内容", "body", max_length=MAX_FEEDBACK, min_length=2)
    screened = await hooks.screen_text(actor, body, field="body")
    held = await hooks.hold_back(actor, screened, premoderate=False)  # a "review" word
    feedback = await Feedback.create(
        disclosure_id=d.id,
        author_id=actor.user_id,
        body_raw=screened.text,
        body_html=markup.render(screened.text),
        render_version=markup.VERSION,
        hidden=held,
    )
    await hooks.route_review("disclosure_feedback", feedback.id, screened, held=held)
    return feedback


async def answer_feedback(
    actor: Viewer, d: Disclosure, feedback: Feedback, answer: str, *, public: bool
) -> Feedback:
    """The issuing org answers; `public` shows question and answer with the item."""
    ensure(can_answer_feedback(actor, d) and feedback.disclosure_id == d.id)
    answer = clean_text(answer, "答复内容", "answer", max_length=MAX_FEEDBACK)
    before = {"answered": bool(feedback.answer_raw), "is_public": feedback.is_public}
    async with in_transaction():
        feedback.answer_raw = answer
        feedback.answer_html = markup.render(answer)
        feedback.answered_by_id = actor.user_id
        feedback.answered_at = utcnow()
        feedback.is_public = public
        await feedback.save()
        await audit.record(
            actor,
            "disclosure.feedback_answered",
            "disclosure_feedback",
            feedback.id,
            org_path=d.org.path,
            before=before,
            after={"answered": True, "is_public": public},
        )
        sent = await _notify(
            {feedback.author_id}, "disclosure.feedback_answered", d, "你的反馈已得到答复", actor
        )
    await sent.send()
    return feedback

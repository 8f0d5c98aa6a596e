"""Writes for disclosures, one concept per module: every workflow transition is checked by the
policy, applied with a state-guarded UPDATE (two people acting at once cannot both win) and
audited in the same transaction. Published text is never overwritten: corrections add
revisions.

Callers import the package (`from transparency import actions; actions.approve_disclosure(...)`);
the public actions are re-exported here.
"""

from __future__ import annotations

from transparency.actions._common import (
    MAX_ATTACHMENTS,
    MAX_BODY,
    MAX_FEEDBACK,
    MAX_REASON,
    MAX_TARGETS,
    MAX_TITLE,
    STALE,
    clean_text,
    reload,
)
from transparency.actions.catalogue import do_ensure_catalogue, save_category
from transparency.actions.corrections import correct_disclosure
from transparency.actions.drafts import (
    DraftInput,
    clean_attachments,
    create_disclosure,
    update_disclosure,
    validate_draft,
)
from transparency.actions.feedback import answer_feedback, leave_feedback
from transparency.actions.receipts import mark_read
from transparency.actions.workflow import (
    approve_disclosure,
    check_publish_disclosure,
    check_withdraw_disclosure,
    propose_disclosure,
    publish_disclosure,
    reject_disclosure,
    review_disclosure,
    withdraw_disclosure,
)

__all__ = [
    "MAX_ATTACHMENTS",
    "MAX_BODY",
    "MAX_FEEDBACK",
    "MAX_REASON",
    "MAX_TARGETS",
    "MAX_TITLE",
    "STALE",
    "DraftInput",
    "answer_feedback",
    "approve_disclosure",
    "check_publish_disclosure",
    "check_withdraw_disclosure",
    "clean_attachments",
    "clean_text",
    "correct_disclosure",
    "create_disclosure",
    "do_ensure_catalogue",
    "leave_feedback",
    "mark_read",
    "propose_disclosure",
    "publish_disclosure",
    "reject_disclosure",
    "reload",
    "review_disclosure",
    "save_category",
    "update_disclosure",
    "validate_draft",
    "withdraw_disclosure",
]

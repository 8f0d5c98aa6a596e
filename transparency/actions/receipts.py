"""Read receipts: the first read of a member-scope item by each person."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum.policy import Viewer, can_see_disclosure
from transparency.models import Disclosure, ReadReceipt


async def mark_read(viewer: Viewer, d: Disclosure) -> bool:
    """Record the first read of a member-scope item; True when this was the first."""
    if viewer.user_id is None or str(d.scope) == "public" or str(d.state) != "published":
        return False
    if not can_see_disclosure(viewer, d):
        return False
    if await ReadReceipt.filter(disclosure_id=d.id, user_id=viewer.user_id).exists():
        return False
    try:
        async with in_transaction():
            await ReadReceipt.create(disclosure_id=d.id, user_id=viewer.user_id)
    except IntegrityError:
        return False  # a concurrent request recorded it first
    return True

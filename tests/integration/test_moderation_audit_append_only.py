"""The audit log is append-only in the database: no code path can update or delete a row."""

from __future__ import annotations

import pytest
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from forum import audit
from forum.auditlog import AuditEntry
from forum.policy import Viewer
from tests.factories import make_user

# The trigger's message surfaces through the driver's own exception class.
REFUSED = Exception


async def _entry() -> AuditEntry:
    user = await make_user()
    actor = Viewer(user_id=user.id, username=user.username, ip="10.0.0.1")
    async with in_transaction():
        return await audit.record(actor, "test.done", "thing", 1, org_path="/1/", reason="r")


async def _unchanged(entry: AuditEntry) -> None:
    fresh = await AuditEntry.get(id=entry.id)
    assert (fresh.action, fresh.reason, fresh.ip) == ("test.done", "r", "10.0.0.1")


async def test_orm_update_of_audit_entry_is_refused(database) -> None:  # type: ignore[no-untyped-def]
    entry = await _entry()
    with pytest.raises(REFUSED, match="append-only"):
        await AuditEntry.filter(id=entry.id).update(reason="rewritten")
    entry.reason = "rewritten"
    with pytest.raises(REFUSED, match="append-only"):
        await entry.save()
    await _unchanged(entry)


async def test_orm_delete_of_audit_entry_is_refused(database) -> None:  # type: ignore[no-untyped-def]
    entry = await _entry()
    with pytest.raises(REFUSED, match="append-only"):
        await AuditEntry.filter(id=entry.id).delete()
    with pytest.raises(REFUSED, match="append-only"):
        await entry.delete()
    await _unchanged(entry)


async def test_raw_sql_update_and_delete_of_audit_entries_are_refused(database) -> None:  # type: ignore[no-untyped-def]
    entry = await _entry()
    conn = Tortoise.get_connection("default")
    with pytest.raises(REFUSED, match="append-only"):
        await conn.execute_script("UPDATE audit_entries SET reason = 'x'")
    with pytest.raises(REFUSED, match="append-only"):
        await conn.execute_script("DELETE FROM audit_entries")
    await _unchanged(entry)
    assert await AuditEntry.all().count() == 1


async def test_failed_rewrite_inside_transaction_rolls_back_whole_action(database) -> None:  # type: ignore[no-untyped-def]
    entry = await _entry()
    with pytest.raises(REFUSED, match="append-only"):
        async with in_transaction():
            await AuditEntry.create(actor_id=None, action="x.y", target_type="t")
            await AuditEntry.filter(id=entry.id).delete()
    assert await AuditEntry.all().count() == 1

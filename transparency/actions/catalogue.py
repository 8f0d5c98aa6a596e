"""The disclosure catalogue: its categories, kept by site administrators."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from forum import audit
from forum.errors import ActionError
from forum.policy import Viewer, can_manage_disclosure_catalogue, ensure
from transparency.actions._common import clean_text
from transparency.models import DisclosureCategory


async def save_category(
    actor: Viewer,
    category: DisclosureCategory | None,
    key: str,
    name: str,
    sort_order: int,
    *,
    active: bool = True,
) -> DisclosureCategory:
    """Add or edit an entry of the disclosure catalogue (site administrators)."""
    ensure(can_manage_disclosure_catalogue(actor))
    name = clean_text(name, "类别名称", "name", max_length=32)
    key = clean_text(key, "类别代码", "key", max_length=32)
    if not key.replace("_", "").isalnum() or not key.isascii():
        raise ActionError("类别代码只能包含英文字母、数字和下划线", field="key")
    clash = DisclosureCategory.filter(key=key)
    if category is not None:
        clash = clash.exclude(id=category.id)
    if await clash.exists():
        raise ActionError("类别代码已存在", field="key")
    async with in_transaction():
        before = None
        if category is None:
            category = await DisclosureCategory.create(
                key=key, name=name, sort_order=sort_order, is_active=active
            )
        else:
            before = {"key": category.key, "name": category.name, "is_active": category.is_active}
            category.key, category.name = key, name
            category.sort_order, category.is_active = sort_order, active
            await category.save()
        await audit.record(
            actor,
            "disclosure.category_saved",
            "disclosure_category",
            category.id,
            before=before,
            after={"key": key, "name": name, "is_active": active},
        )
    return category


async def do_ensure_catalogue() -> None:
    """Re-seed the default catalogue when the table is empty (tests truncate it)."""
    from transparency.models import DEFAULT_CATEGORIES

    if await DisclosureCategory.all().exists():
        return
    await DisclosureCategory.bulk_create(
        [
            DisclosureCategory(key=k, name=n, sort_order=i * 10)
            for i, (k, n) in enumerate(DEFAULT_CATEGORIES)
        ]
    )

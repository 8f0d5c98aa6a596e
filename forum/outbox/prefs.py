"""A person's delivery choices: per kind and channel, quiet hours, the daily digest."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from forum.errors import ActionError
from forum.outbox import rules
from forum.outbox.links import ALL_KINDS
from forum.outbox.models import (
    CANCELLED,
    CHANNELS,
    HELD,
    QUEUED,
    ChannelChoice,
    DeliveryProfile,
    OutboxMessage,
)


@dataclass(frozen=True)
class Profile:
    quiet_start: str
    quiet_end: str
    digest: bool


async def channel_choices(user_id: int) -> dict[tuple[str, str], bool]:
    return {
        (str(k), str(c)): bool(e)
        for k, c, e in await ChannelChoice.filter(user_id=user_id).values_list(
            "kind", "channel", "enabled"
        )
    }


async def profile(user_id: int) -> Profile:
    row = await DeliveryProfile.filter(user_id=user_id).first()
    if row is None:
        return Profile("", "", False)
    return Profile(
        rules.format_minutes(row.quiet_start), rules.format_minutes(row.quiet_end), row.digest
    )


def parse_profile(quiet_start: str, quiet_end: str) -> tuple[int | None, int | None]:
    """Both quiet-hour times or neither; "22:00"-style; a Chinese message at the field."""
    try:
        start = rules.parse_minutes(quiet_start[:10])
    except ValueError:
        raise ActionError("请按 22:00 的格式填写开始时间", field="quiet_start") from None
    try:
        end = rules.parse_minutes(quiet_end[:10])
    except ValueError:
        raise ActionError("请按 07:00 的格式填写结束时间", field="quiet_end") from None
    if (start is None) != (end is None):
        field = "quiet_end" if end is None else "quiet_start"
        raise ActionError("免打扰时段需同时填写开始和结束时间", field=field)
    if start is not None and start == end:
        raise ActionError("开始和结束时间不能相同", field="quiet_end")
    return start, end


async def save(
    user_id: int,
    kinds: Iterable[str],
    wanted: Mapping[str, set[str]],
    *,
    quiet_start: str,
    quiet_end: str,
    digest: bool,
) -> None:
    """Store every kind's choice on every channel, the quiet hours and the digest."""
    start, end = parse_profile(quiet_start, quiet_end)
    async with in_transaction():
        for kind in kinds:
            for channel in CHANNELS:
                await set_choice(user_id, kind, channel, kind in wanted.get(channel, set()))
        updated = await DeliveryProfile.filter(user_id=user_id).update(
            quiet_start=start, quiet_end=end, digest=digest
        )
        if not updated:
            await DeliveryProfile.create(
                user_id=user_id, quiet_start=start, quiet_end=end, digest=digest
            )


async def set_choice(user_id: int, kind: str, channel: str, enabled: bool) -> None:
    updated = await ChannelChoice.filter(user_id=user_id, kind=kind, channel=channel).update(
        enabled=enabled
    )
    if not updated:
        await ChannelChoice.create(user_id=user_id, kind=kind, channel=channel, enabled=enabled)


async def unsubscribe(user_id: int, kind: str, channel: str, kinds: Iterable[str]) -> int:
    """The one-click unsubscribe: the kind (or every kind, `*`) off on the channel; waiting
    messages of it are cancelled. Returns how many were cancelled."""
    if channel not in CHANNELS:
        return 0
    targets = list(kinds) if kind == ALL_KINDS else [kind]
    async with in_transaction():
        for key in targets:
            await set_choice(user_id, key, channel, False)
        if kind == ALL_KINDS:
            await DeliveryProfile.filter(user_id=user_id).update(digest=False)
        pending = OutboxMessage.filter(
            user_id=user_id, channel=channel, state__in=(QUEUED, HELD), lease_owner__isnull=True
        )
        if kind != ALL_KINDS:
            pending = pending.filter(kind=kind)
        rows = list(await pending)
        for row in rows:
            await OutboxMessage.filter(id=row.id, state__in=(QUEUED, HELD)).update(
                state=CANCELLED, address=row.address_hint
            )
    return len(rows)

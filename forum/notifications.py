"""Notifications: one inbox for every part (the bell in the header, `/notifications`).

A part declares the kinds it sends as provisions (`NotificationKind(key, label, group,
default_on)` in its `PART.provides`); each member chooses which kinds they receive (the
preferences page), and the kind's `default_on` applies until they do.

An action that notifies calls `notify()` inside its transaction: it writes one row per
recipient (or, with a `group_key`, bumps the count of the recipient's unread row for the same
thing: "3 人赞了你的回帖") and returns an `Announcement`. After the commit the action calls
`await announcement.send()` (or `announce(*many)`): each recipient's live connections hear a
`notification.created` notice with their new unread count, so the bell updates without a
reload. Who receives a kind is the calling action's decision, made with the policy; this
module only stores, batches, filters by preference and pushes.

Texts are plain: templates escape them (never `|safe`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from tortoise import fields, models
from tortoise.expressions import F

from forum import publisher
from forum.clock import utcnow, zone
from forum.db import raw
from forum.models import User
from forum.outbox import queue as outbox
from forum.parts import Registry

TEXT_MAX = 300
TITLE_MAX = 200
URL_MAX = 500
PER_PAGE = 30


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification a part sends. `label` names it on the preferences page (under
    `group`, e.g. 论坛, 会议); `default_on` applies until the member chooses."""

    key: str
    label: str
    group: str
    default_on: bool = True
    # The channels outside the site (forum.outbox: "email", "sms") a member receives the
    # kind on until they choose; `email`, a link to follow, is the short text's subject.
    channels: frozenset[str] = frozenset()

    def install(self) -> None:
        KINDS.add(self.key, self)


KINDS: Registry[NotificationKind] = Registry("notification kinds")


class Notification(models.Model):
    """One entry of a person's inbox."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="inbox", on_delete=fields.CASCADE
    )
    user_id: int
    kind = fields.CharField(max_length=64)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="inbox_sent", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    title = fields.CharField(max_length=TITLE_MAX, default="")  # what it is about (a topic...)
    text = fields.CharField(max_length=TEXT_MAX)  # the sentence: "张三 回复了你的主题"
    url = fields.CharField(max_length=URL_MAX, default="")
    # What the row is about ("topic:12") and a place inside it (a post number): a part marks
    # a subject's rows read when the person looks at it, and avoids notifying twice.
    subject = fields.CharField(max_length=64, null=True)
    number = fields.IntField(null=True)
    # Batching: one unread row per (user, kind, group_key), its count bumped.
    group_key = fields.CharField(max_length=128, null=True)
    count = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(null=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notifications"
        indexes = (
            ("user_id", "read_at"),
            ("user_id", "id"),
            ("user_id", "kind", "group_key"),
            ("subject", "number"),
        )


class NotificationSetting(models.Model):
    """A member's choice for one kind (absent: the kind's default)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="notification_settings", on_delete=fields.CASCADE
    )
    user_id: int
    kind = fields.CharField(max_length=64)
    enabled = fields.BooleanField()

    class Meta:
        table = "notification_settings"
        unique_together = (("user_id", "kind"),)


@dataclass
class Announcement:
    """What `notify` wrote, to push after the commit."""

    kind: str = ""
    text: str = ""
    url: str = ""
    user_ids: list[int] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # extra fields of the live notice

    def __bool__(self) -> bool:
        return bool(self.user_ids)

    async def send(self) -> None:
        for user_id in self.user_ids:
            await publisher.notification_created(
                user_id,
                **self.data,
                kind=self.kind,
                text=self.text,
                url=self.url,
                unread=await unread_count(user_id),
            )


async def announce(*announcements: Announcement) -> None:
    """After commit: push every announcement (a person named twice hears it twice)."""
    for announcement in announcements:
        await announcement.send()


def kind_of(key: str) -> NotificationKind:
    kind = KINDS.get(key)
    if kind is None:
        raise ValueError(f"unknown notification kind {key!r}: declare it in a part's provides")
    return kind


async def recipients(user_ids: Iterable[int | None], key: str) -> list[int]:
    """The users among `user_ids` who receive `key` (their choice, else the default)."""
    wanted = sorted({u for u in user_ids if u is not None})
    if not wanted:
        return []
    kind = kind_of(key)
    chosen = dict(
        await NotificationSetting.filter(user_id__in=wanted, kind=key).values_list(
            "user_id", "enabled"
        )
    )
    return [u for u in wanted if receives(kind, chosen.get(u))]


def receives(kind: NotificationKind, choice: bool | None) -> bool:
    """A member's choice for the kind, else its default."""
    return kind.default_on if choice is None else bool(choice)


def batch_sentence(text: str, batch_text: str | None, count: int) -> str:
    """The text of a batched row once it counts `count` (the first keeps its own text)."""
    if count <= 1 or batch_text is None:
        return text
    return batch_text.format(count=count)[:TEXT_MAX]


async def notify(
    user_ids: Iterable[int | None],
    kind: str,
    *,
    text: str,
    title: str = "",
    url: str = "",
    actor_id: int | None = None,
    subject: str | None = None,
    number: int | None = None,
    group_key: str | None = None,
    batch_text: str | None = None,
    data: dict[str, Any] | None = None,
    ics: str | None = None,
) -> Announcement:
    """Notify people; call inside the action's transaction, `send()` the result after it.

    The actor is never notified of their own action. With `group_key`, a recipient who has an
    unread row of this kind and key gets that row's count bumped instead of a new row, and its
    text becomes `batch_text.format(count=n)` ("{count} 人赞了你的回帖"). `data` adds fields
    to the live notice (ids a page may use); the row keeps only the generic columns. `ics`
    (a calendar invitation, `forum.outbox.ics`) rides along with the e-mail copy."""
    text = " ".join(text.split())[:TEXT_MAX]
    title = " ".join(title.split())[:TITLE_MAX]
    url = url[:URL_MAX]
    targets = await recipients((u for u in user_ids if u != actor_id), kind)
    done: list[int] = []
    created: list[tuple[int, int]] = []
    for user_id in targets:
        if group_key is not None and await _bump(
            user_id, kind, group_key, actor_id, text, batch_text
        ):
            done.append(user_id)
            continue
        row = await Notification.create(
            user_id=user_id,
            kind=kind,
            actor_id=actor_id,
            title=title,
            text=text,
            url=url,
            subject=subject,
            number=number,
            group_key=group_key,
            updated_at=utcnow(),
        )
        done.append(user_id)
        created.append((user_id, row.id))
    # The same rows, outside the site, on the channels each person receives the kind on
    # (their choice, else the kind's default): in this transaction, through the outbox.
    # A batched bump sends nothing more (the first message said it).
    declared = kind_of(kind)
    if (
        not declared.channels
        and created
        and not await outbox.anyone_opted_in([u for u, _ in created], kind)
    ):
        created = []  # the common case: a site-only kind nobody asked to get by mail
    for user_id, row_id in created:
        await outbox.deliver(
            [user_id],
            kind,
            f"notification:{row_id}",
            outbox.Letter(
                subject=f"{title}：{text}" if title else text,
                text=f"{title}\n\n{text}" if title else text,
                url=url,
                ics=ics,
            ),
            defaults=declared.channels,
        )
    return Announcement(kind=kind, text=text, url=url, user_ids=done, data=dict(data or {}))


async def _bump(
    user_id: int,
    kind: str,
    group_key: str,
    actor_id: int | None,
    text: str,
    batch_text: str | None,
) -> bool:
    row = await Notification.filter(
        user_id=user_id, kind=kind, group_key=group_key, read_at__isnull=True
    ).first()
    if row is None:
        return False
    await Notification.filter(id=row.id).update(
        count=F("count") + 1, actor_id=actor_id, updated_at=utcnow()
    )
    if batch_text is not None:
        fresh = await Notification.get(id=row.id)
        batched = batch_sentence(text, batch_text, fresh.count)
        await Notification.filter(id=row.id).update(text=batched)
    return True


# Reads ---------------------------------------------------------------------------------


async def unread_count(user_id: int | None) -> int:
    """The bell's number: one COUNT on the (user_id, read_at) index."""
    if user_id is None:
        return 0
    rows = await raw(
        "SELECT COUNT(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL",
        [user_id],
    )
    return int(rows[0]["n"])


async def inbox(user_id: int, before: int | None = None) -> tuple[list[Notification], int | None]:
    """The person's notifications, newest first, and the keyset of the next page."""
    qs = Notification.filter(user_id=user_id)
    if before is not None:
        qs = qs.filter(id__lt=before)
    rows = await qs.select_related("actor").order_by("-id").limit(PER_PAGE + 1)
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    return rows, (rows[-1].id if more and rows else None)


async def notified_about(subject: str, number: int) -> set[int]:
    """Who already has a notification for this place (a part avoids notifying twice)."""
    rows = await Notification.filter(subject=subject, number=number).values("user_id")
    return {int(r["user_id"]) for r in rows}


async def told_about(kind: str, subject: str) -> set[int]:
    """Who already has a notification of `kind` about `subject` (a reminder sent once)."""
    rows = await Notification.filter(kind=kind, subject=subject).values("user_id")
    return {int(r["user_id"]) for r in rows}


class Dated(Protocol):
    created_at: dt.datetime
    updated_at: dt.datetime | None


D = TypeVar("D", bound=Dated)


def by_day(rows: Sequence[D], today: dt.date) -> list[tuple[str, list[D]]]:
    """The page's groups, in order: 今天 (last activity today, Beijing time), then 更早."""
    groups: dict[str, list[D]] = {}
    for row in rows:
        when = (row.updated_at or row.created_at).astimezone(zone()).date()
        groups.setdefault("今天" if when == today else "更早", []).append(row)
    return sorted(groups.items(), key=lambda g: g[0] != "今天")


@dataclass(frozen=True)
class Choice:
    kind: NotificationKind
    enabled: bool


async def preferences(user_id: int) -> list[tuple[str, list[Choice]]]:
    """Every kind with the person's choice, grouped as declared (论坛, 会议, ...)."""
    chosen = dict(await NotificationSetting.filter(user_id=user_id).values_list("kind", "enabled"))
    groups: dict[str, list[Choice]] = {}
    for kind in KINDS:
        groups.setdefault(kind.group, []).append(Choice(kind, receives(kind, chosen.get(kind.key))))
    return list(groups.items())


# Writes (the person's own inbox) ---------------------------------------------------------


async def mark_read(user_id: int, notification_id: int) -> bool:
    """Mark one of the person's notifications read; False when it is not theirs."""
    updated = await Notification.filter(
        id=notification_id, user_id=user_id, read_at__isnull=True
    ).update(read_at=utcnow())
    return bool(updated) or await Notification.exists(id=notification_id, user_id=user_id)


async def mark_all_read(user_id: int) -> int:
    return await Notification.filter(user_id=user_id, read_at__isnull=True).update(read_at=utcnow())


async def mark_subject_read(user_id: int, subject: str, upto: int) -> int:
    """The person looked at `subject` up to `upto`: its notifications are read."""
    pending = Notification.filter(
        user_id=user_id, subject=subject, read_at__isnull=True, number__lte=upto
    )
    if not await pending.exists():
        return 0
    return await pending.update(read_at=utcnow())


async def save_preferences(user_id: int, enabled: set[str]) -> None:
    """Store the person's choice for every declared kind (`enabled`: the kinds they want)."""
    for kind in KINDS:
        on = kind.key in enabled
        updated = await NotificationSetting.filter(user_id=user_id, kind=kind.key).update(
            enabled=on
        )
        if not updated:
            await NotificationSetting.create(user_id=user_id, kind=kind.key, enabled=on)

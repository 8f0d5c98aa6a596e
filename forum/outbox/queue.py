"""Writing messages into the outbox: call inside the transaction of the cause.

`deliver(user_ids, kind, key, letter, defaults=...)` decides, per person and channel, from
their choices (else the kind's default channels), their address (the e-mail and mobile number
of their member record), their quiet hours and their digest option, and writes one
`OutboxMessage` per message. `enqueue_address` writes one to a given address (password reset).
The same key twice writes one message: a retried cause does not send twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from forum.clock import utcnow, zone
from forum.models import Member
from forum.outbox import links, rules
from forum.outbox.models import (
    CHANNELS,
    EMAIL,
    HELD,
    QUEUED,
    SMS,
    ChannelChoice,
    DeliveryProfile,
    OutboxMessage,
)

SUBJECT_MAX = 200
SMS_MAX = 300


@dataclass(frozen=True)
class Letter:
    """What to say: the e-mail subject and text (the SMS says `sms` or the subject + link)."""

    subject: str
    text: str
    url: str = ""
    ics: str | None = None
    sms: str | None = None

    def sms_text(self) -> str:
        if self.sms is not None:
            return self.sms[:SMS_MAX]
        link = links.absolute(self.url) if self.url else ""
        return f"{self.subject} {link}".strip()[:SMS_MAX]


async def wanted_channels(
    user_ids: Iterable[int], kind: str, defaults: frozenset[str]
) -> dict[int, set[str]]:
    """For each person, the channels on which they receive `kind`."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    chosen: dict[tuple[int, str], bool] = {
        (int(u), str(c)): bool(e)
        for u, c, e in await ChannelChoice.filter(user_id__in=ids, kind=kind).values_list(
            "user_id", "channel", "enabled"
        )
    }
    return {u: {c for c in CHANNELS if chosen.get((u, c), c in defaults)} for u in ids}


async def anyone_opted_in(user_ids: Iterable[int], kind: str) -> bool:
    """Whether any of these people turned a channel on for `kind` (one indexed query)."""
    return await ChannelChoice.filter(
        user_id__in=sorted(set(user_ids)), kind=kind, enabled=True
    ).exists()


async def addresses(user_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """The usable e-mail address and mobile number of each person's member record."""
    ids = sorted(set(user_ids))
    found: dict[int, dict[str, str]] = {}
    for user_id, email, phone in await Member.filter(user_id__in=ids).values_list(
        "user_id", "email", "phone"
    ):
        entry: dict[str, str] = {}
        if (mail := rules.clean_email(str(email or ""))) is not None:
            entry[EMAIL] = mail
        if (mobile := rules.clean_phone(str(phone or ""))) is not None:
            entry[SMS] = mobile
        found[int(user_id)] = entry
    return found


async def deliver(
    user_ids: Iterable[int | None],
    kind: str,
    key: str,
    letter: Letter,
    *,
    defaults: frozenset[str] = frozenset(),
    urgent: bool = False,
) -> list[OutboxMessage]:
    """Queue `letter` for each person on each channel they receive `kind` on.

    `key` names the cause ("notice:12"); each message's key adds the person and channel.
    `urgent` ignores quiet hours and the digest (a reminder with a deadline today)."""
    ids = sorted({u for u in user_ids if u is not None})
    wanted = await wanted_channels(ids, kind, defaults)
    where = await addresses(ids)
    profiles = {p.user_id: p for p in await DeliveryProfile.filter(user_id__in=ids)}
    now = utcnow()
    written: list[OutboxMessage] = []
    for user_id in ids:
        for channel in sorted(wanted.get(user_id, set())):
            address = where.get(user_id, {}).get(channel)
            if address is None:
                continue
            profile = profiles.get(user_id)
            when, state = now, QUEUED
            if profile is not None and not urgent:
                when = rules.after_quiet_hours(now, zone(), profile.quiet_start, profile.quiet_end)
                if channel == EMAIL and profile.digest:
                    state = HELD
            message = await enqueue_address(
                channel,
                address,
                kind=kind,
                key=f"{key}:u{user_id}:{channel}",
                letter=letter,
                user_id=user_id,
                when=when,
                state=state,
            )
            if message is not None:
                written.append(message)
    return written


async def enqueue_address(
    channel: str,
    address: str,
    *,
    kind: str,
    key: str,
    letter: Letter,
    user_id: int | None = None,
    when: dt.datetime | None = None,
    state: str = QUEUED,
    unsubscribe: bool = True,
) -> OutboxMessage | None:
    """One message to one address; None when the key was already queued (de-duplication)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if await OutboxMessage.exists(key=key[:160]):
        return None
    body = letter.text if channel == EMAIL else letter.sms_text()
    return await OutboxMessage.create(
        key=key[:160],
        channel=channel,
        kind=kind,
        user_id=user_id,
        address=address,
        address_hint=rules.mask(channel, address),
        subject=" ".join(letter.subject.split())[:SUBJECT_MAX],
        body=body,
        url=links.absolute(letter.url)[:500] if letter.url else "",
        ics=letter.ics if channel == EMAIL else None,
        unsubscribe_url=(
            links.unsubscribe_url(user_id, kind, channel)
            if unsubscribe and user_id is not None
            else ""
        )[:500],
        state=state,
        next_attempt_at=when or utcnow(),
    )

"""The delivery worker: claim, send, record; retries with backoff; the daily digest.

Delivery guarantees (docs/communication.md, "Exactly once"):

* No loss. A message is a row written in the cause's transaction. A worker claims it by a
  compare-and-set on its lease (`lease_owner`, `lease_until`); a killed worker's claims simply
  run out and another worker (or the same one after a restart) claims them again.
* No double delivery by this platform's own doing. Each claim writes its `DeliveryAttempt`
  row and commits *before* the send, and marks the message sent in one transaction right
  after the server accepted it. A message in state `sent` is never claimed again, and a claim
  needs an expired lease, so two workers never hold one message at once.
* The one window left is a crash after the server accepted the message and before the
  `sent` commit. No protocol closes it from this side (SMTP has no "did you get it?"), so the
  re-send after it is recognisable instead: the Message-ID (e-mail) and the provider request
  id (SMS) are derived from the outbox key and identical on every attempt, and the earlier
  attempt stays in the delivery log as `unknown`. A mailbox or provider that de-duplicates by
  them (the test servers do, as most providers do for the request id) delivers exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import secrets
from dataclasses import dataclass, field

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from forum.clock import utcnow, zone
from forum.outbox import links, rules
from forum.outbox.channels import Channel, Permanent, Retry, channels_for
from forum.outbox.models import (
    DIGESTED,
    EMAIL,
    FAILED,
    HELD,
    QUEUED,
    SENT,
    DeliveryAttempt,
    DeliveryProfile,
    OutboxMessage,
)
from forum.settings import Settings, get_settings

logger = logging.getLogger("forum.outbox")
UNKNOWN = "租约到期，投递结果未知（以相同 Message-ID / 请求 id 重发）"


@dataclass
class Tally:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    claimed: int = 0
    errors: list[str] = field(default_factory=list)


def worker_name() -> str:
    return f"w-{secrets.token_hex(6)}"


async def claim(worker: str, settings: Settings, limit: int | None = None) -> list[OutboxMessage]:
    """Claim up to `limit` due messages for `worker` (each by a compare-and-set on its lease)."""
    now = utcnow()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    due = (
        await OutboxMessage.filter(free, state=QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .limit(limit or settings.outbox_batch)
        .values_list("id", flat=True)
    )
    until = now + dt.timedelta(seconds=settings.outbox_lease_seconds)
    mine: list[int] = []
    for message_id in due:
        won = await OutboxMessage.filter(free, id=message_id, state=QUEUED).update(
            lease_owner=worker, lease_until=until, attempts=F("attempts") + 1
        )
        if won:
            mine.append(int(str(message_id)))
    if not mine:
        return []
    return list(await OutboxMessage.filter(id__in=mine, lease_owner=worker).order_by("id"))


async def deliver_one(
    message: OutboxMessage, channel: Channel, worker: str, settings: Settings
) -> str:
    """Send one claimed message; returns the outcome (sent, retry, failed)."""
    now = utcnow()
    # An earlier attempt still open: its worker died with the outcome unknown.
    await DeliveryAttempt.filter(message_id=message.id, outcome="pending").update(
        outcome="unknown",
        finished_at=now,
        detail=UNKNOWN,
    )
    attempt = await DeliveryAttempt.create(
        message_id=message.id, number=message.attempts, worker=worker, started_at=now
    )
    try:
        downstream = await channel.send(message)
    except Retry as exc:
        last = message.attempts >= settings.outbox_max_attempts
        detail = rules.scrub(str(exc), message.address, message.channel)
        async with in_transaction():
            await DeliveryAttempt.filter(id=attempt.id).update(
                outcome="failed" if last else "retry", finished_at=utcnow(), detail=detail
            )
            wait = rules.backoff(
                message.attempts,
                settings.outbox_retry_base_seconds,
                settings.outbox_retry_max_seconds,
            )
            changes: dict[str, object] = {
                "lease_owner": None,
                "lease_until": None,
                "last_error": detail,
                "next_attempt_at": utcnow() + wait,
            }
            if last:
                changes.update(state=FAILED, address=message.address_hint)
            await OutboxMessage.filter(id=message.id, lease_owner=worker).update(**changes)
        logger.warning("outbox message %s attempt %s: %s", message.id, message.attempts, detail)
        return "failed" if last else "retry"
    except Permanent as exc:
        detail = rules.scrub(str(exc), message.address, message.channel)
        async with in_transaction():
            await DeliveryAttempt.filter(id=attempt.id).update(
                outcome="failed", finished_at=utcnow(), detail=detail
            )
            await OutboxMessage.filter(id=message.id, lease_owner=worker).update(
                state=FAILED,
                lease_owner=None,
                lease_until=None,
                last_error=detail,
                address=message.address_hint,
            )
        logger.warning("outbox message %s failed: %s", message.id, detail)
        return "failed"
    async with in_transaction():
        await DeliveryAttempt.filter(id=attempt.id).update(
            outcome="sent", finished_at=utcnow(), detail=downstream[:300]
        )
        # The full address is no longer needed once the message went.
        await OutboxMessage.filter(id=message.id).update(
            state=SENT,
            sent_at=utcnow(),
            lease_owner=None,
            lease_until=None,
            message_id=downstream[:200],
            last_error="",
            address=message.address_hint,
        )
    return "sent"


async def run_batch(
    worker: str, settings: Settings | None = None, channels: dict[str, Channel] | None = None
) -> Tally:
    settings = settings or get_settings()
    channels = channels or channels_for(settings)
    tally = Tally()
    for message in await claim(worker, settings):
        tally.claimed += 1
        outcome = await deliver_one(message, channels[message.channel], worker, settings)
        if outcome == "sent":
            tally.sent += 1
        elif outcome == "retry":
            tally.retried += 1
        else:
            tally.failed += 1
    return tally


async def build_digests(now: dt.datetime | None = None) -> int:
    """One e-mail per person with held messages, once per local day; returns how many."""
    now = now or utcnow()
    day = now.astimezone(zone()).date()
    users = sorted(
        {
            int(str(u))
            for u in await OutboxMessage.filter(state=HELD, channel=EMAIL).values_list(
                "user_id", flat=True
            )
            if u is not None
        }
    )
    made = 0
    for user_id in users:
        async with in_transaction():
            held = list(
                await OutboxMessage.filter(state=HELD, channel=EMAIL, user_id=user_id)
                .order_by("id")
                .limit(200)
            )
            if not held:
                continue
            lines = [f"您有 {len(held)} 条新消息（{day:%Y年%m月%d日}）：", ""]
            for item in held:
                lines.append(f"· {item.subject}")
                if item.url:
                    lines.append(f"  {item.url}")
            key = f"digest:u{user_id}:{day.isoformat()}:{held[-1].id}"
            if not await OutboxMessage.exists(key=key):
                await OutboxMessage.create(
                    key=key,
                    channel=EMAIL,
                    kind="digest",
                    user_id=user_id,
                    address=held[-1].address,
                    address_hint=held[-1].address_hint,
                    subject=f"每日摘要：{len(held)} 条新消息",
                    body="\n".join(lines),
                    unsubscribe_url=links.unsubscribe_url(user_id, links.ALL_KINDS, EMAIL),
                    next_attempt_at=now,
                )
                made += 1
            await OutboxMessage.filter(id__in=[h.id for h in held], state=HELD).update(
                state=DIGESTED, address=held[-1].address_hint
            )
            await DeliveryProfile.filter(user_id=user_id).update(digest_sent_on=day)
    return made


async def drain(worker: str, settings: Settings | None = None) -> Tally:
    """Run batches until nothing is due (tests, `forum outbox run --once`)."""
    total = Tally()
    while True:
        tally = await run_batch(worker, settings)
        total.sent += tally.sent
        total.retried += tally.retried
        total.failed += tally.failed
        total.claimed += tally.claimed
        if tally.claimed == 0:
            return total


async def run_forever(stop: asyncio.Event, settings: Settings | None = None) -> None:
    """The worker loop: a batch, then a pause of `outbox_poll_seconds` when idle."""
    settings = settings or get_settings()
    worker = worker_name()
    logger.info("outbox worker %s started", worker)
    while not stop.is_set():
        try:
            tally = await run_batch(worker, settings)
        except Exception:  # the loop survives a database hiccup; the lease protects the rows
            logger.exception("outbox worker %s: batch failed", worker)
            tally = Tally()
        if tally.claimed == 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=settings.outbox_poll_seconds)
    logger.info("outbox worker %s stopped", worker)


@dataclass
class Embedded:
    """The worker inside the web process (FORUM_OUTBOX_EMBEDDED)."""

    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(run_forever(self.stop))

    async def close(self) -> None:
        self.stop.set()
        if self.task is not None:
            await self.task

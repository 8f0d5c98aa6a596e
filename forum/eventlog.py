"""Models of the realtime core: the per-channel event log and its id counters."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class ChannelCounter(Model):
    """The last id allocated in a channel (its row lock serializes appends to the channel)."""

    channel = fields.CharField(max_length=100, primary_key=True)
    last_seq = fields.BigIntField(default=0)

    class Meta:
        table = "realtime_channel_counters"


class ChannelEvent(Model):
    """One committed event of a channel, with ids 1, 2, 3 ... per channel.

    The unique index on (channel, seq) also serves the range reads of replay and gap-fill
    (`WHERE channel = ? AND seq > ? ORDER BY seq`). The created_at index serves
    `forum prune-events`, so pruning a large log is a range delete, not a table scan.

    `subject` names the piece of content an event is about (`post:17`, `message:3`; NULL for
    events about no removable content). The (channel, subject) index serves the redaction of
    a subject's earlier events when it is hidden, deleted, removed or edited.
    """

    id = fields.BigIntField(primary_key=True)
    channel = fields.CharField(max_length=100)
    seq = fields.BigIntField()
    type = fields.CharField(max_length=64)
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    audience: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    subject = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "realtime_channel_events"
        unique_together = (("channel", "seq"),)
        indexes = (("created_at",), ("channel", "subject"))

    def as_message(self) -> dict[str, Any]:
        """The broker message / policy dict: channel, id, event, data, audience."""
        return {
            "channel": self.channel,
            "id": self.seq,
            "event": self.type,
            "data": self.payload,
            "audience": self.audience,
        }

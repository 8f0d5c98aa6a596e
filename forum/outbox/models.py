"""The outbox's tables: messages, their delivery log, and each person's channel choices."""

from __future__ import annotations

from tortoise import fields, models

from forum.models import User

QUEUED = "queued"  # waiting for its time (next_attempt_at) and a worker
HELD = "held"  # waiting for the person's daily digest
SENT = "sent"
DIGESTED = "digested"  # went out inside a digest message
FAILED = "failed"  # gave up after the last attempt (or the address is unusable)
CANCELLED = "cancelled"  # the person turned the kind off (unsubscribed) before it went

STATES = (QUEUED, HELD, SENT, DIGESTED, FAILED, CANCELLED)
EMAIL = "email"
SMS = "sms"
CHANNELS = (EMAIL, SMS)
CHANNEL_LABELS = {EMAIL: "电子邮件", SMS: "手机短信"}


class OutboxMessage(models.Model):
    """One message to one address on one channel."""

    id = fields.BigIntField(primary_key=True)
    # De-duplication: the cause names the message ("notice:12:user:5:email"); enqueueing the
    # same key twice writes one row. It also derives the e-mail Message-ID and the SMS
    # provider's request id, so a re-send after a crash is recognisable downstream.
    key = fields.CharField(max_length=160, unique=True)
    channel = fields.CharField(max_length=8)
    kind = fields.CharField(max_length=64)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="outbox", null=True, on_delete=fields.SET_NULL
    )
    user_id: int | None
    # Personal data: the full address only while the message waits; once it went (or gave
    # up) the row keeps the masked form. Never logged.
    address = fields.CharField(max_length=128)
    address_hint = fields.CharField(max_length=128)
    subject = fields.CharField(max_length=200, default="")
    body = fields.TextField()
    url = fields.CharField(max_length=500, default="")
    ics = fields.TextField(null=True)  # a text/calendar attachment (meeting invitations)
    unsubscribe_url = fields.CharField(max_length=500, default="")
    state = fields.CharField(max_length=12, default=QUEUED)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    lease_owner = fields.CharField(max_length=64, null=True)
    lease_until = fields.DatetimeField(null=True)
    message_id = fields.CharField(max_length=200, default="")
    last_error = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_messages"
        indexes = (("state", "next_attempt_at"), ("user_id", "state"), ("kind", "id"))


class DeliveryAttempt(models.Model):
    """The delivery log: one row per attempt, written before the send and closed after it.
    A row still `pending` when its lease ran out is an attempt whose outcome is unknown (the
    worker died between the send and the record): the next attempt marks it so."""

    id = fields.BigIntField(primary_key=True)
    message: fields.ForeignKeyRelation[OutboxMessage] = fields.ForeignKeyField(
        "forum.OutboxMessage", related_name="log", on_delete=fields.CASCADE
    )
    message_id: int
    number = fields.IntField()
    worker = fields.CharField(max_length=64)
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    outcome = fields.CharField(
        max_length=12, default="pending"
    )  # pending|sent|retry|failed|unknown
    detail = fields.CharField(max_length=300, default="")  # addresses masked

    class Meta:
        table = "outbox_attempts"
        indexes = (("message_id", "number"),)


class ChannelChoice(models.Model):
    """A person's choice for one kind on one channel (absent: the kind's default)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="channel_choices", on_delete=fields.CASCADE
    )
    user_id: int
    kind = fields.CharField(max_length=64)
    channel = fields.CharField(max_length=8)
    enabled = fields.BooleanField()

    class Meta:
        table = "outbox_channel_choices"
        unique_together = (("user_id", "kind", "channel"),)


class DeliveryProfile(models.Model):
    """A person's delivery rules: quiet hours (local minutes of the day) and the digest."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "forum.User", related_name="delivery_profile", on_delete=fields.CASCADE
    )
    user_id: int
    quiet_start = fields.IntField(null=True)  # e.g. 22*60; with quiet_end 7*60: 22:00-07:00
    quiet_end = fields.IntField(null=True)
    digest = fields.BooleanField(default=False)  # e-mail: one message a day instead of each
    digest_sent_on = fields.DateField(null=True)

    class Meta:
        table = "outbox_profiles"

"""The outbox's pure rules: addresses, backoff, quiet hours, idempotent identifiers."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$")
# Mainland mobile numbers (11 digits from 1[3-9]), optionally with +86.
PHONE_RE = re.compile(r"^(\+?86)?1[3-9][0-9]{9}$")


def clean_email(value: str) -> str | None:
    """A usable e-mail address, or None (no CR/LF, no spaces: nothing to inject headers)."""
    text = value.strip()
    return text if len(text) <= 128 and EMAIL_RE.match(text) else None


def clean_phone(value: str) -> str | None:
    """A usable mobile number as 11 digits, or None."""
    text = re.sub(r"[\s\-]", "", value)
    if not PHONE_RE.match(text):
        return None
    return text[-11:]


def mask_email(value: str) -> str:
    name, _, domain = value.partition("@")
    if not domain:
        return "***"
    return f"{name[:1]}***@{domain}"


def mask_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return "***"
    return f"{digits[:3]}****{digits[-4:]}"


def mask(channel: str, address: str) -> str:
    return mask_email(address) if channel == "email" else mask_phone(address)


def scrub(text: str, address: str, channel: str) -> str:
    """An error text for the log: the address replaced by its masked form, bounded."""
    cleaned = text.replace(address, mask(channel, address)) if address else text
    return " ".join(cleaned.split())[:300]


def backoff(attempts: int, base: int, cap: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: base, 2*base, 4*base ... up to cap."""
    exponent = max(0, attempts - 1)
    return dt.timedelta(seconds=min(cap, base * (2 ** min(exponent, 30))))


def in_quiet_hours(local: dt.time, start: int | None, end: int | None) -> bool:
    """Whether a local time lies in [start, end) minutes of the day (wrapping midnight)."""
    if start is None or end is None or start == end:
        return False
    minute = local.hour * 60 + local.minute
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def after_quiet_hours(
    when: dt.datetime, zone: dt.tzinfo, start: int | None, end: int | None
) -> dt.datetime:
    """`when` if it is outside the quiet hours, else the end of them (an aware UTC instant)."""
    local = when.astimezone(zone)
    if not in_quiet_hours(local.time(), start, end) or end is None:
        return when
    ends = local.replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
    if ends <= local:
        ends += dt.timedelta(days=1)
    return ends.astimezone(dt.UTC)


def message_id(key: str, domain: str) -> str:
    """The e-mail Message-ID of an outbox message: derived from its key alone, so every
    attempt carries the same one and a duplicate after a crash is recognisable."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def request_id(key: str) -> str:
    """The SMS provider's idempotency id of an outbox message (the same for every attempt)."""
    return hashlib.sha256(("sms:" + key).encode()).hexdigest()[:32]


def parse_minutes(text: str) -> int | None:
    """ "22:00" -> 1320; "" -> None; raises ValueError on anything else."""
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", text)
    if match is None:
        raise ValueError(text)
    return int(match.group(1)) * 60 + int(match.group(2))


def format_minutes(value: int | None) -> str:
    return "" if value is None else f"{value // 60:02d}:{value % 60:02d}"

"""QR check-in codes: short-lived, signed, bound to one meeting.

The host screen shows a code that changes every `ROTATE_SECONDS`; each code is accepted for
`VALID_SECONDS` after it was issued (a phone that scanned it just before the rotation still
gets in). A code is an HMAC-SHA256 over the meeting id and the issue time, keyed with a key
derived from the site secret, so it cannot be forged, stretched or replayed to another
meeting. Scanning only opens a confirm page; the check-in itself is a CSRF-checked POST.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import segno

from forum.errors import ActionError
from forum.settings import secret_key

ROTATE_SECONDS = 60
VALID_SECONDS = 120
_CONTEXT = b"grassroots.meetings.qr-checkin.v1"


def _key() -> bytes:
    return hmac.new(secret_key().encode(), _CONTEXT, hashlib.sha256).digest()


def _mac(meeting_id: int, issued: int) -> str:
    digest = hmac.new(_key(), f"{meeting_id}.{issued}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def issue(meeting_id: int, now: dt.datetime) -> str:
    """The code for this rotation window: `<issued unix time>.<mac>`."""
    issued = int(now.timestamp()) // ROTATE_SECONDS * ROTATE_SECONDS
    return f"{issued}.{_mac(meeting_id, issued)}"


def expires_at(code: str) -> dt.datetime:
    issued = int(code.split(".", 1)[0])
    return dt.datetime.fromtimestamp(issued + VALID_SECONDS, dt.UTC)


def verify(code: str, meeting_id: int, now: dt.datetime) -> None:
    """Raise `ActionError` unless `code` was issued for this meeting within the window."""
    issued_text, _, mac = code.partition(".")
    if not issued_text.isdigit() or len(issued_text) > 12 or not mac or len(code) > 64:
        raise ActionError("签到码无效，请重新扫描主持人屏幕上的二维码", field="code")
    issued = int(issued_text)
    if not hmac.compare_digest(mac, _mac(meeting_id, issued)):
        raise ActionError("签到码无效或不属于本次会议，请重新扫描", field="code")
    age = now.timestamp() - issued
    if age > VALID_SECONDS or age < -ROTATE_SECONDS:
        raise ActionError("签到码已过期，请扫描主持人屏幕上的最新二维码", field="code")


def scan_url(base_url: str, meeting_id: int, code: str) -> str:
    return f"{base_url.rstrip('/')}/meetings/{meeting_id}/checkin/qr?code={code}"


def svg(url: str) -> str:
    """The QR code as an inline SVG (no XML declaration, scales with its box)."""
    qr = segno.make(url, error="m")
    return qr.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=True)

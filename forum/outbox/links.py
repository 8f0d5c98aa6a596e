"""Signed one-click unsubscribe links: the token names (person, kind, channel) and is signed
with the site secret, so it needs no login and no table, and cannot be forged for others."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from forum.settings import get_settings, secret_key

SALT = "outbox.unsubscribe"
ALL_KINDS = "*"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(secret_key(), salt=SALT)


def unsubscribe_token(user_id: int, kind: str, channel: str) -> str:
    return str(_serializer().dumps([user_id, kind, channel]))


def read_unsubscribe_token(token: str) -> tuple[int, str, str] | None:
    """(user id, kind, channel) of a genuine token, else None."""
    if len(token) > 400:
        return None
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 3
        or not isinstance(value[0], int)
        or not all(isinstance(v, str) for v in value[1:])
    ):
        return None
    return value[0], value[1], value[2]


def unsubscribe_url(user_id: int, kind: str, channel: str) -> str:
    base = get_settings().public_base_url
    return f"{base}/unsubscribe/{unsubscribe_token(user_id, kind, channel)}"


def absolute(url: str) -> str:
    """A site-relative link as the recipient's mail client needs it."""
    if url.startswith("/"):
        return get_settings().public_base_url + url
    return url

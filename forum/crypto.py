"""Protection of personal data at rest: AES-256-GCM encryption and keyed lookup hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from forum.settings import id_number_key

_PREFIX = "v1:"


def _keys() -> tuple[bytes, bytes]:
    master = id_number_key()
    enc = hmac.new(master, b"grassroots-id-encryption", hashlib.sha256).digest()
    mac = hmac.new(master, b"grassroots-id-lookup", hashlib.sha256).digest()
    return enc, mac


def encrypt(plaintext: str, *, context: str = "id_number") -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_keys()[0]).encrypt(nonce, plaintext.encode(), context.encode())
    return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str, *, context: str = "id_number") -> str:
    if not token.startswith(_PREFIX):
        raise ValueError("unknown ciphertext version")
    blob = base64.urlsafe_b64decode(token[len(_PREFIX) :])
    return AESGCM(_keys()[0]).decrypt(blob[:12], blob[12:], context.encode()).decode()


def lookup_hash(value: str) -> str:
    """Deterministic keyed hash for uniqueness and exact lookup without the plaintext."""
    return hmac.new(_keys()[1], value.encode(), hashlib.sha256).hexdigest()

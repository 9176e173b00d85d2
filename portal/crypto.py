"""Encryption of personal fields at rest (UU 27/2022; docs/SECURITY.md "Keys").

AES-256-GCM (the `cryptography` package) with keys from the environment:
`PORTAL_FIELD_ENCRYPTION_KEY` holds one key, or several separated by commas — the first
encrypts, every one decrypts — each the URL-safe base64 of 32 random bytes
(`manage.py field_encryption_key` prints a new one). Production refuses to start without it;
dev and tests use a fixed, public key.

A stored value reads `enc1:<key id>:<base64 of nonce + ciphertext + tag>`: the key id (the first
8 hex digits of the key's SHA-256) says which key decrypts it, so keys can be rotated
(`manage.py field_encryption_rotate` re-encrypts every value under the first key). The field's
name ("members.member.nik_ktp") is bound to the ciphertext as associated data: a value copied
into another field or table does not decrypt. The empty string stays empty ("not recorded").
"""

import base64
import binascii
import hashlib
import os
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value that no configured key opens (wrong key, key missing, tampered)."""


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


@lru_cache(maxsize=8)
def _parse(setting: tuple) -> tuple:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    keys = []
    for text in setting:
        text = text.strip()
        if not text:
            continue
        try:
            raw = base64.urlsafe_b64decode(text.encode("ascii") + b"=" * (-len(text) % 4))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raw = b""
        if len(raw) != 32:
            raise ImproperlyConfigured(
                "PORTAL_FIELD_ENCRYPTION_KEY: each key must be the URL-safe base64 of 32 bytes "
                "(manage.py field_encryption_key makes one).")
        keys.append((key_id(raw), AESGCM(raw)))
    if not keys:
        raise ImproperlyConfigured("PORTAL_FIELD_ENCRYPTION_KEY is empty: personal fields cannot be encrypted.")
    return tuple(keys)


def _keys():
    configured = settings.PORTAL_FIELD_ENCRYPTION_KEYS
    if isinstance(configured, str):
        configured = configured.split(",")
    return _parse(tuple(configured))


def current_key_id() -> str:
    return _keys()[0][0]


def is_encrypted(value: str) -> bool:
    return bool(value) and value.startswith(PREFIX + ":")


def encrypt(plain: str, *, context: str) -> str:
    """The stored form of `plain`; "" stays "". A fresh random nonce each time, so equal values
    encrypt differently (look values up by a keyed hash, never by the ciphertext)."""
    if plain in (None, ""):
        return plain
    kid, cipher = _keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = cipher.encrypt(nonce, str(plain).encode("utf-8"), context.encode("utf-8"))
    return f"{PREFIX}:{kid}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"


def decrypt(stored: str, *, context: str) -> str:
    """The plain text of a stored value. A value that is not in the encrypted form (written before
    encryption was switched on, and not yet migrated) is returned as it is:
    `field_encryption_rotate` encrypts such leftovers."""
    if not is_encrypted(stored):
        return stored
    from cryptography.exceptions import InvalidTag

    try:
        _prefix, kid, body = stored.split(":", 2)
        raw = base64.urlsafe_b64decode(body.encode("ascii"))
    except (ValueError, binascii.Error) as exc:
        raise DecryptionError("malformed encrypted value") from exc
    for candidate, cipher in _keys():
        if candidate == kid:
            try:
                return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8")).decode("utf-8")
            except InvalidTag as exc:
                raise DecryptionError(f"the value does not open with key {kid} (tampered or moved)") from exc
    raise DecryptionError(f"no configured key has id {kid}: add the old key after the new one in PORTAL_FIELD_ENCRYPTION_KEY")


def needs_rotation(stored: str) -> bool:
    """True for a value in plain text or under a key other than the current one."""
    if not stored:
        return False
    if not is_encrypted(stored):
        return True
    return stored.split(":", 2)[1] != current_key_id()

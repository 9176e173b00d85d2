"""portal/crypto.py and the rotation command: AES-GCM with keys from the environment, bound to
the field, rotated by putting a new key first."""

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal import crypto

KEY_A = base64.urlsafe_b64encode(b"a" * 32).decode()
KEY_B = base64.urlsafe_b64encode(b"b" * 32).decode()
CONTEXT = "members.member.nik_ktp"


@pytest.fixture
def keys(settings):
    def use(*keys):
        settings.PORTAL_FIELD_ENCRYPTION_KEYS = list(keys)
    return use


def test_round_trip_and_empty_stays_empty(keys):
    keys(KEY_A)
    stored = crypto.encrypt("3272015508850001", context=CONTEXT)
    assert stored.startswith("enc1:") and "3272015508850001" not in stored
    assert crypto.decrypt(stored, context=CONTEXT) == "3272015508850001"
    assert crypto.encrypt("", context=CONTEXT) == ""
    assert crypto.decrypt("", context=CONTEXT) == ""


def test_equal_values_encrypt_differently(keys):
    keys(KEY_A)
    assert crypto.encrypt("3272015508850001", context=CONTEXT) != crypto.encrypt("3272015508850001", context=CONTEXT)


def test_a_value_moved_to_another_field_does_not_decrypt(keys):
    keys(KEY_A)
    stored = crypto.encrypt("3272015508850001", context=CONTEXT)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, context="users.user.phone")


def test_a_tampered_value_does_not_decrypt(keys):
    keys(KEY_A)
    prefix, kid, body = crypto.encrypt("3272015508850001", context=CONTEXT).split(":")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{prefix}:{kid}:{base64.urlsafe_b64encode(bytes(raw)).decode()}", context=CONTEXT)


def test_old_keys_still_decrypt_and_unknown_keys_are_refused(keys):
    keys(KEY_A)
    under_a = crypto.encrypt("3272015508850001", context=CONTEXT)
    keys(KEY_B, KEY_A)  # rotation: the new key first, the old one kept
    assert crypto.decrypt(under_a, context=CONTEXT) == "3272015508850001"
    assert crypto.needs_rotation(under_a)
    assert not crypto.needs_rotation(crypto.encrypt("1", context=CONTEXT))
    keys(KEY_B)  # the old key removed too early
    with pytest.raises(crypto.DecryptionError, match="no configured key"):
        crypto.decrypt(under_a, context=CONTEXT)


@pytest.mark.parametrize("bad", ["", "short", "not base64 at all!!", base64.urlsafe_b64encode(b"x" * 16).decode()])
def test_a_bad_key_is_refused_at_use(keys, bad):
    keys(bad)
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("1", context=CONTEXT)


def test_plain_text_left_from_before_encryption_reads_as_is_and_needs_rotation(keys):
    keys(KEY_A)
    assert crypto.decrypt("3272015508850001", context=CONTEXT) == "3272015508850001"
    assert crypto.needs_rotation("3272015508850001")


def test_new_key_makes_a_usable_key(keys):
    key = crypto.new_key()
    keys(key)
    assert crypto.decrypt(crypto.encrypt("x", context=CONTEXT), context=CONTEXT) == "x"

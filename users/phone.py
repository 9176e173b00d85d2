"""Indonesian phone numbers: accept what people type, store E.164."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

import phonenumbers

INVALID_PHONE = _("Enter a valid Indonesian phone number, e.g. 0812 3456 7890.")


def normalize_phone(raw: str) -> str:
    """Return the E.164 form (+62812…) of an Indonesian number, or raise ValidationError.

    Accepts 0812…, 62812…, +62812… with spaces, dots or dashes between the digits.
    """
    if raw is None:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    text = re.sub(r"[\s.\-()]", "", str(raw))
    if not text or not re.fullmatch(r"\+?\d{8,16}", text):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    if text.startswith("62"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(INVALID_PHONE, code="invalid_phone") from exc
    if number.country_code != 62 or not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(text: str) -> bool:
    """True when a login string is meant as a phone number rather than an email."""
    return bool(text) and "@" not in text and bool(re.fullmatch(r"[\s+\d.\-()]+", text))


def display_phone(e164: str) -> str:
    """+6281234567890 → 0812-3456-7890, how people write it."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "ID")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)

"""NIK KTP (the 16-digit Indonesian identity number) checks."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Province codes (digits 1–2) in use by Dukcapil.
PROVINCE_CODES = frozenset(
    [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
     61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96]
)


def nik_birth_date(nik: str) -> tuple[date | None, str]:
    """The date of birth and gender ("L"/"P") encoded in digits 7–12; women's day is +40."""
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    gender = "L"
    if day > 40:
        day -= 40
        gender = "P"
    today = date.today()
    year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    try:
        return date(year, month, day), gender
    except ValueError:
        return None, gender


def validate_nik_ktp(value: str) -> str:
    nik = (value or "").strip().replace(" ", "")
    if len(nik) != 16 or not nik.isdigit():
        raise ValidationError(_("NIK KTP must be exactly 16 digits."), code="nik_format")
    if int(nik[:2]) not in PROVINCE_CODES:
        raise ValidationError(_("NIK KTP starts with an unknown province code (%(code)s).") % {"code": nik[:2]}, code="nik_province")
    born, _gender = nik_birth_date(nik)
    if born is None:
        raise ValidationError(_("Digits 7–12 of the NIK KTP are not a valid date of birth."), code="nik_birth_date")
    if nik[12:] == "0000":
        raise ValidationError(_("The last four digits of the NIK KTP cannot be 0000."), code="nik_serial")
    return nik


def mask_nik(nik: str) -> str:
    """3272********0001: enough to tell people apart, not enough to misuse."""
    nik = nik or ""
    if len(nik) <= 8:
        return "*" * len(nik)
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:]

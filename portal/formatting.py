"""Money and dates the way people in Indonesia read them: Rp 1.250.000 and 28 Nov 2026."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import get_language

MONTHS_ID = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTHS_LONG_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"]
MONTHS_LONG_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def _group_thousands(digits: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return ".".join(out)


def to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        value = repr(value)
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def format_number(value) -> str:
    """A count or a whole quantity the Indonesian way: 1.250 (thousands with a dot). Empty for None."""
    amount = to_decimal(value)
    if amount is None:
        return ""
    amount = amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    text = _group_thousands(str(abs(int(amount))))
    return f"-{text}" if amount < 0 else text


def format_rupiah(value, *, parentheses=False) -> str:
    """Rp 1.250.000 (no decimals when whole), Rp 1.250,50 otherwise.

    Negative amounts read -Rp 5.000, or (Rp 5.000) in statements with `parentheses=True`.
    """
    amount = to_decimal(value)
    if amount is None:
        return ""
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    negative = amount < 0
    amount = abs(amount)
    whole, _, cents = f"{amount:.2f}".partition(".")
    text = "Rp " + _group_thousands(whole)
    if cents != "00":
        text += "," + cents
    if negative:
        return f"({text})" if parentheses else f"-{text}"
    return text


def _months(long=False):
    lang = (get_language() or "id").split("-")[0]
    if long:
        return MONTHS_LONG_EN if lang == "en" else MONTHS_LONG_ID
    return MONTHS_EN if lang == "en" else MONTHS_ID


def format_date(value, *, long=False) -> str:
    """28 Nov 2026 (long: 28 November 2026). Datetimes are shown in Asia/Jakarta."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    if not isinstance(value, date):
        return str(value)
    return f"{value.day} {_months(long)[value.month - 1]} {value.year}"


def format_datetime(value) -> str:
    """28 Nov 2026 14.05 in Asia/Jakarta (Indonesian writes time with a dot)."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    sep = ":" if (get_language() or "id").startswith("en") else "."
    return f"{format_date(value.date())} {value.hour:02d}{sep}{value.minute:02d}"


def format_month(year: int, month: int) -> str:
    return f"{_months(long=True)[month - 1]} {year}"


def month_name(month: int) -> str:
    return _months(long=True)[month - 1]

"""Numbers in Indonesian words (terbilang), as written on receipts and cheques:
25000 → "dua puluh lima ribu", 1100 → "seribu seratus", 11 → "sebelas".

Pure functions, no Django. Always Indonesian (a receipt's amount in words is Indonesian
whatever the portal's language). Lower case; templates capitalise with `capfirst`.

Rules: the "se-" forms are sepuluh, sebelas, seratus and seribu; larger units keep "satu"
(satu juta, satu miliar, satu triliun) as formal documents write them. Range: 0 up to
999 triliun (999.999.999.999.999); cents (sen) for Rupiah amounts.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX = 999_999_999_999_999

_DIGITS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]
_SCALES = [(10**12, "triliun"), (10**9, "miliar"), (10**6, "juta")]


def _below_thousand(n: int) -> list[str]:
    """Words for 1..999 (nothing for 0)."""
    words = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds > 1:
        words += [_DIGITS[hundreds], "ratus"]
    if rest == 0:
        return words
    if rest < 10:
        words.append(_DIGITS[rest])
    elif rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif rest < 20:
        words += [_DIGITS[rest - 10], "belas"]
    else:
        tens, ones = divmod(rest, 10)
        words += [_DIGITS[tens], "puluh"]
        if ones:
            words.append(_DIGITS[ones])
    return words


def terbilang(number) -> str:
    """A whole number from 0 to 999 triliun in words; negative numbers read "minus …".

    Raises ValueError for fractions, non-numbers and numbers beyond the range."""
    if isinstance(number, bool):
        raise ValueError("not a number")
    try:
        n = int(number)
        whole = not isinstance(number, (Decimal, float)) or number == n
    except (TypeError, ValueError, OverflowError, InvalidOperation):
        raise ValueError(f"not a number: {number!r}") from None
    if not whole:
        raise ValueError("terbilang() takes whole numbers; use terbilang_rupiah() for cents")
    if abs(n) > MAX:
        raise ValueError("beyond 999 triliun")
    if n == 0:
        return "nol"
    if n < 0:
        return "minus " + terbilang(-n)
    words = []
    for scale, name in _SCALES:
        count, n = divmod(n, scale)
        if count:
            words += _below_thousand(count) + [name]
    thousands, n = divmod(n, 1000)
    if thousands == 1:
        words.append("seribu")
    elif thousands:
        words += _below_thousand(thousands) + ["ribu"]
    words += _below_thousand(n)
    return " ".join(words)


def terbilang_rupiah(amount) -> str:
    """An amount of money in words: Decimal("25000") → "dua puluh lima ribu rupiah";
    Decimal("1500.50") → "seribu lima ratus rupiah lima puluh sen". Cents are rounded half up."""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
        if not value.is_finite():
            raise ValueError
        value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError(f"not an amount: {amount!r}") from None
    negative = value < 0
    whole, cents = divmod(abs(value), 1)
    text = terbilang(int(whole)) + " rupiah"
    cents = int(cents * 100)
    if cents:
        text += " " + terbilang(cents) + " sen"
    return ("minus " + text) if negative else text

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from portal.formatting import format_date, format_datetime, format_rupiah


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1250000"), "Rp 1.250.000"),
        (Decimal("1250000.00"), "Rp 1.250.000"),
        (Decimal("1250.5"), "Rp 1.250,50"),
        (Decimal("0"), "Rp 0"),
        (Decimal("999"), "Rp 999"),
        (Decimal("1000"), "Rp 1.000"),
        (Decimal("-5000"), "-Rp 5.000"),
        (Decimal("123456789012.345"), "Rp 123.456.789.012,35"),
        ("25000", "Rp 25.000"),
        (25000, "Rp 25.000"),
        (None, ""),
        ("bukan angka", ""),
    ],
)
def test_format_rupiah(value, expected):
    assert format_rupiah(value) == expected


def test_negative_in_statements_uses_parentheses():
    assert format_rupiah(Decimal("-5000"), parentheses=True) == "(Rp 5.000)"


def test_format_date_indonesian_and_english():
    with translation.override("id"):
        assert format_date(datetime.date(2026, 11, 28)) == "28 Nov 2026"
        assert format_date(datetime.date(2026, 8, 17)) == "17 Agu 2026"
        assert format_date(datetime.date(2026, 8, 17), long=True) == "17 Agustus 2026"
    with translation.override("en"):
        assert format_date(datetime.date(2026, 8, 17)) == "17 Aug 2026"


def test_datetimes_are_shown_in_jakarta_time():
    utc_evening = datetime.datetime(2026, 11, 28, 20, 30, tzinfo=ZoneInfo("UTC"))  # 03:30 next day in WIB
    with translation.override("id"):
        assert format_date(utc_evening) == "29 Nov 2026"
        assert format_datetime(utc_evening) == "29 Nov 2026 03.30"


def test_template_filters_are_builtin():
    html = Template("{{ amount|rupiah }} {{ day|tanggal }} {{ neg|rupiah_statement }}").render(
        Context({"amount": Decimal("1250000"), "day": datetime.date(2026, 11, 28), "neg": Decimal("-5000")})
    )
    with translation.override("id"):
        assert html == "Rp 1.250.000 28 Nov 2026 (Rp 5.000)"


@pytest.mark.parametrize(("value", "expected"), [(0, "0"), (999, "999"), (1250, "1.250"), (1234567, "1.234.567"), (-4000, "-4.000"), (Decimal("12.6"), "13"), (None, "")])
def test_format_number_groups_thousands_with_a_dot(value, expected):
    from portal.formatting import format_number

    assert format_number(value) == expected
    assert Template("{{ v|angka }}").render(Context({"v": value})) == expected

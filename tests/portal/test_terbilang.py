"""portal.terbilang: amounts in Indonesian words for receipts."""

import random
from decimal import Decimal

import pytest

from portal.terbilang import MAX, terbilang, terbilang_rupiah


@pytest.mark.parametrize("number, words", [
    (0, "nol"),
    (1, "satu"),
    (9, "sembilan"),
    (10, "sepuluh"),
    (11, "sebelas"),
    (12, "dua belas"),
    (19, "sembilan belas"),
    (20, "dua puluh"),
    (21, "dua puluh satu"),
    (99, "sembilan puluh sembilan"),
    (100, "seratus"),
    (101, "seratus satu"),
    (110, "seratus sepuluh"),
    (111, "seratus sebelas"),
    (115, "seratus lima belas"),
    (200, "dua ratus"),
    (999, "sembilan ratus sembilan puluh sembilan"),
    (1000, "seribu"),
    (1001, "seribu satu"),
    (1011, "seribu sebelas"),
    (1100, "seribu seratus"),
    (1111, "seribu seratus sebelas"),
    (2000, "dua ribu"),
    (10000, "sepuluh ribu"),
    (11000, "sebelas ribu"),
    (25000, "dua puluh lima ribu"),
    (100000, "seratus ribu"),
    (101000, "seratus satu ribu"),
    (111111, "seratus sebelas ribu seratus sebelas"),
    (250000, "dua ratus lima puluh ribu"),
    (1000000, "satu juta"),
    (1001000, "satu juta seribu"),
    (1250000, "satu juta dua ratus lima puluh ribu"),
    (10000000, "sepuluh juta"),
    (100000000, "seratus juta"),
    (1000000000, "satu miliar"),
    (1000000001, "satu miliar satu"),
    (11000000000, "sebelas miliar"),
    (1000000000000, "satu triliun"),
    (1001001001001, "satu triliun satu miliar satu juta seribu satu"),
    (MAX, "sembilan ratus sembilan puluh sembilan triliun sembilan ratus sembilan puluh sembilan miliar "
          "sembilan ratus sembilan puluh sembilan juta sembilan ratus sembilan puluh sembilan ribu "
          "sembilan ratus sembilan puluh sembilan"),
    (-5000, "minus lima ribu"),
    (Decimal("25000.00"), "dua puluh lima ribu"),
    ("7", "tujuh"),
])
def test_words(number, words):
    assert terbilang(number) == words


@pytest.mark.parametrize("bad", [MAX + 1, -MAX - 1, 10**18, Decimal("1.5"), 2.5, "abc", None, "", float("inf"),
                                 float("nan"), True, [1]])
def test_out_of_range_or_not_a_whole_number(bad):
    with pytest.raises(ValueError):
        terbilang(bad)


@pytest.mark.parametrize("amount, words", [
    (Decimal("25000"), "dua puluh lima ribu rupiah"),
    (Decimal("25000.00"), "dua puluh lima ribu rupiah"),
    ("1000", "seribu rupiah"),
    (Decimal("0"), "nol rupiah"),
    (Decimal("1500.50"), "seribu lima ratus rupiah lima puluh sen"),
    (Decimal("0.01"), "nol rupiah satu sen"),
    (Decimal("100.115"), "seratus rupiah dua belas sen"),  # rounded half up
    (Decimal("-100"), "minus seratus rupiah"),
])
def test_rupiah(amount, words):
    assert terbilang_rupiah(amount) == words


@pytest.mark.parametrize("bad", ["abc", None, Decimal("NaN"), Decimal("Infinity"), Decimal("1e40")])
def test_rupiah_refuses_non_amounts(bad):
    with pytest.raises(ValueError):
        terbilang_rupiah(bad)


def _parse(words: str) -> int:
    """The inverse, written independently, to check random numbers round-trip."""
    units = {w: i for i, w in enumerate(["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"])}
    scales = {"triliun": 10**12, "miliar": 10**9, "juta": 10**6, "ribu": 1000}
    total, group, last = 0, 0, 0
    for word in words.split():
        if word in units:
            last = units[word]
            group += last
        elif word == "sepuluh":
            group += 10
        elif word == "sebelas":
            group += 11
        elif word == "seratus":
            group += 100
        elif word == "seribu":
            total += 1000
        elif word == "belas":
            group += 10  # "dua belas" = 2 + 10
        elif word == "puluh":
            group += last * 9  # "dua puluh" = 2 → 20
        elif word == "ratus":
            group += last * 99
        elif word in scales:
            total += group * scales[word]
            group = 0
        else:
            raise AssertionError(word)
    return total + group


def test_random_numbers_round_trip():
    rng = random.Random(4)
    for _ in range(3000):
        n = rng.choice([rng.randint(0, 10**3), rng.randint(0, 10**7), rng.randint(0, 10**12), rng.randint(0, MAX)])
        words = terbilang(n)
        assert _parse(words) == n, (n, words)
        # the se- forms: never "satu ratus", "satu puluh", "satu belas", nor "satu ribu" for one thousand
        assert "satu ratus" not in words and "satu puluh" not in words and "satu belas" not in words
        if (n // 1000) % 1000 == 1:
            assert "seribu" in words and "satu ribu" not in words
        assert "  " not in words

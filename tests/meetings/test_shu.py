import random
from decimal import Decimal

import pytest

from meetings.shu import allocate


def test_domain_worked_example_is_exact():
    """DOMAIN.md: SHU Rp 2.000.000, savings Rp 10.000.000, loans Rp 15.000.000, JM 20 %, JU 30 %:
    a member with savings Rp 500.000 and loans Rp 1.000.000 gets Rp 20.000 + Rp 40.000."""
    members = {"A": (Decimal("500000"), Decimal("1000000")), "others": (Decimal("9500000"), Decimal("14000000"))}
    result = allocate(shu_total=Decimal("2000000"), jasa_modal_percent=Decimal("20"), jasa_usaha_percent=Decimal("30"), members=members)
    assert result["A"].jasa_modal == Decimal("20000")
    assert result["A"].jasa_usaha == Decimal("40000")
    assert result["A"].total == Decimal("60000")
    assert result.pool_jasa_modal + result.pool_jasa_usaha == Decimal("1000000")
    assert result.remainder == 0


def test_rounding_remainder_is_explicit_and_never_lost():
    members = {i: (Decimal("1"), Decimal("1")) for i in range(3)}
    result = allocate(shu_total=Decimal("100"), jasa_modal_percent=Decimal("50"), jasa_usaha_percent=Decimal("50"), members=members)
    assert all(result[i].total == Decimal("32") for i in range(3))  # 16.66… + 16.66… each, rounded down
    assert result.remainder == Decimal("4")
    assert result.distributed + result.remainder == Decimal("100")


@pytest.mark.parametrize("seed", range(20))
def test_property_shares_plus_remainder_equal_the_pools(seed):
    rng = random.Random(seed)
    members = {i: (Decimal(rng.randint(0, 10**9)) / 100, Decimal(rng.randint(0, 10**10)) / 100) for i in range(rng.randint(1, 300))}
    shu = Decimal(rng.randint(0, 10**11)) / 100
    jm = Decimal(rng.randint(0, 60))
    ju = Decimal(rng.randint(0, 100 - int(jm)))
    result = allocate(shu_total=shu, jasa_modal_percent=jm, jasa_usaha_percent=ju, members=members)
    assert result.distributed + result.remainder == result.pool_jasa_modal + result.pool_jasa_usaha
    assert 0 <= result.remainder < 2 * len(members) + 2
    assert all(s.total == s.total.to_integral_value() and s.total >= 0 for s in result.values())


def test_no_savings_means_the_jasa_modal_pool_stays_in_the_remainder():
    result = allocate(shu_total=Decimal("1000"), jasa_modal_percent=Decimal("40"), jasa_usaha_percent=Decimal("0"),
                      members={"a": (Decimal("0"), Decimal("5"))})
    assert result["a"].total == 0 and result.remainder == Decimal("400")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"shu_total": Decimal("-1"), "jasa_modal_percent": Decimal("20"), "jasa_usaha_percent": Decimal("30")},
        {"shu_total": Decimal("1"), "jasa_modal_percent": Decimal("80"), "jasa_usaha_percent": Decimal("30")},
        {"shu_total": 1.5, "jasa_modal_percent": Decimal("20"), "jasa_usaha_percent": Decimal("30")},
    ],
)
def test_invalid_inputs(kwargs):
    with pytest.raises((ValueError, TypeError)):
        allocate(members={"a": (Decimal("1"), Decimal("1"))}, **kwargs)

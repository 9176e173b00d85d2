"""SHU (sisa hasil usaha) shares of members: pure arithmetic, no database.

SHU_member = (Sa / TMS) × %JM × SHU + (Va / TVA) × %JU × SHU   (DOMAIN.md "SHU")

Rounding rule (documented in docs/ARCHITECTURE.md): each member's jasa modal and jasa usaha
are rounded DOWN to whole Rupiah, so shares never exceed the pools; what is left over is the
explicit `remainder` (never negative, less than one Rupiah per member per component), which
the RAT's booking sends to the reserve. A pool whose base is zero (no savings, or no member
transactions) is not shared out and goes wholly into the remainder.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

ZERO = Decimal("0")
HUNDRED = Decimal("100")
RUPIAH = Decimal("1")


@dataclass(frozen=True)
class Share:
    jasa_modal: Decimal
    jasa_usaha: Decimal

    @property
    def total(self) -> Decimal:
        return self.jasa_modal + self.jasa_usaha


class Allocation(Mapping):
    """key → Share, plus the pools and the rounding remainder."""

    def __init__(self, shares, *, pool_jasa_modal, pool_jasa_usaha, remainder):
        self._shares = shares
        self.pool_jasa_modal = pool_jasa_modal
        self.pool_jasa_usaha = pool_jasa_usaha
        self.remainder = remainder

    def __getitem__(self, key):
        return self._shares[key]

    def __iter__(self):
        return iter(self._shares)

    def __len__(self):
        return len(self._shares)

    @property
    def distributed(self) -> Decimal:
        return sum((s.total for s in self._shares.values()), ZERO)


def _decimal(value, name) -> Decimal:
    if isinstance(value, float):
        raise TypeError(f"{name} must be a Decimal, not a float")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite number")
    return value


def allocate(*, shu_total, jasa_modal_percent, jasa_usaha_percent, members) -> Allocation:
    """Share `shu_total` among `members` ({key: (savings_basis, transaction_volume)})."""
    shu_total = _decimal(shu_total, "shu_total")
    jm = _decimal(jasa_modal_percent, "jasa_modal_percent")
    ju = _decimal(jasa_usaha_percent, "jasa_usaha_percent")
    if shu_total < 0:
        raise ValueError("a loss (negative SHU) is not shared out")
    if jm < 0 or ju < 0 or jm + ju > HUNDRED:
        raise ValueError("jasa modal and jasa usaha must be between 0 and 100 % together")
    bases = {}
    for key, (savings, volume) in members.items():
        savings, volume = _decimal(savings, "savings_basis"), _decimal(volume, "transaction_volume")
        if savings < 0 or volume < 0:
            raise ValueError(f"negative basis for member {key!r}")
        bases[key] = (savings, volume)
    pool_jm = shu_total * jm / HUNDRED
    pool_ju = shu_total * ju / HUNDRED
    total_savings = sum((s for s, _ in bases.values()), ZERO)
    total_volume = sum((v for _, v in bases.values()), ZERO)
    shares = {}
    for key, (savings, volume) in bases.items():
        modal = (pool_jm * savings / total_savings).quantize(RUPIAH, rounding=ROUND_DOWN) if total_savings else ZERO
        usaha = (pool_ju * volume / total_volume).quantize(RUPIAH, rounding=ROUND_DOWN) if total_volume else ZERO
        shares[key] = Share(modal, usaha)
    distributed = sum((s.total for s in shares.values()), ZERO)
    return Allocation(shares, pool_jasa_modal=pool_jm, pool_jasa_usaha=pool_ju, remainder=pool_jm + pool_ju - distributed)

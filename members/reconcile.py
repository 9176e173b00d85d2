"""The subsidiary ledger agrees with the general ledger: per savings type, the sum of members'
balances equals the control account's balance; each member's balance equals the sum of their
transactions."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Sum, When
from django.utils import timezone

from cooperatives.tenancy import scoped
from ledger.models import Account
from ledger.selectors import account_totals

from .models import CONTROL_ACCOUNT_PURPOSE, Direction, SavingsBalance, SavingsTransaction, SavingsType

ZERO = Decimal("0")


@dataclass
class TypeTotal:
    """One savings type: the sum of members' balances beside its control account in the ledger."""

    savings_type: str
    label: str
    members_total: Decimal
    ledger_total: Decimal | None  # None: the chart has no control account for it
    account: Account | None

    @property
    def agrees(self) -> bool:
        return self.ledger_total is not None and self.ledger_total == self.members_total


@dataclass
class Reconciliation:
    totals: list  # of TypeTotal, in savings-type order
    problems: list  # of str; empty when everything agrees

    @property
    def ok(self) -> bool:
        return not self.problems


@scoped
def savings_reconciliation(*, cooperative) -> Reconciliation:
    """The totals per type and every difference found. Four queries whatever the data."""
    problems = []
    members_total = defaultdict(lambda: ZERO)
    stored = {}
    for row in SavingsBalance.objects.values("member_id", "savings_type", "balance"):
        members_total[row["savings_type"]] += row["balance"]
        stored[(row["member_id"], row["savings_type"])] = row["balance"]

    signed = Case(When(direction=Direction.DEPOSIT, then=F("amount")), default=-F("amount"), output_field=DecimalField(max_digits=18, decimal_places=2))
    computed = {
        (r["member_id"], r["savings_type"]): r["total"]
        for r in SavingsTransaction.objects.values("member_id", "savings_type").annotate(total=Sum(signed)).order_by()
    }
    for key in sorted(set(stored) | set(computed)):
        if stored.get(key, ZERO) != computed.get(key, ZERO):
            problems.append(f"member {key[0]} {key[1]}: balance {stored.get(key, ZERO)}, transactions sum {computed.get(key, ZERO)}")

    accounts = {a.purpose: a for a in Account.objects.filter(purpose__in=CONTROL_ACCOUNT_PURPOSE.values())}
    # Everything ever posted: the end of a year far ahead (a month end, so the rollup alone answers).
    far_future = date(timezone.localdate().year + 100, 12, 31)
    totals = account_totals(cooperative=cooperative, as_of=far_future, accounts=list(accounts.values())) if accounts else {}
    rows = []
    for savings_type, purpose in CONTROL_ACCOUNT_PURPOSE.items():
        account = accounts.get(purpose)
        ledger_balance = None
        if account is not None:
            debit, credit = totals.get(account.pk, (ZERO, ZERO))
            ledger_balance = credit - debit
        rows.append(TypeTotal(savings_type, SavingsType(savings_type).label, members_total[savings_type], ledger_balance, account))
        if (ledger_balance or ZERO) != members_total[savings_type]:
            problems.append(
                f"{savings_type}: members' balances {members_total[savings_type]} but control account "
                f"{account.code if account else purpose} {ledger_balance or ZERO}"
            )
    return Reconciliation(rows, problems)


@scoped
def savings_reconcile(*, cooperative) -> list[str]:
    """Every difference between the subsidiary ledger and the general ledger (empty: none)."""
    return savings_reconciliation(cooperative=cooperative).problems

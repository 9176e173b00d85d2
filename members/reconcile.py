"""The subsidiary ledger agrees with the general ledger: per savings type, the sum of members'
balances equals the control account's balance; each member's balance equals the sum of their
transactions."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Sum, When
from django.utils import timezone

from cooperatives.tenancy import scoped
from ledger.models import Account
from ledger.selectors import account_totals

from .models import CONTROL_ACCOUNT_PURPOSE, Direction, SavingsBalance, SavingsTransaction

ZERO = Decimal("0")


@scoped
def savings_reconcile(*, cooperative) -> list[str]:
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
    far_future = timezone.localdate().replace(year=timezone.localdate().year + 100)
    totals = account_totals(cooperative=cooperative, as_of=far_future, accounts=list(accounts.values()))
    for savings_type, purpose in CONTROL_ACCOUNT_PURPOSE.items():
        account = accounts.get(purpose)
        ledger_balance = ZERO
        if account is not None:
            debit, credit = totals.get(account.pk, (ZERO, ZERO))
            ledger_balance = credit - debit
        if ledger_balance != members_total[savings_type]:
            problems.append(
                f"{savings_type}: members' balances {members_total[savings_type]} but control account "
                f"{account.code if account else purpose} {ledger_balance}"
            )
    return problems

"""Savings reads for the staff pages and the API: balances, the passbook, wajib arrears, the
monthly collection list and the overview. Each costs a fixed number of queries whatever the
number of members or transactions (DESIGN.md §7).

Wajib arrears (docs/ARCHITECTURE.md, "Savings"): a member owes wajib for every month from
their *start month* through the current month (included); a month counts as paid when a
regular wajib deposit for it stands (not reversed). The start month is the later of

* the month the member joined, and
* the month their wajib history in the portal begins:
  - for a member with an opening balance (brought from the old register, any savings type):
    the month of that opening balance, or of their first wajib payment if that is earlier;
  - for anyone else: the cooperative's first wajib month in the portal, i.e. the earliest
    month of any standing wajib payment or opening balance in the cooperative.

So the months before the cooperative kept wajib in the portal (covered by opening balances) are
never counted, while a member who skipped the first months is behind for them (a member's own
first payment does not move their start later). An opening balance is not a month paid. While
the cooperative has no wajib payment and no opening balance at all, nobody is behind. Amount
owed = months unpaid × the cooperative's current monthly wajib amount.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Max, Min, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cooperatives.tenancy import scoped

from . import selectors
from .models import (
    Direction, Member, MemberStatus, SavingsBalance, SavingsTransaction, SavingsType,
    TransactionKind,
)

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=18, decimal_places=2)
TYPES = tuple(SavingsType.values)


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_of(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


# --- balances and passbook ----------------------------------------------------------------------

def _signed():
    from django.db.models import Case, When

    return Case(When(direction=Direction.DEPOSIT, then=F("amount")), default=-F("amount"), output_field=MONEY)


def passbook(*, cooperative, member, savings_type: str = ""):
    """The member's transactions (mutasi), newest first, each with the balance of its type after
    it in date order (`running`), the number of the transaction that reversed it
    (`reversed_by_number`), its journal entry and who recorded it. One query per page."""
    transactions = SavingsTransaction.objects.filter(cooperative=cooperative, member=member)
    if savings_type in TYPES:
        transactions = transactions.filter(savings_type=savings_type)
    reversal = SavingsTransaction.objects.filter(reverses=OuterRef("pk")).values("number")[:1]
    return (
        transactions.select_related("journal_entry", "reverses", "created_by")
        .annotate(
            running=Window(Sum(_signed()), partition_by=[F("savings_type")], order_by=[F("date").asc(), F("id").asc()]),
            reversed_by_number=Subquery(reversal),
        )
        .order_by("-date", "-id")
    )


def transaction_by_number(*, cooperative, number: str):
    """One transaction for its receipt, with everything the receipt shows, or None."""
    reversal = SavingsTransaction.objects.filter(reverses=OuterRef("pk")).values("number")[:1]
    return (
        SavingsTransaction.objects.filter(cooperative=cooperative, number=number)
        .select_related("member", "journal_entry", "reverses", "created_by")
        .annotate(reversed_by_number=Subquery(reversal))
        .first()
    )


def collection_transactions(*, cooperative, entry_number: str) -> list[SavingsTransaction]:
    """The wajib transactions of one collection (they share its journal entry), by member number."""
    return list(
        SavingsTransaction.objects.filter(cooperative=cooperative, journal_entry__number=entry_number,
                                          savings_type=SavingsType.WAJIB, kind=TransactionKind.REGULAR)
        .select_related("member", "journal_entry", "created_by")
        .annotate(reversed_by_number=Subquery(
            SavingsTransaction.objects.filter(reverses=OuterRef("pk")).values("number")[:1]))
        .order_by("member__number", "id")
    )


def recent_transactions(*, cooperative, limit: int = 15) -> list[SavingsTransaction]:
    return list(SavingsTransaction.objects.filter(cooperative=cooperative).select_related("member").order_by("-created_at", "-id")[:limit])


# --- wajib arrears ----------------------------------------------------------------------------

STANDING_WAJIB = Q(savings_type=SavingsType.WAJIB, direction=Direction.DEPOSIT, reversals__isnull=True) & ~Q(kind=TransactionKind.REVERSAL)
PAID_WAJIB = STANDING_WAJIB & Q(kind=TransactionKind.REGULAR)


def _prefixed(condition: Q, prefix: str) -> Q:
    """The same condition seen from a related model (`prefix__field`)."""
    out = Q()
    out.connector, out.negated = condition.connector, condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            out.children.append(_prefixed(child, prefix))
        else:
            out.children.append((f"{prefix}__{child[0]}", child[1]))
    return out


def cooperative_wajib_start(*, cooperative) -> date | None:
    """The cooperative's first wajib month in the portal: the earliest period of a standing wajib
    deposit or month of an opening balance, of anyone; None when there is neither. One query."""
    found = SavingsTransaction.objects.filter(cooperative=cooperative).aggregate(
        period=Min("period", filter=STANDING_WAJIB), opening=Min("date", filter=Q(kind=TransactionKind.OPENING)),
    )
    months = [d.replace(day=1) for d in found.values() if d is not None]
    return min(months) if months else None


@dataclass
class Arrears:
    member: Member
    start: date | None  # first month owed; None: nothing to judge by yet
    months_due: int
    months_paid: int
    monthly: Decimal
    last_paid: date | None = None
    unpaid: list = field(default_factory=list)  # the months themselves, when asked for

    @property
    def months_unpaid(self) -> int:
        return max(0, self.months_due - self.months_paid)

    @property
    def amount(self) -> Decimal:
        return self.monthly * self.months_unpaid


def _start_month(member, own_period, own_opening, cooperative_start) -> date | None:
    """The rule above: max(joined month, where the member's wajib history begins)."""
    if own_opening is not None:
        begins = min(d.replace(day=1) for d in (own_opening, own_period) if d is not None)
    else:
        begins = cooperative_start
    if begins is None:
        return None
    return max(member.joined_on.replace(day=1), begins)


def _months_due(start, today) -> int:
    if start is None:
        return 0
    return max(0, month_index(today) - month_index(start) + 1)


def _with_wajib_facts(members, current: date):
    """Annotate members with what the arrears rule needs, in the same query."""
    st = "savings_transactions"
    paid = _prefixed(PAID_WAJIB, st)
    return members.annotate(
        own_period=Min(f"{st}__period", filter=_prefixed(STANDING_WAJIB, st)),
        own_opening=Min(f"{st}__date", filter=Q(**{f"{st}__kind": TransactionKind.OPENING})),
        paid_months=Count(f"{st}__period", distinct=True, filter=paid & Q(**{
            f"{st}__period__lte": current, f"{st}__period__gte": TruncMonth("joined_on")})),
        last_paid=Max(f"{st}__period", filter=paid),
    )


ARREARS_ORDERS = ("months", "-months", "number", "name")


@scoped
def arrears_list(*, cooperative, today: date | None = None, order: str = "-months", min_months: int = 1) -> list[Arrears]:
    """Active members behind on wajib by at least `min_months`, in `order` (-months: most months
    first; months; number; name). Two queries whatever the number of members."""
    today = today or timezone.localdate()
    monthly = cooperative.simpanan_wajib_monthly_amount or ZERO
    if monthly <= 0:
        return []
    start_of_all = cooperative_wajib_start(cooperative=cooperative)
    members = _with_wajib_facts(Member.objects.filter(cooperative=cooperative, status=MemberStatus.ACTIVE), today.replace(day=1))
    rows = []
    for member in members:
        start = _start_month(member, member.own_period, member.own_opening, start_of_all)
        row = Arrears(member, start, _months_due(start, today), member.paid_months, monthly, member.last_paid)
        if row.months_unpaid >= max(1, min_months):
            rows.append(row)
    keys = {
        "months": lambda r: (r.months_unpaid, r.member.number),
        "-months": lambda r: (-r.months_unpaid, r.member.number),
        "number": lambda r: r.member.number,
        "name": lambda r: (r.member.full_name.casefold(), r.member.number),
    }
    rows.sort(key=keys.get(order, keys["-months"]))
    return rows


def _first(transactions, field):
    return Subquery(transactions.filter(**{f"{field}__isnull": False}).order_by(field).values(field)[:1])


def _balance(savings_type):
    from django.db.models import Value
    from django.db.models.functions import Coalesce

    return Coalesce(
        Subquery(SavingsBalance.objects.filter(member=OuterRef("pk"), savings_type=savings_type).values("balance")[:1]),
        Value(ZERO), output_field=MONEY,
    )


@scoped
def member_with_savings(*, cooperative, number: str):
    """The member by number with their balance per type (`balance_pokok`, …) and the facts the
    arrears rule needs (where their wajib history and the cooperative's begin), or None. One query."""
    own = SavingsTransaction.objects.filter(member=OuterRef("pk"))
    everyone = SavingsTransaction.objects.filter(cooperative=cooperative)
    member = (
        Member.objects.filter(cooperative=cooperative, number=number)
        .annotate(
            **{f"balance_{t}": _balance(t) for t in TYPES},
            own_period=_first(own.filter(STANDING_WAJIB), "period"),
            own_opening=_first(own.filter(kind=TransactionKind.OPENING), "date"),
            all_period=_first(everyone.filter(STANDING_WAJIB), "period"),
            all_opening=_first(everyone.filter(kind=TransactionKind.OPENING), "date"),
        )
        .first()
    )
    if member is not None:
        member.cooperative = cooperative  # loaded already: no query for it
    return member


def balances_of(member) -> dict:
    """{type: balance, "total": …} of a member from `member_with_savings`."""
    balances = {t: getattr(member, f"balance_{t}") for t in TYPES}
    balances["total"] = sum(balances.values(), ZERO)
    return balances


@scoped
def member_arrears(*, cooperative, member, today: date | None = None) -> Arrears:
    """One member's wajib arrears with the unpaid months listed (oldest first). One query for a
    member from `member_with_savings`, two for any other."""
    today = today or timezone.localdate()
    monthly = cooperative.simpanan_wajib_monthly_amount or ZERO
    transactions = SavingsTransaction.objects.filter(cooperative=cooperative)
    names = ("own_period", "own_opening", "all_period", "all_opening")
    if all(hasattr(member, name) for name in names):
        facts = {name: getattr(member, name) for name in names}
    else:  # e.g. a member from arrears_list(), which carries only its own facts
        facts = transactions.aggregate(
            all_period=Min("period", filter=STANDING_WAJIB),
            all_opening=Min("date", filter=Q(kind=TransactionKind.OPENING)),
            own_period=Min("period", filter=STANDING_WAJIB & Q(member=member)),
            own_opening=Min("date", filter=Q(kind=TransactionKind.OPENING, member=member)),
        )
    everyone = [d.replace(day=1) for d in (facts["all_period"], facts["all_opening"]) if d is not None]
    start = _start_month(member, facts["own_period"], facts["own_opening"], min(everyone) if everyone else None)
    paid = set(transactions.filter(PAID_WAJIB, member=member).order_by().values_list("period", flat=True).distinct())
    last_paid = max(paid) if paid else None
    if monthly <= 0 or member.status != MemberStatus.ACTIVE:
        return Arrears(member, start, 0, 0, monthly, last_paid)
    due = _months_due(start, today)
    months = [month_of(month_index(start) + i) for i in range(due)] if start else []
    unpaid = [m for m in months if m not in paid]
    return Arrears(member, start, due, due - len(unpaid), monthly, last_paid, unpaid)


# --- the monthly collection ---------------------------------------------------------------------

@dataclass
class CollectionRow:
    member: Member
    paid_number: str | None  # receipt of this month's wajib, when paid


@scoped
def collection_list(*, cooperative, period: date, search: str = "") -> list[CollectionRow]:
    """Active members who had joined by the end of `period`'s month, by number, each with the
    receipt of their wajib for that month if paid. One query."""
    period = period.replace(day=1)
    next_month = month_of(month_index(period) + 1)
    paid = SavingsTransaction.objects.filter(PAID_WAJIB, member=OuterRef("pk"), period=period).order_by("id").values("number")[:1]
    members = (
        selectors.member_list(cooperative=cooperative, search=search, status=MemberStatus.ACTIVE)
        .filter(joined_on__lt=next_month)
        .annotate(paid_number=Subquery(paid))
        .only("number", "full_name", "joined_on", "status", "cooperative_id")
    )
    return [CollectionRow(m, m.paid_number) for m in members]

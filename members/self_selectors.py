"""Reads for a member's own pages (/c/<slug>/saya/…) and the /api/v1/me/ API.

Every read starts from the register row linked to the logged-in user in one cooperative
(`own_member`), and every later query filters by that row: a member never reaches another
member's data, and there is no member number in these URLs to change.

SHU received and published RAT papers come from the RAT (meetings) app, which sits above
`members` in the import chain: it registers a source here (`register_shu_source`,
`register_paper_source`) from its AppConfig.ready(), as `members` does for roles in
cooperatives.access. Without a source the pages show their empty state and cost no query.
Each source gets the member and returns rows; it must cost at most one query (the member
page budget is 8 queries: 5 before the view, the member row, the latest transactions, and the
SHU source meetings registers).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, DecimalField, F, OuterRef, Subquery, Sum, Value, When, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from django_scopes import scopes_disabled

from cooperatives.tenancy import scoped

from .models import Direction, Member, MemberStatus, SavingsBalance, SavingsTransaction, SavingsType, TransactionKind

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=18, decimal_places=2)
PASSBOOK_PAGE = 20
LATEST = 5


def _balance_of(savings_type):
    return Coalesce(
        Subquery(SavingsBalance.objects.filter(member=OuterRef("pk"), savings_type=savings_type).values("balance")[:1]),
        Value(ZERO), output_field=MONEY,
    )


def _with_balances(members):
    return members.annotate(**{f"balance_{t}": _balance_of(t) for t in SavingsType.values})


@dataclass
class Balance:
    savings_type: str
    label: str
    amount: Decimal


def balances_of(member) -> list[Balance]:
    """The balances annotated by `own_member` / `memberships_with_balances`, in type order."""
    return [Balance(t, SavingsType(t).label, getattr(member, f"balance_{t}", ZERO)) for t in SavingsType.values]


@scoped
def own_member(*, cooperative, user, today=None):
    """The user's own active register row in this cooperative, with its balance per savings
    type and what `wajib_arrears` needs (one query), or None. Everything on the member's pages
    is read through it."""
    if not getattr(user, "is_authenticated", False):
        return None
    today = today or timezone.localdate()
    member = _with_wajib_facts(_with_balances(
        Member.objects.filter(cooperative=cooperative, user=user, status=MemberStatus.ACTIVE)
    ), today).first()
    if member is not None:
        member.cooperative = cooperative  # already loaded by the middleware: no query for it
    return member


# --- wajib arrears -------------------------------------------------------------------------
# The savings engineer's rule (members/savings_selectors.py, docs/ARCHITECTURE.md "Savings"), so
# the member sees what the manager's arrears list says; read here as annotations on the member's
# own row, so the dashboard pays no query for it.

def _with_wajib_facts(members, today):
    from .savings_selectors import STANDING_WAJIB, _with_wajib_facts as savings_wajib_facts

    everyone = SavingsTransaction.objects.filter(cooperative=OuterRef("cooperative"))
    return savings_wajib_facts(members, today.replace(day=1)).annotate(
        wajib_start_of_all=Subquery(everyone.filter(STANDING_WAJIB, period__isnull=False).order_by("period").values("period")[:1]),
        opening_start_of_all=Subquery(everyone.filter(kind=TransactionKind.OPENING).order_by("date").values("date")[:1]),
    )


def wajib_arrears(*, member, today=None):
    """The member's wajib arrears (savings_selectors.Arrears: months_unpaid, amount, last_paid)
    from the facts `own_member` annotated. No query."""
    from .savings_selectors import Arrears, _months_due, _start_month

    today = today or timezone.localdate()
    monthly = member.cooperative.simpanan_wajib_monthly_amount or ZERO
    everyone = [d.replace(day=1) for d in (member.wajib_start_of_all, member.opening_start_of_all) if d is not None]
    start = _start_month(member, member.own_period, member.own_opening, min(everyone) if everyone else None)
    if monthly <= 0:
        return Arrears(member, start, 0, 0, ZERO, member.last_paid)
    return Arrears(member, start, _months_due(start, today), member.paid_months, monthly, member.last_paid)


# --- passbook (mutasi) ----------------------------------------------------------------------

def _signed():
    return Case(When(direction=Direction.DEPOSIT, then=F("amount")), default=-F("amount"), output_field=MONEY)


def _with_running_balance(transactions):
    """Each transaction's balance of its savings type after it, in date order (a window sum), so
    a transaction recorded later for an earlier date still reads right in the passbook."""
    return transactions.annotate(running=Window(
        Sum(_signed()), partition_by=[F("savings_type")], order_by=[F("date").asc(), F("id").asc()],
    ))


@scoped
def latest_transactions(*, cooperative, member, limit=LATEST) -> list[SavingsTransaction]:
    return list(_with_running_balance(SavingsTransaction.objects.filter(cooperative=cooperative, member=member))
                .order_by("-date", "-id")[:limit])


@dataclass
class PassbookPage:
    rows: list
    number: int
    has_next: bool
    savings_type: str  # "" for every type

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def next_number(self):
        return self.number + 1

    @property
    def previous_number(self):
        return self.number - 1


@scoped
def passbook(*, cooperative, member, page=1, savings_type="", per_page=PASSBOOK_PAGE) -> PassbookPage:
    """One page of the member's transactions, newest first, with running balances. One query:
    no COUNT; one row more than the page tells whether there is a next page."""
    try:
        page = max(1, min(int(page), 100000))
    except (TypeError, ValueError):
        page = 1
    transactions = SavingsTransaction.objects.filter(cooperative=cooperative, member=member)
    if savings_type in SavingsType.values:
        transactions = transactions.filter(savings_type=savings_type)
    else:
        savings_type = ""
    offset = (page - 1) * per_page
    rows = list(_with_running_balance(transactions).order_by("-date", "-id")[offset:offset + per_page + 1])
    return PassbookPage(rows[:per_page], page, len(rows) > per_page, savings_type)


# --- filled by the RAT issue -----------------------------------------------------------------

@dataclass
class ShuReceived:
    book_year: int
    amount: Decimal
    note: str = ""  # e.g. "credited to simpanan sukarela"
    url: str = ""  # the page that shows how it was computed


@dataclass
class PublishedPaper:
    title: str
    book_year: int
    url: str
    published_on: date | None = None


_shu_sources = []
_paper_sources = []


def register_shu_source(source):
    """`source(member)` returns a list of ShuReceived for that member (RAT issue)."""
    if source not in _shu_sources:
        _shu_sources.append(source)


def register_paper_source(source):
    """`source(member)` returns the PublishedPaper list a member may read (RAT issue)."""
    if source not in _paper_sources:
        _paper_sources.append(source)


@scoped
def shu_received(*, cooperative, member) -> list[ShuReceived]:
    rows = [row for source in _shu_sources for row in source(member)]
    return sorted(rows, key=lambda r: r.book_year, reverse=True)


@scoped
def published_papers(*, cooperative, member) -> list[PublishedPaper]:
    rows = [row for source in _paper_sources for row in source(member)]
    return sorted(rows, key=lambda r: (r.book_year, r.published_on or date.min), reverse=True)


# --- across cooperatives, for the user themself ------------------------------------------------

def memberships_with_balances(user) -> list[Member]:
    """The user's own register rows in every cooperative, with balances per type: one query.

    A cross-cooperative read (scopes disabled), filtered by the user: it can only reveal the
    user's own memberships (see docs/ARCHITECTURE.md)."""
    if not getattr(user, "is_authenticated", False):
        return []
    with scopes_disabled():
        return list(
            _with_balances(Member.objects.filter(user=user)).select_related("cooperative").order_by("cooperative__name", "pk")
        )

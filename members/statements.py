"""A member's savings statement (rekening koran simpanan) for one month or one calendar year:
per savings type the opening balance, every transaction and the closing balance; as an A4 PDF
(WeasyPrint, offline like ledger/exports) the member downloads from /c/<slug>/saya/laporan/.

Each download is an export of personal (financial) data: `statement_record_export` writes it
to the audit trail (UU 27/2022, DESIGN.md §10)."""

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cooperatives.tenancy import scoped
from ledger.exports.document import Identity, identity_of, place_and_date
from portal.audit import audit_record
from portal.formatting import format_date, format_month

from .models import Direction, SavingsTransaction, SavingsType
from .self_selectors import MONEY, _signed

ZERO = Decimal("0")
TEMPLATE = "members/self/statement_print.html"
CONTENT_TYPE = "application/pdf"


@dataclass
class StatementLine:
    date: date
    number: str
    description: str
    deposit: Decimal | None
    withdrawal: Decimal | None
    balance: Decimal


@dataclass
class StatementSection:
    savings_type: str
    label: str
    opening: Decimal
    lines: list = field(default_factory=list)
    total_in: Decimal = ZERO
    total_out: Decimal = ZERO

    @property
    def closing(self):
        return self.opening + self.total_in - self.total_out


@dataclass
class Statement:
    identity: Identity
    member_name: str
    member_number: str
    date_from: date
    date_to: date
    period: str
    sections: list
    place_date: str
    printed_at: str

    @property
    def total_closing(self):
        return sum((s.closing for s in self.sections), ZERO)

    def filename(self, slug) -> str:
        return f"rekening-simpanan-{slugify(slug)}-{slugify(self.member_number)}-{self.date_from.isoformat()}-{self.date_to.isoformat()}.pdf"


def statement_period(*, member, year, month=None, today=None) -> tuple[date, date, str]:
    """(first day, last day, label) of the month or calendar year asked for; ValidationError per
    field when it is not a number, in the future or before the member joined."""
    today = today or timezone.localdate()
    errors = {}
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Choose a year.")})
    if month in (None, ""):
        month = None
    else:
        try:
            month = int(str(month).strip())
        except (TypeError, ValueError):
            raise ValidationError({"month": _("Choose a month, or the whole year.")})
        if not 1 <= month <= 12:
            raise ValidationError({"month": _("Choose a month, or the whole year.")})
    if year > today.year or (month and (year, month) > (today.year, today.month)):
        errors["month" if month and year == today.year else "year"] = _("The period is in the future.")
    elif year < member.joined_on.year or (month and (year, month) < (member.joined_on.year, member.joined_on.month)):
        errors["month" if month and year == member.joined_on.year else "year"] = _(
            "You joined on %(date)s; choose a later period.") % {"date": format_date(member.joined_on)}
    if errors:
        raise ValidationError(errors)
    if month:
        start = date(year, month, 1)
        end = date(year, month, calendar.monthrange(year, month)[1])
        label = format_month(year, month)
    else:
        start, end, label = date(year, 1, 1), date(year, 12, 31), str(year)
    return start, end, label


@scoped
def statement_build(*, cooperative, member, date_from: date, date_to: date, period: str) -> Statement:
    """Two queries: the opening balance of every type, then the period's transactions."""
    mine = SavingsTransaction.objects.filter(cooperative=cooperative, member=member)
    opening = {t: ZERO for t in SavingsType.values}
    for row in mine.filter(date__lt=date_from).values("savings_type").annotate(total=Sum(_signed(), output_field=MONEY)).order_by():
        opening[row["savings_type"]] = row["total"] or ZERO
    sections = {t: StatementSection(t, SavingsType(t).label, opening[t]) for t in SavingsType.values}
    running = dict(opening)
    for txn in mine.filter(date__gte=date_from, date__lte=date_to).order_by("date", "id"):
        section = sections[txn.savings_type]
        if txn.direction == Direction.DEPOSIT:
            running[txn.savings_type] += txn.amount
            section.total_in += txn.amount
            deposit, withdrawal = txn.amount, None
        else:
            running[txn.savings_type] -= txn.amount
            section.total_out += txn.amount
            deposit, withdrawal = None, txn.amount
        section.lines.append(StatementLine(txn.date, txn.number, txn.description or txn.get_kind_display(), deposit,
                                           withdrawal, running[txn.savings_type]))
    return Statement(
        identity=identity_of(cooperative), member_name=member.full_name, member_number=member.number,
        date_from=date_from, date_to=date_to, period=period, sections=list(sections.values()),
        place_date=place_and_date(), printed_at=format_date(timezone.localdate(), long=True),
    )


def render_statement_html(statement: Statement, *, request=None) -> str:
    return render_to_string(TEMPLATE, {"statement": statement}, request=request)


def render_statement_pdf(statement: Statement, *, request=None) -> bytes:
    from weasyprint import HTML

    from ledger.exports.pdf import OfflineURLFetcher

    return HTML(string=render_statement_html(statement, request=request), base_url=None,
                url_fetcher=OfflineURLFetcher()).write_pdf()


@transaction.atomic
def statement_record_export(*, actor, member, date_from: date, date_to: date):
    """The member downloaded their own statement: an export of personal data, audited."""
    return audit_record(actor=actor, action="member.statement_export", cooperative=member.cooperative, obj=member, changes={
        "period": [None, f"{date_from.isoformat()}/{date_to.isoformat()}"], "by": [None, "member"],
    })


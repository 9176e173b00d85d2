"""Receipts (bukti setoran / penarikan simpanan): one per savings transaction, as a page and as
an A5 PDF; a wajib collection prints all its receipts in one PDF, one A5 page each.

The receipt carries the cooperative's identity (as on the ledger's reports), the member, the
savings type, the amount in figures and in Indonesian words (portal.terbilang), the balance
after, the journal entry it posted, who recorded it, and lines to sign. WeasyPrint renders it
offline, like the ledger's exports: nothing is fetched from anywhere.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from weasyprint import HTML

from ledger.exports.document import Identity, identity_of, place_and_date
from ledger.exports.pdf import OfflineURLFetcher
from ledger.models import JournalLine
from portal.formatting import format_month
from portal.terbilang import terbilang_rupiah

from .models import CONTROL_ACCOUNT_PURPOSE, Direction, SavingsTransaction, SavingsType, TransactionKind

CONTENT_TYPE = "application/pdf"
PRINT_TEMPLATE = "members/savings/receipt_print.html"


@dataclass
class Receipt:
    identity: Identity
    number: str
    title: str
    date: date
    member_number: str
    member_name: str
    savings_type: str
    type_label: str
    direction: str
    kind: str
    kind_label: str
    amount: Decimal
    amount_in_words: str
    balance_after: Decimal
    entry_number: str
    recorded_by: str
    recorded_at: datetime | None
    description: str
    place_date: str
    signer_member: str  # the title over the member's signature
    signer_officer: str  # the title over the officer's
    period_label: str = ""
    via: str = ""  # the account money came in or went out through
    reverses_number: str = ""
    reversed_by_number: str = ""

    @property
    def is_deposit(self) -> bool:
        return self.direction == Direction.DEPOSIT


def _title(txn) -> str:
    if txn.kind == TransactionKind.REVERSAL:
        return _("Reversal receipt")
    if txn.kind == TransactionKind.REFUND:
        return _("Savings refund receipt")
    if txn.direction == Direction.DEPOSIT:
        return _("Savings deposit receipt")
    return _("Savings withdrawal receipt")


def _signers(txn) -> tuple[str, str]:
    if txn.direction == Direction.DEPOSIT and txn.kind != TransactionKind.REVERSAL:
        return _("Depositor"), _("Received by (officer)")
    if txn.kind == TransactionKind.REVERSAL:
        return _("Member"), _("Officer")
    return _("Received by (member)"), _("Paid by (officer)")


def _via_by_entry(transactions) -> dict[int, str]:
    """{entry id: name of the account on the other side of the savings account}. One query."""
    controls = set(CONTROL_ACCOUNT_PURPOSE.values())
    entry_ids = {t.journal_entry_id for t in transactions}
    found = {}
    lines = (JournalLine.objects.filter(entry_id__in=entry_ids).select_related("account").order_by("entry_id", "id"))
    for line in lines:
        if line.account.purpose not in controls and line.entry_id not in found:
            found[line.entry_id] = line.account.name
    return found


def receipts_for(cooperative, transactions: list[SavingsTransaction]) -> list[Receipt]:
    """Receipts of transactions loaded with member, journal_entry, reverses and created_by
    (and `reversed_by_number` annotated). Two queries whatever their number: the lines of
    their entries, and the cooperative's region names when not loaded yet."""
    transactions = list(transactions)
    if not transactions:
        return []
    identity = identity_of(cooperative)
    via = _via_by_entry(transactions)
    out = []
    for txn in transactions:
        member_title, officer_title = _signers(txn)
        recorder = txn.created_by
        out.append(Receipt(
            identity=identity, number=txn.number, title=_title(txn), date=txn.date,
            member_number=txn.member.number, member_name=txn.member.full_name,
            savings_type=txn.savings_type, type_label=str(SavingsType(txn.savings_type).label),
            direction=txn.direction, kind=txn.kind, kind_label=str(TransactionKind(txn.kind).label),
            amount=txn.amount, amount_in_words=terbilang_rupiah(txn.amount), balance_after=txn.balance_after,
            entry_number=txn.journal_entry.number or "", recorded_by=(recorder.full_name or str(recorder)) if recorder else "",
            recorded_at=txn.created_at, description=txn.description, place_date=place_and_date(txn.date),
            signer_member=member_title, signer_officer=officer_title,
            period_label=format_month(txn.period.year, txn.period.month) if txn.period else "",
            via=via.get(txn.journal_entry_id, ""),
            reverses_number=txn.reverses.number if txn.reverses_id else "",
            reversed_by_number=getattr(txn, "reversed_by_number", None) or "",
        ))
    return out


def render_html(receipts: list[Receipt], *, title: str = "", request=None) -> str:
    return render_to_string(PRINT_TEMPLATE, {"receipts": receipts, "title": title or receipts[0].title}, request=request)


def render_document(receipts: list[Receipt], *, title: str = "", request=None):
    """The laid-out WeasyPrint document (its pages), fetching nothing from anywhere."""
    html = render_html(receipts, title=title, request=request)
    return HTML(string=html, base_url=None, url_fetcher=OfflineURLFetcher()).render()


def render_pdf(receipts: list[Receipt], *, title: str = "", request=None) -> bytes:
    """The receipts as an A5 PDF, one page each."""
    return render_document(receipts, title=title, request=request).write_pdf()


def filename(slug: str, name: str) -> str:
    return f"bukti-{slugify(slug)}-{slugify(name)}.pdf"


def receipt_record_export(*, actor, cooperative, transactions, entry=""):
    """Receipts name the member and their balance: a download is an export of personal
    (financial) data, audited (UU 27/2022, DESIGN.md §10). One receipt: recorded against its
    member; a collection: the entry number and how many receipts it held."""
    from portal.audit import audit_record

    transactions = list(transactions)
    changes = {"receipts": [None, [t.number for t in transactions][:50]], "rows": [None, len(transactions)]}
    if entry:
        changes["entry"] = [None, entry]
    member = transactions[0].member if len(transactions) == 1 else None
    return audit_record(actor=actor, action="savings.receipt_export", cooperative=cooperative, obj=member, changes=changes)

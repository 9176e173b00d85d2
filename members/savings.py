"""Savings (simpanan pokok, wajib, sukarela): writes. Each transaction posts its balanced
journal entry (cash or bank against the savings control account) through ledger.services in
the same database transaction, and keeps the member's balance (the subsidiary ledger).

Lock order, always: the members' balance rows (by member id), then the ledger (book year,
counters, rollup). Balances never go below zero: checked here under the row lock and by a
CHECK constraint in the database.
"""

from dataclasses import dataclass
from datetime import date as date_type
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_scopes import scope

from city.figures import MEMBERS, schedule_refresh
from cooperatives.services import counter_next
from ledger import services as ledger
from ledger.models import Account, EntryKind
from portal.audit import audit_record
from portal.formatting import format_date, format_month, format_rupiah

from .models import (
    CONTROL_ACCOUNT_PURPOSE, Direction, Member, MemberStatus, SavingsBalance, SavingsTransaction, SavingsType,
    TransactionKind,
)

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999999999.99")
PAYMENT_ACCOUNTS = ("cash", "bank")  # purposes of the accounts money may come in or go out through


def parse_amount(value, field="amount") -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter an amount in Rupiah, e.g. 25000.")})
    if not amount.is_finite():
        raise ValidationError({field: _("Enter an amount in Rupiah, e.g. 25000.")})
    if amount <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")})
    if amount > MAX_AMOUNT:  # before quantize, which overflows on huge numbers
        raise ValidationError({field: _("The amount is too large.")})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: _("The amount can have at most 2 decimals.")})
    return amount


def _account(cooperative, purpose) -> Account:
    account = Account.objects.filter(cooperative=cooperative, purpose=purpose, is_active=True).first()
    if account is None:
        raise ValidationError(_("The chart of accounts has no active account for '%(purpose)s'; ask the bookkeeper.") % {"purpose": purpose})
    return account


def _payment_account(cooperative, via) -> Account:
    if via not in PAYMENT_ACCOUNTS:
        raise ValidationError({"via": _("Choose cash or bank.")})
    return _account(cooperative, via)


def _check_date(member, day):
    if not isinstance(day, date_type):
        raise ValidationError({"date": _("Enter a valid date.")})
    if day > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if day < member.joined_on:
        raise ValidationError({"date": _("The date is before %(name)s joined (%(date)s).") % {"name": member.full_name, "date": format_date(member.joined_on)}})


MAX_MONTHS_AHEAD = 12  # wajib may be paid in advance, up to a year


def _month_index(day) -> int:
    return day.year * 12 + day.month - 1


def _check_period(member, period, day):
    """The month a wajib payment is for: the first of the month, not before the member joined,
    at most a year after the payment date."""
    if not isinstance(period, date_type):
        raise ValidationError({"period": _("Enter a valid month.")})
    period = period.replace(day=1)
    if period < member.joined_on.replace(day=1):
        raise ValidationError({"period": _("%(month)s is before %(name)s joined (%(date)s).") % {
            "month": format_month(period.year, period.month), "name": member.full_name, "date": format_date(member.joined_on)}})
    if _month_index(period) - _month_index(day) > MAX_MONTHS_AHEAD:
        raise ValidationError({"period": _("Wajib can be paid at most %(n)s months in advance.") % {"n": MAX_MONTHS_AHEAD}})
    return period


def _wajib_paid(member, period) -> bool:
    """Whether a regular wajib deposit for this month stands (not reversed)."""
    return SavingsTransaction.objects.filter(
        member=member, savings_type=SavingsType.WAJIB, period=period, direction=Direction.DEPOSIT,
        kind=TransactionKind.REGULAR, reversals__isnull=True,
    ).exists()


def _locked_balances(cooperative, members_and_types):
    """Balance rows for (member, type) pairs, created if missing, locked in member-id order."""
    pairs = sorted({(m.pk, t) for m, t in members_and_types})
    SavingsBalance.objects.bulk_create(
        [SavingsBalance(cooperative=cooperative, member_id=m, savings_type=t) for m, t in pairs], ignore_conflicts=True,
    )
    rows = SavingsBalance.objects.select_for_update().filter(
        member_id__in=[m for m, _ in pairs], savings_type__in=[t for _, t in pairs]
    ).order_by("member_id", "savings_type")
    return {(row.member_id, row.savings_type): row for row in rows}


def _receipt_number(cooperative, day) -> str:
    return f"SMP-{day.year}-{counter_next(cooperative=cooperative, name=f'savings:{day.year}'):06d}"


def _record(*, actor, member, balance_row, savings_type, direction, kind, amount, day, entry, description="", period=None, reverses=None):
    delta = amount if direction == Direction.DEPOSIT else -amount
    balance_row.balance += delta
    if balance_row.balance < 0:  # the callers check first; this guards the invariant itself
        raise ValidationError({"amount": _("The balance cannot go below zero.")})
    balance_row.save(update_fields=["balance"])
    return SavingsTransaction.objects.create(
        cooperative=member.cooperative, number=_receipt_number(member.cooperative, day), member=member,
        savings_type=savings_type, direction=direction, kind=kind, amount=amount, date=day, period=period,
        description=description[:200], journal_entry=entry, reverses=reverses, balance_after=balance_row.balance,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _label(savings_type):
    return SavingsType(savings_type).label


@transaction.atomic
def savings_deposit(*, actor, member: Member, savings_type: str, amount, date, via="cash", period=None,
                    description="", kind=TransactionKind.REGULAR, counter_account=None) -> SavingsTransaction:
    """A member pays in. `period` (a month) is kept for wajib so arrears can be computed.
    `counter_account` overrides cash/bank (e.g. an opening balance or an SHU credit)."""
    cooperative = member.cooperative
    if savings_type not in SavingsType.values:
        raise ValidationError({"savings_type": _("Choose pokok, wajib or sukarela.")})
    amount = parse_amount(amount)
    with scope(cooperative=cooperative):
        member = Member.objects.get(pk=member.pk)
        if member.status != MemberStatus.ACTIVE:
            raise ValidationError(_("%(name)s has left the cooperative; no more deposits.") % {"name": member.full_name})
        _check_date(member, date)
        if period is not None and savings_type != SavingsType.WAJIB:
            raise ValidationError({"period": _("Only simpanan wajib is paid for a month.")})
        if savings_type == SavingsType.WAJIB:
            period = _check_period(member, period or date, date)
        balances = _locked_balances(cooperative, [(member, savings_type)])
        if savings_type == SavingsType.WAJIB and kind == TransactionKind.REGULAR and _wajib_paid(member, period):
            raise ValidationError({"period": _("%(name)s already paid wajib for %(month)s.") % {
                "name": member.full_name, "month": format_month(period.year, period.month)}})
        pokok_amount = cooperative.simpanan_pokok_amount
        if savings_type == SavingsType.POKOK and pokok_amount > 0:
            paid = balances[(member.pk, savings_type)].balance
            if paid >= pokok_amount:
                raise ValidationError({"savings_type": _("%(name)s has already paid the full simpanan pokok (%(amount)s).") % {
                    "name": member.full_name, "amount": format_rupiah(pokok_amount)}})
            if kind == TransactionKind.REGULAR and paid + amount > pokok_amount:
                raise ValidationError({"amount": _("Simpanan pokok is %(amount)s; %(name)s still owes %(rest)s, not more.") % {
                    "amount": format_rupiah(pokok_amount), "name": member.full_name, "rest": format_rupiah(pokok_amount - paid)}})
        debit_account = counter_account or _payment_account(cooperative, via)
        control = _account(cooperative, CONTROL_ACCOUNT_PURPOSE[savings_type])
        text = description or _("%(type)s of %(name)s (%(number)s)") % {"type": _label(savings_type), "name": member.full_name, "number": member.number}
        if period is not None and savings_type == SavingsType.WAJIB and not description:
            text += " " + format_month(period.year, period.month)
        entry = ledger.entry_post(subsidiary=True, 
            actor=actor, cooperative=cooperative, date=date, description=text,
            kind=EntryKind.OPENING if kind == TransactionKind.OPENING else EntryKind.REGULAR,
            lines=[{"account": debit_account, "debit": amount}, {"account": control, "credit": amount}],
        )
        txn = _record(actor=actor, member=member, balance_row=balances[(member.pk, savings_type)], savings_type=savings_type,
                      direction=Direction.DEPOSIT, kind=kind, amount=amount, day=date, entry=entry, description=text, period=period)
        audit_record(actor=actor, action="savings.deposit", cooperative=cooperative, obj=txn, changes={
            "member": [None, member.number], "type": [None, savings_type], "amount": [None, str(amount)], "entry": [None, entry.number]})
    return txn


@transaction.atomic
def savings_withdraw(*, actor, member: Member, savings_type: str, amount, date, via="cash", description="") -> SavingsTransaction:
    """A member takes out sukarela savings; never below zero. Pokok and wajib are only
    refunded when the member leaves (member_leave)."""
    cooperative = member.cooperative
    if savings_type not in SavingsType.values:
        raise ValidationError({"savings_type": _("Choose pokok, wajib or sukarela.")})
    if savings_type != SavingsType.SUKARELA:
        raise ValidationError({"savings_type": _("%(type)s cannot be withdrawn while a member; it is refunded on leaving.") % {"type": _label(savings_type)}})
    amount = parse_amount(amount)
    with scope(cooperative=cooperative):
        member = Member.objects.get(pk=member.pk)
        if member.status != MemberStatus.ACTIVE:
            raise ValidationError(_("%(name)s has left the cooperative.") % {"name": member.full_name})
        _check_date(member, date)
        row = _locked_balances(cooperative, [(member, savings_type)])[(member.pk, savings_type)]
        if amount > row.balance:
            raise ValidationError({"amount": _("The withdrawal is more than the balance (%(balance)s).") % {"balance": format_rupiah(row.balance)}})
        control = _account(cooperative, CONTROL_ACCOUNT_PURPOSE[savings_type])
        text = description or _("Withdrawal of %(type)s by %(name)s (%(number)s)") % {"type": _label(savings_type), "name": member.full_name, "number": member.number}
        entry = ledger.entry_post(subsidiary=True, actor=actor, cooperative=cooperative, date=date, description=text,
                                  lines=[{"account": control, "debit": amount}, {"account": _payment_account(cooperative, via), "credit": amount}])
        txn = _record(actor=actor, member=member, balance_row=row, savings_type=savings_type, direction=Direction.WITHDRAWAL,
                      kind=TransactionKind.REGULAR, amount=amount, day=date, entry=entry, description=text)
        audit_record(actor=actor, action="savings.withdraw", cooperative=cooperative, obj=txn, changes={
            "member": [None, member.number], "type": [None, savings_type], "amount": [None, str(amount)], "entry": [None, entry.number]})
    return txn


@transaction.atomic
def savings_reverse(*, actor, transaction_: SavingsTransaction, date=None, reason="") -> SavingsTransaction:
    """Undo a mistaken transaction with its mirror image (never an edit). A deposit that was
    since withdrawn cannot be reversed below zero."""
    cooperative = transaction_.cooperative
    with scope(cooperative=cooperative):
        original = SavingsTransaction.objects.select_related("member", "journal_entry").get(pk=transaction_.pk)
        if original.kind == TransactionKind.REVERSAL:
            raise ValidationError(_("%(number)s is itself a reversal.") % {"number": original.number})
        if original.kind == TransactionKind.REFUND:
            raise ValidationError(_("A refund on leaving is not reversed here."))
        if SavingsTransaction.objects.filter(reverses=original).exists():
            raise ValidationError(_("%(number)s was already reversed.") % {"number": original.number})
        day = date or timezone.localdate()
        if day < original.date:
            raise ValidationError({"date": _("A reversal cannot be dated before the transaction it reverses.")})
        member = original.member
        row = _locked_balances(cooperative, [(member, original.savings_type)])[(member.pk, original.savings_type)]
        direction = Direction.WITHDRAWAL if original.direction == Direction.DEPOSIT else Direction.DEPOSIT
        if direction == Direction.WITHDRAWAL and original.amount > row.balance:
            raise ValidationError(_("The balance (%(balance)s) is smaller than the deposit; reverse the later withdrawals first.") % {"balance": format_rupiah(row.balance)})
        text = _("Reversal of %(number)s") % {"number": original.number}
        if reason:
            text += f": {reason}"
        siblings = SavingsTransaction.objects.filter(journal_entry=original.journal_entry).count()
        if siblings == 1 and not original.journal_entry.reversals.exists():
            entry = ledger.entry_reverse(subsidiary=True, actor=actor, entry=original.journal_entry, date=day, description=text)
        else:  # part of a combined collection: post the mirror of just this member's line
            lines = [(l.account, l.credit, l.debit) for l in original.journal_entry.lines.select_related("account")]
            control_purpose = CONTROL_ACCOUNT_PURPOSE[original.savings_type]
            control = next(a for a, _d, _c in lines if a.purpose == control_purpose)
            other = next(a for a, _d, _c in lines if a.purpose != control_purpose)
            if original.direction == Direction.DEPOSIT:
                entry_lines = [{"account": control, "debit": original.amount}, {"account": other, "credit": original.amount}]
            else:
                entry_lines = [{"account": other, "debit": original.amount}, {"account": control, "credit": original.amount}]
            entry = ledger.entry_post(subsidiary=True, actor=actor, cooperative=cooperative, date=day, description=text, lines=entry_lines,
                                      reference=original.number)
        txn = _record(actor=actor, member=member, balance_row=row, savings_type=original.savings_type, direction=direction,
                      kind=TransactionKind.REVERSAL, amount=original.amount, day=day, entry=entry, description=text,
                      period=original.period, reverses=original)
        audit_record(actor=actor, action="savings.reverse", cooperative=cooperative, obj=original,
                     changes={"reversed_by": [None, txn.number], "reason": [None, reason]})
    return txn


@transaction.atomic
def wajib_collect(*, actor, cooperative, members, period: date_type, date, via="cash", amount=None) -> list[SavingsTransaction]:
    """The monthly collection at the members' meeting: many members at once, ONE combined
    journal entry (cash total against simpanan wajib), one transaction and receipt per member."""
    amount = parse_amount(amount if amount is not None else cooperative.simpanan_wajib_monthly_amount)
    members = list(members)
    if not members:
        raise ValidationError({"members": _("Tick at least one member.")})
    if not isinstance(period, date_type):
        raise ValidationError({"period": _("Enter a valid month.")})
    if not isinstance(date, date_type):
        raise ValidationError({"date": _("Enter a valid date.")})
    if date > timezone.localdate():  # said once here rather than once per member below
        raise ValidationError({"date": _("The date cannot be in the future.")})
    period = period.replace(day=1)
    with scope(cooperative=cooperative):
        wanted = {m.pk for m in members}
        members = list(Member.objects.filter(pk__in=wanted).order_by("pk"))
        if len(members) != len(wanted):  # another cooperative's member, or one deleted meanwhile
            raise ValidationError({"members": _("Some of the ticked members are not in this cooperative's register.")})
        errors = []
        for member in members:
            if member.status != MemberStatus.ACTIVE:
                errors.append(_("%(name)s has left the cooperative.") % {"name": member.full_name})
            try:
                _check_date(member, date)
                _check_period(member, period, date)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError({"members": errors})
        # Lock first, then look for payments of the month: a collection recorded at the same
        # moment for the same member has committed (or not) by the time we read.
        balances = _locked_balances(cooperative, [(m, SavingsType.WAJIB) for m in members])
        already = (
            SavingsTransaction.objects.filter(member__in=members, savings_type=SavingsType.WAJIB, period=period,
                                              direction=Direction.DEPOSIT, kind=TransactionKind.REGULAR, reversals__isnull=True)
            .values_list("member__full_name", flat=True).order_by("member__full_name", "member_id").distinct()
        )
        for name in already:
            errors.append(_("%(name)s already paid wajib for %(month)s.") % {"name": name, "month": format_month(period.year, period.month)})
        if errors:
            raise ValidationError({"members": errors})
        total = amount * len(members)
        entry = ledger.entry_post(subsidiary=True, 
            actor=actor, cooperative=cooperative, date=date,
            description=_("Simpanan wajib %(month)s, %(n)s members") % {"month": format_month(period.year, period.month), "n": len(members)},
            lines=[{"account": _payment_account(cooperative, via), "debit": total},
                   {"account": _account(cooperative, CONTROL_ACCOUNT_PURPOSE[SavingsType.WAJIB]), "credit": total}],
        )
        transactions = [
            _record(actor=actor, member=m, balance_row=balances[(m.pk, SavingsType.WAJIB)], savings_type=SavingsType.WAJIB,
                    direction=Direction.DEPOSIT, kind=TransactionKind.REGULAR, amount=amount, day=date, entry=entry,
                    description=_("Simpanan wajib %(month)s") % {"month": format_month(period.year, period.month)}, period=period)
            for m in members
        ]
        audit_record(actor=actor, action="savings.wajib_collect", cooperative=cooperative, obj=entry, changes={
            "members": [None, len(members)], "period": [None, period.isoformat()], "total": [None, str(total)]})
    return transactions


@dataclass
class Refund:
    savings_type: str
    label: str
    balance: Decimal


def leaving_refund_preview(*, member) -> list[Refund]:
    """What the member gets back on leaving: every savings balance (no loans module yet, so
    nothing is offset; the manager sees this before confirming)."""
    with scope(cooperative=member.cooperative):
        balances = {b.savings_type: b.balance for b in SavingsBalance.objects.filter(member=member)}
    return [Refund(t, SavingsType(t).label, balances.get(t, Decimal("0"))) for t in SavingsType.values]


@transaction.atomic
def member_leave(*, actor, member: Member, reason: str, date, note="", via="cash") -> list[SavingsTransaction]:
    """Mark a member as left and refund pokok + wajib + sukarela in one journal entry. The member
    stays in the register."""
    from .models import LeavingReason

    cooperative = member.cooperative
    if reason not in LeavingReason.values:
        raise ValidationError({"reason": _("Choose why the member leaves.")})
    with scope(cooperative=cooperative):
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.status != MemberStatus.ACTIVE:
            raise ValidationError(_("%(name)s has already left.") % {"name": member.full_name})
        _check_date(member, date)
        rows = _locked_balances(cooperative, [(member, t) for t in SavingsType.values])
        positive = [(t, rows[(member.pk, t)]) for t in SavingsType.values if rows[(member.pk, t)].balance > 0]
        transactions = []
        if positive:
            total = sum((row.balance for _, row in positive), Decimal("0"))
            lines = [{"account": _account(cooperative, CONTROL_ACCOUNT_PURPOSE[t]), "debit": row.balance} for t, row in positive]
            lines.append({"account": _payment_account(cooperative, via), "credit": total})
            entry = ledger.entry_post(subsidiary=True, actor=actor, cooperative=cooperative, date=date, lines=lines,
                                      description=_("Refund of savings to %(name)s (%(number)s) on leaving") % {"name": member.full_name, "number": member.number})
            for savings_type, row in positive:
                transactions.append(_record(
                    actor=actor, member=member, balance_row=row, savings_type=savings_type, direction=Direction.WITHDRAWAL,
                    kind=TransactionKind.REFUND, amount=row.balance, day=date, entry=entry,
                    description=_("Refund on leaving"),
                ))
        member.status = MemberStatus.LEFT
        member.left_on, member.left_reason, member.left_note = date, reason, (note or "")[:300]
        member.save(update_fields=["status", "left_on", "left_reason", "left_note", "updated_at"])
        schedule_refresh(cooperative, {MEMBERS})
        audit_record(actor=actor, action="member.leave", cooperative=cooperative, obj=member, changes={
            "status": ["active", "left"], "reason": [None, reason], "refund": [None, str(sum((t.amount for t in transactions), Decimal("0")))]})
    if member.user_id:
        from cooperatives.access import forget_cached_roles

        forget_cached_roles(member.user)
    return transactions

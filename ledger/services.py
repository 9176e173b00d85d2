"""Writes to the books. Every function is one transaction, validates with messages a
bookkeeper understands, writes its audit event, and keeps the balance rollup current."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from django_scopes import scope

from city.figures import LEDGER, schedule_refresh
from cooperatives.book_years import book_year_end, book_year_of
from cooperatives.services import counter_next
from portal.audit import audit_record
from portal.formatting import format_date, format_rupiah

from .charts import template_for
from .models import (
    CLOSING_PERIOD, Account, AccountBalance, AccountKind, BookYear, BookYearState, EntryKind, EntryState, JournalEntry,
    JournalLine, JournalType,
)

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999999999.99")


# --- chart of accounts ---------------------------------------------------------------------

@transaction.atomic
def chart_apply_template(*, cooperative, actor=None) -> int:
    """Create the chart of accounts for the cooperative's kind; accounts that exist (by code)
    are left alone, so it is safe to run again. Returns the number created."""
    created = 0
    with scope(cooperative=cooperative):
        existing = {a.code: a for a in Account.objects.all()}
        for code, name, kind, parent_code, postable, options in template_for(cooperative.kind):
            if code in existing:
                continue
            account = Account.objects.create(
                cooperative=cooperative, code=code, name=name, kind=kind, is_postable=postable,
                parent=existing.get(parent_code) if parent_code else None, **options,
            )
            existing[code] = account
            created += 1
    if created:
        audit_record(actor=actor, action="ledger.chart_apply", cooperative=cooperative, changes={"accounts": [None, created]})
    return created


def _account_has_postings(account) -> bool:
    return JournalLine.objects.filter(account=account).exists()


@transaction.atomic
def account_create(*, actor, cooperative, code, name, kind, parent=None, is_postable=True, is_contra=False, segment="") -> Account:
    with scope(cooperative=cooperative):
        code = (code or "").strip()
        errors = {}
        if Account.objects.filter(code=code).exists():
            errors["code"] = _("Account code %(code)s is already used.") % {"code": code}
        if parent is not None:
            if parent.cooperative_id != cooperative.pk:
                errors["parent"] = _("That group belongs to another cooperative.")
            elif parent.is_postable:
                errors["parent"] = _("Only a header account can group other accounts.")
            elif parent.kind != kind:
                errors["kind"] = _("An account must have the same kind as its group.")
        if errors:
            raise ValidationError(errors)
        account = Account(cooperative=cooperative, code=code, name=name.strip(), kind=kind, parent=parent,
                          is_postable=is_postable, is_contra=is_contra, segment=segment)
        account.full_clean()
        account.save()
        audit_record(actor=actor, action="ledger.account_create", cooperative=cooperative, obj=account,
                     changes={"code": [None, code], "name": [None, account.name], "kind": [None, kind]})
        return account


def _check_group(account, parent, kind):
    """The same rules as account_create, plus: an account never sits inside its own subtree."""
    if parent is None:
        return
    if parent.cooperative_id != account.cooperative_id:
        raise ValidationError({"parent": _("That group belongs to another cooperative.")})
    if parent.is_postable:
        raise ValidationError({"parent": _("Only a header account can group other accounts.")})
    if parent.kind != kind:
        raise ValidationError({"parent": _("An account must have the same kind as its group.")})
    ancestor, seen = parent, set()
    while ancestor is not None and ancestor.pk not in seen:
        if ancestor.pk == account.pk:
            raise ValidationError({"parent": _("An account cannot be grouped under itself.")})
        seen.add(ancestor.pk)
        ancestor = ancestor.parent


@transaction.atomic
def account_update(*, actor, account, **fields) -> Account:
    allowed = {"name", "kind", "parent", "is_active", "is_contra", "segment", "is_postable"}
    if set(fields) - allowed:
        raise ValueError(f"not editable: {sorted(set(fields) - allowed)}")
    with scope(cooperative=account.cooperative):
        account = Account.objects.select_for_update().get(pk=account.pk)
        has_postings = _account_has_postings(account)
        if has_postings and "kind" in fields and fields["kind"] != account.kind:
            raise ValidationError({"kind": _("An account with postings cannot change its kind.")})
        if has_postings and fields.get("is_postable") is False:
            raise ValidationError({"is_postable": _("An account with postings cannot become a header account.")})
        if fields.get("is_postable") is True and account.children.exists():
            raise ValidationError({"is_postable": _("This account groups other accounts; it must stay a header.")})
        if "parent" in fields or "kind" in fields:
            _check_group(account, fields.get("parent", account.parent), fields.get("kind", account.kind))
        before = {k: str(getattr(account, k)) for k in fields}
        for name, value in fields.items():
            setattr(account, name, value)
        account.full_clean()
        account.save()
        audit_record(actor=actor, action="ledger.account_update", cooperative=account.cooperative, obj=account,
                     changes={k: [before[k], str(getattr(account, k))] for k in fields if before[k] != str(getattr(account, k))})
        return account


@transaction.atomic
def account_delete(*, actor, account) -> None:
    with scope(cooperative=account.cooperative):
        if _account_has_postings(account) or JournalLine.objects.filter(account=account).exists():
            raise ValidationError(_("Account %(code)s has postings; deactivate it instead.") % {"code": account.code})
        if account.children.exists():
            raise ValidationError(_("Account %(code)s groups other accounts.") % {"code": account.code})
        audit_record(actor=actor, action="ledger.account_delete", cooperative=account.cooperative, obj=account,
                     changes={"code": [account.code, None]})
        AccountBalance.objects.filter(account=account).delete()
        account.delete()


# --- book years ------------------------------------------------------------------------------

def book_year_for(*, cooperative, day: date, create=True) -> BookYear | None:
    year = book_year_of(day, cooperative.book_year_end_month)
    with scope(cooperative=cooperative):
        found = BookYear.objects.filter(year=year).first()
        if found or not create:
            return found
        end = book_year_end(year, cooperative.book_year_end_month)
        previous_end = book_year_end(year - 1, cooperative.book_year_end_month)
        start = date.fromordinal(previous_end.toordinal() + 1)
        try:
            with transaction.atomic():
                return BookYear.objects.create(cooperative=cooperative, year=year, start_date=start, end_date=end)
        except IntegrityError:  # created concurrently
            return BookYear.objects.get(year=year)


# --- journal entries -------------------------------------------------------------------------

@dataclass
class LineInput:
    account: Account
    debit: Decimal
    credit: Decimal
    memo: str = ""


def _parse_amount(value, label, errors, index):
    if value in (None, ""):
        return Decimal("0")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.append(_("Line %(n)s: %(side)s is not a number.") % {"n": index, "side": label})
        return Decimal("0")
    if not amount.is_finite():
        errors.append(_("Line %(n)s: %(side)s is not a number.") % {"n": index, "side": label})
        return Decimal("0")
    if abs(amount) > MAX_AMOUNT:  # checked before quantize, which overflows on huge numbers
        errors.append(_("Line %(n)s: %(side)s is too large.") % {"n": index, "side": label})
        return Decimal("0")
    if amount != amount.quantize(CENT):
        errors.append(_("Line %(n)s: %(side)s has more than 2 decimals.") % {"n": index, "side": label})
    if amount < 0:
        errors.append(_("Line %(n)s: %(side)s cannot be negative.") % {"n": index, "side": label})
    return amount


def _resolve_account(cooperative, ref, errors, index, accounts_by_code):
    if isinstance(ref, Account):
        if ref.cooperative_id != cooperative.pk:
            errors.append(_("Line %(n)s: the account belongs to another cooperative.") % {"n": index})
            return None
        return ref
    code = str(ref or "").strip()
    if not code:
        errors.append(_("Line %(n)s: choose an account.") % {"n": index})
        return None
    account = accounts_by_code.get(code)
    if account is None:
        errors.append(_("Line %(n)s: there is no account %(code)s.") % {"n": index, "code": code})
    return account


# Control accounts of subsidiary ledgers (members' savings) are moved only by the module that
# keeps the subsidiary ledger, so the two always agree. Apps further up register them (see
# members.apps); the ledger never imports them.
_controlled_purposes: dict[str, str] = {}


def register_controlled_purposes(purposes: dict[str, str]):
    """{account purpose: where to record it instead (shown to the bookkeeper)}."""
    _controlled_purposes.update(purposes)


def validate_lines(*, cooperative, lines, subsidiary=False) -> list[LineInput]:
    """Parse and check entry lines; raise one ValidationError listing every problem.
    `subsidiary=True` is for the modules that keep a subsidiary ledger (savings)."""
    errors = []
    parsed = []
    codes = [str(l.get("account")).strip() for l in lines if not isinstance(l.get("account"), Account)]
    with scope(cooperative=cooperative):
        accounts_by_code = {a.code: a for a in Account.objects.filter(code__in=codes)} if codes else {}
    if len(lines) < 2:
        errors.append(_("An entry needs at least two lines."))
    for index, raw in enumerate(lines, start=1):
        account = _resolve_account(cooperative, raw.get("account"), errors, index, accounts_by_code)
        debit = _parse_amount(raw.get("debit"), _("debit"), errors, index)
        credit = _parse_amount(raw.get("credit"), _("credit"), errors, index)
        if debit > 0 and credit > 0:
            errors.append(_("Line %(n)s: fill in either debit or credit, not both.") % {"n": index})
        elif debit == 0 and credit == 0:
            errors.append(_("Line %(n)s: the amount must be more than zero.") % {"n": index})
        if account is not None:
            if not account.is_postable:
                errors.append(_("Line %(n)s: %(account)s is a header account; post to one of its accounts.") % {"n": index, "account": account})
            elif not account.is_active:
                errors.append(_("Line %(n)s: %(account)s is inactive.") % {"n": index, "account": account})
            elif not subsidiary and account.purpose in _controlled_purposes:
                errors.append(_("Line %(n)s: %(account)s is a control account; record it under %(where)s.") % {
                    "n": index, "account": account, "where": _controlled_purposes[account.purpose]})
        parsed.append(LineInput(account, debit, credit, str(raw.get("memo") or "")[:200]))
    total_debit = sum((l.debit for l in parsed), Decimal("0"))
    total_credit = sum((l.credit for l in parsed), Decimal("0"))
    if not errors and total_debit != total_credit:
        errors.append(_("Debit and credit do not balance: difference %(diff)s.") % {"diff": format_rupiah(abs(total_debit - total_credit))})
    if errors:
        raise ValidationError({"lines": errors})
    return parsed


def _check_open_year(cooperative, day, *, allow_prepared=True):
    book_year = book_year_for(cooperative=cooperative, day=day)
    # Lock the year's row (lock order: entry being reversed → book year → journal counter →
    # balance rows by account id). A close running at the same time then waits for this
    # posting and sees it; a posting that waited for a close sees the year closed.
    with scope(cooperative=cooperative):
        book_year = BookYear.objects.select_for_update().get(pk=book_year.pk)
    if book_year.is_closed:
        raise ValidationError({"date": _("Book year %(year)s is closed; no posting on %(date)s.") % {"year": book_year.year, "date": format_date(day)}})
    return book_year


def _apply_rollup(cooperative, entry, lines, *, sign=1):
    """Add the lines to the per-account, per-period totals with atomic increments."""
    period = CLOSING_PERIOD if entry.kind == EntryKind.CLOSING else entry.date.month
    year = entry.book_year if entry.kind == EntryKind.CLOSING else entry.date.year
    totals = defaultdict(lambda: [Decimal("0"), Decimal("0")])
    for line in lines:
        totals[line.account.pk][0] += line.debit
        totals[line.account.pk][1] += line.credit
    with scope(cooperative=cooperative):
        # rows are created and then locked in account-id order, so concurrent postings that
        # touch the same accounts wait for each other instead of deadlocking
        AccountBalance.objects.bulk_create(
            [AccountBalance(cooperative=cooperative, account_id=pk, year=year, period=period) for pk in sorted(totals)],
            ignore_conflicts=True,
        )
        for account_id, (debit, credit) in sorted(totals.items()):
            AccountBalance.objects.filter(account_id=account_id, year=year, period=period).update(
                debit_total=F("debit_total") + sign * debit, credit_total=F("credit_total") + sign * credit,
            )


def _next_number(cooperative, journal_type, book_year) -> str:
    sequence = counter_next(cooperative=cooperative, name=f"journal:{journal_type}:{book_year}")
    return f"{journal_type}-{book_year}-{sequence:06d}"


def _post(*, actor, entry, lines):
    cooperative = entry.cooperative
    entry.number = _next_number(cooperative, entry.journal_type, entry.book_year)
    entry.state = EntryState.POSTED
    entry.posted_by = actor if getattr(actor, "is_authenticated", False) else None
    entry.posted_at = timezone.now()
    entry.save(update_fields=["number", "state", "posted_by", "posted_at"])
    _apply_rollup(cooperative, entry, lines)
    schedule_refresh(cooperative, {LEDGER})  # the city's figures, once after the commit
    audit_record(actor=actor, action="ledger.entry_post", cooperative=cooperative, obj=entry, changes={
        "number": [None, entry.number], "date": [None, entry.date.isoformat()],
        "total": [None, str(sum((l.debit for l in lines), Decimal("0")))],
    })


def _create_entry(*, actor, cooperative, day, description, reference, journal_type, kind, lines, reverses=None):
    if journal_type not in JournalType.values:
        raise ValidationError({"journal_type": _("Unknown journal.")})
    description = " ".join((description or "").split())
    if not description:
        raise ValidationError({"description": _("Describe the transaction.")})
    if not isinstance(day, date):
        raise ValidationError({"date": _("Enter a valid date.")})
    book_year = _check_open_year(cooperative, day)
    entry = JournalEntry.objects.create(
        cooperative=cooperative, journal_type=journal_type, kind=kind, date=day, book_year=book_year.year,
        description=description[:300], reference=(reference or "").strip()[:60], reverses=reverses,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    JournalLine.objects.bulk_create([
        JournalLine(cooperative=cooperative, entry=entry, account=l.account, debit=l.debit, credit=l.credit, memo=l.memo, date=day)
        for l in lines
    ])
    return entry


@transaction.atomic
def entry_post(*, actor, cooperative, date, description, lines, reference="", journal_type=JournalType.GENERAL,
               kind=EntryKind.REGULAR, subsidiary=False) -> JournalEntry:
    """Validate and post an entry in one go; it gets its gapless number now."""
    parsed = validate_lines(cooperative=cooperative, lines=lines, subsidiary=subsidiary)
    with scope(cooperative=cooperative):
        entry = _create_entry(actor=actor, cooperative=cooperative, day=date, description=description, reference=reference,
                              journal_type=journal_type, kind=kind, lines=parsed)
        _post(actor=actor, entry=entry, lines=parsed)
    return entry


@transaction.atomic
def entry_save_draft(*, actor, cooperative, date, description, lines, reference="", journal_type=JournalType.GENERAL) -> JournalEntry:
    """Keep an unfinished entry; it has no number and touches no balance until posted."""
    parsed = validate_lines(cooperative=cooperative, lines=lines)
    with scope(cooperative=cooperative):
        entry = _create_entry(actor=actor, cooperative=cooperative, day=date, description=description, reference=reference,
                              journal_type=journal_type, kind=EntryKind.REGULAR, lines=parsed)
        audit_record(actor=actor, action="ledger.entry_draft", cooperative=cooperative, obj=entry)
    return entry


@transaction.atomic
def entry_post_draft(*, actor, entry) -> JournalEntry:
    cooperative = entry.cooperative
    with scope(cooperative=cooperative):
        entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.is_posted:
            raise ValidationError(_("Entry %(number)s is already posted.") % {"number": entry.number})
        lines = [{"account": l.account, "debit": l.debit, "credit": l.credit, "memo": l.memo}
                 for l in entry.lines.select_related("account")]
        parsed = validate_lines(cooperative=cooperative, lines=lines)
        _check_open_year(cooperative, entry.date)
        _post(actor=actor, entry=entry, lines=parsed)
    return entry


@transaction.atomic
def entry_delete_draft(*, actor, entry) -> None:
    with scope(cooperative=entry.cooperative):
        entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.is_posted:
            raise ValidationError(_("A posted entry is never deleted; reverse it instead."))
        audit_record(actor=actor, action="ledger.entry_draft_delete", cooperative=entry.cooperative, obj=entry)
        entry.lines.all().delete()
        entry.delete()


@transaction.atomic
def entry_reverse(*, actor, entry, date=None, description="", subsidiary=False) -> JournalEntry:
    """Post the mirror image of a posted entry; the original stays and points to it."""
    cooperative = entry.cooperative
    with scope(cooperative=cooperative):
        original = JournalEntry.objects.select_for_update().get(pk=entry.pk)
        if not original.is_posted:
            raise ValidationError(_("Only a posted entry can be reversed; delete the draft instead."))
        if original.kind == EntryKind.CLOSING:
            raise ValidationError(_("A closing entry is not reversed; reopen the book year instead."))
        if original.kind == EntryKind.REVERSAL:
            raise ValidationError(_("%(number)s is itself a reversal; post a new entry instead.") % {"number": original.number})
        if JournalEntry.objects.filter(reverses=original).exists():
            raise ValidationError(_("%(number)s was already reversed.") % {"number": original.number})
        if not subsidiary:
            controlled = original.lines.filter(account__purpose__in=list(_controlled_purposes)).select_related("account").first()
            if controlled is not None:
                raise ValidationError(_("%(number)s moves %(account)s; reverse it under %(where)s.") % {
                    "number": original.number, "account": controlled.account, "where": _controlled_purposes[controlled.account.purpose]})
        day = date or timezone.localdate()
        if day < original.date:
            raise ValidationError({"date": _("A reversal cannot be dated before the entry it reverses.")})
        lines = [{"account": l.account, "debit": l.credit, "credit": l.debit, "memo": l.memo}
                 for l in original.lines.select_related("account")]
        # a reversal may use accounts deactivated since; the books must still be correctable
        parsed = [LineInput(l["account"], l["debit"], l["credit"], l["memo"]) for l in lines]
        reversal = _create_entry(
            actor=actor, cooperative=cooperative, day=day,
            description=description or _("Reversal of %(number)s: %(description)s") % {"number": original.number, "description": original.description},
            reference=original.reference, journal_type=original.journal_type, kind=EntryKind.REVERSAL, lines=parsed,
            reverses=original,
        )
        _post(actor=actor, entry=reversal, lines=parsed)
        audit_record(actor=actor, action="ledger.entry_reverse", cooperative=cooperative, obj=original,
                     changes={"reversed_by": [None, reversal.number]})
    return reversal


# --- closing ---------------------------------------------------------------------------------

def _year_income_expense(cooperative, book_year):
    """(account, debit-minus-credit) for income and expense accounts over the book year,
    closing entries included (so closing twice closes only what is left)."""
    with scope(cooperative=cooperative):
        rows = (
            JournalLine.objects.filter(entry__state=EntryState.POSTED, entry__book_year=book_year.year,
                                       account__kind__in=[AccountKind.INCOME, AccountKind.EXPENSE])
            .values("account").annotate(d=Sum("debit"), c=Sum("credit")).order_by("account")
        )
        accounts = Account.objects.in_bulk([r["account"] for r in rows])
        return [(accounts[r["account"]], r["d"] - r["c"]) for r in rows if r["d"] != r["c"]]


def closing_lines(balances, shu):
    """The closing entry's lines as (account, debit, credit): each income and expense account
    (given as (account, debit minus credit) over the year) brought to zero, the net into `shu`
    (SHU tahun berjalan). Shared with `ledger.bulk.close_years`."""
    lines, net = [], Decimal("0")
    for account, debit_minus_credit in balances:
        if debit_minus_credit > 0:
            lines.append((account, Decimal("0"), debit_minus_credit))
        else:
            lines.append((account, -debit_minus_credit, Decimal("0")))
        net += debit_minus_credit
    # net < 0: income exceeded expense → SHU (credit); net > 0: a loss (debit)
    lines.append((shu, net if net > 0 else Decimal("0"), -net if net < 0 else Decimal("0")))
    return [line for line in lines if line[1] or line[2]]


@transaction.atomic
def book_year_prepare(*, actor, cooperative, year: int) -> BookYear:
    """The bookkeeper marks a year ready: adjustments are in, the manager may close it."""
    with scope(cooperative=cooperative):
        book_year = BookYear.objects.select_for_update().filter(year=year).first()
        if book_year is None:
            raise ValidationError(_("Book year %(year)s has no postings yet.") % {"year": year})
        if book_year.state != BookYearState.OPEN:
            raise ValidationError(_("Book year %(year)s is not open.") % {"year": year})
        if timezone.localdate() <= book_year.end_date:
            raise ValidationError(_("Book year %(year)s has not ended yet (it ends on %(date)s).") % {"year": year, "date": format_date(book_year.end_date)})
        book_year.state = BookYearState.PREPARED
        book_year.prepared_by, book_year.prepared_at = actor, timezone.now()
        book_year.save()
        audit_record(actor=actor, action="ledger.year_prepare", cooperative=cooperative, obj=book_year,
                     changes={"state": ["open", "prepared"]})
    return book_year


@transaction.atomic
def book_year_close(*, actor, cooperative, year: int, require_prepared=True) -> BookYear:
    """Move the year's income and expense into SHU tahun berjalan, then lock the year."""
    with scope(cooperative=cooperative):
        book_year = BookYear.objects.select_for_update().filter(year=year).first()
        if book_year is None:
            raise ValidationError(_("Book year %(year)s has no postings yet.") % {"year": year})
        if book_year.is_closed:
            raise ValidationError(_("Book year %(year)s is already closed.") % {"year": year})
        if require_prepared and book_year.state != BookYearState.PREPARED:
            raise ValidationError(_("The bookkeeper must prepare book year %(year)s before it is closed.") % {"year": year})
        if timezone.localdate() <= book_year.end_date:
            raise ValidationError(_("Book year %(year)s has not ended yet (it ends on %(date)s).") % {"year": year, "date": format_date(book_year.end_date)})
        earlier_open = BookYear.objects.filter(year__lt=year).exclude(state=BookYearState.CLOSED).order_by("year").first()
        if earlier_open is not None:
            raise ValidationError(_("Close book year %(year)s first.") % {"year": earlier_open.year})
        shu = Account.objects.filter(purpose="shu_current_year").first()
        if shu is None:
            raise ValidationError(_("The chart has no 'SHU tahun berjalan' account (purpose shu_current_year)."))
        balances = _year_income_expense(cooperative, book_year)
        closing = None
        if balances:
            lines = [LineInput(account, debit, credit, "") for account, debit, credit in closing_lines(balances, shu)]
            closing = _create_entry(
                actor=actor, cooperative=cooperative, day=book_year.end_date,
                description=_("Closing of book year %(year)s") % {"year": year}, reference="",
                journal_type=JournalType.CLOSING, kind=EntryKind.CLOSING, lines=lines,
            )
            _post(actor=actor, entry=closing, lines=lines)
        book_year.state = BookYearState.CLOSED
        book_year.closed_by, book_year.closed_at = actor, timezone.now()
        book_year.save()
        audit_record(actor=actor, action="ledger.year_close", cooperative=cooperative, obj=book_year,
                     changes={"state": ["prepared", "closed"], "closing_entry": [None, closing.number if closing else None]})
    return book_year


@transaction.atomic
def book_year_reopen(*, actor, cooperative, year: int, reason: str) -> BookYear:
    reason = " ".join((reason or "").split())
    if len(reason) < 10:
        raise ValidationError({"reason": _("Explain why the year is reopened (at least 10 characters).")})
    with scope(cooperative=cooperative):
        book_year = BookYear.objects.select_for_update().filter(year=year).first()
        if book_year is None or not book_year.is_closed:
            raise ValidationError(_("Book year %(year)s is not closed.") % {"year": year})
        later_closed = BookYear.objects.filter(year__gt=year, state=BookYearState.CLOSED).order_by("-year").first()
        if later_closed is not None:
            raise ValidationError(_("Reopen book year %(year)s first.") % {"year": later_closed.year})
        book_year.state = BookYearState.OPEN
        book_year.closed_by = book_year.closed_at = None
        book_year.prepared_by = book_year.prepared_at = None
        book_year.save()
        audit_record(actor=actor, action="ledger.year_reopen", cooperative=cooperative, obj=book_year,
                     changes={"state": ["closed", "open"], "reason": [None, reason]})
    return book_year

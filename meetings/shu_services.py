"""SHU distribution: from the closed year's books to each member's share, posted to the
ledger after the RAT approves it (DOMAIN.md "SHU")."""

from collections import defaultdict
from datetime import date as date_type
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DecimalField, F, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from django_scopes import scope

from cooperatives.book_years import book_year_end
from ledger import services as ledger
from ledger.models import Account, BookYear, BookYearState
from ledger.selectors import income_statement
from members import savings
from members.models import Direction, Member, SavingsTransaction, SavingsType, TransactionKind
from portal.audit import audit_record
from portal.formatting import format_rupiah

from .models import MemberTransactionVolume, SavingsBasis, ShuDistribution, ShuMemberShare, ShuStatus
from .shu import allocate

ZERO = Decimal("0")
HUNDRED = Decimal("100")
PERCENT_FIELDS = ["reserve_percent", "jasa_modal_percent", "jasa_usaha_percent", "pengurus_percent", "karyawan_percent",
                  "pendidikan_percent", "sosial_percent"]
FUND_PURPOSES = {"pengurus_percent": "fund_pengurus", "karyawan_percent": "fund_karyawan",
                 "pendidikan_percent": "fund_pendidikan", "sosial_percent": "fund_sosial"}


def year_shu(*, cooperative, book_year: int) -> Decimal:
    """The SHU of a book year: its income minus its expense (closing entries left out)."""
    end = book_year_end(book_year, cooperative.book_year_end_month)
    start = book_year_end(book_year - 1, cooperative.book_year_end_month)
    start = date_type.fromordinal(start.toordinal() + 1)
    return income_statement(cooperative=cooperative, date_from=start, date_to=end).shu


def _members_at_year_end(cooperative, end):
    return list(Member.objects.filter(cooperative=cooperative, joined_on__lte=end).exclude(left_on__lte=end).order_by("pk"))


def savings_bases(*, cooperative, book_year: int, basis: str) -> dict[int, Decimal]:
    """Pokok + wajib counted for jasa modal per member: at the year end, or the average of the
    twelve month-end balances of the book year."""
    end = book_year_end(book_year, cooperative.book_year_end_month)
    signed = Case(When(direction=Direction.DEPOSIT, then=F("amount")), default=-F("amount"), output_field=DecimalField(max_digits=18, decimal_places=2))
    txns = SavingsTransaction.objects.filter(cooperative=cooperative, savings_type__in=[SavingsType.POKOK, SavingsType.WAJIB], date__lte=end)
    if basis == SavingsBasis.YEAR_END:
        return {r["member_id"]: r["total"] for r in txns.values("member_id").annotate(total=Sum(signed)).order_by()}
    month_ends = []
    for i in range(12):
        index = end.year * 12 + end.month - 1 - i
        month_ends.append(book_year_end(index // 12, index % 12 + 1))
    sums = defaultdict(lambda: ZERO)
    rows = txns.values("member_id", "date").annotate(total=Sum(signed)).order_by()
    for row in rows:
        for month_end in month_ends:
            if row["date"] <= month_end:
                sums[row["member_id"]] += row["total"]
    return {member_id: (total / 12).quantize(Decimal("0.01")) for member_id, total in sums.items()}


def _check_percentages(values: dict):
    errors = {}
    for name in PERCENT_FIELDS:
        value = values.get(name)
        if value is None or value < 0 or value > HUNDRED:
            errors[name] = _("Enter a percentage between 0 and 100.")
    if not errors:
        total = sum((values[name] for name in PERCENT_FIELDS), ZERO)
        if total != HUNDRED:
            errors["__all__"] = _("The percentages must add up to 100 %% (now %(total)s %%).") % {"total": f"{total.normalize():f}"}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def shu_prepare(*, actor, cooperative, book_year: int, meeting=None, savings_basis=SavingsBasis.YEAR_END, **percentages) -> ShuDistribution:
    """Compute (or recompute) the draft distribution of a closed year's SHU."""
    with scope(cooperative=cooperative):
        year = BookYear.objects.filter(year=book_year).first()
        if year is None or year.state != BookYearState.CLOSED:
            raise ValidationError({"book_year": _("Book year %(year)s must be closed before its SHU is distributed.") % {"year": book_year}})
        if savings_basis not in SavingsBasis.values:
            raise ValidationError({"savings_basis": _("Choose how savings are counted.")})
        distribution = ShuDistribution.objects.select_for_update().filter(book_year=book_year).first()
        if distribution is not None and distribution.status != ShuStatus.DRAFT:
            raise ValidationError(_("The SHU of %(year)s was already approved.") % {"year": book_year})
        values = {name: Decimal(str(percentages[name])) if percentages.get(name) is not None else getattr(distribution or ShuDistribution(), name)
                  for name in PERCENT_FIELDS}
        _check_percentages(values)
        shu_total = year_shu(cooperative=cooperative, book_year=book_year)
        if shu_total <= 0:
            raise ValidationError({"book_year": _("Book year %(year)s has no SHU to share (%(shu)s).") % {"year": book_year, "shu": format_rupiah(shu_total)}})
        end = book_year_end(book_year, cooperative.book_year_end_month)
        members = _members_at_year_end(cooperative, end)
        bases = savings_bases(cooperative=cooperative, book_year=book_year, basis=savings_basis)
        volumes = dict(MemberTransactionVolume.objects.filter(book_year=book_year).values_list("member_id", "volume"))
        allocation = allocate(shu_total=shu_total, jasa_modal_percent=values["jasa_modal_percent"],
                              jasa_usaha_percent=values["jasa_usaha_percent"],
                              members={m.pk: (max(bases.get(m.pk, ZERO), ZERO), volumes.get(m.pk, ZERO)) for m in members})
        if distribution is None:
            distribution = ShuDistribution(cooperative=cooperative, book_year=book_year,
                                           created_by=actor if getattr(actor, "is_authenticated", False) else None)
        distribution.meeting = meeting
        distribution.shu_total = shu_total
        distribution.savings_basis = savings_basis
        distribution.remainder = allocation.remainder
        for name, value in values.items():
            setattr(distribution, name, value)
        distribution.save()
        distribution.shares.all().delete()
        ShuMemberShare.objects.bulk_create([
            ShuMemberShare(cooperative=cooperative, distribution=distribution, member_id=m.pk,
                           savings_basis=max(bases.get(m.pk, ZERO), ZERO), transaction_volume=volumes.get(m.pk, ZERO),
                           jasa_modal=allocation[m.pk].jasa_modal, jasa_usaha=allocation[m.pk].jasa_usaha, total=allocation[m.pk].total)
            for m in members
        ], batch_size=1000)
        audit_record(actor=actor, action="shu.prepare", cooperative=cooperative, obj=distribution, changes={
            "shu_total": [None, str(shu_total)], "members": [None, len(members)], "remainder": [None, str(allocation.remainder)]})
    return distribution


@transaction.atomic
def shu_approve(*, actor, distribution) -> ShuDistribution:
    """The RAT approved the allocation (recorded with the SHU agenda item's decision)."""
    with scope(cooperative=distribution.cooperative):
        distribution = ShuDistribution.objects.select_for_update().get(pk=distribution.pk)
        if distribution.status != ShuStatus.DRAFT:
            raise ValidationError(_("This SHU distribution is already approved."))
        _check_percentages({name: getattr(distribution, name) for name in PERCENT_FIELDS})
        distribution.status = ShuStatus.APPROVED
        distribution.approved_at = timezone.now()
        distribution.save(update_fields=["status", "approved_at"])
        audit_record(actor=actor, action="shu.approve", cooperative=distribution.cooperative, obj=distribution)
    return distribution


def _purpose_account(cooperative, purpose):
    account = Account.objects.filter(cooperative=cooperative, purpose=purpose, is_active=True).first()
    if account is None:
        raise ValidationError(_("The chart of accounts has no active account for '%(purpose)s'.") % {"purpose": purpose})
    return account


@transaction.atomic
def shu_post(*, actor, distribution, date=None) -> ShuDistribution:
    """Book the approved allocation: debit SHU tahun berjalan; credit the reserve (with the
    rounding remainder, shown on its own line), the funds, and SHU bagian anggota belum dibayar."""
    cooperative = distribution.cooperative
    with scope(cooperative=cooperative):
        distribution = ShuDistribution.objects.select_for_update().get(pk=distribution.pk)
        if distribution.status != ShuStatus.APPROVED:
            raise ValidationError(_("Only an approved SHU distribution is posted."))
        total = distribution.shu_total
        members_share = distribution.shares.aggregate(s=Sum("total"))["s"] or ZERO
        lines = [{"account": _purpose_account(cooperative, "shu_current_year"), "debit": total, "memo": _("SHU %(year)s") % {"year": distribution.book_year}}]
        funds_total = ZERO
        for field, purpose in FUND_PURPOSES.items():
            amount = (total * getattr(distribution, field) / HUNDRED).quantize(Decimal("1"), rounding=ROUND_DOWN)
            if amount > 0:
                lines.append({"account": _purpose_account(cooperative, purpose), "credit": amount})
                funds_total += amount
        if members_share > 0:
            lines.append({"account": _purpose_account(cooperative, "shu_unpaid_members"), "credit": members_share})
        reserve = total - funds_total - members_share
        reserve_account = _purpose_account(cooperative, "reserve")
        rounding = distribution.remainder
        if reserve - rounding > 0:
            lines.append({"account": reserve_account, "credit": reserve - rounding})
        if rounding > 0:
            lines.append({"account": reserve_account, "credit": rounding, "memo": _("Rounding remainder of the members' shares")})
        entry = ledger.entry_post(actor=actor, cooperative=cooperative, date=date or timezone.localdate(), lines=lines,
                                  description=_("Distribution of SHU %(year)s as approved by the RAT") % {"year": distribution.book_year})
        distribution.status = ShuStatus.POSTED
        distribution.journal_entry = entry
        distribution.save(update_fields=["status", "journal_entry"])
        audit_record(actor=actor, action="shu.post", cooperative=cooperative, obj=distribution,
                     changes={"entry": [None, entry.number], "members": [None, str(members_share)]})
    return distribution


@transaction.atomic
def shu_credit_to_savings(*, actor, distribution, date=None) -> int:
    """Credit every unpaid member share to the member's sukarela savings (debit SHU bagian
    anggota belum dibayar). Members who left get nothing credited here (paid out by hand)."""
    cooperative = distribution.cooperative
    day = date or timezone.localdate()
    credited = 0
    with scope(cooperative=cooperative):
        distribution = ShuDistribution.objects.select_for_update().get(pk=distribution.pk)
        if distribution.status != ShuStatus.POSTED:
            raise ValidationError(_("Post the SHU distribution to the books first."))
        unpaid = _purpose_account(cooperative, "shu_unpaid_members")
        for share in distribution.shares.select_related("member").filter(paid_transaction__isnull=True, total__gt=0, member__status="active").order_by("member_id"):
            txn = savings.savings_deposit(actor=actor, member=share.member, savings_type=SavingsType.SUKARELA, amount=share.total,
                                          date=day, kind=TransactionKind.SHU, counter_account=unpaid,
                                          description=_("SHU %(year)s credited") % {"year": distribution.book_year})
            share.paid_transaction, share.paid_at = txn, timezone.now()
            share.save(update_fields=["paid_transaction", "paid_at"])
            credited += 1
        audit_record(actor=actor, action="shu.credit", cooperative=cooperative, obj=distribution, changes={"members": [None, credited]})
    return credited


@transaction.atomic
def transaction_volume_set(*, actor, cooperative, book_year: int, volumes: dict) -> int:
    """Enter or import members' transaction volumes (member → Decimal) for jasa usaha."""
    with scope(cooperative=cooperative):
        for member, volume in volumes.items():
            volume = Decimal(str(volume))
            if volume < 0:
                raise ValidationError({"volume": _("%(name)s: the volume cannot be negative.") % {"name": member.full_name}})
            MemberTransactionVolume.objects.update_or_create(cooperative=cooperative, member=member, book_year=book_year,
                                                             defaults={"volume": volume})
        audit_record(actor=actor, action="shu.volumes", cooperative=cooperative, changes={"book_year": [None, book_year], "members": [None, len(volumes)]})
    return len(volumes)

"""SHU distribution: from the closed year's books to each member's share, posted to the
ledger after the RAT approves it (DOMAIN.md "SHU")."""

from collections import defaultdict
from datetime import date as date_type
from decimal import ROUND_DOWN, Decimal, InvalidOperation

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


def _percentage(value):
    """A percentage as Decimal, or None when it is not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        value = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _check_percentages(values: dict):
    errors = {}
    for name in PERCENT_FIELDS:
        value = _percentage(values.get(name))
        if value is None or value < 0 or value > HUNDRED:
            errors[name] = _("Enter a percentage between 0 and 100.")
        elif value != value.quantize(Decimal("0.01")):
            # stored with two decimals: 33.333 would be saved as 33.33 and the total drift
            errors[name] = _("Use at most two decimals.")
    if not errors:
        total = sum((_percentage(values[name]) for name in PERCENT_FIELDS), ZERO)
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
        unknown = set(percentages) - set(PERCENT_FIELDS)
        if unknown:
            raise TypeError(f"shu_prepare() got unexpected keyword arguments {sorted(unknown)}")
        if meeting is not None and (meeting.cooperative_id != cooperative.pk or meeting.book_year != book_year):
            raise ValidationError({"meeting": _("Choose a meeting of this cooperative for book year %(year)s.") % {"year": book_year}})
        values = {name: _percentage(percentages[name] if percentages.get(name) is not None else getattr(distribution or ShuDistribution(), name))
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


def rat_of_year(*, cooperative, book_year):
    """The RAT meeting of a book year, if one was scheduled (one per year at most)."""
    from .models import Meeting, MeetingKind

    with scope(cooperative=cooperative):
        return Meeting.objects.filter(kind=MeetingKind.RAT, book_year=book_year).first()


def decision_text_default(distribution) -> str:
    """The SHU item's decision as the minutes usually word it, from the allocation itself."""
    labels = [(_("reserve (cadangan)"), distribution.reserve_percent), (_("jasa modal"), distribution.jasa_modal_percent),
              (_("jasa usaha"), distribution.jasa_usaha_percent), (_("dana pengurus"), distribution.pengurus_percent),
              (_("dana karyawan"), distribution.karyawan_percent), (_("dana pendidikan"), distribution.pendidikan_percent),
              (_("dana sosial"), distribution.sosial_percent)]
    parts = ", ".join(f"{label} {value.normalize():f} %" for label, value in labels if value)
    return _("The meeting approved the distribution of the SHU of book year %(year)s, %(shu)s: %(parts)s.") % {
        "year": distribution.book_year, "shu": format_rupiah(distribution.shu_total), "parts": parts}


# Statuses in which the RAT's decision can still be written on its agenda item.
DECIDING_STATUSES = ("invited", "held")


@transaction.atomic
def shu_approve_as_rat_decision(*, actor, distribution, method="mufakat", decision_text="", votes_for=None,
                                votes_against=None, votes_abstain=None):
    """Approve the allocation as the RAT's decision: linked to the RAT of the book year when
    there is one, and, while that meeting is invited or held, recorded as the decision on its
    SHU agenda item (meetings.services.decision_record). Without such a meeting it is simply
    approved. One transaction: the decision and the approval stand or fall together.

    Returns (distribution, agenda item or None)."""
    from .models import AgendaItemKind
    from .services import decision_record

    cooperative = distribution.cooperative
    with scope(cooperative=cooperative):
        locked = ShuDistribution.objects.select_for_update().get(pk=distribution.pk)
        if locked.status != ShuStatus.DRAFT:
            raise ValidationError(_("This SHU distribution is already approved."))
        meeting = rat_of_year(cooperative=cooperative, book_year=locked.book_year)
        item = None
        if meeting is not None:
            locked.meeting = meeting
            locked.save(update_fields=["meeting"])
            if meeting.status in DECIDING_STATUSES:
                item = meeting.agenda_items.filter(kind=AgendaItemKind.SHU).order_by("order").first()
            if item is not None:
                item = decision_record(actor=actor, agenda_item=item, method=method,
                                       decision_text=(decision_text or "").strip() or decision_text_default(locked),
                                       votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain)
        return shu_approve(actor=actor, distribution=locked), item


def _purpose_account(cooperative, purpose):
    account = Account.objects.filter(cooperative=cooperative, purpose=purpose, is_active=True).first()
    if account is None:
        raise ValidationError(_("The chart of accounts has no active account for '%(purpose)s'.") % {"purpose": purpose})
    return account


def shu_posting_lines(distribution) -> list[dict]:
    """The lines of the entry `shu_post` books (also shown before posting): debit SHU tahun
    berjalan; credit each fund (rounded down to whole Rupiah), SHU bagian anggota belum dibayar
    (the sum of the members' rounded shares), the reserve with whatever is left, and the
    members' rounding remainder on a line of its own so it is never lost. Each line carries
    `purpose` (the account's role) besides account/debit/credit/memo."""
    cooperative = distribution.cooperative
    with scope(cooperative=cooperative):
        accounts = {}  # one query for every account the entry needs
        for account in Account.objects.filter(cooperative=cooperative, is_active=True,
                                              purpose__in=["shu_current_year", "shu_unpaid_members", "reserve", *FUND_PURPOSES.values()]):
            accounts.setdefault(account.purpose, account)

        def account_for(purpose):
            if purpose not in accounts:
                raise ValidationError(_("The chart of accounts has no active account for '%(purpose)s'.") % {"purpose": purpose})
            return accounts[purpose]

        total = distribution.shu_total
        members_share = distribution.shares.aggregate(s=Sum("total"))["s"] or ZERO
        lines = [{"purpose": "shu_current_year", "account": account_for("shu_current_year"), "debit": total,
                  "credit": ZERO, "memo": _("SHU %(year)s") % {"year": distribution.book_year}}]
        funds_total = ZERO
        for field, purpose in FUND_PURPOSES.items():
            amount = (total * getattr(distribution, field) / HUNDRED).quantize(Decimal("1"), rounding=ROUND_DOWN)
            if amount > 0:
                lines.append({"purpose": purpose, "account": account_for(purpose), "debit": ZERO, "credit": amount, "memo": ""})
                funds_total += amount
        if members_share > 0:
            lines.append({"purpose": "shu_unpaid_members", "account": account_for("shu_unpaid_members"),
                          "debit": ZERO, "credit": members_share, "memo": ""})
        reserve = total - funds_total - members_share
        reserve_account = account_for("reserve")
        rounding = distribution.remainder
        if reserve - rounding > 0:
            lines.append({"purpose": "reserve", "account": reserve_account, "debit": ZERO, "credit": reserve - rounding, "memo": ""})
        if rounding > 0:
            lines.append({"purpose": "reserve", "account": reserve_account, "debit": ZERO, "credit": rounding,
                          "memo": _("Rounding remainder of the members' shares")})
    return lines


@transaction.atomic
def shu_post(*, actor, distribution, date=None) -> ShuDistribution:
    """Book the approved allocation: debit SHU tahun berjalan; credit the reserve (with the
    rounding remainder, shown on its own line), the funds, and SHU bagian anggota belum dibayar."""
    cooperative = distribution.cooperative
    with scope(cooperative=cooperative):
        distribution = ShuDistribution.objects.select_for_update().get(pk=distribution.pk)
        if distribution.status != ShuStatus.APPROVED:
            raise ValidationError(_("Only an approved SHU distribution is posted."))
        lines = shu_posting_lines(distribution)
        members_share = sum((line["credit"] for line in lines if line.get("purpose") == "shu_unpaid_members"), ZERO)
        lines = [{k: v for k, v in line.items() if k != "purpose"} for line in lines]
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


MAX_VOLUME = Decimal("9999999999999999.99")  # DecimalField(max_digits=18, decimal_places=2)


def _volume(value):
    """A transaction volume as Decimal, or the message saying what is wrong with it."""
    if isinstance(value, bool):
        return None, _("not a number")
    try:
        volume = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None, _("not a number")
    if not volume.is_finite():
        return None, _("not a number")
    if volume < 0:
        return None, _("the volume cannot be negative")
    if volume != volume.quantize(Decimal("0.01")):
        return None, _("more than 2 decimals")
    if volume > MAX_VOLUME:
        return None, _("too large")
    return volume + ZERO, ""


@transaction.atomic
def transaction_volume_set(*, actor, cooperative, book_year: int, volumes: dict) -> int:
    """Enter or import members' transaction volumes (member → Decimal) for jasa usaha.

    Refused as a whole (nothing written) when any volume is bad, a member belongs to another
    cooperative, or the year's SHU was already approved (its shares are fixed by then)."""
    with scope(cooperative=cooperative):
        distribution = ShuDistribution.objects.filter(book_year=book_year).only("status").first()
        if distribution is not None and distribution.status != ShuStatus.DRAFT:
            raise ValidationError({"book_year": _("The SHU of %(year)s was already approved; its transaction volumes cannot change.") % {"year": book_year}})
        cleaned, errors = {}, []
        for member, volume in volumes.items():
            if member.cooperative_id != cooperative.pk:
                errors.append(_("%(name)s is not a member of this cooperative.") % {"name": member.full_name})
                continue
            value, problem = _volume(volume)
            if problem:
                errors.append(_("%(name)s: %(problem)s.") % {"name": member.full_name, "problem": problem})
            else:
                cleaned[member.pk] = value
        if errors:
            raise ValidationError({"volume": errors})
        existing = {row.member_id: row for row in MemberTransactionVolume.objects.filter(book_year=book_year, member_id__in=list(cleaned))}
        changed = []
        for member_id, value in cleaned.items():
            row = existing.get(member_id)
            if row is not None and row.volume != value:
                row.volume = value
                changed.append(row)
        MemberTransactionVolume.objects.bulk_update(changed, ["volume"], batch_size=1000)
        MemberTransactionVolume.objects.bulk_create([
            MemberTransactionVolume(cooperative=cooperative, member_id=member_id, book_year=book_year, volume=value)
            for member_id, value in cleaned.items() if member_id not in existing
        ], batch_size=1000)
        audit_record(actor=actor, action="shu.volumes", cooperative=cooperative, changes={"book_year": [None, book_year], "members": [None, len(volumes)]})
    return len(volumes)

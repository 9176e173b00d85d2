import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from cooperatives.tenancy import scoped

from .models import (
    Attendance, AttendanceMode, Meeting, MeetingKind, MemberTransactionVolume, ShuDistribution, ShuMemberShare,
)


@dataclass(frozen=True)
class Quorum:
    registered: int
    present: int
    in_person: int
    online: int
    by_delegate: int
    fraction: Decimal
    more_than: bool
    needed: int

    @property
    def met(self) -> bool:
        return self.present >= self.needed


def quorum_needed(registered: int, fraction: Decimal, more_than: bool) -> int:
    """Members needed present: more than (or at least) fraction × registered."""
    threshold = Decimal(registered) * fraction
    if more_than:
        return int(math.floor(threshold)) + 1
    return int(math.ceil(threshold))


def quorum_status(meeting) -> Quorum:
    """Live quorum: the register on the meeting date (frozen once held), those present, the rule."""
    from django_scopes import scope

    with scope(cooperative=meeting.cooperative):
        return _quorum_status(meeting)


def _quorum_status(meeting) -> Quorum:
    from .services import members_on_register

    registered = meeting.members_on_register if meeting.members_on_register is not None else members_on_register(meeting)
    counts = Attendance.objects.filter(cooperative=meeting.cooperative, meeting=meeting).aggregate(
        total=Count("id"),
        in_person=Count("id", filter=Q(mode=AttendanceMode.IN_PERSON)),
        online=Count("id", filter=Q(mode=AttendanceMode.ONLINE)),
        delegate=Count("id", filter=Q(mode=AttendanceMode.DELEGATE)),
    )
    fraction = meeting.quorum_fraction if meeting.quorum_fraction is not None else meeting.cooperative.quorum_fraction
    more_than = meeting.quorum_more_than
    return Quorum(registered, counts["total"], counts["in_person"], counts["online"], counts["delegate"], fraction, more_than,
                  quorum_needed(registered, fraction, more_than))


@scoped
def meeting_list(*, cooperative):
    return Meeting.objects.filter(cooperative=cooperative).order_by("-book_year", "-date")


def rat_days_remaining(cooperative, book_year, *, today=None) -> int:
    from .services import rat_deadline

    today = today or timezone.localdate()
    return (rat_deadline(cooperative, book_year) - today).days


# --- SHU distribution (DOMAIN.md "SHU") ------------------------------------------------------

@dataclass
class ShuYear:
    """A book year on the SHU index: its state in the books and its distribution, if any."""

    year: int
    end_date: object
    state: str
    state_label: str
    distribution: object = None

    @property
    def is_closed(self):
        from ledger.models import BookYearState

        return self.state == BookYearState.CLOSED


@scoped
def shu_year_list(*, cooperative) -> list[ShuYear]:
    """Every book year of the books, newest first, with its SHU distribution (two queries)."""
    from ledger.models import BookYear, BookYearState

    distributions = {d.book_year: d for d in ShuDistribution.objects.filter(cooperative=cooperative)}
    rows = [ShuYear(y.year, y.end_date, y.state, BookYearState(y.state).label, distributions.pop(y.year, None))
            for y in BookYear.objects.filter(cooperative=cooperative).order_by("-year")]
    return rows


@scoped
def shu_distribution(*, cooperative, book_year: int):
    """The distribution of a book year (with its meeting and journal entry), or None."""
    return (ShuDistribution.objects.filter(cooperative=cooperative, book_year=book_year)
            .select_related("meeting", "journal_entry").first())


@dataclass(frozen=True)
class ShuTotals:
    members: int
    savings: Decimal
    volume: Decimal
    jasa_modal: Decimal
    jasa_usaha: Decimal
    total: Decimal
    paid: int
    unpaid: int  # shares above zero not yet credited or paid


ZERO = Decimal("0")


@scoped
def shu_totals(*, cooperative, distribution) -> ShuTotals:
    """Sums over the members' shares: one query."""
    row = ShuMemberShare.objects.filter(cooperative=cooperative, distribution=distribution).aggregate(
        n_members=Count("id"), sum_savings=Sum("savings_basis"), sum_volume=Sum("transaction_volume"),
        sum_jasa_modal=Sum("jasa_modal"), sum_jasa_usaha=Sum("jasa_usaha"), sum_total=Sum("total"),
        n_paid=Count("id", filter=Q(paid_transaction__isnull=False)),
        n_unpaid=Count("id", filter=Q(paid_transaction__isnull=True, total__gt=0)),
    )
    return ShuTotals(row["n_members"], row["sum_savings"] or ZERO, row["sum_volume"] or ZERO, row["sum_jasa_modal"] or ZERO,
                     row["sum_jasa_usaha"] or ZERO, row["sum_total"] or ZERO, row["n_paid"], row["n_unpaid"])


@scoped
def shu_credit_pending(*, cooperative, distribution) -> int:
    """Shares shu_credit_to_savings would credit now: above zero, unpaid, member still active."""
    return ShuMemberShare.objects.filter(cooperative=cooperative, distribution=distribution, paid_transaction__isnull=True,
                                         total__gt=0, member__status="active").count()


@scoped
def shu_share_list(*, cooperative, distribution, search: str = ""):
    """Every member's share, by member number, with the member and any credit transaction."""
    shares = (ShuMemberShare.objects.filter(cooperative=cooperative, distribution=distribution)
              .select_related("member", "paid_transaction").order_by("member__number", "pk"))
    search = " ".join((search or "").split())
    if search:
        shares = shares.filter(Q(member__number__icontains=search) | Q(member__full_name__icontains=search))
    return shares


def members_at_year_end(*, cooperative, book_year: int):
    """Members on the register at the end of a book year (those the SHU is shared among)."""
    from cooperatives.book_years import book_year_end
    from members.models import Member

    end = book_year_end(book_year, cooperative.book_year_end_month)
    return Member.objects.filter(cooperative=cooperative, joined_on__lte=end).exclude(left_on__lte=end)


@scoped
def volume_rows(*, cooperative, book_year: int, search: str = ""):
    """Members on the register at the year end, by number, each with `volume` (None when not
    entered) for jasa usaha: one query."""
    volume = MemberTransactionVolume.objects.filter(member=OuterRef("pk"), book_year=book_year).values("volume")[:1]
    members = members_at_year_end(cooperative=cooperative, book_year=book_year).annotate(volume=Subquery(volume))
    search = " ".join((search or "").split())
    if search:
        members = members.filter(Q(number__icontains=search) | Q(full_name__icontains=search))
    return members.order_by("number", "pk")


@scoped
def volume_summary(*, cooperative, book_year: int) -> dict:
    """How many members have a volume for the year and its total: one query."""
    row = MemberTransactionVolume.objects.filter(cooperative=cooperative, book_year=book_year).aggregate(
        members=Count("id"), total=Sum("volume"))
    return {"members": row["members"], "total": row["total"] or ZERO}


@dataclass
class MemberShu:
    """One year of a member's SHU with everything needed to show how it was computed."""

    book_year: int
    status: str
    status_label: str
    shu_total: Decimal
    jasa_modal_percent: Decimal
    jasa_usaha_percent: Decimal
    savings_basis_kind: str
    savings_basis_label: str
    savings: Decimal  # Sa
    total_savings: Decimal  # TMS
    volume: Decimal  # Va
    total_volume: Decimal  # TVA
    jasa_modal: Decimal
    jasa_usaha: Decimal
    total: Decimal
    approved_at: object = None
    rat_date: object = None
    paid_at: object = None
    paid_on: object = None  # the date of the credit to simpanan sukarela
    receipt_number: str = ""

    @property
    def pool_jasa_modal(self) -> Decimal:
        return self.shu_total * self.jasa_modal_percent / 100

    @property
    def pool_jasa_usaha(self) -> Decimal:
        return self.shu_total * self.jasa_usaha_percent / 100

    @property
    def credited(self) -> bool:
        return self.paid_at is not None


@scoped
def member_shu_history(*, cooperative, member) -> list[MemberShu]:
    """A member's SHU per book year, newest first, from distributions the RAT approved (drafts
    are not shown to members), with the year's totals the formula divides by: one query."""
    from .models import SavingsBasis, ShuStatus

    def total_of(field):
        return Subquery(
            ShuMemberShare.objects.filter(distribution=OuterRef("distribution")).order_by()
            .values("distribution").annotate(s=Sum(field)).values("s")[:1]
        )

    shares = (ShuMemberShare.objects
              .filter(cooperative=cooperative, member=member, distribution__status__in=[ShuStatus.APPROVED, ShuStatus.POSTED])
              .select_related("distribution", "distribution__meeting", "paid_transaction")
              .annotate(total_savings=total_of("savings_basis"), total_volume=total_of("transaction_volume"))
              .order_by("-distribution__book_year"))
    rows = []
    for share in shares:
        d = share.distribution
        rat = d.meeting
        rows.append(MemberShu(
            book_year=d.book_year, status=d.status, status_label=ShuStatus(d.status).label, shu_total=d.shu_total,
            jasa_modal_percent=d.jasa_modal_percent, jasa_usaha_percent=d.jasa_usaha_percent,
            savings_basis_kind=d.savings_basis, savings_basis_label=SavingsBasis(d.savings_basis).label,
            savings=share.savings_basis, total_savings=share.total_savings or ZERO, volume=share.transaction_volume,
            total_volume=share.total_volume or ZERO, jasa_modal=share.jasa_modal, jasa_usaha=share.jasa_usaha,
            total=share.total, approved_at=d.approved_at, rat_date=(rat.held_on or rat.date) if rat else None,
            paid_at=share.paid_at, paid_on=share.paid_transaction.date if share.paid_transaction else None,
            receipt_number=share.paid_transaction.number if share.paid_transaction else "",
        ))
    return rows


def shu_received_rows(member) -> list:
    """The member's SHU for their home page (members.self_selectors.register_shu_source): one
    query, each row linking to the page that shows how it was computed."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from members.self_selectors import ShuReceived

    url = reverse("shu:mine", kwargs={"slug": member.cooperative.slug})
    return [
        ShuReceived(row.book_year, row.total, _("credited to simpanan sukarela") if row.credited else _("approved by the RAT, not credited yet"),
                    url=f"{url}#shu-{row.book_year}")
        for row in member_shu_history(cooperative=member.cooperative, member=member)
    ]

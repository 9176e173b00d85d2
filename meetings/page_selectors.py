"""Reads behind the meeting pages (/c/<slug>/rapat/…): the RAT deadline, the door search,
attendance, what members see, the berita acara and the figures of the report to the city.

Each is a fixed number of queries whatever the number of members or attendees (page budgets,
DESIGN.md §7)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from cooperatives.book_years import book_year_end, last_closed_book_year
from cooperatives.tenancy import scoped

from .models import (
    STATUS_ORDER, Attendance, AttendanceMode, Meeting, MeetingKind, MeetingStatus, ShuDistribution, ShuMemberShare,
)
from .selectors import quorum_status, rat_days_remaining

ZERO = Decimal("0")
HUNDRED = Decimal("100")
PUBLISHED = (MeetingStatus.MINUTES_PUBLISHED, MeetingStatus.REPORTED)


def reached(meeting, status) -> bool:
    """Whether the meeting has reached `status` in the workflow (or gone past it)."""
    return STATUS_ORDER.index(meeting.status) >= STATUS_ORDER.index(status)


# --- the RAT deadline --------------------------------------------------------------------------

@dataclass
class RatDeadline:
    book_year: int
    deadline: date
    days_remaining: int
    meeting: Meeting | None  # the RAT of that book year, if scheduled

    @property
    def held(self) -> bool:
        return self.meeting is not None and reached(self.meeting, MeetingStatus.HELD)

    @property
    def overdue(self) -> bool:
        return not self.held and self.days_remaining < 0

    @property
    def days_overdue(self) -> int:
        return max(-self.days_remaining, 0)


@scoped
def rat_deadline_status(*, cooperative, today=None) -> RatDeadline:
    """The RAT of the latest book year that has ended: its deadline (year end + the AD/ART's
    months), the days remaining (negative when past) and its meeting. One query."""
    from .services import rat_deadline

    today = today or timezone.localdate()
    year = last_closed_book_year(today, cooperative.book_year_end_month)
    meeting = Meeting.objects.filter(cooperative=cooperative, kind=MeetingKind.RAT, book_year=year).first()
    return RatDeadline(year, rat_deadline(cooperative, year), rat_days_remaining(cooperative, year, today=today), meeting)


# --- quorum ------------------------------------------------------------------------------------

def quorum_rule_text(quorum) -> str:
    """'more than 50 % of the members on the register' from the AD/ART rule."""
    from django.utils.translation import gettext as _

    percent = f"{(quorum.fraction * 100).normalize():f}".replace(".", ",")
    if quorum.more_than:
        return _("more than %(percent)s %% of the members on the register") % {"percent": percent}
    return _("at least %(percent)s %% of the members on the register") % {"percent": percent}


@dataclass
class QuorumPanel:
    quorum: object
    rule: str

    @property
    def missing(self) -> int:
        return max(self.quorum.needed - self.quorum.present, 0)


ATTENDANCE_COUNTS = {
    "count_present": Count("attendances", distinct=True),
    "count_in_person": Count("attendances", filter=Q(attendances__mode=AttendanceMode.IN_PERSON), distinct=True),
    "count_online": Count("attendances", filter=Q(attendances__mode=AttendanceMode.ONLINE), distinct=True),
    "count_delegate": Count("attendances", filter=Q(attendances__mode=AttendanceMode.DELEGATE), distinct=True),
}


@scoped
def meeting_with_counts(*, cooperative, pk):
    """A meeting with its attendance counted in the same query (pages that only read), or None."""
    return Meeting.objects.filter(cooperative=cooperative, pk=pk).annotate(**ATTENDANCE_COUNTS).first()


def quorum_of(meeting):
    """The quorum from the counts `meeting_with_counts` read: no query once the register count
    is frozen (the meeting was held), one (the register count) before; else `quorum_status`."""
    from .selectors import Quorum, quorum_needed
    from .services import members_on_register

    if not hasattr(meeting, "count_present"):
        return quorum_status(meeting)
    fraction = meeting.quorum_fraction if meeting.quorum_fraction is not None else meeting.cooperative.quorum_fraction
    registered = meeting.members_on_register if meeting.members_on_register is not None else members_on_register(meeting)
    return Quorum(registered, meeting.count_present, meeting.count_in_person, meeting.count_online, meeting.count_delegate,
                  fraction, meeting.quorum_more_than, quorum_needed(registered, fraction, meeting.quorum_more_than))


def quorum_panel(meeting) -> QuorumPanel:
    """The live panel: the register count on the meeting date, those present by mode, the rule,
    how many are needed and whether that is met. Two queries (one once the meeting is held)."""
    quorum = quorum_of(meeting)
    return QuorumPanel(quorum, quorum_rule_text(quorum))


# --- attendance at the door ------------------------------------------------------------------

def meeting_day(meeting) -> date:
    return meeting.held_on or meeting.date


@scoped
def door_search(*, cooperative, meeting, search: str, limit: int = 20) -> list:
    """Members on the register on the meeting day matching a name, member number or phone,
    each with `attendance_id` (None when not checked in yet) and `attendance_mode`: one query."""
    from members.selectors import member_list

    search = " ".join((search or "").split())[:100]
    if not search:
        return []
    day = meeting_day(meeting)
    attendance = Attendance.objects.filter(meeting=meeting, member=OuterRef("pk"))
    members = (member_list(cooperative=cooperative, search=search)
               .filter(joined_on__lte=day).exclude(left_on__lt=day)
               .annotate(attendance_id=Subquery(attendance.values("pk")[:1]),
                         attendance_mode=Subquery(attendance.values("mode")[:1]))
               .order_by("full_name", "number"))
    return list(members[:limit])


@scoped
def attendance_list(*, cooperative, meeting, limit: int | None = None) -> list[Attendance]:
    """Who checked in, latest first (the door page) or by member number (limit None: every one,
    for the daftar hadir): one query."""
    rows = Attendance.objects.filter(cooperative=cooperative, meeting=meeting).select_related("member")
    if limit is not None:
        return list(rows.order_by("-checked_in_at", "-pk")[:limit])
    return list(rows.order_by("member__number", "pk"))


@scoped
def members_invited(*, cooperative, meeting) -> list:
    """The members on the register on the meeting day, by number (the invitation list)."""
    from members.models import Member

    day = meeting_day(meeting)
    return list(Member.objects.filter(cooperative=cooperative, joined_on__lte=day).exclude(left_on__lt=day).order_by("number", "pk"))


@scoped
def own_attendance(*, cooperative, meeting, member) -> Attendance | None:
    return Attendance.objects.filter(cooperative=cooperative, meeting=meeting, member=member).first()


# --- what members see --------------------------------------------------------------------------

@dataclass
class MemberMeetings:
    upcoming: list  # invitations: invited meetings from today on
    published: list  # meetings whose minutes are published


@scoped
def member_meetings(*, cooperative, today=None) -> MemberMeetings:
    """A member's "Rapat" page: invitations of upcoming meetings and published minutes. Two queries."""
    today = today or timezone.localdate()
    upcoming = Meeting.objects.filter(cooperative=cooperative, status=MeetingStatus.INVITED, date__gte=today).order_by("date", "start_time")
    published = Meeting.objects.filter(cooperative=cooperative, status__in=PUBLISHED).order_by("-held_on", "-pk")
    return MemberMeetings(list(upcoming), list(published[:50]))


def minutes_papers(member) -> list:
    """The member's home lists the published minutes (registered in meetings.apps as a paper
    source of members.self_selectors): one query. Each links to the meeting's page, where the
    berita acara PDF and the meeting's published documents are."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from members.self_selectors import PublishedPaper

    cooperative = member.cooperative
    meetings = Meeting.objects.filter(cooperative=cooperative, status__in=PUBLISHED).order_by("-held_on", "-pk")[:10]
    return [PublishedPaper(_("Minutes of %(meeting)s") % {"meeting": meeting}, meeting.book_year,
                           reverse("meetings:detail", kwargs={"slug": cooperative.slug, "pk": meeting.pk}),
                           timezone.localdate(meeting.minutes_published_at) if meeting.minutes_published_at else meeting.held_on)
            for meeting in meetings]


def member_may_see(meeting) -> bool:
    """Members see a meeting once invited: the invitation, then (when published) the minutes."""
    return reached(meeting, MeetingStatus.INVITED)


# --- the minutes (berita acara) -----------------------------------------------------------------

@dataclass
class ShuLine:
    label: str
    percent: Decimal
    amount: Decimal

    @property
    def percent_shown(self):
        """40 rather than 40.00, 2.5 rather than 2.50 (localised by the template)."""
        value = self.percent
        return int(value) if value == value.to_integral_value() else value.normalize()


@dataclass
class ShuAllocation:
    distribution: ShuDistribution
    lines: list
    remainder: Decimal

    @property
    def total(self) -> Decimal:
        return self.distribution.shu_total


def shu_allocation(distribution) -> ShuAllocation:
    """The allocation as the RAT approves and the books post it (meetings.shu_services.shu_post):
    each fund its percentage rounded down to whole Rupiah, the members' jasa modal and jasa usaha
    the sum of their shares, the reserve the rest (rounding remainder included). At most one query."""
    total = distribution.shu_total
    if hasattr(distribution, "sum_jasa_modal"):  # summed in the query that read it (`minutes`)
        sums = {"jasa_modal": distribution.sum_jasa_modal, "jasa_usaha": distribution.sum_jasa_usaha}
    else:
        sums = ShuMemberShare.objects.filter(cooperative=distribution.cooperative, distribution=distribution).aggregate(
            jasa_modal=Sum("jasa_modal"), jasa_usaha=Sum("jasa_usaha"))

    from django.utils.translation import gettext as _

    labels = {"reserve_percent": _("Reserve (cadangan)"), "jasa_modal_percent": _("Members: jasa modal"),
              "jasa_usaha_percent": _("Members: jasa usaha"), "pengurus_percent": _("Dana pengurus"),
              "karyawan_percent": _("Dana karyawan"), "pendidikan_percent": _("Dana pendidikan"), "sosial_percent": _("Dana sosial")}

    def label(name):
        return str(labels[name])

    def fund(name):
        return (total * getattr(distribution, name) / HUNDRED).quantize(Decimal("1"), rounding=ROUND_DOWN)

    funds = [(name, fund(name)) for name in ("pengurus_percent", "karyawan_percent", "pendidikan_percent", "sosial_percent")]
    jasa_modal, jasa_usaha = sums["jasa_modal"] or ZERO, sums["jasa_usaha"] or ZERO
    reserve = total - sum((amount for _name, amount in funds), ZERO) - jasa_modal - jasa_usaha
    lines = [ShuLine(label("reserve_percent"), distribution.reserve_percent, reserve),
             ShuLine(label("jasa_modal_percent"), distribution.jasa_modal_percent, jasa_modal),
             ShuLine(label("jasa_usaha_percent"), distribution.jasa_usaha_percent, jasa_usaha)]
    lines += [ShuLine(label(name), getattr(distribution, name), amount) for name, amount in funds]
    return ShuAllocation(distribution, lines, distribution.remainder)


@dataclass
class Minutes:
    meeting: Meeting
    quorum: object
    items: list  # agenda items, each with .officers
    officers: list
    shu: ShuAllocation | None
    documents: list = field(default_factory=list)

    @property
    def witnesses(self) -> list[str]:
        return split_witnesses(self.meeting.witnesses)


def split_witnesses(text: str) -> list[str]:
    return [name.strip() for name in (text or "").split(";") if name.strip()]


ITEM_FIELDS = ["id", "order", "kind", "title", "decision_method", "votes_for", "votes_against", "votes_abstain", "decision_text"]
OFFICER_FIELDS = {"elected_officers__id": "id", "elected_officers__organ": "organ", "elected_officers__position": "position",
                  "elected_officers__name": "name", "elected_officers__term_start": "term_start", "elected_officers__term_end": "term_end"}


def agenda_with_officers(*, cooperative, meeting) -> list:
    """The agenda items in order, each with `.officers` (elected under it, each with
    `.member_number`): one query, the items joined to their officers."""
    from .models import AgendaItem, ElectedOfficer

    rows = (AgendaItem.objects.filter(cooperative=cooperative, meeting=meeting)
            .order_by("order", "elected_officers__organ", "elected_officers__id")
            .values(*ITEM_FIELDS, *OFFICER_FIELDS, "elected_officers__member__number"))
    items = {}
    for row in rows:
        item = items.get(row["id"])
        if item is None:
            item = items[row["id"]] = AgendaItem(cooperative=cooperative, meeting=meeting, **{name: row[name] for name in ITEM_FIELDS})
            item.officers = []
        if row["elected_officers__id"] is not None:
            officer = ElectedOfficer(cooperative=cooperative, agenda_item=item, **{name: row[key] for key, name in OFFICER_FIELDS.items()})
            officer.member_number = row["elected_officers__member__number"] or ""
            item.officers.append(officer)
    return list(items.values())


@scoped
def minutes(*, cooperative, meeting, with_documents=True, with_shu=True) -> Minutes:
    """Everything the berita acara records: the quorum, each agenda item with its decision,
    the elected officers, the approved SHU allocation (if the meeting has one) and the current
    documents attached. A fixed number of queries: agenda with officers one, SHU one, documents
    one, the quorum none to two (see `quorum_of`)."""
    from .models import MeetingDocument, ShuStatus

    items = agenda_with_officers(cooperative=cooperative, meeting=meeting)
    officers = [officer for item in items for officer in item.officers]
    distribution = None
    if with_shu:
        distribution = (ShuDistribution.objects.filter(cooperative=cooperative, meeting=meeting).exclude(status=ShuStatus.DRAFT)
                        .annotate(sum_jasa_modal=Sum("shares__jasa_modal"), sum_jasa_usaha=Sum("shares__jasa_usaha")).first())
    documents = []
    if with_documents:
        documents = list(MeetingDocument.objects.filter(cooperative=cooperative, meeting=meeting, is_current=True).order_by("kind", "pk"))
    return Minutes(meeting, quorum_of(meeting), items, officers, shu_allocation(distribution) if distribution else None, documents)


# --- the report to the city ---------------------------------------------------------------------

@dataclass
class ReportFigures:
    as_of: date
    total_assets: Decimal
    own_capital: Decimal
    outside_capital: Decimal
    business_volume: Decimal
    shu: Decimal

    def as_initial(self) -> dict:
        return {name: getattr(self, name) for name in ("total_assets", "own_capital", "outside_capital", "business_volume", "shu")}


@scoped
def report_figures(*, cooperative, book_year: int) -> ReportFigures:
    """The statement figures for the report, from the books at the book-year end: total assets,
    own capital (equity, the year's SHU included), outside capital (liabilities), business
    volume (the year's income) and the year's SHU — `shu_services.year_shu`, which is this same
    income statement's SHU, taken from it rather than computed twice. Five queries."""
    from ledger.selectors import balance_sheet, income_statement

    end = book_year_end(book_year, cooperative.book_year_end_month)
    start = book_year_end(book_year - 1, cooperative.book_year_end_month) + timedelta(days=1)
    sheet = balance_sheet(cooperative=cooperative, as_of=end)
    statement = income_statement(cooperative=cooperative, date_from=start, date_to=end)
    return ReportFigures(
        as_of=end, total_assets=sheet.assets.total, own_capital=sheet.equity.total + sheet.current_shu,
        outside_capital=sheet.liabilities.total, business_volume=statement.total_income,
        shu=statement.shu,
    )

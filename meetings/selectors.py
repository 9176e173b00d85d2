import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from cooperatives.tenancy import scoped

from .models import Attendance, AttendanceMode, Meeting, MeetingKind


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

"""Sample objects for the meeting pages' entries in tests/test_tenant_isolation.py."""

from django.utils import timezone
from django_scopes import scopes_disabled

from meetings.models import AgendaItem, Attendance, ElectedOfficer
from tests.factories import MeetingFactory, MemberFactory

HELD = ("held", "minutes_published", "reported")


def meeting_kwargs(cooperative, *, status="invited", kind="ra_khusus", extra=None) -> dict:
    """URL kwargs of a meeting today in `status`; `extra` adds an agenda item ("item"), an
    attendance ("attendance") or an elected officer ("officer") to it."""
    today = timezone.localdate()
    meeting = MeetingFactory(cooperative=cooperative, kind=kind, book_year=today.year - 1, date=today,
                             held_on=today if status in HELD else None, status=status,
                             chair_name="Ketua Rapat", secretary_name="Sekretaris Rapat")
    kwargs = {"pk": meeting.pk}
    with scopes_disabled():
        if extra in ("item", "officer"):
            item = AgendaItem.objects.create(cooperative=cooperative, meeting=meeting, order=1, kind="elections", title="Pemilihan")
            kwargs["item_pk"] = item.pk
            if extra == "officer":
                kwargs.pop("item_pk")
                kwargs["officer_pk"] = ElectedOfficer.objects.create(cooperative=cooperative, agenda_item=item, organ="pengurus",
                                                                     position="Ketua", name="Ketua Baru").pk
        if extra == "attendance":
            member = MemberFactory(cooperative=cooperative)
            kwargs["attendance_pk"] = Attendance.objects.create(cooperative=cooperative, meeting=meeting, member=member).pk
    return kwargs

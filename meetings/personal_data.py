"""The RAT app's part of a member's personal-data download (members/personal_data.py): the
SHU they received per book year and the meetings they attended. Registered from
MeetingsConfig.ready(); each source costs one query."""

from django.utils.translation import gettext_lazy as _

from .models import Attendance
from .selectors import member_shu_history

SHU_COLUMNS = [
    ("book_year", _("Book year")), ("status", _("Status")), ("savings_counted", _("Savings counted")),
    ("transactions_counted", _("Transactions counted")), ("jasa_modal", _("Jasa modal")), ("jasa_usaha", _("Jasa usaha")),
    ("total", _("Total")), ("credited_on", _("Paid or credited on")), ("receipt_number", _("Receipt")),
]
ATTENDANCE_COLUMNS = [
    ("date", _("Date")), ("meeting", _("Meeting")), ("book_year", _("Book year")), ("mode", _("Present")),
    ("delegate_name", _("Delegate")), ("checked_in_at", _("Checked in at")),
]


def shu_rows(member) -> list[dict]:
    return [
        {"book_year": row.book_year, "status": row.status, "savings_counted": row.savings, "transactions_counted": row.volume,
         "jasa_modal": row.jasa_modal, "jasa_usaha": row.jasa_usaha, "total": row.total, "credited_on": row.paid_on,
         "receipt_number": row.receipt_number}
        for row in member_shu_history(cooperative=member.cooperative, member=member)
    ]


def attendance_rows(member) -> list[dict]:
    rows = (Attendance.objects.filter(cooperative_id=member.cooperative_id, member=member)
            .select_related("meeting").order_by("meeting__date", "meeting_id"))
    return [
        {"date": a.meeting.held_on or a.meeting.date, "meeting": a.meeting.title or a.meeting.get_kind_display(),
         "book_year": a.meeting.book_year, "mode": a.get_mode_display(), "delegate_name": a.delegate_name,
         "checked_in_at": a.checked_in_at}
        for a in rows
    ]

"""A meeting's papers as A4 PDFs: the invitation list, the attendance list (daftar hadir) and
the minutes (berita acara). WeasyPrint renders templates/meetings/print/*.html offline, like the
ledger's reports (ledger/exports/pdf.py): nothing is fetched, not even a font or an image.

Each carries the cooperative's identity (name, legal entity number, NIK Koperasi, address) and
a signature block: the meeting's chair and secretary with two member witnesses; the invitation
list, sent before the meeting has a chair, is signed by the pengurus who invite."""

from dataclasses import dataclass
from functools import wraps

from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_scopes import scope
from weasyprint import HTML

from ledger.exports.document import Signatory, identity_of, place_and_date, signatories_of
from ledger.exports.pdf import OfflineURLFetcher
from portal.formatting import format_date

from . import page_selectors
from .selectors import quorum_status

CONTENT_TYPE = "application/pdf"


def meeting_heading(meeting) -> str:
    """'RAT · book year 2025 · 14 Mar 2026, 09:00–12:00' for a paper's subtitle."""
    parts = [str(meeting), _("book year %(year)s") % {"year": meeting.book_year}]
    day = meeting.held_on or meeting.date
    when = format_date(day, long=True) if day else ""
    if meeting.start_time:
        when += f", {meeting.start_time:%H:%M}"
        if meeting.end_time:
            when += f"–{meeting.end_time:%H:%M}"
    if when:
        parts.append(when)
    return " · ".join(parts)


def meeting_signatories(meeting) -> list[Signatory]:
    """Chair and secretary of the meeting, then two member witnesses (blank lines when unnamed)."""
    witnesses = page_selectors.split_witnesses(meeting.witnesses) + ["", ""]
    return [
        Signatory(_("Chair of the meeting"), meeting.chair_name),
        Signatory(_("Secretary of the meeting"), meeting.secretary_name),
        Signatory(_("Member witness"), witnesses[0]),
        Signatory(_("Member witness"), witnesses[1]),
    ]


@dataclass(frozen=True)
class Paper:
    stem: str
    template: str


INVITATION_LIST = Paper("daftar-undangan", "meetings/print/invitation_list.html")
ATTENDANCE_LIST = Paper("daftar-hadir", "meetings/print/attendance_list.html")
MINUTES = Paper("berita-acara", "meetings/print/minutes.html")


def filename(paper: Paper, meeting) -> str:
    day = meeting.held_on or meeting.date
    parts = [paper.stem, slugify(meeting.cooperative.slug), slugify(str(meeting)), day.isoformat() if day else ""]
    return "-".join(p for p in parts if p) + ".pdf"


def render_html(paper: Paper, context: dict, *, request=None) -> str:
    return render_to_string(paper.template, context, request=request)


def render_pdf(paper: Paper, context: dict, *, request=None) -> bytes:
    html = render_html(paper, context, request=request)
    return HTML(string=html, base_url=None, url_fetcher=OfflineURLFetcher()).write_pdf()


def _base(meeting, title) -> dict:
    cooperative = meeting.cooperative
    return {"meeting": meeting, "identity": identity_of(cooperative), "title": title, "subtitle": meeting_heading(meeting),
            "place_date": place_and_date(meeting.held_on or meeting.date)}


def _in_scope(build):
    """Build a paper's context inside the meeting's cooperative scope (views, commands, tests)."""

    @wraps(build)
    def wrapper(meeting):
        with scope(cooperative=meeting.cooperative):
            return build(meeting)

    return wrapper


@_in_scope
def invitation_list_context(meeting) -> dict:
    members = page_selectors.members_invited(cooperative=meeting.cooperative, meeting=meeting)
    signatories = signatories_of(meeting.cooperative)[:2]  # the pengurus invite: their chair and secretary
    return {**_base(meeting, _("Invitation list")), "members": members, "signatories": signatories,
            "place_date": place_and_date()}


@_in_scope
def attendance_list_context(meeting) -> dict:
    rows = page_selectors.attendance_list(cooperative=meeting.cooperative, meeting=meeting)
    quorum = quorum_status(meeting)
    return {**_base(meeting, _("Attendance list (daftar hadir)")), "rows": rows, "quorum": quorum,
            "quorum_rule": page_selectors.quorum_rule_text(quorum), "signatories": meeting_signatories(meeting)}


@_in_scope
def minutes_context(meeting) -> dict:
    minutes = page_selectors.minutes(cooperative=meeting.cooperative, meeting=meeting)
    return {**_base(meeting, _("Minutes of the meeting (berita acara)")), "minutes": minutes, "quorum": minutes.quorum,
            "quorum_rule": page_selectors.quorum_rule_text(minutes.quorum), "signatories": meeting_signatories(meeting)}


def invitation_list_pdf(meeting, *, request=None) -> bytes:
    return render_pdf(INVITATION_LIST, invitation_list_context(meeting), request=request)


def attendance_list_pdf(meeting, *, request=None) -> bytes:
    return render_pdf(ATTENDANCE_LIST, attendance_list_context(meeting), request=request)


def minutes_pdf(meeting, *, request=None) -> bytes:
    return render_pdf(MINUTES, minutes_context(meeting), request=request)

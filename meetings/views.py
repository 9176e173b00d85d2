"""Members' meetings pages (/c/<slug>/rapat/…): from scheduling the RAT to reporting it.

Staff (manager, bookkeeper, supervisor) see every meeting; only the manager writes. Members see
their invitations and the published minutes, and check themselves in by scanning the meeting's
QR code. Thin views: forms parse, meetings.services writes, meetings.page_selectors reads. Every
page works without JavaScript; htmx makes the door search, marking and the quorum panel live.
"""

import base64
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cooperatives import access
from members.models import Member
from members.selectors import membership_of_user
from portal.forms import apply_validation_error
from users.security import sensitive_action

from . import page_selectors, pdf, services
from .forms import (
    AgendaFormSet, CheckInForm, DecisionForm, DoorSearchForm, HeldForm, InvitationForm, MarkForm, MeetingForm,
    MinutesForm, OfficerForm, ReportForm, default_book_year,
)
from .models import (
    AgendaItem, AgendaItemKind, Attendance, AttendanceMode, ElectedOfficer, MeetingKind, MeetingMode, MeetingStatus,
    Meeting, Organ,
)
from .selectors import meeting_list as meetings_of, quorum_status

STAFF = access.STAFF_ROLES
MANAGER = {access.MANAGER}
EVERYONE = access.ALL_COOPERATIVE_ROLES
DOOR_LIST_SIZE = 30
AGENDA_PREFIX = "acara"


# --- helpers -----------------------------------------------------------------------------------

def _roles(request):
    return access.roles_in(request.user, request.cooperative)


def _is_staff(request) -> bool:
    return bool(_roles(request) & STAFF)


def _is_manager(request) -> bool:
    return access.MANAGER in _roles(request)


def _require_manager(request):
    """Supervisors and bookkeepers read the meeting pages; only the manager changes them."""
    if not _is_manager(request):
        raise PermissionDenied


def _posted(request):
    """The POST data of a POST (even an empty one: a form sent without any field), else None."""
    return request.POST if request.method == "POST" else None


def _meeting(request, pk) -> Meeting:
    meeting = get_object_or_404(Meeting, pk=pk)
    meeting.cooperative = request.cooperative  # loaded by the middleware: no second query
    return meeting


def _detail(meeting):
    return redirect("meetings:detail", slug=meeting.cooperative.slug, pk=meeting.pk)


def _refused(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


def _pdf_response(request, meeting, paper, content: bytes, rows: int):
    services.meeting_record_export(actor=request.user, meeting=meeting, paper=paper.stem, rows=rows)
    response = HttpResponse(content, content_type=pdf.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(paper, meeting)}"'
    return response


def _qr_data_uri(text: str) -> str:
    """The QR code of `text` as an SVG data: URI (the CSP allows data: images)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(text, image_factory=SvgPathImage, box_size=12, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _steps(meeting):
    """The workflow as (label, state) pairs: done, current or to do."""
    order = [s.value for s in MeetingStatus]
    labels = {
        MeetingStatus.DRAFT: _("Scheduled"), MeetingStatus.INVITED: _("Invitations sent"), MeetingStatus.HELD: _("Held"),
        MeetingStatus.MINUTES_PUBLISHED: _("Minutes published"), MeetingStatus.REPORTED: _("Reported to the city"),
    }
    if meeting.kind != MeetingKind.RAT:
        order.remove(MeetingStatus.REPORTED)
    current = order.index(meeting.status) if meeting.status in order else len(order) - 1
    return [(labels[MeetingStatus(s)], "done" if i < current or (i == current and i == len(order) - 1) else ("current" if i == current else "todo"))
            for i, s in enumerate(order)]


# --- list and detail ---------------------------------------------------------------------------

@access.cooperative_view(roles=EVERYONE)
def meeting_list(request, slug):
    cooperative = request.cooperative
    if not _is_staff(request):
        return render(request, "meetings/member_list.html", {
            "meetings": page_selectors.member_meetings(cooperative=cooperative), "today": timezone.localdate(),
        })
    return render(request, "meetings/meeting_list.html", {
        "meetings": list(meetings_of(cooperative=cooperative)),
        "rat": page_selectors.rat_deadline_status(cooperative=cooperative),
        "can_write": _is_manager(request),
    })


@access.cooperative_view(roles=EVERYONE)
def meeting_detail(request, slug, pk):
    meeting = page_selectors.meeting_with_counts(cooperative=request.cooperative, pk=pk)
    if meeting is None:
        raise Http404
    meeting.cooperative = request.cooperative
    if not _is_staff(request):
        return _member_detail(request, meeting)
    minutes = page_selectors.minutes(cooperative=request.cooperative, meeting=meeting, with_documents=False, with_shu=False)
    return render(request, "meetings/meeting_detail.html", {
        "meeting": meeting, "minutes": minutes, "steps": _steps(meeting),
        "panel": page_selectors.QuorumPanel(minutes.quorum, page_selectors.quorum_rule_text(minutes.quorum)),
        "agenda_editable": meeting.status in (MeetingStatus.DRAFT, MeetingStatus.INVITED),
        "can_write": _is_manager(request), "late": meeting.status == MeetingStatus.DRAFT and meeting.date and services.invitation_is_late(meeting),
        "reached_invited": page_selectors.reached(meeting, MeetingStatus.INVITED),
        "reached_held": page_selectors.reached(meeting, MeetingStatus.HELD),
        "editable": meeting.status in services.EDITABLE_UNTIL_PUBLISHED,
        "can_publish": meeting.status == MeetingStatus.HELD,
        "can_report": meeting.kind == MeetingKind.RAT and meeting.status == MeetingStatus.MINUTES_PUBLISHED,
    })


def _member_detail(request, meeting):
    """A member's view: the invitation, then the published minutes (counts only, no names of
    those present)."""
    if not page_selectors.member_may_see(meeting):
        raise Http404
    published = meeting.status in page_selectors.PUBLISHED
    context = {"meeting": meeting, "published": published, "today": timezone.localdate()}
    if published:
        minutes = page_selectors.minutes(cooperative=request.cooperative, meeting=meeting, with_documents=False)
        context.update(minutes=minutes, panel=page_selectors.QuorumPanel(minutes.quorum, page_selectors.quorum_rule_text(minutes.quorum)))
    else:
        context["agenda"] = list(meeting.agenda_items.order_by("order"))
        context["check_in_open"] = meeting.status in (MeetingStatus.INVITED, MeetingStatus.HELD) and page_selectors.meeting_day(meeting) == context["today"]
    return render(request, "meetings/member_detail.html", context)


# --- scheduling ----------------------------------------------------------------------------------

def _meeting_form_kwargs(form):
    data = dict(form.cleaned_data)
    data["venue"] = data.get("venue") or ""
    data["online_link"] = data.get("online_link") or ""
    data["title"] = data.get("title") or ""
    return data


@access.cooperative_view(roles=MANAGER)
def meeting_add(request, slug):
    cooperative = request.cooperative
    initial = {"kind": MeetingKind.RAT, "book_year": default_book_year(cooperative), "mode": MeetingMode.IN_PERSON,
               "venue": cooperative.address}
    form = MeetingForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(actor=request.user, cooperative=cooperative, **_meeting_form_kwargs(form))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(meeting)s is scheduled. Check the agenda, then send the invitations.") % {"meeting": meeting})
            return _detail(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": None,
                                                          "notice_days": cooperative.invitation_notice_days})


@access.cooperative_view(roles=MANAGER)
def meeting_edit(request, slug, pk):
    meeting = _meeting(request, pk)
    form = MeetingForm(_posted(request), initial=MeetingForm.initial_for(meeting))
    if meeting.status not in (MeetingStatus.DRAFT, MeetingStatus.INVITED):
        messages.error(request, _("The schedule cannot change after the meeting was held."))
        return _detail(meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_update(actor=request.user, meeting=meeting, **_meeting_form_kwargs(form))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The schedule was saved."))
            return _detail(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting,
                                                          "notice_days": request.cooperative.invitation_notice_days})


# --- agenda --------------------------------------------------------------------------------------

def _agenda_rows(formset) -> list[list]:
    return [[f.cleaned_data.get("kind") or AgendaItemKind.OTHER, f.cleaned_data.get("title") or "", f.cleaned_data.get("item")]
            for f in formset.forms if f.cleaned_data]


def _apply_move(rows, action: str):
    """'up-2', 'down-0', 'remove-3' on the rows (by position); anything else leaves them."""
    verb, _sep, index = action.partition("-")
    if not index.isdigit() or int(index) >= len(rows):
        return rows
    i = int(index)
    if verb == "up" and i > 0:
        rows[i - 1], rows[i] = rows[i], rows[i - 1]
    elif verb == "down" and i < len(rows) - 1:
        rows[i + 1], rows[i] = rows[i], rows[i + 1]
    elif verb == "remove":
        rows.pop(i)
    return rows


def _standard_rows(meeting) -> list[list]:
    """The standard RAT agenda, reusing this meeting's items of the same kind (their decisions stay)."""
    existing = {}
    for item in meeting.agenda_items.order_by("order"):
        existing.setdefault(item.kind, item.pk)
    return [[kind, str(AgendaItemKind(kind).label), existing.get(kind)] for kind in services.STANDARD_AGENDA]


@access.cooperative_view(roles=MANAGER)
def agenda_edit(request, slug, pk):
    meeting = _meeting(request, pk)
    if meeting.status not in (MeetingStatus.DRAFT, MeetingStatus.INVITED):
        messages.error(request, _("The agenda cannot change after the meeting was held."))
        return _detail(meeting)
    items = list(meeting.agenda_items.order_by("order"))
    action = request.POST.get("action", "save")
    formset = AgendaFormSet(_posted(request), prefix=AGENDA_PREFIX,
                            initial=[{"item": i.pk, "kind": i.kind, "title": i.title} for i in items])
    error = ""
    if request.method == "POST":
        rows = None
        if action == "standard":
            rows = _standard_rows(meeting)
        elif formset.is_valid():
            rows = _apply_move(_agenda_rows(formset), action)
        if rows is not None and action == "add":
            formset = AgendaFormSet(prefix=AGENDA_PREFIX, initial=[{"item": r[2], "kind": r[0], "title": r[1]} for r in rows] + [{"kind": AgendaItemKind.OTHER, "title": ""}])
        elif rows is not None:
            try:
                services.agenda_set(actor=request.user, meeting=meeting, titles=[tuple(r) for r in rows])
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                if not request.htmx:
                    messages.success(request, _("The agenda was saved."))
                target = reverse("meetings:agenda", kwargs={"slug": slug, "pk": meeting.pk})
                return redirect(target if action != "save" else reverse("meetings:detail", kwargs={"slug": slug, "pk": meeting.pk}))
    template = "meetings/agenda_form.html"
    if request.htmx and request.htmx.target == "agenda-rows":
        template += "#rows"
    return render(request, template, {"meeting": meeting, "formset": formset, "error": error, "kinds": AgendaItemKind.choices})


# --- invitations ----------------------------------------------------------------------------------

@access.cooperative_view(roles=STAFF)
def invitations(request, slug, pk):
    meeting = _meeting(request, pk)
    form = InvitationForm(_posted(request))
    if request.method == "POST":
        _require_manager(request)
        if form.is_valid():
            try:
                services.invitations_send(actor=request.user, meeting=meeting, confirm_late=form.cleaned_data["confirm_late"])
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The invitations were sent: members see them on their phones."))
                return _detail(meeting)
    late = meeting.status == MeetingStatus.DRAFT and meeting.date and services.invitation_is_late(meeting)
    return render(request, "meetings/invitations.html", {
        "meeting": meeting, "form": form, "late": late, "can_write": _is_manager(request),
        "invited_count": services.members_on_register(meeting), "notice_days": request.cooperative.invitation_notice_days,
        "days_ahead": (meeting.date - timezone.localdate()).days if meeting.date else None,
    })


@access.cooperative_view(roles=STAFF)
def invitation_pdf(request, slug, pk):
    meeting = _meeting(request, pk)
    context = pdf.invitation_list_context(meeting)
    content = pdf.render_pdf(pdf.INVITATION_LIST, context, request=request)
    return _pdf_response(request, meeting, pdf.INVITATION_LIST, content, len(context["members"]))


# --- attendance at the door -------------------------------------------------------------------------

def _door_context(request, meeting, *, search=None, status_message="", error=""):
    if search is None:
        form = DoorSearchForm(request.GET or None)
        search = form.cleaned_data["q"] if form.is_valid() else ""
    else:
        form = DoorSearchForm(initial={"q": search})
    show_all = request.GET.get("semua") == "1"
    rows = page_selectors.attendance_list(cooperative=request.cooperative, meeting=meeting, limit=None if show_all else DOOR_LIST_SIZE)
    return {
        "meeting": meeting, "search_form": form, "q": search,
        "results": page_selectors.door_search(cooperative=request.cooperative, meeting=meeting, search=search) if search else [],
        "panel": page_selectors.quorum_panel(meeting), "rows": rows, "show_all": show_all,
        "can_write": _is_manager(request) and meeting.status in services.EDITABLE_UNTIL_PUBLISHED,
        "modes": AttendanceMode.choices, "status_message": status_message, "error": error,
    }


def _door_redirect(request, meeting, search):
    url = reverse("meetings:attendance", kwargs={"slug": request.cooperative.slug, "pk": meeting.pk})
    return redirect(f"{url}?{urlencode({'q': search})}" if search else url)


def _door_after_write(request, meeting, search, *, done="", error=""):
    """htmx: the door (results, quorum, list) again; plain: back to the page with a message."""
    if request.htmx:
        return render(request, "meetings/attendance.html#door", _door_context(request, meeting, search=search, status_message=done, error=error))
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    return _door_redirect(request, meeting, search)


@access.cooperative_view(roles=STAFF)
def attendance(request, slug, pk):
    meeting = _meeting(request, pk)
    if request.method == "POST":
        _require_manager(request)
        search = (request.POST.get("q") or "")[:100]
        form = MarkForm(request.POST)
        if not form.is_valid():
            return _door_after_write(request, meeting, search, error=_("Choose a member and how they attend."))
        member = Member.objects.filter(pk=form.cleaned_data["member"]).first()
        if member is None:
            return _door_after_write(request, meeting, search, error=_("This person is not in the cooperative's member register."))
        try:
            services.attendance_mark(actor=request.user, meeting=meeting, member=member, mode=form.cleaned_data["mode"],
                                     delegate_name=form.cleaned_data["delegate_name"])
        except ValidationError as exc:
            return _door_after_write(request, meeting, search, error=" ".join(exc.messages))
        return _door_after_write(request, meeting, search, done=_("%(name)s is present.") % {"name": member.full_name})
    template = "meetings/attendance.html"
    target = request.htmx.target if request.htmx else None
    if target == "door-results":
        template += "#results"
    elif target == "quorum-panel":
        return render(request, "meetings/_quorum.html", {"meeting": meeting, "panel": page_selectors.quorum_panel(meeting), "poll": True,
                                                         "refresh_url": request.htmx.current_url_abs_path})
    return render(request, template, _door_context(request, meeting))


@access.cooperative_view(roles=MANAGER)
def attendance_remove(request, slug, pk, attendance_pk):
    meeting = _meeting(request, pk)
    if request.method != "POST":
        return redirect("meetings:attendance", slug=slug, pk=meeting.pk)
    row = get_object_or_404(Attendance.objects.select_related("member"), pk=attendance_pk, meeting=meeting)
    search = (request.POST.get("q") or "")[:100]
    try:
        services.attendance_remove(actor=request.user, attendance=row)
    except ValidationError as exc:
        return _door_after_write(request, meeting, search, error=" ".join(exc.messages))
    return _door_after_write(request, meeting, search, done=_("%(name)s is no longer marked present.") % {"name": row.member.full_name})


@access.cooperative_view(roles=STAFF)
def attendance_pdf(request, slug, pk):
    meeting = _meeting(request, pk)
    context = pdf.attendance_list_context(meeting)
    content = pdf.render_pdf(pdf.ATTENDANCE_LIST, context, request=request)
    return _pdf_response(request, meeting, pdf.ATTENDANCE_LIST, content, len(context["rows"]))


@access.cooperative_view(roles=STAFF)
def qr_screen(request, slug, pk):
    """The screen at the meeting: a QR code members scan to check themselves in."""
    meeting = _meeting(request, pk)
    check_in_url = request.build_absolute_uri(reverse("meetings:check_in", kwargs={"slug": slug, "pk": meeting.pk}))
    return render(request, "meetings/qr.html", {
        "meeting": meeting, "check_in_url": check_in_url, "qr": _qr_data_uri(check_in_url), "panel": page_selectors.quorum_panel(meeting),
        "open": meeting.status in (MeetingStatus.INVITED, MeetingStatus.HELD) and page_selectors.meeting_day(meeting) == timezone.localdate(),
    })


@access.cooperative_view(roles={access.MEMBER})
def check_in(request, slug, pk):
    """A member checks themselves in (they scanned the QR code): only themselves, only once."""
    meeting = _meeting(request, pk)
    if not page_selectors.member_may_see(meeting):
        raise Http404
    member = membership_of_user(cooperative=request.cooperative, user=request.user)
    if member is None:
        raise Http404
    initial_mode = AttendanceMode.ONLINE if meeting.mode == MeetingMode.ONLINE else AttendanceMode.IN_PERSON
    form = CheckInForm(_posted(request), initial={"mode": initial_mode})
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_mark(actor=request.user, meeting=meeting, member=member, mode=form.cleaned_data["mode"], self_check_in=True)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("You are checked in. Welcome!"))
            return redirect("meetings:check_in", slug=slug, pk=meeting.pk)
    day = page_selectors.meeting_day(meeting)
    return render(request, "meetings/check_in.html", {
        "meeting": meeting, "member": member, "form": form, "error": error,
        "attendance": page_selectors.own_attendance(cooperative=request.cooperative, meeting=meeting, member=member),
        "open": meeting.status in (MeetingStatus.INVITED, MeetingStatus.HELD) and day == timezone.localdate(),
        "choose_mode": meeting.mode == MeetingMode.HYBRID,
    }, status=400 if error else 200)


# --- decisions and officers -------------------------------------------------------------------------

def _officer_kwargs(request, form):
    data = form.cleaned_data
    member = None
    number = (data.get("member_number") or "").strip()
    if number:
        member = Member.objects.filter(number=number).first()
        if member is None:
            form.add_error("member_number", _("No member has number %(number)s.") % {"number": number})
            return None
    return {"organ": data["organ"], "position": data["position"], "name": data["name"], "member": member,
            "term_start": data.get("term_start"), "term_end": data.get("term_end")}


@access.cooperative_view(roles=MANAGER)
def decision(request, slug, pk, item_pk):
    meeting = _meeting(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    item.meeting = meeting
    action = request.POST.get("action") if request.method == "POST" else None
    initial = {"decision_method": item.decision_method, "votes_for": item.votes_for, "votes_against": item.votes_against,
               "votes_abstain": item.votes_abstain, "decision_text": item.decision_text}
    form = DecisionForm(request.POST if action == "decision" else None, initial=initial)
    officer_form = OfficerForm(request.POST if action == "officer" else None, initial={"organ": Organ.PENGURUS})
    editable = meeting.status in services.EDITABLE_UNTIL_PUBLISHED
    if action == "decision" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_record(actor=request.user, agenda_item=item, method=data["decision_method"], decision_text=data["decision_text"],
                                     votes_for=data.get("votes_for"), votes_against=data.get("votes_against"), votes_abstain=data.get("votes_abstain"))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The decision on “%(item)s” was recorded.") % {"item": item.title})
            return _detail(meeting)
    if action == "officer" and officer_form.is_valid():
        kwargs = _officer_kwargs(request, officer_form)
        if kwargs is not None:
            try:
                officer = services.officer_elect(actor=request.user, agenda_item=item, **kwargs)
            except ValidationError as exc:
                apply_validation_error(officer_form, exc)
            else:
                messages.success(request, _("%(name)s was recorded as %(position)s.") % {"name": officer.name, "position": officer.position})
                return redirect("meetings:decision", slug=slug, pk=meeting.pk, item_pk=item.pk)
    officers = list(ElectedOfficer.objects.filter(agenda_item=item).select_related("member").order_by("organ", "pk"))
    return render(request, "meetings/decision_form.html", {
        "meeting": meeting, "item": item, "form": form, "officer_form": officer_form, "officers": officers,
        "is_elections": item.kind == AgendaItemKind.ELECTIONS, "editable": editable,
        "present": quorum_status(meeting).present, "can_hand_over": page_selectors.reached(meeting, MeetingStatus.HELD),
    }, status=400 if request.method == "POST" else 200)


@access.cooperative_view(roles=MANAGER)
def officer_remove(request, slug, pk, officer_pk):
    meeting = _meeting(request, pk)
    officer = get_object_or_404(ElectedOfficer.objects.select_related("agenda_item"), pk=officer_pk, agenda_item__meeting=meeting)
    if request.method == "POST":
        try:
            services.officer_remove(actor=request.user, officer=officer)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("%(name)s was removed from the elected officers.") % {"name": officer.name})
    return redirect("meetings:decision", slug=slug, pk=meeting.pk, item_pk=officer.agenda_item_id)


@sensitive_action  # handing over the manager role asks for the password again after 15 minutes
@access.cooperative_view(roles=MANAGER)
def officer_hand_over(request, slug, pk, officer_pk):
    """The newly elected pengurus takes office: their login gets the manager role."""
    meeting = _meeting(request, pk)
    officer = get_object_or_404(ElectedOfficer.objects.select_related("agenda_item"), pk=officer_pk, agenda_item__meeting=meeting)
    if request.method == "POST":
        try:
            services.officer_hand_over_manager_role(actor=request.user, officer=officer)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("%(name)s now has the manager role (%(position)s). Remove the roles of those who left office on the roles page.")
                             % {"name": officer.name, "position": officer.position})
    return redirect("meetings:decision", slug=slug, pk=meeting.pk, item_pk=officer.agenda_item_id)


# --- held, minutes, publish, report -------------------------------------------------------------------

@access.cooperative_view(roles=MANAGER)
def mark_held(request, slug, pk):
    meeting = _meeting(request, pk)
    today = timezone.localdate()
    initial = {"held_on": meeting.held_on or (meeting.date if meeting.date and meeting.date <= today else today)}
    form = HeldForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_mark_held(actor=request.user, meeting=meeting, held_on=form.cleaned_data["held_on"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The meeting is recorded as held. Complete the minutes next."))
            return _detail(meeting)
    return render(request, "meetings/held_form.html", {"meeting": meeting, "form": form, "panel": page_selectors.quorum_panel(meeting)})


@access.cooperative_view(roles=MANAGER)
def minutes_edit(request, slug, pk):
    meeting = _meeting(request, pk)
    form = MinutesForm(_posted(request), initial=MinutesForm.initial_for(meeting))
    editable = meeting.status in services.EDITABLE_UNTIL_PUBLISHED
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.minutes_save(actor=request.user, meeting=meeting, **form.service_kwargs())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The minutes were saved."))
            return _detail(meeting)
    return render(request, "meetings/minutes_form.html", {"meeting": meeting, "form": form, "editable": editable})


@access.cooperative_view(roles=EVERYONE)
def minutes_pdf(request, slug, pk):
    """The berita acara: staff at any time (a draft until published); members once published."""
    meeting = _meeting(request, pk)
    if not _is_staff(request) and meeting.status not in page_selectors.PUBLISHED:
        raise Http404
    context = pdf.minutes_context(meeting)
    content = pdf.render_pdf(pdf.MINUTES, context, request=request)
    return _pdf_response(request, meeting, pdf.MINUTES, content, len(context["minutes"].officers))


@access.cooperative_view(roles=MANAGER)
def publish(request, slug, pk):
    meeting = _meeting(request, pk)
    if request.method == "POST":
        try:
            services.minutes_publish(actor=request.user, meeting=meeting)
        except ValidationError as exc:
            _refused(request, exc)
            if hasattr(exc, "error_dict"):
                return redirect("meetings:minutes", slug=slug, pk=meeting.pk)
        else:
            messages.success(request, _("The minutes are published: the members can read them now."))
    return _detail(meeting)


@access.cooperative_view(roles=MANAGER)
def report(request, slug, pk):
    meeting = page_selectors.meeting_with_counts(cooperative=request.cooperative, pk=pk)
    if meeting is None:
        raise Http404
    meeting.cooperative = request.cooperative
    submitted = meeting.reports.first() if meeting.status == MeetingStatus.REPORTED else None
    ready = meeting.kind == MeetingKind.RAT and meeting.status == MeetingStatus.MINUTES_PUBLISHED
    form = None
    figures = None
    if ready:
        figures = page_selectors.report_figures(cooperative=request.cooperative, book_year=meeting.book_year)
        form = ReportForm(_posted(request), initial=figures.as_initial())
        if request.method == "POST" and form.is_valid():
            try:
                services.rat_report_submit(actor=request.user, meeting=meeting, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The RAT was reported to the city."))
                return _detail(meeting)
    return render(request, "meetings/report_form.html", {
        "meeting": meeting, "form": form, "figures": figures, "submitted": submitted, "ready": ready,
        "panel": page_selectors.quorum_panel(meeting),
    })

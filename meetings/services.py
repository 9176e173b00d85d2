"""Writes for members' meetings: scheduling, invitations, attendance, decisions, minutes and
the report to the city. One transaction each, audited, with messages a manager understands.
SHU distribution lives in meetings/shu_services.py, documents in meetings/documents.py."""

import calendar
from datetime import date as date_type
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_scopes import scope

from city.figures import RAT, schedule_refresh
from cooperatives.book_years import book_year_end
from members.models import Member, MemberStatus
from portal.audit import audit_record, diff, snapshot
from portal.formatting import format_date

from .models import (
    STATUS_ORDER, AgendaItem, AgendaItemKind, Attendance, AttendanceMode, DecisionMethod, ElectedOfficer, Meeting,
    MeetingKind, MeetingMode, MeetingStatus, Organ, RatReport,
)

# The standard RAT agenda (DOMAIN.md); editable per meeting.
STANDARD_AGENDA = [
    AgendaItemKind.OPENING, AgendaItemKind.ACCOUNTABILITY, AgendaItemKind.SUPERVISION, AgendaItemKind.FINANCIAL_STATEMENTS,
    AgendaItemKind.SHU, AgendaItemKind.WORK_PLAN, AgendaItemKind.ELECTIONS, AgendaItemKind.OTHER,
]
MAX_AGENDA_ITEMS = 30


def rat_deadline(cooperative, book_year: int) -> date_type:
    """The last day the RAT of a book year may be held: year end + the AD/ART's months."""
    end = book_year_end(book_year, cooperative.book_year_end_month)
    month_index = end.month - 1 + cooperative.rat_deadline_months
    year, month = end.year + month_index // 12, month_index % 12 + 1
    return date_type(year, month, calendar.monthrange(year, month)[1])


def _locked(meeting) -> Meeting:
    with scope(cooperative=meeting.cooperative):
        return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _advance(meeting, status):
    if STATUS_ORDER.index(status) < STATUS_ORDER.index(meeting.status):
        raise ValidationError(_("The meeting is already further along (%(status)s).") % {"status": meeting.get_status_display()})
    meeting.status = status


def _check_schedule(cooperative, *, kind, book_year, date, start_time, end_time, mode, venue, online_link) -> dict:
    """Per-field messages for a meeting's schedule (shared by scheduling and editing)."""
    errors = {}
    if kind not in MeetingKind.values:
        errors["kind"] = _("Choose the kind of meeting.")
    if mode not in MeetingMode.values:
        errors["mode"] = _("Choose in person, online or both.")
    if mode in (MeetingMode.IN_PERSON, MeetingMode.HYBRID) and not venue.strip():
        errors["venue"] = _("Where is the meeting held?")
    if mode in (MeetingMode.ONLINE, MeetingMode.HYBRID) and not online_link.strip():
        errors["online_link"] = _("Give the link of the online meeting.")
    if start_time and end_time and end_time <= start_time:
        errors["end_time"] = _("The meeting must end after it starts.")
    if not isinstance(book_year, int) or not 1900 < book_year < 2200:
        errors["book_year"] = _("Enter the book year, e.g. %(year)s.") % {"year": timezone.localdate().year - 1}
    elif date is None:
        errors["date"] = _("Enter the date of the meeting.")
    else:
        year_end = book_year_end(book_year, cooperative.book_year_end_month)
        if kind == MeetingKind.RAT and date <= year_end:
            errors["date"] = _("The RAT of book year %(year)s is held after the year ends (%(date)s).") % {"year": book_year, "date": format_date(year_end)}
    return errors


@transaction.atomic
def meeting_schedule(*, actor, cooperative, kind=MeetingKind.RAT, book_year, date, start_time=None, end_time=None,
                     mode=MeetingMode.IN_PERSON, venue="", online_link="", title="") -> Meeting:
    venue, online_link, title = venue or "", online_link or "", title or ""
    errors = _check_schedule(cooperative, kind=kind, book_year=book_year, date=date, start_time=start_time, end_time=end_time,
                             mode=mode, venue=venue, online_link=online_link)
    if errors:
        raise ValidationError(errors)
    with scope(cooperative=cooperative):
        if kind == MeetingKind.RAT and Meeting.objects.filter(kind=MeetingKind.RAT, book_year=book_year).exists():
            raise ValidationError({"book_year": _("There is already a RAT for book year %(year)s.") % {"year": book_year}})
        try:
            with transaction.atomic():
                meeting = Meeting.objects.create(
                    cooperative=cooperative, kind=kind, book_year=book_year, date=date, start_time=start_time, end_time=end_time,
                    mode=mode, venue=venue.strip(), online_link=online_link.strip(), title=title.strip(), source=Meeting.Source.PORTAL,
                    quorum_fraction=cooperative.quorum_fraction, quorum_more_than=cooperative.quorum_more_than,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError as exc:
            raise ValidationError({"book_year": _("There is already a RAT for book year %(year)s.") % {"year": book_year}}) from exc
        if kind == MeetingKind.RAT:
            AgendaItem.objects.bulk_create([
                AgendaItem(cooperative=cooperative, meeting=meeting, order=i, kind=item_kind, title=str(AgendaItemKind(item_kind).label))
                for i, item_kind in enumerate(STANDARD_AGENDA, start=1)
            ])
        audit_record(actor=actor, action="meeting.schedule", cooperative=cooperative, obj=meeting,
                     changes={"date": [None, date.isoformat()], "kind": [None, kind]})
    return meeting


SCHEDULE_FIELDS = ["kind", "book_year", "title", "mode", "date", "start_time", "end_time", "venue", "online_link"]


def _schedule_snapshot(meeting) -> dict:
    values = snapshot(meeting, SCHEDULE_FIELDS)
    return {k: v.isoformat(timespec="minutes") if hasattr(v, "hour") else v for k, v in values.items()}  # times too


@transaction.atomic
def meeting_update(*, actor, meeting, **fields) -> Meeting:
    """Change the schedule (kind, book year, mode, date, times, venue, link) before the meeting
    is held. Fields left out keep their value."""
    unknown = set(fields) - set(SCHEDULE_FIELDS)
    if unknown:
        raise TypeError(f"meeting_update got unknown fields {sorted(unknown)}")
    meeting = _locked(meeting)
    if meeting.status not in (MeetingStatus.DRAFT, MeetingStatus.INVITED):
        raise ValidationError(_("The schedule cannot change after the meeting was held."))
    values = {name: fields.get(name, getattr(meeting, name)) for name in SCHEDULE_FIELDS}
    for name in ("title", "venue", "online_link"):
        values[name] = (values[name] or "").strip()
    if meeting.status == MeetingStatus.INVITED and values["kind"] != meeting.kind:
        raise ValidationError({"kind": _("The invitations were sent for this kind of meeting; schedule a new meeting instead.")})
    errors = _check_schedule(meeting.cooperative, **{k: v for k, v in values.items() if k != "title"})
    if errors:
        raise ValidationError(errors)
    with scope(cooperative=meeting.cooperative):
        if values["kind"] == MeetingKind.RAT and Meeting.objects.filter(kind=MeetingKind.RAT, book_year=values["book_year"]).exclude(pk=meeting.pk).exists():
            raise ValidationError({"book_year": _("There is already a RAT for book year %(year)s.") % {"year": values["book_year"]}})
        before = _schedule_snapshot(meeting)
        for name, value in values.items():
            setattr(meeting, name, value)
        try:
            with transaction.atomic():
                meeting.save(update_fields=SCHEDULE_FIELDS)
        except IntegrityError as exc:
            raise ValidationError({"book_year": _("There is already a RAT for book year %(year)s.") % {"year": values["book_year"]}}) from exc
        changes = diff(before, _schedule_snapshot(meeting))
        if changes:
            audit_record(actor=actor, action="meeting.update", cooperative=meeting.cooperative, obj=meeting, changes=changes)
    return meeting


@transaction.atomic
def agenda_set(*, actor, meeting, titles: list[tuple]) -> list[AgendaItem]:
    """Set the agenda to (kind, title) items, in order. An entry may carry a third element, the
    id of an existing item of this meeting: that item moves to its new place keeping its
    decision and elected officers. Items left out are removed (with their decisions)."""
    meeting = _locked(meeting)
    if meeting.status not in (MeetingStatus.DRAFT, MeetingStatus.INVITED):
        raise ValidationError(_("The agenda cannot change after the meeting was held."))
    cleaned = []
    for entry in titles:
        kind, title, item_id = (tuple(entry) + (None,))[:3]
        title = " ".join((title or "").split())
        try:
            item_id = int(item_id) if item_id not in (None, "") else None
        except (TypeError, ValueError):
            item_id = None
        if title:
            cleaned.append((kind if kind in AgendaItemKind.values else AgendaItemKind.OTHER, title[:200], item_id))
    if not cleaned:
        raise ValidationError({"agenda": _("The agenda needs at least one item.")})
    if len(cleaned) > MAX_AGENDA_ITEMS:
        raise ValidationError({"agenda": _("An agenda has at most %(count)s items.") % {"count": MAX_AGENDA_ITEMS}})
    cooperative = meeting.cooperative
    with scope(cooperative=cooperative):
        existing = {item.pk: item for item in meeting.agenda_items.all()}
        kept_ids = set()
        for _kind, _title, item_id in cleaned:
            if item_id in existing:
                kept_ids.add(item_id)
        before = [f"{item.order}. {item.title}" for item in sorted(existing.values(), key=lambda i: i.order)]
        meeting.agenda_items.exclude(pk__in=kept_ids).delete()
        # kept items move out of the way first: (meeting, order) is unique
        for offset, item_id in enumerate(sorted(kept_ids), start=1):
            AgendaItem.objects.filter(pk=item_id).update(order=MAX_AGENDA_ITEMS * 10 + offset)
        items, used = [], set()
        for order, (kind, title, item_id) in enumerate(cleaned, start=1):
            if item_id in kept_ids and item_id not in used:  # an id given twice keeps its row once
                used.add(item_id)
                item = existing[item_id]
                item.order, item.kind, item.title = order, kind, title
                item.save(update_fields=["order", "kind", "title"])
            else:
                item = AgendaItem.objects.create(cooperative=cooperative, meeting=meeting, order=order, kind=kind, title=title)
            items.append(item)
        after = [f"{item.order}. {item.title}" for item in items]
        if before != after:
            audit_record(actor=actor, action="meeting.agenda", cooperative=cooperative, obj=meeting,
                         changes={"items": [before, after]})
    return items


def invitation_is_late(meeting, *, today=None) -> bool:
    today = today or timezone.localdate()
    return meeting.date - today < timedelta(days=meeting.cooperative.invitation_notice_days)


@transaction.atomic
def invitations_send(*, actor, meeting, confirm_late=False) -> Meeting:
    """Invite the members (they see it on their phones). Later than the AD/ART's notice needs
    an explicit confirmation."""
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.DRAFT:
        raise ValidationError(_("Invitations were already sent."))
    if meeting.date < timezone.localdate():
        raise ValidationError(_("The meeting date has passed."))
    if invitation_is_late(meeting) and not confirm_late:
        raise ValidationError({"confirm_late": _("The AD/ART asks for %(days)s days' notice; the meeting is on %(date)s. Confirm to send anyway.") % {
            "days": meeting.cooperative.invitation_notice_days, "date": format_date(meeting.date)}})
    _advance(meeting, MeetingStatus.INVITED)
    meeting.invitations_sent_at = timezone.now()
    meeting.save(update_fields=["status", "invitations_sent_at"])
    audit_record(actor=actor, action="meeting.invite", cooperative=meeting.cooperative, obj=meeting,
                 changes={"late": [None, invitation_is_late(meeting)]})
    return meeting


def members_on_register(meeting) -> int:
    """Members on the register on the meeting date: joined by then and not left before it."""
    with scope(cooperative=meeting.cooperative):
        day = meeting.held_on or meeting.date
        return Member.objects.filter(joined_on__lte=day).exclude(left_on__lt=day).count()


@transaction.atomic
def attendance_mark(*, actor, meeting, member, mode=AttendanceMode.IN_PERSON, delegate_name="", self_check_in=False) -> Attendance:
    meeting = _locked(meeting)
    if meeting.status not in (MeetingStatus.DRAFT, MeetingStatus.INVITED, MeetingStatus.HELD):
        raise ValidationError(_("Attendance is closed: the minutes were published."))
    if mode not in AttendanceMode.values:
        raise ValidationError({"mode": _("Choose in person, online or by delegate.")})
    delegate_name = (delegate_name or "").strip()
    if mode == AttendanceMode.DELEGATE and not delegate_name:
        raise ValidationError({"delegate_name": _("Name the delegate.")})
    if mode != AttendanceMode.DELEGATE:
        delegate_name = ""
    day = meeting.held_on or meeting.date
    if self_check_in:
        # scanning the QR code on the screen counts only while the meeting is on, on its day
        if meeting.status not in (MeetingStatus.INVITED, MeetingStatus.HELD):
            raise ValidationError(_("Checking in opens when the invitations have been sent."))
        if day != timezone.localdate():
            raise ValidationError(_("Checking in is open on the day of the meeting (%(date)s).") % {"date": format_date(day)})
    with scope(cooperative=meeting.cooperative):
        member = Member.objects.filter(pk=getattr(member, "pk", None), cooperative=meeting.cooperative).first()
        if member is None:
            raise ValidationError({"member": _("This person is not in the cooperative's member register.")})
        if member.joined_on > day or (member.status == MemberStatus.LEFT and member.left_on and member.left_on < day):
            raise ValidationError({"member": _("%(name)s is not a member on %(date)s.") % {"name": member.full_name, "date": format_date(day)}})
        if Attendance.objects.filter(meeting=meeting, member=member).exists():
            raise ValidationError({"member": _("%(name)s is already checked in.") % {"name": member.full_name}})
        try:
            with transaction.atomic():
                attendance = Attendance.objects.create(
                    cooperative=meeting.cooperative, meeting=meeting, member=member, mode=mode, delegate_name=delegate_name[:150],
                    self_check_in=self_check_in, recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError as exc:  # two taps at once
            raise ValidationError({"member": _("%(name)s is already checked in.") % {"name": member.full_name}}) from exc
        audit_record(actor=actor, action="meeting.attendance", cooperative=meeting.cooperative, obj=meeting,
                     changes={"member": [None, member.number], "mode": [None, mode]})
    return attendance


@transaction.atomic
def attendance_remove(*, actor, attendance) -> None:
    meeting = _locked(attendance.meeting)
    if meeting.status not in (MeetingStatus.DRAFT, MeetingStatus.INVITED, MeetingStatus.HELD):
        raise ValidationError(_("Attendance is closed: the minutes were published."))
    with scope(cooperative=meeting.cooperative):
        audit_record(actor=actor, action="meeting.attendance_remove", cooperative=meeting.cooperative, obj=meeting,
                     changes={"member": [attendance.member.number, None]})
        attendance.delete()


@transaction.atomic
def decision_record(*, actor, agenda_item, method, decision_text, votes_for=None, votes_against=None, votes_abstain=None) -> AgendaItem:
    meeting = _locked(agenda_item.meeting)
    if meeting.status not in (MeetingStatus.INVITED, MeetingStatus.HELD, MeetingStatus.DRAFT):
        raise ValidationError(_("Decisions cannot change after the minutes were published."))
    errors = {}
    if method not in DecisionMethod.values:
        errors["decision_method"] = _("Choose consensus or vote.")
    if not (decision_text or "").strip():
        errors["decision_text"] = _("Write the decision.")
    if method == DecisionMethod.VOTE:
        counts = [votes_for, votes_against, votes_abstain]
        if any(c is None or c < 0 for c in counts):
            errors["votes_for"] = _("Enter the votes for, against and abstentions.")
        else:
            with scope(cooperative=meeting.cooperative):
                present = meeting.attendances.count()
            if sum(counts) > present:
                errors["votes_for"] = _("%(votes)s votes, but only %(present)s members are present (one member, one vote).") % {"votes": sum(counts), "present": present}
    if errors:
        raise ValidationError(errors)
    with scope(cooperative=meeting.cooperative):
        item = AgendaItem.objects.select_for_update().get(pk=agenda_item.pk)
        item.decision_method = method
        item.decision_text = decision_text.strip()
        item.votes_for, item.votes_against, item.votes_abstain = (votes_for, votes_against, votes_abstain) if method == DecisionMethod.VOTE else (None, None, None)
        item.save()
        audit_record(actor=actor, action="meeting.decision", cooperative=meeting.cooperative, obj=meeting,
                     changes={"item": [None, item.title], "method": [None, method]})
    return item


EDITABLE_UNTIL_PUBLISHED = (MeetingStatus.DRAFT, MeetingStatus.INVITED, MeetingStatus.HELD)


@transaction.atomic
def officer_elect(*, actor, agenda_item, organ, position, name, member=None, term_start=None, term_end=None) -> ElectedOfficer:
    if agenda_item.kind != AgendaItemKind.ELECTIONS:
        raise ValidationError(_("Officers are elected under the elections item."))
    meeting = _locked(agenda_item.meeting)
    if meeting.status not in EDITABLE_UNTIL_PUBLISHED:
        raise ValidationError(_("Decisions cannot change after the minutes were published."))
    errors = {}
    if organ not in Organ.values:
        errors["organ"] = _("Choose pengurus or pengawas.")
    if not (position or "").strip():
        errors["position"] = _("Give the officer's position, e.g. Ketua.")
    if not (name or "").strip():
        errors["name"] = _("Give the officer's name.")
    if term_start and term_end and term_end <= term_start:
        errors["term_end"] = _("The term must end after it starts.")
    if member is not None and member.cooperative_id != meeting.cooperative_id:
        errors["member"] = _("This person is not in the cooperative's member register.")
    if errors:
        raise ValidationError(errors)
    with scope(cooperative=meeting.cooperative):
        officer = ElectedOfficer.objects.create(
            cooperative=meeting.cooperative, agenda_item=agenda_item, organ=organ, position=" ".join(position.split())[:80],
            name=" ".join(name.split())[:150], member=member, term_start=term_start, term_end=term_end,
        )
        audit_record(actor=actor, action="meeting.officer", cooperative=meeting.cooperative, obj=meeting,
                     changes={"officer": [None, f"{organ} {officer.position}: {officer.name}"]})
    return officer


@transaction.atomic
def officer_remove(*, actor, officer) -> None:
    """Take back an officer entered by mistake (before the minutes are published)."""
    meeting = _locked(officer.agenda_item.meeting)
    if meeting.status not in EDITABLE_UNTIL_PUBLISHED:
        raise ValidationError(_("Decisions cannot change after the minutes were published."))
    with scope(cooperative=meeting.cooperative):
        audit_record(actor=actor, action="meeting.officer_remove", cooperative=meeting.cooperative, obj=meeting,
                     changes={"officer": [f"{officer.organ} {officer.position}: {officer.name}", None]})
        officer.delete()


@transaction.atomic
def officer_hand_over_manager_role(*, actor, officer):
    """A newly elected pengurus takes office: their login (through the member register) gets
    the manager role, with the position as its title. The RAT must have been held."""
    from cooperatives import access
    from cooperatives.services import role_assign

    meeting = _locked(officer.agenda_item.meeting)
    if STATUS_ORDER.index(meeting.status) < STATUS_ORDER.index(MeetingStatus.HELD):
        raise ValidationError(_("The manager role is handed over after the meeting was held."))
    if officer.organ != Organ.PENGURUS:
        raise ValidationError(_("Only an elected pengurus takes over the manager role."))
    with scope(cooperative=meeting.cooperative):
        member = Member.objects.filter(pk=officer.member_id).select_related("user").first()
        if member is None or member.user_id is None:
            raise ValidationError(_("%(name)s has no login in the portal yet: invite them from the member register first.") % {"name": officer.name})
        if member.status != MemberStatus.ACTIVE:
            raise ValidationError(_("%(name)s is no longer a member.") % {"name": officer.name})
        if access.MANAGER in access.roles_in(member.user, meeting.cooperative):
            raise ValidationError(_("%(name)s already has the manager role.") % {"name": officer.name})
        assignment = role_assign(actor=actor, cooperative=meeting.cooperative, user=member.user, role=access.MANAGER, title=officer.position)
        audit_record(actor=actor, action="meeting.handover", cooperative=meeting.cooperative, obj=meeting,
                     changes={"manager": [None, f"{officer.position}: {officer.name}"]})
    return assignment


MINUTES_FIELDS = ["chair_name", "secretary_name", "witnesses", "guests", "minutes_text"]


@transaction.atomic
def minutes_save(*, actor, meeting, chair_name="", secretary_name="", witnesses="", guests="", minutes_text="") -> Meeting:
    """The minutes' own fields (berita acara): chair, secretary, member witnesses, guests, free
    text. Editable until the minutes are published."""
    meeting = _locked(meeting)
    if meeting.status not in EDITABLE_UNTIL_PUBLISHED:
        raise ValidationError(_("The minutes were published and cannot change."))
    values = {"chair_name": chair_name, "secretary_name": secretary_name, "witnesses": witnesses, "guests": guests}
    values = {name: " ".join((value or "").split()) for name, value in values.items()}
    values["minutes_text"] = (minutes_text or "").strip()
    errors = {}
    for name, value in values.items():
        limit = Meeting._meta.get_field(name).max_length
        if limit and len(value) > limit:
            errors[name] = _("At most %(count)s characters.") % {"count": limit}
    if errors:
        raise ValidationError(errors)
    before = snapshot(meeting, MINUTES_FIELDS)
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.save(update_fields=MINUTES_FIELDS)
    changes = diff(before, snapshot(meeting, MINUTES_FIELDS))
    if changes:
        if "minutes_text" in changes:  # the trail keeps the length, not a second copy of the text
            changes["minutes_text"] = [len(before["minutes_text"]), len(values["minutes_text"])]
        audit_record(actor=actor, action="meeting.minutes", cooperative=meeting.cooperative, obj=meeting, changes=changes)
    return meeting


@transaction.atomic
def meeting_mark_held(*, actor, meeting, held_on=None) -> Meeting:
    """Record that the meeting took place: the register count on the day is frozen."""
    meeting = _locked(meeting)
    held_on = held_on or meeting.date
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A meeting cannot be held in the future.")})
    if meeting.kind == MeetingKind.RAT and held_on <= book_year_end(meeting.book_year, meeting.cooperative.book_year_end_month):
        raise ValidationError({"held_on": _("The RAT is held after the book year ends.")})
    _advance(meeting, MeetingStatus.HELD)
    meeting.held_on = held_on
    meeting.members_on_register = members_on_register(meeting)
    meeting.save(update_fields=["status", "held_on", "members_on_register"])
    schedule_refresh(meeting.cooperative, {RAT})
    audit_record(actor=actor, action="meeting.held", cooperative=meeting.cooperative, obj=meeting,
                 changes={"held_on": [None, held_on.isoformat()], "members_on_register": [None, meeting.members_on_register]})
    return meeting


@transaction.atomic
def minutes_publish(*, actor, meeting) -> Meeting:
    """Show the minutes and the published documents to the cooperative's members."""
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(_("Only the minutes of a meeting that was held can be published."))
    errors = {}
    if not meeting.chair_name.strip():
        errors["chair_name"] = _("Name the chair of the meeting.")
    if not meeting.secretary_name.strip():
        errors["secretary_name"] = _("Name the secretary of the meeting.")
    if errors:
        raise ValidationError(errors)
    _advance(meeting, MeetingStatus.MINUTES_PUBLISHED)
    meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["status", "minutes_published_at"])
    audit_record(actor=actor, action="meeting.publish", cooperative=meeting.cooperative, obj=meeting)
    return meeting


@transaction.atomic
def rat_report_submit(*, actor, meeting, total_assets, own_capital, outside_capital, business_volume, shu) -> RatReport:
    """The cooperative reports its RAT to the Dinas; the city counts it from now on."""
    from .selectors import quorum_status

    meeting = _locked(meeting)
    if meeting.kind != MeetingKind.RAT:
        raise ValidationError(_("Only a RAT is reported to the city."))
    if meeting.status != MeetingStatus.MINUTES_PUBLISHED:
        raise ValidationError(_("Publish the minutes before reporting the RAT."))
    figures = {"total_assets": total_assets, "own_capital": own_capital, "outside_capital": outside_capital,
               "business_volume": business_volume, "shu": shu}
    errors = {name: _("Enter an amount.") for name, value in figures.items() if value is None}
    errors.update({name: _("Cannot be negative.") for name, value in figures.items() if value is not None and name != "shu" and value < 0})
    if errors:
        raise ValidationError(errors)
    quorum = quorum_status(meeting)
    with scope(cooperative=meeting.cooperative):
        report = RatReport.objects.create(
            cooperative=meeting.cooperative, meeting=meeting, submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
            members_registered=quorum.registered, members_present=quorum.present, quorum_met=quorum.met, **figures,
        )
    _advance(meeting, MeetingStatus.REPORTED)
    meeting.reported_on = timezone.localdate()
    meeting.save(update_fields=["status", "reported_on"])
    schedule_refresh(meeting.cooperative, {RAT})
    audit_record(actor=actor, action="meeting.report", cooperative=meeting.cooperative, obj=meeting,
                 changes={k: [None, str(v)] for k, v in figures.items()})
    return report


def meeting_record_export(*, actor, meeting, paper: str, rows: int):
    """A paper naming members (invitation list, attendance list, minutes) was downloaded: an
    export of personal data, audited (DESIGN.md §10)."""
    return audit_record(actor=actor, action="meeting.export", cooperative=meeting.cooperative, obj=meeting,
                        changes={"paper": [None, paper], "rows": [None, rows]})

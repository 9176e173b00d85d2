"""Services the meeting pages needed or exposed bugs in: editing the schedule, the agenda keeping
decisions, attendance refusals (another cooperative's member, self check-in off the day),
officers (validation, removal, handing over the manager role), the minutes' fields, exports."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cooperatives import access
from cooperatives.models import RoleAssignment
from meetings import page_selectors, services
from meetings.models import Attendance, ElectedOfficer, Meeting
from portal.models import AuditEvent
from tests.factories import CooperativeFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def today():
    """Read at each use: a run crossing midnight in Asia/Jakarta must not compare with a stale date."""
    return timezone.localdate()

D = datetime.date


@pytest.fixture
def manager(cooperative, make_user):
    return make_user(cooperative, "manager")


def schedule(cooperative, manager, **overrides):
    kwargs = {"book_year": today().year - 1, "date": today(), "venue": "Aula Koperasi"}
    kwargs.update(overrides)
    return services.meeting_schedule(actor=manager, cooperative=cooperative, **kwargs)


def items_of(meeting):
    with scope(cooperative=meeting.cooperative):
        return list(meeting.agenda_items.order_by("order"))


def test_schedule_without_a_date_or_year_is_refused_per_field(cooperative, manager):
    with pytest.raises(ValidationError) as err:
        services.meeting_schedule(actor=manager, cooperative=cooperative, book_year=today().year - 1, date=None, venue="Aula")
    assert "date" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.meeting_schedule(actor=manager, cooperative=cooperative, book_year=None, date=today(), venue="Aula")
    assert "book_year" in err.value.message_dict


def test_update_checks_like_schedule_and_keeps_one_rat_per_year(cooperative, manager):
    rat = schedule(cooperative, manager)
    special = schedule(cooperative, manager, kind="ra_khusus", date=today() + datetime.timedelta(days=30))
    with pytest.raises(ValidationError) as err:
        services.meeting_update(actor=manager, meeting=special, kind="rat")
    assert "book_year" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.meeting_update(actor=manager, meeting=rat, mode="online")
    assert "online_link" in err.value.message_dict
    services.meeting_update(actor=manager, meeting=rat, start_time=datetime.time(9), end_time=datetime.time(12))
    with scope(cooperative=cooperative):
        assert Meeting.objects.get(pk=rat.pk).end_time == datetime.time(12)
    with scopes_disabled():
        assert AuditEvent.objects.get(action="meeting.update").changes == {"start_time": [None, "09:00"], "end_time": [None, "12:00"]}
    services.invitations_send(actor=manager, meeting=rat, confirm_late=True)
    with pytest.raises(ValidationError) as err:
        services.meeting_update(actor=manager, meeting=rat, kind="ra_khusus")  # invited as a RAT
    assert "kind" in err.value.message_dict
    services.meeting_mark_held(actor=manager, meeting=rat)
    with pytest.raises(ValidationError):
        services.meeting_update(actor=manager, meeting=rat, venue="Elsewhere")


def test_agenda_set_keeps_decisions_and_officers_of_moved_items(cooperative, manager):
    meeting = schedule(cooperative, manager)
    items = items_of(meeting)
    elections = next(i for i in items if i.kind == "elections")
    services.decision_record(actor=manager, agenda_item=items[0], method="mufakat", decision_text="Dibuka")
    services.officer_elect(actor=manager, agenda_item=elections, organ="pengurus", position="Ketua", name="Budi")
    reordered = [(i.kind, i.title, i.pk) for i in reversed(items)]
    services.agenda_set(actor=manager, meeting=meeting, titles=reordered)
    after = items_of(meeting)
    assert [i.pk for i in after] == [i.pk for i in reversed(items)]
    assert after[-1].decision_text == "Dibuka"
    with scope(cooperative=cooperative):
        assert ElectedOfficer.objects.filter(agenda_item=elections).count() == 1
    # without ids (the old call) the items are replaced; a foreign id is ignored
    services.agenda_set(actor=manager, meeting=meeting, titles=[("opening", "Pembukaan"), ("other", "Lain-lain", 999999)])
    after = items_of(meeting)
    assert [(i.order, i.title, i.decision_text) for i in after] == [(1, "Pembukaan", ""), (2, "Lain-lain", "")]
    with pytest.raises(ValidationError):
        services.agenda_set(actor=manager, meeting=meeting, titles=[("other", f"Item {i}") for i in range(31)])


def test_attendance_refuses_a_member_of_another_cooperative(cooperative, manager):
    meeting = schedule(cooperative, manager)
    stranger = MemberFactory(cooperative=CooperativeFactory(), joined_on=D(2020, 1, 1))
    with pytest.raises(ValidationError) as err:
        services.attendance_mark(actor=manager, meeting=meeting, member=stranger)
    assert "member" in err.value.message_dict
    with scope(cooperative=cooperative):
        assert not Attendance.objects.exists()


def test_self_check_in_only_while_invited_or_held_and_on_the_day(cooperative, manager):
    member = MemberFactory(cooperative=cooperative, joined_on=D(2020, 1, 1))
    meeting = schedule(cooperative, manager)
    with pytest.raises(ValidationError):  # draft: no invitation yet
        services.attendance_mark(actor=None, meeting=meeting, member=member, self_check_in=True)
    later = schedule(cooperative, manager, kind="ra_khusus", date=today() + datetime.timedelta(days=2))
    services.invitations_send(actor=manager, meeting=later, confirm_late=True)
    with pytest.raises(ValidationError):  # not the meeting's day
        services.attendance_mark(actor=None, meeting=later, member=member, self_check_in=True)
    services.invitations_send(actor=manager, meeting=meeting, confirm_late=True)
    row = services.attendance_mark(actor=None, meeting=meeting, member=member, self_check_in=True, delegate_name="ignored")
    assert row.self_check_in and row.delegate_name == ""


def test_officers_are_validated_removed_and_frozen_after_publishing(cooperative, manager):
    meeting = schedule(cooperative, manager)
    elections = next(i for i in items_of(meeting) if i.kind == "elections")
    with pytest.raises(ValidationError) as err:
        services.officer_elect(actor=manager, agenda_item=elections, organ="dewan", position="", name=" ")
    assert {"organ", "position", "name"} <= set(err.value.message_dict)
    stranger = MemberFactory(cooperative=CooperativeFactory())
    with pytest.raises(ValidationError) as err:
        services.officer_elect(actor=manager, agenda_item=elections, organ="pengurus", position="Ketua", name="X", member=stranger)
    assert "member" in err.value.message_dict
    officer = services.officer_elect(actor=manager, agenda_item=elections, organ="pengawas", position="Ketua  Pengawas", name="Ani")
    assert officer.position == "Ketua Pengawas"
    services.officer_remove(actor=manager, officer=officer)
    officer = services.officer_elect(actor=manager, agenda_item=elections, organ="pengawas", position="Ketua", name="Ani")
    services.meeting_mark_held(actor=manager, meeting=meeting)
    services.minutes_save(actor=manager, meeting=meeting, chair_name="A", secretary_name="B")
    services.minutes_publish(actor=manager, meeting=meeting)
    with pytest.raises(ValidationError):
        services.officer_elect(actor=manager, agenda_item=elections, organ="pengurus", position="Ketua", name="Budi")
    with pytest.raises(ValidationError):
        services.officer_remove(actor=manager, officer=officer)
    with pytest.raises(ValidationError):
        services.minutes_save(actor=manager, meeting=meeting, chair_name="C", secretary_name="D")


def test_hand_over_the_manager_role(cooperative, manager):
    user = UserFactory()
    member = MemberFactory(cooperative=cooperative, joined_on=D(2020, 1, 1), user=user)
    no_login = MemberFactory(cooperative=cooperative, joined_on=D(2020, 1, 1))
    meeting = schedule(cooperative, manager)
    elections = next(i for i in items_of(meeting) if i.kind == "elections")
    chair = services.officer_elect(actor=manager, agenda_item=elections, organ="pengurus", position="Ketua", name="Baru", member=member)
    other = services.officer_elect(actor=manager, agenda_item=elections, organ="pengurus", position="Bendahara", name="Lain", member=no_login)
    supervisor = services.officer_elect(actor=manager, agenda_item=elections, organ="pengawas", position="Ketua", name="Awas", member=member)
    with pytest.raises(ValidationError):  # not held yet
        services.officer_hand_over_manager_role(actor=manager, officer=chair)
    services.meeting_mark_held(actor=manager, meeting=meeting)
    with pytest.raises(ValidationError):  # no login
        services.officer_hand_over_manager_role(actor=manager, officer=other)
    with pytest.raises(ValidationError):  # pengawas do not manage
        services.officer_hand_over_manager_role(actor=manager, officer=supervisor)
    assignment = services.officer_hand_over_manager_role(actor=manager, officer=chair)
    assert assignment.title == "Ketua" and access.MANAGER in access.roles_in(UserFactory._meta.model.objects.get(pk=user.pk), cooperative)
    with pytest.raises(ValidationError):  # twice
        services.officer_hand_over_manager_role(actor=manager, officer=chair)
    with scope(cooperative=cooperative):
        assert RoleAssignment.objects.filter(user=user, role="manager").count() == 1


def test_minutes_save_normalises_and_limits(cooperative, manager):
    meeting = schedule(cooperative, manager)
    services.minutes_save(actor=manager, meeting=meeting, chair_name="  Budi   Santoso ", secretary_name="Siti", witnesses="Andi; Rina",
                          guests="Dinas", minutes_text="  Rapat dibuka.\n\nSelesai.  ")
    with scope(cooperative=cooperative):
        saved = Meeting.objects.get(pk=meeting.pk)
    assert (saved.chair_name, saved.minutes_text) == ("Budi Santoso", "Rapat dibuka.\n\nSelesai.")
    assert page_selectors.split_witnesses(saved.witnesses) == ["Andi", "Rina"]
    with pytest.raises(ValidationError) as err:
        services.minutes_save(actor=manager, meeting=meeting, chair_name="x" * 151)
    assert "chair_name" in err.value.message_dict
    with scopes_disabled():
        event = AuditEvent.objects.get(action="meeting.minutes")
    assert event.changes["minutes_text"] == [0, len("Rapat dibuka.\n\nSelesai.")]


def test_rat_deadline_status(cooperative, manager):
    status = page_selectors.rat_deadline_status(cooperative=cooperative, today=D(2026, 5, 1))
    assert (status.book_year, status.deadline, status.days_remaining, status.overdue) == (2025, D(2026, 6, 30), 60, False)
    status = page_selectors.rat_deadline_status(cooperative=cooperative, today=D(2026, 7, 2))
    assert status.overdue and status.days_overdue == 2 and status.meeting is None
    meeting = schedule(cooperative, manager, book_year=2025)
    services.meeting_mark_held(actor=manager, meeting=meeting)
    status = page_selectors.rat_deadline_status(cooperative=cooperative, today=D(2026, 7, 2))
    assert status.meeting == meeting and status.held and not status.overdue

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope

from meetings import services
from meetings.models import Meeting
from meetings.selectors import quorum_needed, quorum_status
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()


@pytest.fixture
def manager(cooperative, make_user):
    return make_user(cooperative, "manager")


def schedule(cooperative, manager, **overrides):
    kwargs = {"book_year": TODAY.year - 1, "date": TODAY + datetime.timedelta(days=20), "venue": "Aula Koperasi"}
    kwargs.update(overrides)
    return services.meeting_schedule(actor=manager, cooperative=cooperative, **kwargs)


@pytest.mark.parametrize(("registered", "fraction", "more_than", "needed"), [
    (100, Decimal("0.5"), True, 51), (101, Decimal("0.5"), True, 51), (100, Decimal("0.5"), False, 50),
    (10, Decimal("0.2"), False, 2), (11, Decimal("0.2"), False, 3), (0, Decimal("0.5"), True, 1),
])
def test_quorum_rule(registered, fraction, more_than, needed):
    assert quorum_needed(registered, fraction, more_than) == needed


def test_rat_deadline_follows_the_ad_art(cooperative):
    assert services.rat_deadline(cooperative, 2025) == D(2026, 6, 30)
    cooperative.rat_deadline_months = 3
    assert services.rat_deadline(cooperative, 2025) == D(2026, 3, 31)


def test_schedule_creates_the_standard_agenda_and_one_rat_per_year(cooperative, manager):
    meeting = schedule(cooperative, manager)
    with scope(cooperative=cooperative):
        assert meeting.agenda_items.count() == len(services.STANDARD_AGENDA)
    with pytest.raises(ValidationError) as err:
        schedule(cooperative, manager)
    assert "book_year" in err.value.message_dict


def test_bad_schedules(cooperative, manager):
    with pytest.raises(ValidationError) as err:
        schedule(cooperative, manager, venue="", date=D(TODAY.year - 1, 12, 31), mode="hybrid")
    assert {"venue", "online_link", "date"} <= set(err.value.message_dict)


def test_late_invitations_need_confirmation(cooperative, manager):
    meeting = schedule(cooperative, manager, date=TODAY + datetime.timedelta(days=5))
    with pytest.raises(ValidationError) as err:
        services.invitations_send(actor=manager, meeting=meeting)
    assert "confirm_late" in err.value.message_dict
    assert services.invitations_send(actor=manager, meeting=meeting, confirm_late=True).status == "invited"


def test_attendance_quorum_and_refusals(cooperative, manager):
    members = MemberFactory.create_batch(5, cooperative=cooperative, joined_on=D(2020, 1, 1))
    late_joiner = MemberFactory(cooperative=cooperative, joined_on=TODAY + datetime.timedelta(days=30))
    meeting = schedule(cooperative, manager, date=TODAY)
    for m in members[:3]:
        services.attendance_mark(actor=manager, meeting=meeting, member=m)
    quorum = quorum_status(meeting)
    assert (quorum.registered, quorum.present, quorum.needed, quorum.met) == (5, 3, 3, True)
    with pytest.raises(ValidationError):
        services.attendance_mark(actor=manager, meeting=meeting, member=members[0])  # twice
    with pytest.raises(ValidationError):
        services.attendance_mark(actor=manager, meeting=meeting, member=late_joiner)  # not a member on the day
    with pytest.raises(ValidationError):
        services.attendance_mark(actor=manager, meeting=meeting, member=members[3], mode="delegate")  # no delegate name


def test_minutes_only_after_the_meeting_was_held(cooperative, manager):
    meeting = schedule(cooperative, manager, date=TODAY)
    with pytest.raises(ValidationError):
        services.minutes_publish(actor=manager, meeting=meeting)
    services.meeting_mark_held(actor=manager, meeting=meeting)
    with pytest.raises(ValidationError) as err:
        services.minutes_publish(actor=manager, meeting=meeting)
    assert "chair_name" in err.value.message_dict
    with scope(cooperative=cooperative):
        Meeting.objects.filter(pk=meeting.pk).update(chair_name="Ketua", secretary_name="Sekretaris")
    assert services.minutes_publish(actor=manager, meeting=meeting).status == "minutes_published"


def test_votes_cannot_exceed_those_present(cooperative, manager):
    members = MemberFactory.create_batch(2, cooperative=cooperative, joined_on=D(2020, 1, 1))
    meeting = schedule(cooperative, manager, date=TODAY)
    for m in members:
        services.attendance_mark(actor=manager, meeting=meeting, member=m)
    with scope(cooperative=cooperative):
        item = meeting.agenda_items.first()
    with pytest.raises(ValidationError):
        services.decision_record(actor=manager, agenda_item=item, method="vote", decision_text="Disetujui", votes_for=3, votes_against=0, votes_abstain=0)
    services.decision_record(actor=manager, agenda_item=item, method="vote", decision_text="Disetujui", votes_for=2, votes_against=0, votes_abstain=0)


def test_report_to_the_city_counts_the_rat(cooperative, manager):
    from city.figures import refresh_cooperative_figures
    from city.selectors import indicators

    MemberFactory.create_batch(2, cooperative=cooperative, joined_on=D(2020, 1, 1))
    meeting = schedule(cooperative, manager, date=TODAY)
    services.meeting_mark_held(actor=manager, meeting=meeting)
    with scope(cooperative=cooperative):
        Meeting.objects.filter(pk=meeting.pk).update(chair_name="A", secretary_name="B")
    services.minutes_publish(actor=manager, meeting=meeting)
    report = services.rat_report_submit(actor=manager, meeting=meeting, total_assets=Decimal("1000"), own_capital=Decimal("600"),
                                        outside_capital=Decimal("400"), business_volume=Decimal("5000"), shu=Decimal("100"))
    assert report.members_registered == 2 and report.members_present == 0 and not report.quorum_met
    refresh_cooperative_figures(cooperative)  # what the report's commit schedules
    figures = indicators(TODAY.year - 1)
    assert figures.rat_held == 1 and figures.active == 1 and figures.members_total == 2

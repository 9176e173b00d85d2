"""The meeting pages (/c/<slug>/rapat/…): every page for the right roles, the RAT's workflow
through the pages (schedule → invite → attendance until quorum → decisions → held → minutes →
publish → report), members' self check-in, what members see, and the query budgets."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cooperatives import access
from cooperatives.models import RoleAssignment
from ledger import services as ledger
from meetings import services
from meetings.models import Attendance, ElectedOfficer, Meeting, RatReport
from portal.models import AuditEvent
from tests.factories import CooperativeFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def today():
    """Read at each use: a run crossing midnight in Asia/Jakarta must not compare with a stale date."""
    return timezone.localdate()

D = datetime.date
YEAR = timezone.localdate().year - 1  # the latest book year that has ended (calendar book years)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}
STAFF_BUDGET = 12
MEMBER_BUDGET = 8


def url(cooperative, name, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"slug": cooperative.slug, **kwargs})


def page(response, status=200):
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.content.decode()


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def reload(meeting):
    with scope(cooperative=meeting.cooperative):
        return Meeting.objects.get(pk=meeting.pk)


@pytest.fixture
def coop(cooperative):
    ledger.chart_apply_template(cooperative=cooperative)
    return cooperative


@pytest.fixture
def manager(coop, make_user):
    return make_user(coop, "manager")


@pytest.fixture
def members(coop):
    return MemberFactory.create_batch(5, cooperative=coop, joined_on=D(2020, 1, 1))


def schedule(coop, manager, **overrides):
    kwargs = {"book_year": YEAR, "date": today(), "venue": "Aula Koperasi"}
    kwargs.update(overrides)
    return services.meeting_schedule(actor=manager, cooperative=coop, **kwargs)


def invited(coop, manager, **overrides):
    meeting = schedule(coop, manager, **overrides)
    return services.invitations_send(actor=manager, meeting=meeting, confirm_late=True)


def count_queries(client, path, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **extra)
    assert response.status_code == 200, (path, response.status_code)
    return len(ctx.captured_queries)


# --- the whole workflow through the pages ---------------------------------------------------------

def test_the_rat_from_schedule_to_report(client, coop, manager, members, make_user):
    # the books of the year: income 3.000.000, expense 1.000.000 → the report is prefilled from them
    ledger.entry_post(actor=manager, cooperative=coop, date=D(YEAR, 6, 1), description="Jasa pinjaman",
                      lines=[{"account": "1-101", "debit": "3000000"}, {"account": "4-101", "credit": "3000000"}])
    ledger.entry_post(actor=manager, cooperative=coop, date=D(YEAR, 7, 1), description="Gaji",
                      lines=[{"account": "5-102", "debit": "1000000"}, {"account": "1-101", "credit": "1000000"}])
    client.force_login(manager)

    # the list flags the RAT of the last book year as overdue (its deadline, 30 June, has passed)
    html = page(client.get(url(coop, "list"), **EN))
    if today() > D(today().year, 6, 30):
        assert 'id="rat-overdue"' in html and "Overdue" in html
    else:
        assert 'id="rat-days"' in html

    # schedule
    response = client.post(url(coop, "add"), {"kind": "rat", "book_year": YEAR, "mode": "in_person", "date": today().isoformat(),
                                              "start_time": "09:00", "end_time": "12:00", "venue": "Aula Koperasi"}, **EN)
    with scope(cooperative=coop):
        meeting = Meeting.objects.get(kind="rat", book_year=YEAR)
        assert meeting.agenda_items.count() == len(services.STANDARD_AGENDA)
    assert response.status_code == 302 and response["Location"] == url(coop, "detail", pk=meeting.pk)
    html = page(client.get(url(coop, "detail", pk=meeting.pk), **EN))
    assert 'id="action-invite"' in html and "Send the invitations" in html

    # invitations: the meeting is today, later than the notice → a confirmation is needed
    html = page(client.post(url(coop, "invitations", pk=meeting.pk), {}, **EN))
    assert "Confirm to send anyway" in html and reload(meeting).status == "draft"
    response = client.post(url(coop, "invitations", pk=meeting.pk), {"confirm_late": "on"}, **EN)
    assert response.status_code == 302 and reload(meeting).status == "invited"
    assert client.get(url(coop, "invitation_pdf", pk=meeting.pk)).content.startswith(b"%PDF")

    # attendance at the door: search, mark present (plain and htmx), undo, until quorum
    door = url(coop, "attendance", pk=meeting.pk)
    html = page(client.get(door, {"q": members[0].full_name}, **EN))
    assert f'id="present-{members[0].pk}"' in html
    partial = page(client.get(door, {"q": members[0].number}, HTTP_HX_TARGET="door-results", **HTMX, **EN))
    assert "<html" not in partial and 'id="door-results"' in partial and members[0].full_name in partial
    response = client.post(door, {"member": members[0].pk, "mode": "in_person", "q": members[0].number}, **EN)
    assert response.status_code == 302 and response["Location"].endswith(f"?q={members[0].number}")
    partial = page(client.post(door, {"member": members[1].pk, "mode": "online", "q": ""}, **HTMX, **EN))
    assert 'id="door"' in partial and "<html" not in partial and f"{members[1].full_name} is present." in partial
    partial = page(client.post(door, {"member": members[2].pk, "mode": "delegate", "delegate_name": ""}, **HTMX, **EN))
    assert "Name the delegate." in partial
    client.post(door, {"member": members[2].pk, "mode": "delegate", "delegate_name": "Pak Wakil"}, **EN)
    panel = page(client.get(door, HTTP_HX_TARGET="quorum-panel", **HTMX, **EN))
    assert panel.strip().startswith('<section id="quorum-panel"') and "Quorum met" in panel
    assert 'hx-trigger="every 5s"' in panel
    # twice is refused with a message, nothing written
    html = text(page(client.get(client.post(door, {"member": members[0].pk, "mode": "in_person"}, **EN)["Location"], **EN)))
    assert "is already checked in" in html
    # undo one: the quorum (3 of 5 needed) is lost, then marked again
    with scope(cooperative=coop):
        row = Attendance.objects.get(meeting=meeting, member=members[2])
    client.post(url(coop, "attendance_remove", pk=meeting.pk, attendance_pk=row.pk), {"q": ""}, **EN)
    html = page(client.get(door, **EN))
    assert "Quorum not met: 1 more member needed" in text(html)
    client.post(door, {"member": members[2].pk, "mode": "in_person"}, **EN)
    html = page(client.get(door, **EN))
    assert 'id="quorum-present">3<' in html and 'id="quorum-needed">3<' in html and 'id="quorum-registered">5<' in html
    assert "Quorum met" in html
    assert client.get(url(coop, "attendance_pdf", pk=meeting.pk)).content.startswith(b"%PDF")
    assert 'id="qr-code"' in page(client.get(url(coop, "qr", pk=meeting.pk), **EN))

    # decisions: consensus, a vote, and officers under the elections item
    with scope(cooperative=coop):
        items = {item.kind: item for item in meeting.agenda_items.all()}
    decide = url(coop, "decision", pk=meeting.pk, item_pk=items["accountability"].pk)
    response = client.post(decide, {"action": "decision", "decision_method": "mufakat", "decision_text": "LPJ pengurus diterima."}, **EN)
    assert response.status_code == 302
    decide_shu = url(coop, "decision", pk=meeting.pk, item_pk=items["shu"].pk)
    html = page(client.post(decide_shu, {"action": "decision", "decision_method": "vote", "votes_for": 4, "votes_against": 0,
                                         "votes_abstain": 0, "decision_text": "Disetujui"}, **EN), 400)
    assert "only 3 members are present" in html
    client.post(decide_shu, {"action": "decision", "decision_method": "vote", "votes_for": 2, "votes_against": 1,
                             "votes_abstain": 0, "decision_text": "Pembagian SHU disetujui."}, **EN)
    new_chair = UserFactory()
    with scopes_disabled():
        Member = type(members[0])
        Member.objects.filter(pk=members[3].pk).update(user=new_chair)
    elections = url(coop, "decision", pk=meeting.pk, item_pk=items["elections"].pk)
    html = page(client.post(elections, {"action": "officer", "organ": "pengurus", "position": "Ketua", "name": "X",
                                        "member_number": "nope"}, **EN), 400)
    assert "No member has number nope." in html
    response = client.post(elections, {"action": "officer", "organ": "pengurus", "position": "Ketua", "name": members[3].full_name,
                                       "member_number": members[3].number, "term_start": today().isoformat()}, **EN)
    assert response.status_code == 302
    with scope(cooperative=coop):
        officer = ElectedOfficer.objects.get(agenda_item=items["elections"])
        assert reload(meeting).agenda_items.get(kind="shu").votes_for == 2
    # the manager role is handed over only after the meeting was held
    client.post(url(coop, "officer_hand_over", pk=meeting.pk, officer_pk=officer.pk), **EN)
    assert access.MANAGER not in access.roles_in(new_chair, coop)

    # held
    response = client.post(url(coop, "held", pk=meeting.pk), {"held_on": today().isoformat()}, **EN)
    assert response.status_code == 302 and reload(meeting).status == "held" and reload(meeting).members_on_register == 5

    html = page(client.get(elections, **EN))
    assert f'id="hand-over-{officer.pk}"' in html
    client.post(url(coop, "officer_hand_over", pk=meeting.pk, officer_pk=officer.pk), **EN)
    with scope(cooperative=coop):
        assignment = RoleAssignment.objects.get(user=new_chair, role="manager")
    assert assignment.title == "Ketua"
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="role.assign", cooperative=coop).exists()
        assert AuditEvent.objects.filter(action="meeting.handover", cooperative=coop).exists()

    # minutes: publishing needs the chair and the secretary
    client.post(url(coop, "publish", pk=meeting.pk), **EN)
    assert reload(meeting).status == "held"
    response = client.post(url(coop, "minutes", pk=meeting.pk), {
        "chair_name": "Budi Santoso, S.E.", "secretary_name": "Siti Aminah", "witness_1": "Andi", "witness_2": "Rina",
        "guests": "Dinas Koperasi", "minutes_text": "Rapat dibuka pukul 09.00."}, **EN)
    assert response.status_code == 302
    assert reload(meeting).witnesses == "Andi; Rina"
    assert client.get(url(coop, "minutes_pdf", pk=meeting.pk)).content.startswith(b"%PDF")
    client.post(url(coop, "publish", pk=meeting.pk), **EN)
    assert reload(meeting).status == "minutes_published"

    # a member sees the published minutes: counts, no names of those present
    member_user = UserFactory()
    with scopes_disabled():
        Member.objects.filter(pk=members[4].pk).update(user=member_user)
    client.force_login(member_user)
    html = page(client.get(url(coop, "list"), **EN))
    assert 'id="member-minutes"' in html and url(coop, "detail", pk=meeting.pk) in html
    html = page(client.get(url(coop, "detail", pk=meeting.pk), **EN))
    assert "LPJ pengurus diterima." in html and "3 (2 in person, 1 online, 0 by delegate)" in html
    assert members[0].full_name not in html and members[1].full_name not in html
    assert client.get(url(coop, "minutes_pdf", pk=meeting.pk)).content.startswith(b"%PDF")
    home = page(client.get(reverse("self:home", kwargs={"slug": coop.slug}), **EN))  # the member's home lists the minutes
    assert f'href="{url(coop, "detail", pk=meeting.pk)}"' in home and f"Minutes of RAT {YEAR}" in home
    assert client.get(url(coop, "attendance", pk=meeting.pk)).status_code == 403
    assert client.get(url(coop, "attendance_pdf", pk=meeting.pk)).status_code == 403

    # report to the city, prefilled from the books
    client.force_login(manager)
    html = page(client.get(url(coop, "report", pk=meeting.pk), **EN))
    assert 'value="3.000.000"' in html  # business volume: the year's income
    assert 'value="2.000.000"' in html  # SHU of the year
    response = client.post(url(coop, "report", pk=meeting.pk), {
        "total_assets": "2.000.000", "own_capital": "2.000.000", "outside_capital": "0", "business_volume": "3.000.000", "shu": "2.000.000"}, **EN)
    assert response.status_code == 302 and reload(meeting).status == "reported"
    with scope(cooperative=coop):
        report = RatReport.objects.get(meeting=meeting)
    assert (report.members_registered, report.members_present, report.quorum_met) == (5, 3, True)
    assert report.shu == Decimal("2000000") and report.business_volume == Decimal("3000000")
    html = page(client.get(url(coop, "list"), **EN))
    assert 'id="rat-overdue"' not in html and "The RAT was held on" in html


@pytest.mark.parametrize("role", ["manager", "supervisor", "bookkeeper", "member"])
def test_the_cooperative_overview_links_to_the_meetings(client, coop, make_user, role):
    client.force_login(make_user(coop, role))
    html = page(client.get(reverse("coop:overview", kwargs={"slug": coop.slug}), **EN))
    assert f'href="{url(coop, "list")}" id="open-meetings"' in html


# --- roles: supervisor and bookkeeper read, the manager writes --------------------------------------

@pytest.mark.parametrize("role", ["supervisor", "bookkeeper"])
def test_staff_read_every_page_but_only_the_manager_writes(client, coop, manager, members, make_user, role):
    meeting = invited(coop, manager)
    client.force_login(make_user(coop, role))
    for name in ("list",):
        page(client.get(url(coop, name), **EN))
    for name in ("detail", "invitations", "attendance", "qr"):
        html = page(client.get(url(coop, name, pk=meeting.pk), {"q": members[0].number}, **EN))
        assert 'id="action-held"' not in html and 'id="present-' not in html and 'id="send-invitations"' not in html
    assert members[0].full_name in page(client.get(url(coop, "attendance", pk=meeting.pk), {"q": members[0].number}))
    assert client.get(url(coop, "attendance_pdf", pk=meeting.pk)).content.startswith(b"%PDF")
    assert client.post(url(coop, "attendance", pk=meeting.pk), {"member": members[0].pk, "mode": "in_person"}).status_code == 403
    assert client.post(url(coop, "invitations", pk=meeting.pk), {"confirm_late": "on"}).status_code == 403
    for name in ("edit", "agenda", "held", "minutes", "report"):
        assert client.get(url(coop, name, pk=meeting.pk)).status_code == 403
    with scope(cooperative=coop):
        assert not Attendance.objects.exists()


def test_manager_sees_the_next_action_by_status(client, coop, manager):
    client.force_login(manager)
    meeting = schedule(coop, manager, date=today() + datetime.timedelta(days=30))
    html = page(client.get(url(coop, "detail", pk=meeting.pk), **EN))
    assert 'id="action-invite"' in html and 'id="action-attendance"' not in html and "need a confirmation" not in html
    services.invitations_send(actor=manager, meeting=meeting)
    html = page(client.get(url(coop, "detail", pk=meeting.pk), **EN))
    assert 'id="action-attendance"' in html and 'id="action-held"' in html and 'id="action-invite"' not in html


def test_schedule_form_shows_refusals_per_field(client, coop, manager):
    client.force_login(manager)
    html = page(client.post(url(coop, "add"), {"kind": "rat", "book_year": YEAR, "mode": "hybrid", "date": D(YEAR, 12, 31).isoformat()}, **EN))
    assert "Where is the meeting held?" in html and "Give the link of the online meeting." in html
    assert "is held after the year ends" in html
    with scope(cooperative=coop):
        assert not Meeting.objects.exists()


def test_edit_the_schedule(client, coop, manager):
    meeting = schedule(coop, manager, date=today() + datetime.timedelta(days=40))
    client.force_login(manager)
    form = page(client.get(url(coop, "edit", pk=meeting.pk), **EN))
    assert 'value="Aula Koperasi"' in form
    response = client.post(url(coop, "edit", pk=meeting.pk), {
        "kind": "rat", "book_year": YEAR, "mode": "hybrid", "date": (today() + datetime.timedelta(days=41)).isoformat(),
        "venue": "Balai RW 05", "online_link": "meet.google.com/abc-defg-hij", "start_time": "13:00", "end_time": "12:00"}, **EN)
    assert "The meeting must end after it starts." in page(response)
    response = client.post(url(coop, "edit", pk=meeting.pk), {
        "kind": "rat", "book_year": YEAR, "mode": "hybrid", "date": (today() + datetime.timedelta(days=41)).isoformat(),
        "venue": "Balai RW 05", "online_link": "meet.google.com/abc-defg-hij", "start_time": "09:00", "end_time": "12:00"}, **EN)
    assert response.status_code == 302
    meeting = reload(meeting)
    assert (meeting.mode, meeting.venue, meeting.online_link) == ("hybrid", "Balai RW 05", "https://meet.google.com/abc-defg-hij")
    with scopes_disabled():
        assert AuditEvent.objects.get(action="meeting.update").changes["venue"] == ["Aula Koperasi", "Balai RW 05"]


def test_invitations_in_time_need_no_confirmation(client, coop, manager):
    meeting = schedule(coop, manager, date=today() + datetime.timedelta(days=20))
    client.force_login(manager)
    html = page(client.get(url(coop, "invitations", pk=meeting.pk), **EN))
    assert 'name="confirm_late"' not in html
    assert client.post(url(coop, "invitations", pk=meeting.pk), {}).status_code == 302
    assert reload(meeting).status == "invited"


# --- agenda editor ------------------------------------------------------------------------------

def agenda_post(items, action="save"):
    data = {"acara-TOTAL_FORMS": str(len(items)), "acara-INITIAL_FORMS": str(len(items)), "acara-MIN_NUM_FORMS": "0",
            "acara-MAX_NUM_FORMS": "30", "action": action}
    for i, (pk, kind, title) in enumerate(items):
        data.update({f"acara-{i}-item": pk or "", f"acara-{i}-kind": kind, f"acara-{i}-title": title})
    return data


def test_agenda_reorder_keeps_decisions_add_remove_and_standard(client, coop, manager, members):
    meeting = schedule(coop, manager)
    with scope(cooperative=coop):
        items = list(meeting.agenda_items.order_by("order"))
    services.attendance_mark(actor=manager, meeting=meeting, member=members[0])
    services.decision_record(actor=manager, agenda_item=items[1], method="mufakat", decision_text="Diterima")
    client.force_login(manager)
    rows = [(i.pk, i.kind, i.title) for i in items]
    # move item 2 (with its decision) up
    response = client.post(url(coop, "agenda", pk=meeting.pk), agenda_post(rows, "up-1"))
    assert response.status_code == 302
    with scope(cooperative=coop):
        first = meeting.agenda_items.get(order=1)
    assert first.pk == items[1].pk and first.decision_text == "Diterima"
    # htmx: the rows only
    with scope(cooperative=coop):
        rows = [(i.pk, i.kind, i.title) for i in meeting.agenda_items.order_by("order")]
    partial = page(client.post(url(coop, "agenda", pk=meeting.pk), agenda_post(rows, "down-0"), follow=True,
                               HTTP_HX_TARGET="agenda-rows", **HTMX, **EN))
    assert 'id="agenda-rows"' in partial and "<html" not in partial
    # remove the last, rename one, add one
    with scope(cooperative=coop):
        rows = [(i.pk, i.kind, i.title) for i in meeting.agenda_items.order_by("order")]
    html = page(client.post(url(coop, "agenda", pk=meeting.pk), agenda_post(rows, "add"), **EN))
    assert f'name="acara-{len(rows)}-title"' in html
    rows = rows[:-1] + [(None, "other", "Penetapan iuran  baru")]
    client.post(url(coop, "agenda", pk=meeting.pk), agenda_post(rows))
    with scope(cooperative=coop):
        titles = list(meeting.agenda_items.order_by("order").values_list("title", flat=True))
    assert len(titles) == len(services.STANDARD_AGENDA) and titles[-1] == "Penetapan iuran baru"
    # an empty agenda is refused
    html = page(client.post(url(coop, "agenda", pk=meeting.pk), agenda_post([(None, "other", " ")]), **EN))
    assert "The agenda needs at least one item." in html
    # back to the standard: decisions of kept kinds stay
    client.post(url(coop, "agenda", pk=meeting.pk), {"action": "standard"})
    with scope(cooperative=coop):
        kinds = list(meeting.agenda_items.order_by("order").values_list("kind", flat=True))
        assert meeting.agenda_items.get(kind="accountability").decision_text == "Diterima"
    assert kinds == [str(k) for k in services.STANDARD_AGENDA]


# --- self check-in -------------------------------------------------------------------------------

def test_member_checks_in_by_qr_once_and_only_themselves(client, coop, manager, make_user):
    meeting = invited(coop, manager)
    user = make_user(coop, "member")
    client.force_login(user)
    check_in = url(coop, "check_in", pk=meeting.pk)
    html = page(client.get(check_in, **EN))
    assert 'id="check-in-button"' in html
    response = client.post(check_in, {"mode": "in_person"}, **EN)
    assert response.status_code == 302
    with scope(cooperative=coop):
        row = Attendance.objects.get(meeting=meeting)
    assert row.self_check_in and row.recorded_by == user and row.member.user == user
    assert 'id="checked-in"' in page(client.get(check_in, **EN))
    # twice: refused, still one row
    html = page(client.post(check_in, {"mode": "in_person"}, **EN), 400)
    assert "is already checked in" in html
    with scope(cooperative=coop):
        assert Attendance.objects.filter(meeting=meeting).count() == 1


def test_check_in_refusals(client, coop, manager, make_user):
    user = make_user(coop, "member")
    client.force_login(user)
    draft = schedule(coop, manager, kind="ra_khusus", date=today())
    assert client.get(url(coop, "check_in", pk=draft.pk)).status_code == 404  # members do not see drafts
    later = invited(coop, manager, kind="ra_khusus", date=today() + datetime.timedelta(days=3))
    html = page(client.get(url(coop, "check_in", pk=later.pk), **EN))
    assert 'id="check-in-closed"' in html and 'id="check-in-button"' not in html
    html = page(client.post(url(coop, "check_in", pk=later.pk), {"mode": "in_person"}, **EN), 400)
    assert "Checking in is open on the day of the meeting" in html
    # a member of another cooperative: 404, nothing learnt
    other = CooperativeFactory()
    stranger = make_user(other, "member")
    client.force_login(stranger)
    today_meeting = invited(coop, manager, kind="ra_khusus", date=today(), title="Hari ini")
    assert client.get(url(coop, "check_in", pk=today_meeting.pk)).status_code == 404
    assert client.post(url(coop, "check_in", pk=today_meeting.pk), {"mode": "in_person"}).status_code == 404
    # staff without a membership cannot check in
    client.force_login(manager)
    assert client.post(url(coop, "check_in", pk=today_meeting.pk), {"mode": "in_person"}).status_code == 403
    with scope(cooperative=coop):
        assert not Attendance.objects.exists()


def test_members_see_invitations_not_drafts(client, coop, manager, make_user):
    draft = schedule(coop, manager, kind="ra_khusus", title="Rapat draf", date=today() + datetime.timedelta(days=30))
    upcoming = invited(coop, manager, date=today() + datetime.timedelta(days=30))
    client.force_login(make_user(coop, "member"))
    html = page(client.get(url(coop, "list"), **EN))
    assert url(coop, "detail", pk=upcoming.pk) in html and "Rapat draf" not in html
    assert client.get(url(coop, "detail", pk=draft.pk)).status_code == 404
    html = page(client.get(url(coop, "detail", pk=upcoming.pk), **EN))
    assert "You are invited" in html and "Aula Koperasi" in html
    assert client.get(url(coop, "minutes_pdf", pk=upcoming.pk)).status_code == 404  # not published yet


# --- query budgets --------------------------------------------------------------------------------

@pytest.mark.parametrize("attendees", [1, 50])
def test_attendance_page_budget(client, coop, manager, attendees):
    meeting = invited(coop, manager)
    people = MemberFactory.create_batch(attendees, cooperative=coop, joined_on=D(2020, 1, 1), full_name="Siti Rahma")
    with scopes_disabled():
        Attendance.objects.bulk_create([Attendance(cooperative=coop, meeting=meeting, member=m) for m in people])
    client.force_login(manager)
    door = url(coop, "attendance", pk=meeting.pk)
    assert count_queries(client, door) <= STAFF_BUDGET
    assert count_queries(client, door, data={"q": "Siti"}) <= STAFF_BUDGET
    assert count_queries(client, door, data={"semua": "1"}) <= STAFF_BUDGET
    assert count_queries(client, door, HTTP_HX_TARGET="quorum-panel", **HTMX) <= STAFF_BUDGET


def test_attendance_page_cost_does_not_grow(client, coop, manager):
    meeting = invited(coop, manager)
    client.force_login(manager)
    door = url(coop, "attendance", pk=meeting.pk)

    def add(n):
        people = MemberFactory.create_batch(n, cooperative=coop, joined_on=D(2020, 1, 1), full_name="Siti Rahma")
        with scopes_disabled():
            Attendance.objects.bulk_create([Attendance(cooperative=coop, meeting=meeting, member=m) for m in people])

    add(1)
    one = (count_queries(client, door, data={"q": "Siti"}), count_queries(client, door, data={"semua": "1"}),
           count_queries(client, url(coop, "detail", pk=meeting.pk)))
    add(49)
    assert (count_queries(client, door, data={"q": "Siti"}), count_queries(client, door, data={"semua": "1"}),
            count_queries(client, url(coop, "detail", pk=meeting.pk))) == one


@pytest.mark.parametrize("rows", [1, 50])
def test_list_and_detail_budgets(client, coop, manager, make_user, rows):
    for i in range(rows):
        schedule(coop, manager, kind="ra_khusus", title=f"Rapat {i}", date=today() + datetime.timedelta(days=30))
    meeting = invited(coop, manager, date=today() + datetime.timedelta(days=30))
    client.force_login(manager)
    assert count_queries(client, url(coop, "list")) <= STAFF_BUDGET
    assert count_queries(client, url(coop, "detail", pk=meeting.pk)) <= STAFF_BUDGET
    client.force_login(make_user(coop, "member"))
    assert count_queries(client, url(coop, "list")) <= MEMBER_BUDGET
    assert count_queries(client, url(coop, "detail", pk=meeting.pk)) <= MEMBER_BUDGET
    assert count_queries(client, url(coop, "check_in", pk=meeting.pk)) <= MEMBER_BUDGET


def test_report_page_budget_and_figures_from_the_books(client, coop, manager, members):
    from meetings import page_selectors
    from meetings.shu_services import year_shu

    ledger.entry_post(actor=manager, cooperative=coop, date=D(YEAR, 3, 1), description="Modal",
                      lines=[{"account": "1-101", "debit": "5000000"}, {"account": "3-103", "credit": "5000000"}])
    ledger.entry_post(actor=manager, cooperative=coop, date=D(YEAR, 6, 1), description="Jasa pinjaman",
                      lines=[{"account": "1-101", "debit": "3000000"}, {"account": "4-101", "credit": "3000000"}])
    ledger.entry_post(actor=manager, cooperative=coop, date=D(YEAR, 7, 15), description="Gaji",
                      lines=[{"account": "5-102", "debit": "1000000"}, {"account": "1-101", "credit": "1000000"}])
    figures = page_selectors.report_figures(cooperative=coop, book_year=YEAR)
    assert figures.shu == year_shu(cooperative=coop, book_year=YEAR) == Decimal("2000000")
    assert (figures.total_assets, figures.own_capital, figures.outside_capital, figures.business_volume) == (
        Decimal("7000000"), Decimal("7000000"), Decimal("0"), Decimal("3000000"))
    meeting = invited(coop, manager)
    services.attendance_mark(actor=manager, meeting=meeting, member=members[0])
    services.meeting_mark_held(actor=manager, meeting=meeting)
    services.minutes_save(actor=manager, meeting=meeting, chair_name="A", secretary_name="B")
    services.minutes_publish(actor=manager, meeting=meeting)
    client.force_login(manager)
    assert count_queries(client, url(coop, "report", pk=meeting.pk)) <= STAFF_BUDGET
    html = page(client.get(url(coop, "report", pk=meeting.pk), **EN))
    assert 'value="7.000.000"' in html and "not met" in html
    html = page(client.post(url(coop, "report", pk=meeting.pk), {"total_assets": "-5", "own_capital": "x", "outside_capital": "0",
                                                                 "business_volume": "3.000.000", "shu": "-250.000"}, **EN))
    assert "negative amount" in html and "not a number" in html and reload(meeting).status == "minutes_published"


@pytest.mark.parametrize("attendees", [1, 50])
def test_published_minutes_page_budget_for_members(client, coop, manager, make_user, attendees):
    from meetings.models import ShuDistribution, ShuMemberShare

    people = MemberFactory.create_batch(attendees, cooperative=coop, joined_on=D(2020, 1, 1))
    meeting = invited(coop, manager)
    with scopes_disabled():
        Attendance.objects.bulk_create([Attendance(cooperative=coop, meeting=meeting, member=m) for m in people])
        elections = meeting.agenda_items.get(kind="elections")
        for m in people[:3]:
            ElectedOfficer.objects.create(cooperative=coop, agenda_item=elections, organ="pengurus", position="Anggota", name=m.full_name, member=m)
        distribution = ShuDistribution.objects.create(cooperative=coop, meeting=meeting, book_year=YEAR, shu_total=Decimal("1000000"), status="approved")
        ShuMemberShare.objects.bulk_create([ShuMemberShare(cooperative=coop, distribution=distribution, member=m, savings_basis=1, transaction_volume=1,
                                                           jasa_modal=1, jasa_usaha=1, total=2) for m in people])
    services.meeting_mark_held(actor=manager, meeting=meeting)
    services.minutes_save(actor=manager, meeting=meeting, chair_name="A", secretary_name="B")
    services.minutes_publish(actor=manager, meeting=meeting)
    client.force_login(make_user(coop, "member"))
    html = page(client.get(url(coop, "detail", pk=meeting.pk), **EN))
    assert f"{attendees} ({attendees} in person, 0 online, 0 by delegate)" in html and "Reserve (cadangan)" in html
    assert people[0].full_name in html  # an elected officer, by name
    assert count_queries(client, url(coop, "detail", pk=meeting.pk)) <= MEMBER_BUDGET
    assert count_queries(client, url(coop, "list")) <= MEMBER_BUDGET
    client.force_login(manager)
    assert count_queries(client, url(coop, "detail", pk=meeting.pk)) <= STAFF_BUDGET

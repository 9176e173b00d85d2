"""A person downloads everything the portal holds about them (UU 27/2022), as JSON and PDF,
from /saya/data-pribadi/ and /api/v1/me/personal-data/: their own data in every cooperative
(left ones too), nobody else's, and each download is in every cooperative's audit trail."""

import datetime
import json

import pytest
from django_scopes import scopes_disabled

from members import savings, services
from portal.models import AuditEvent
from meetings.models import Attendance
from tests.factories import MeetingFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
PAGE = "/saya/data-pribadi/"
DOWNLOAD = "/saya/data-pribadi/unduh/"
API = "/api/v1/me/personal-data/"
NIK = "3272015508850001"


@pytest.fixture
def person(ksp, other_cooperative, make_user):
    """Siti: active in ksp with savings, left another cooperative; a neighbour in ksp."""
    user = UserFactory(full_name="Siti Aminah", email="siti@example.id")
    siti = MemberFactory(cooperative=ksp, user=user, number="S-042", full_name="Siti Aminah", nik_ktp=NIK, gender="P",
                         address="Jl. Siliwangi 12", joined_on=D(2024, 1, 10), consent_version="2026-11")
    MemberFactory(cooperative=other_cooperative, user=user, number="K-7", status="left", left_on=D(2025, 6, 30),
                  joined_on=D(2021, 2, 1))
    neighbour = MemberFactory(cooperative=ksp, user=UserFactory(), full_name="Budi Tetangga", joined_on=D(2024, 1, 10))
    savings.savings_deposit(actor=None, member=siti, savings_type="pokok", amount="100000", date=D(2024, 1, 10))
    savings.savings_deposit(actor=None, member=siti, savings_type="sukarela", amount="12500.50", date=D(2024, 2, 1))
    savings.savings_deposit(actor=None, member=neighbour, savings_type="sukarela", amount="999", date=D(2024, 2, 1))
    manager = make_user(ksp, "manager", full_name="Pak Manajer")
    services.member_record_view(actor=manager, member=siti)
    return user, siti, neighbour


def test_json_download_has_everything_of_the_person_and_nothing_of_others(client, person, ksp, other_cooperative):
    user, siti, neighbour = person
    client.force_login(user)
    response = client.get(DOWNLOAD, {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="data-pribadi-')
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["format"] == "portal-koperasi/personal-data/1"
    assert data["login"]["email"] == "siti@example.id"
    by_coop = {m["cooperative"]["slug"]: m for m in data["memberships"]}
    assert set(by_coop) == {ksp.slug, other_cooperative.slug}
    mine = by_coop[ksp.slug]
    assert mine["member"]["nik_ktp"] == NIK  # their own NIK, in full
    assert mine["member"]["full_name"] == "Siti Aminah" and mine["member"]["address"] == "Jl. Siliwangi 12"
    assert mine["consent"]["version"] == "2026-11"
    assert mine["savings"]["balances"] == {"pokok": "100000.00", "wajib": "0.00", "sukarela": "12500.50"}
    assert [t["amount"] for t in mine["savings"]["transactions"]] == ["100000.00", "12500.50"]
    assert "shu" in mine and "meetings_attended" in mine
    assert [e["action"] for e in mine["access_log"]] == ["member.view"]
    assert mine["access_log"][0]["by"] == "Pak Manajer"
    assert by_coop[other_cooperative.slug]["member"]["status"] == "left"
    text = response.content.decode()
    assert "Budi Tetangga" not in text and "999" not in text


def test_each_download_is_audited_in_every_cooperative(client, person, ksp, other_cooperative):
    user, siti, _neighbour = person
    client.force_login(user)
    client.get(DOWNLOAD, {"format": "pdf"})
    with scopes_disabled():
        events = list(AuditEvent.objects.filter(action="member.data_export").order_by("cooperative_id"))
    assert {e.cooperative_id for e in events} == {ksp.pk, other_cooperative.pk}
    assert all(e.actor_id == user.pk and e.changes["format"] == [None, "pdf"] for e in events)


def test_pdf_download(client, person):
    user, _siti, _neighbour = person
    client.force_login(user)
    response = client.get(DOWNLOAD, {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_meetings_attended_and_shu_sections(client, person, ksp):
    user, siti, _neighbour = person
    meeting = MeetingFactory(cooperative=ksp, book_year=2024, title="RAT 2024")
    with scopes_disabled():
        Attendance.objects.create(cooperative=ksp, meeting=meeting, member=siti)
    client.force_login(user)
    data = client.get(API).json()
    mine = next(m for m in data["memberships"] if m["cooperative"]["slug"] == ksp.slug)
    assert [(a["meeting"], a["book_year"]) for a in mine["meetings_attended"]] == [("RAT 2024", 2024)]


@pytest.mark.parametrize("fmt", ["", "xml", "../json"])
def test_unknown_format_is_a_400(client, person, fmt):
    client.force_login(person[0])
    assert client.get(DOWNLOAD, {"format": fmt}).status_code == 400


def test_anonymous_goes_to_login(client):
    for url in (PAGE, DOWNLOAD + "?format=json"):
        response = client.get(url)
        assert response.status_code == 302 and "/akun/login/" in response["Location"]
    assert client.get(API).status_code in (401, 403)


def test_a_user_without_memberships_gets_their_login_only(client):
    user = UserFactory()
    client.force_login(user)
    data = client.get(API).json()
    assert data["memberships"] == [] and data["login"]["full_name"] == user.full_name


def test_page_shows_download_links(client, person):
    client.force_login(person[0])
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{DOWNLOAD}?format=pdf"' in page and f'href="{DOWNLOAD}?format=json"' in page


def test_api_json_and_pdf_are_audited(client, person):
    user, siti, _neighbour = person
    client.force_login(user)
    assert client.get(API).status_code == 200
    response = client.get(API + "pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    with scopes_disabled():
        vias = sorted(e.changes["format"][1] for e in AuditEvent.objects.filter(action="member.data_export", object_id=str(siti.pk)))
    assert vias == ["json", "pdf"]


def test_the_access_log_lists_register_downloads_since_joining(client, person, ksp, make_user):
    user, siti, _neighbour = person
    bookkeeper = make_user(ksp, "bookkeeper", full_name="Bu Juru Buku")
    client.force_login(bookkeeper)
    client.get(f"/c/{ksp.slug}/anggota/unduh/", {"format": "csv", "status": "active"})
    client.force_login(user)
    mine = next(m for m in client.get(API).json()["memberships"] if m["cooperative"]["slug"] == ksp.slug)
    export = next(e for e in mine["access_log"] if e["action"] == "member.export")
    assert export["by"] == "Bu Juru Buku" and "status: active" in export["label"]

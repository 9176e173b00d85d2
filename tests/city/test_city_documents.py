"""City staff see only the non-personal papers of a reported RAT (decision of issue 6): financial
statements, the pengurus' and pengawas' reports, the work plan, the signed minutes — never the
attendance sheet, photos or other papers. Members' and staff's access is unchanged."""

import pytest

from meetings import documents
from meetings.models import DocumentKind
from tests.meetings.test_documents import media, meeting_with, pdf_bytes, upload  # noqa: F401 (media is a fixture)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ALLOWED = {"accountability", "supervision", "financial_statements", "work_plan", "minutes_signed"}


@pytest.fixture
def manager(cooperative, make_user):
    return make_user(cooperative, "manager")


def test_the_city_kinds_are_the_non_personal_ones():
    assert {str(kind) for kind in documents.CITY_DOCUMENT_KINDS} == ALLOWED
    assert {"attendance_sheet", "photo", "other"} == set(DocumentKind.values) - ALLOWED


@pytest.mark.parametrize("kind", DocumentKind.values)
@pytest.mark.parametrize("role", ["city_staff", "city_admin"])
def test_city_roles_list_and_download_only_non_personal_kinds(media, client, make_user, cooperative, manager, kind, role):  # noqa: F811
    meeting = meeting_with(cooperative, status="reported")
    document = upload(manager, meeting, pdf_bytes(body=kind.encode()), name=f"berkas-{kind}.pdf", kind=kind)
    client.force_login(make_user(None, role))
    base = f"/kota/koperasi/{cooperative.slug}/rat/{meeting.pk}/dokumen/"
    page = client.get(base, **EN)
    download = client.get(f"{base}{document.pk}/unduh/")
    assert page.status_code == 200
    if kind in ALLOWED:
        assert f"berkas-{kind}.pdf" in page.content.decode() and download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment")
    else:
        assert f"berkas-{kind}.pdf" not in page.content.decode() and download.status_code == 404
        assert f"{document.pk}/unduh/" not in page.content.decode()


@pytest.mark.parametrize("role", ["manager", "supervisor", "bookkeeper", "member"])
def test_staff_and_members_still_get_the_attendance_sheet(media, client, make_user, cooperative, manager, role):  # noqa: F811
    meeting = meeting_with(cooperative, status="reported")
    sheet = upload(manager, meeting, pdf_bytes(body=b"hadir"), name="daftar-hadir.pdf", kind="attendance_sheet")
    client.force_login(manager if role == "manager" else make_user(cooperative, role))
    response = client.get(f"/c/{cooperative.slug}/rapat/{meeting.pk}/dokumen/{sheet.pk}/unduh/")
    assert response.status_code == 200


def test_an_earlier_version_of_an_attendance_sheet_stays_hidden_from_the_city(media, client, make_user, cooperative, manager):  # noqa: F811
    meeting = meeting_with(cooperative, status="reported")
    old = upload(manager, meeting, pdf_bytes(body=b"v1"), name="hadir-v1.pdf", kind="attendance_sheet")
    new = documents.document_supersede(actor=manager, document=old, file=pdf_bytes(body=b"v2"), original_name="hadir-v2.pdf")
    client.force_login(make_user(None, "city_staff"))
    base = f"/kota/koperasi/{cooperative.slug}/rat/{meeting.pk}/dokumen/"
    page = client.get(base, **EN).content.decode()
    assert "hadir-v1.pdf" not in page and "hadir-v2.pdf" not in page
    assert client.get(f"{base}{old.pk}/unduh/").status_code == 404 and client.get(f"{base}{new.pk}/unduh/").status_code == 404

"""The register export (buku daftar anggota) as XLSX, CSV and PDF: the columns of the legal
register, the cooperative's identity and signatures, NIK masked unless a manager downloads it,
an audit event for every export, the list's filters, roles and bad input."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from django_scopes import scope
from openpyxl import load_workbook

from cooperatives.models import Kelurahan
from members import exports, savings
from members.models import Member
from portal.models import AuditEvent
from tests.factories import MemberFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db
D = datetime.date
NIK = "3272015508850001"


@pytest.fixture
def register(ksp, manager):
    siti = MemberFactory(cooperative=ksp, number="00001", full_name="Siti Aminah", nik_ktp=NIK, gender="P", place_of_birth="Sukabumi",
                         date_of_birth=D(1985, 8, 15), occupation="Pedagang", address="Jl. Siliwangi 12", phone="+6281234567890",
                         kelurahan=Kelurahan.objects.get(name="Cikole"), joined_on=D(2020, 1, 2))
    budi = MemberFactory(cooperative=ksp, number="00002", full_name="Budi Santoso", gender="L", occupation="=HYPERLINK(\"x\")",
                         joined_on=D(2021, 3, 1))
    savings.member_leave(actor=manager, member=budi, reason="resignation", date=D(2023, 5, 2), note="Pindah")
    return siti, budi


def download(client, cooperative, **params):
    return client.get(reverse("members:export", kwargs={"slug": cooperative.slug}), params, HTTP_ACCEPT_LANGUAGE="en")


def login(client, cooperative, make_user, role):
    client.force_login(make_user(cooperative, role))
    return client


def csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_has_the_register_columns_and_the_full_nik_for_a_manager(client, ksp, make_user, register):
    response = download(login(client, ksp, make_user, "manager"), ksp, format="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith(f'attachment; filename="buku-daftar-anggota-{ksp.slug}-')
    assert response["Cache-Control"] == "private, no-store"
    header, siti, budi = csv_rows(response)
    assert header[:4] == ["Member number", "Full name", "NIK KTP", "Gender (L/P)"]
    row = dict(zip(header, siti))
    assert row["NIK KTP"] == NIK and row["Date of birth"] == "15/08/1985" and row["Kelurahan"] == "Cikole"
    assert row["Phone number"] == "0812-3456-7890" and row["Date joined"] == "02/01/2020" and row["Status"] == "Active"
    row = dict(zip(header, budi))
    assert row["Date left"] == "02/05/2023" and row["Reason for leaving"] == "Resignation" and row["Note on leaving"] == "Pindah"
    assert row["Occupation"] == "'=HYPERLINK(\"x\")"  # never a formula in a spreadsheet


@pytest.mark.parametrize("role", ["supervisor", "bookkeeper"])
def test_other_staff_get_the_nik_masked(client, ksp, make_user, register, role):
    for fmt in ("csv", "xlsx", "pdf"):
        response = download(login(client, ksp, make_user, role), ksp, format=fmt)
        assert response.status_code == 200
        assert NIK.encode() not in response.content
    header, siti, _budi = csv_rows(download(client, ksp, format="csv"))
    assert dict(zip(header, siti))["NIK KTP"] == "3272********0001"


def test_every_export_is_recorded(client, ksp, make_user, register):
    supervisor = make_user(ksp, "supervisor")
    client.force_login(supervisor)
    download(client, ksp, format="xlsx")
    download(client, ksp, format="csv", status="active")
    with scope(cooperative=ksp):
        events = list(AuditEvent.objects.filter(action="member.export").order_by("pk"))
    assert [(e.actor_id, e.changes["format"][1], e.changes["rows"][1], e.changes["nik"][1]) for e in events] == [
        (supervisor.pk, "xlsx", 2, "masked"), (supervisor.pk, "csv", 1, "masked")]
    assert events[1].changes["filters"] == [None, {"status": "active"}]


def test_xlsx_has_the_identity_above_a_table_of_text_and_dates(client, ksp, make_user, register):
    response = download(login(client, ksp, make_user, "manager"), ksp, format="xlsx")
    assert response["Content-Type"] == exports.CONTENT_TYPES["xlsx"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == ksp.name
    header_index = next(i for i, row in enumerate(rows) if row[0] == "Member number")
    siti = dict(zip(rows[header_index], rows[header_index + 1]))
    assert siti["Member number"] == "00001" and siti["NIK KTP"] == NIK  # text, not a number Excel would cut
    assert siti["Date joined"] == datetime.datetime(2020, 1, 2)
    budi = dict(zip(rows[header_index], rows[header_index + 2]))
    assert budi["Occupation"] == '=HYPERLINK("x")' and sheet.cell(header_index + 3, 7).data_type == "s"
    assert sheet.page_setup.orientation == "landscape"


def test_pdf_is_the_legal_register_a4_landscape_with_signatures(client, ksp, make_user, register, manager):
    RoleAssignmentFactory(cooperative=ksp, role="manager", title="Ketua", user__full_name="Hj. Ketua Koperasi")
    response = download(login(client, ksp, make_user, "manager"), ksp, format="pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    with scope(cooperative=ksp), translation.override("en"):
        members = list(Member.objects.select_related("kelurahan").order_by("number"))
        report = exports.register_report(members, cooperative=ksp, show_full_nik=False)
        from ledger.exports.pdf import render_html

        html = render_html(report)
    assert report.landscape and "size: A4 landscape" in html
    for expected in ("Member register (buku daftar anggota)", ksp.name, ksp.legal_entity_number, "Place and date of birth",
                     "Sukabumi, 15 Aug 1985", "Jl. Siliwangi 12, Kel. Cikole", "2 May 2023 (Resignation)", "Signature",
                     "Hj. Ketua Koperasi", "Secretary", "3272********0001", "NIK KTP is shown masked."):
        assert expected in html, expected
    assert NIK not in html


def test_filters_of_the_list_apply(client, ksp, make_user, register):
    client = login(client, ksp, make_user, "manager")
    _header, *rows = csv_rows(download(client, ksp, format="csv", status="left"))
    assert [r[1] for r in rows] == ["Budi Santoso"]
    _header, *rows = csv_rows(download(client, ksp, format="csv", year="2020"))
    assert [r[1] for r in rows] == ["Siti Aminah"]
    _header, *rows = csv_rows(download(client, ksp, format="csv", q="0812 3456"))
    assert [r[1] for r in rows] == ["Siti Aminah"]


def test_an_empty_register_exports_too(client, ksp, make_user):
    client = login(client, ksp, make_user, "manager")
    for fmt in exports.FORMATS:
        assert download(client, ksp, format=fmt).status_code == 200


@pytest.mark.parametrize("fmt", ["", "docx", "../../etc"])
def test_unknown_format_is_400_and_not_recorded(client, ksp, make_user, register, fmt):
    response = download(login(client, ksp, make_user, "manager"), ksp, format=fmt)
    assert response.status_code == 400 and b"xlsx, csv or pdf" in response.content
    with scope(cooperative=ksp):
        assert not AuditEvent.objects.filter(action="member.export").exists()


def test_members_and_outsiders_cannot_export(client, ksp, make_user, other_cooperative, register):
    assert download(login(client, ksp, make_user, "member"), ksp, format="csv").status_code == 403
    assert download(login(client, other_cooperative, make_user, "manager"), ksp, format="csv").status_code == 404


def test_export_cost_does_not_grow_with_the_register(client, ksp, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(client, ksp, make_user, "manager")
    kelurahan = Kelurahan.objects.get(name="Cikole")
    MemberFactory(cooperative=ksp, kelurahan=kelurahan)
    download(client, ksp, format="xlsx")
    counts = []
    for more in (0, 49):
        MemberFactory.create_batch(more, cooperative=ksp, kelurahan=kelurahan)
        with CaptureQueriesContext(connection) as ctx:
            assert download(client, ksp, format="xlsx").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 12, counts

"""The city's downloads (city/exports.py) read back with openpyxl and csv: identity columns
first, the ODS fields in the national system's order, real numbers and dates, formulas
neutralised, every download audited."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from city import exports
from portal.models import AuditEvent
from tests.factories import CooperativeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _row(**figures):
    cooperative = CooperativeFactory(**{k: figures.pop(k) for k in ("name", "nik_koperasi") if k in figures})
    values = {
        "counted": True, "active": True, "rat_status": "held", "rat_held": True, "rat_held_on": datetime.date(2026, 3, 20),
        "rat_reported_on": None, "last_rat_year": 2025, "members_men": 40, "members_women": 60, "members_total": 100,
        "managers": 3, "employees": None, "total_savings": Decimal("150000000.00"), "total_assets": Decimal("250000000.50"),
        "own_capital": Decimal("180000000"), "outside_capital": Decimal("70000000"), "business_volume": Decimal("90000000"),
        "shu": Decimal("-1250000"),
    }
    values.update(figures)
    for name, value in values.items():
        setattr(cooperative, name, value)
    return cooperative


def _sheet(content):
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header_index = next(i for i, r in enumerate(rows) if r[0] == "Name")
    return rows[header_index], rows[header_index + 1:]


def test_ods_workbook_has_identity_then_the_ods_fields_in_order():
    actor = UserFactory()
    rows = [_row(name="KSP Sejahtera", nik_koperasi="3272010001"), _row(name="Kopwan Melati", active=False, rat_held=False)]
    with translation.override("en"):
        export = exports.ods_export(actor=actor, rows=rows, year=2025)
    assert export.filename == "ods-koperasi-2025.xlsx" and export.rows == 2
    header, data = _sheet(export.content)
    assert header == [
        "Name", "Legal entity number", "NIK Koperasi", "Kind", "Kecamatan", "Kelurahan", "Address",
        "Active", "RAT held", "NIK certificate", "Members, men", "Members, women", "Managers", "Employees",
        "Own capital", "Outside capital", "Business volume", "SHU", "Total assets",
    ]
    first = dict(zip(header, data[0]))
    assert first["Name"] == "KSP Sejahtera" and first["Active"] == "Yes" and first["RAT held"] == "Yes" and first["NIK certificate"] == "Yes"
    assert first["Members, men"] == 40 and first["Members, women"] == 60 and first["Employees"] is None
    assert first["Own capital"] == 180000000 and first["SHU"] == -1250000 and first["Total assets"] == 250000000.5
    second = dict(zip(header, data[1]))
    assert (second["Active"], second["RAT held"], second["NIK certificate"]) == ("No", "No", "No")
    event = AuditEvent.objects.with_scopes_disabled().get(action="city.export")
    assert event.actor == actor and event.changes["export"] == [None, "ods"] and event.changes["rows"] == [None, 2]
    assert event.changes["book_year"] == [None, 2025]


def test_list_csv_reads_back_and_neutralises_formulas():
    rows = [_row(name="=HYPERLINK(\"http://x\")")]
    with translation.override("en"):
        export = exports.cooperative_list_export(actor=UserFactory(), rows=rows, fmt="csv", year=2025, filters={"kecamatan": "1"})
    assert export.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    header, first = table[0], dict(zip(table[0], table[1]))
    assert header[:3] == ["Name", "Legal entity number", "NIK Koperasi"] and len(table) == 2
    assert first["Name"].startswith("'=")
    assert first["Status"] == "Active" and first["RAT"] == "RAT held" and first["RAT held on"] == "20/03/2026"
    assert first["Total assets"] == "250000000.50" and first["SHU"] == "-1250000" and first["Members"] == "100"
    event = AuditEvent.objects.with_scopes_disabled().get(action="city.export")
    assert event.changes["filters"] == [None, {"kecamatan": "1"}] and event.changes["format"] == [None, "csv"]


def test_list_xlsx_keeps_text_as_text_and_dates_as_dates():
    rows = [_row(name="=1+1")]
    with translation.override("en"):
        export = exports.cooperative_list_export(actor=UserFactory(), rows=rows, fmt="xlsx", year=2025)
    header, data = _sheet(export.content)
    first = dict(zip(header, data[0]))
    assert first["Name"] == "=1+1"  # a string, not a formula
    assert first["RAT held on"] == datetime.datetime(2026, 3, 20)
    assert first["Members"] == 100


def test_an_empty_list_still_has_its_header():
    with translation.override("en"):
        export = exports.cooperative_list_export(actor=UserFactory(), rows=[], fmt="xlsx", year=2024)
    header, data = _sheet(export.content)
    assert header[0] == "Name" and data == [] and export.rows == 0


def test_a_cooperative_no_longer_counted_shows_its_registry_status():
    row = _row(counted=False)
    row.registry_status = "dissolved"
    with translation.override("en"):
        assert exports.status_label(exports.row_status(row)) == "Dissolved"
        assert exports.ods_columns()[7].value(row) is False  # not active

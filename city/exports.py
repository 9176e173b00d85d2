"""The city's downloads: the (filtered) cooperative list and the compliance lists as XLSX and
CSV, and the ODS workbook — one row per cooperative for a book year, in the field order of the
national data system (DOMAIN.md "Cooperatives"), so the office stops retyping.

Rows are the cooperative rows of city.selectors (a cooperative annotated with one book year's
figures): identity, region, kind and statutory figures only — never a member's name, NIK,
phone or balance. Every download is recorded in the audit trail ("city.export", with what was
downloaded, the book year, the filters and the number of rows).
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.spreadsheets import csv_bytes, finish_sheet, safe_text, write_header_row

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
FORMATS = tuple(CONTENT_TYPES)
TEXT, INT, MONEY, DATE, YES_NO = "text", "int", "money", "date", "yes_no"
RUPIAH = '"Rp" #,##0;("Rp" #,##0)'
DATE_FORMAT = "DD/MM/YYYY"


@dataclass
class Export:
    content: bytes
    content_type: str
    filename: str
    rows: int


@dataclass(frozen=True)
class Column:
    header: str
    kind: str
    value: object  # row -> value
    width: int = 14


def _get(name):
    return lambda row: getattr(row, name, None)


def _kecamatan(row):
    return row.kecamatan.name if row.kecamatan_id else ""


def _kelurahan(row):
    return row.kelurahan.name if row.kelurahan_id else ""


def row_status(row) -> str:
    """active | inactive | dissolved | merged for the row's book year: a cooperative dissolved or
    merged before the year ended is no longer counted and shows its registry status."""
    if not getattr(row, "counted", True):
        return row.registry_status
    return "active" if getattr(row, "active", False) else "inactive"


def status_label(status: str) -> str:
    return {
        "active": _("Active"), "inactive": _("Not active"), "dissolved": _("Dissolved"), "merged": _("Merged"),
    }.get(status, status)


def rat_status_label(row) -> str:
    status = getattr(row, "rat_status", "") or ""
    return {"held": _("RAT held"), "overdue": _("RAT overdue"), "not_due": _("RAT not yet due")}.get(status, status)


def identity_columns() -> list[Column]:
    return [
        Column(_("Name"), TEXT, _get("name"), 36),
        Column(_("Legal entity number"), TEXT, _get("legal_entity_number"), 26),
        Column(_("NIK Koperasi"), TEXT, _get("nik_koperasi"), 18),
        Column(_("Kind"), TEXT, lambda row: row.get_kind_display(), 24),
        Column(_("Kecamatan"), TEXT, _kecamatan, 16),
        Column(_("Kelurahan"), TEXT, _kelurahan, 16),
        Column(_("Address"), TEXT, _get("address"), 30),
    ]


def list_columns() -> list[Column]:
    """The drill-down list and the compliance lists: identity, status and every indicator."""
    return identity_columns() + [
        Column(_("Status"), TEXT, lambda row: status_label(row_status(row)), 12),
        Column(_("RAT"), TEXT, rat_status_label, 16),
        Column(_("RAT held on"), DATE, _get("rat_held_on"), 12),
        Column(_("RAT reported on"), DATE, _get("rat_reported_on"), 12),
        Column(_("Latest book year with a RAT"), INT, _get("last_rat_year"), 10),
        Column(_("Members, men"), INT, _get("members_men"), 10),
        Column(_("Members, women"), INT, _get("members_women"), 10),
        Column(_("Members"), INT, _get("members_total"), 10),
        Column(_("Managers"), INT, _get("managers"), 10),
        Column(_("Employees"), INT, _get("employees"), 10),
        Column(_("Total savings"), MONEY, _get("total_savings"), 18),
        Column(_("Total assets"), MONEY, _get("total_assets"), 18),
        Column(_("Own capital"), MONEY, _get("own_capital"), 18),
        Column(_("Outside capital"), MONEY, _get("outside_capital"), 18),
        Column(_("Business volume"), MONEY, _get("business_volume"), 18),
        Column(_("SHU"), MONEY, _get("shu"), 18),
    ]


def ods_columns() -> list[Column]:
    """Identity first, then the ODS fields in the national system's order: active, RAT held, NIK
    certificate, members men, women, managers, employees, own capital, outside capital,
    business volume, SHU, total assets."""
    return identity_columns() + [
        Column(_("Active"), YES_NO, lambda row: row_status(row) == "active", 8),
        Column(_("RAT held"), YES_NO, lambda row: bool(getattr(row, "rat_held", False)), 8),
        Column(_("NIK certificate"), YES_NO, lambda row: bool(row.nik_koperasi), 10),
        Column(_("Members, men"), INT, _get("members_men"), 10),
        Column(_("Members, women"), INT, _get("members_women"), 10),
        Column(_("Managers"), INT, _get("managers"), 10),
        Column(_("Employees"), INT, _get("employees"), 10),
        Column(_("Own capital"), MONEY, _get("own_capital"), 18),
        Column(_("Outside capital"), MONEY, _get("outside_capital"), 18),
        Column(_("Business volume"), MONEY, _get("business_volume"), 18),
        Column(_("SHU"), MONEY, _get("shu"), 18),
        Column(_("Total assets"), MONEY, _get("total_assets"), 18),
    ]


def _yes_no(value) -> str:
    return _("Yes") if value else _("No")


def _csv_cell(column, row) -> str:
    value = column.value(row)
    if column.kind == YES_NO:
        value = _yes_no(value)
    if value is None:
        value = ""
    elif isinstance(value, date):
        value = value.strftime("%d/%m/%Y")
    elif column.kind == MONEY:
        value = f"{value:.2f}".removesuffix(".00")
    return safe_text(str(value)) if column.kind == TEXT else str(value)


def render_csv(rows, columns) -> bytes:
    return csv_bytes([column.header for column in columns],
                     ([_csv_cell(column, row) for column in columns] for row in rows))


def render_xlsx(rows, columns, *, title: str, subtitle: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from django.conf import settings

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31].replace("/", "-")
    workbook.properties.creator = "Portal Koperasi"
    workbook.properties.title = title
    city = getattr(settings, "PORTAL_CITY_NAME", "")
    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=13)
    sheet.cell(row=2, column=1, value=" — ".join(part for part in (city, subtitle) if part))
    sheet.cell(row=3, column=1, value=_("Downloaded on %(date)s") % {"date": timezone.localdate().strftime("%d/%m/%Y")})
    header_row = 5
    write_header_row(sheet, header_row, [
        (column.header, column.width, "right" if column.kind in (INT, MONEY) else "left") for column in columns
    ], PatternFill("solid", fgColor="E3F4E9"))
    row_number = header_row
    count = 0
    for row in rows:
        row_number += 1
        count += 1
        for index, column in enumerate(columns, start=1):
            value = column.value(row)
            if column.kind == YES_NO:
                value = _yes_no(value)
            if value in ("", None):
                continue
            cell = sheet.cell(row=row_number, column=index, value=value)
            if column.kind == MONEY:
                cell.number_format = RUPIAH
            elif column.kind == DATE:
                cell.number_format = DATE_FORMAT
                cell.alignment = Alignment(horizontal="left")
            elif column.kind == TEXT:
                cell.data_type = "s"  # text stays text: a legal number, a name starting with "="
                cell.number_format = "@"
    return finish_sheet(workbook, sheet, header_row=header_row, last_row=row_number, columns=len(columns),
                        freeze_column=2, has_rows=bool(count))


def _export(*, actor, what: str, rows, columns, fmt: str, title: str, subtitle: str, year: int, filename: str, filters=None) -> Export:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    rows = list(rows)
    content = render_csv(rows, columns) if fmt == "csv" else render_xlsx(rows, columns, title=title, subtitle=subtitle)
    audit_record(actor=actor, action="city.export", changes={
        "export": [None, what], "format": [None, fmt], "book_year": [None, year], "rows": [None, len(rows)],
        **({"filters": [None, filters]} if filters else {}),
    })
    return Export(content, CONTENT_TYPES[fmt], f"{filename}-{year}.{fmt}", len(rows))


def cooperative_list_export(*, actor, rows, fmt, year, filters=None) -> Export:
    return _export(
        actor=actor, what="cooperatives", rows=rows, columns=list_columns(), fmt=fmt,
        title=_("Cooperatives"), subtitle=_("Book year %(year)s") % {"year": year}, year=year,
        filename="koperasi", filters=filters,
    )


def compliance_export(*, actor, name, title, rows, fmt, year) -> Export:
    return _export(
        actor=actor, what=f"compliance:{name}", rows=rows, columns=list_columns(), fmt=fmt,
        title=title, subtitle=_("Book year %(year)s") % {"year": year}, year=year,
        filename=f"kepatuhan-{name.replace('_', '-')}",
    )


def ods_export(*, actor, rows, year) -> Export:
    return _export(
        actor=actor, what="ods", rows=rows, columns=ods_columns(), fmt="xlsx",
        title=_("ODS data"), subtitle=_("Book year %(year)s") % {"year": year}, year=year, filename="ods-koperasi",
    )

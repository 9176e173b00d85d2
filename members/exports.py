"""The member register (buku daftar anggota) as XLSX, CSV and PDF.

- PDF: the legal register, A4 landscape, with the cooperative's identity, the register's columns
  (number, name, place and date of birth, gender, occupation, address, date joined, date and
  reason of leaving, a column to sign) and the pengurus' signature block — rendered by the
  ledger's report printer (ledger/exports), so every printed document of the portal looks alike.
- XLSX and CSV: the same members with every register field, one row each under one header row,
  in the columns the import reads (members/imports.py), so a register can be exported, corrected
  in Excel and imported again. The XLSX carries the cooperative's identity above the table.

NIK KTP is masked unless the reader is a manager; every export is recorded in the audit trail
("member.export" with the format and the number of rows).
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ledger.exports import document
from ledger.exports.document import DATE, Column, Line, Report
from portal.audit import audit_record
from portal.formatting import format_date
from portal.spreadsheets import csv_bytes, finish_sheet, safe_text, write_header_row
from users.phone import display_phone

from .models import MemberStatus
from .validators import mask_nik

FORMATS = ("xlsx", "csv", "pdf")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


@dataclass
class Export:
    content: bytes
    content_type: str
    filename: str
    rows: int


def _nik(member, show_full_nik):
    return member.nik_ktp if show_full_nik else mask_nik(member.nik_ktp)


def _left(member) -> str:
    if member.status != MemberStatus.LEFT:
        return ""
    text = format_date(member.left_on)
    if member.left_reason:
        text += f" ({member.get_left_reason_display()})"
    return text


def _birth(member) -> str:
    parts = [p for p in (member.place_of_birth, format_date(member.date_of_birth) if member.date_of_birth else "") if p]
    return ", ".join(parts)


def _address(member) -> str:
    parts = [member.address] if member.address else []
    if member.kelurahan_id:
        parts.append(f"Kel. {member.kelurahan.name}")
    return ", ".join(parts)


# --- the table of the spreadsheets -----------------------------------------------------------

def _table_columns():
    """(header, width, value(member, show_full_nik)) — headers the import recognises."""
    return [
        (_("Member number"), 14, lambda m, full: m.number),
        (_("Full name"), 30, lambda m, full: m.full_name),
        (_("NIK KTP"), 19, _nik),
        (_("Gender (L/P)"), 8, lambda m, full: m.gender),
        (_("Place of birth"), 16, lambda m, full: m.place_of_birth),
        (_("Date of birth"), 12, lambda m, full: m.date_of_birth),
        (_("Occupation"), 18, lambda m, full: m.occupation),
        (_("Address"), 34, lambda m, full: m.address),
        (_("Kelurahan"), 16, lambda m, full: m.kelurahan.name if m.kelurahan_id else ""),
        (_("Phone number"), 16, lambda m, full: display_phone(m.phone)),
        (_("Date joined"), 12, lambda m, full: m.joined_on),
        (_("Status"), 10, lambda m, full: m.get_status_display()),
        (_("Date left"), 12, lambda m, full: m.left_on),
        (_("Reason for leaving"), 18, lambda m, full: m.get_left_reason_display() if m.left_reason else ""),
        (_("Note on leaving"), 24, lambda m, full: m.left_note),
    ]


def _csv_cell(cell) -> str:
    if cell is None:
        cell = ""
    elif hasattr(cell, "strftime"):
        cell = cell.strftime("%d/%m/%Y")
    return safe_text(str(cell))


def render_csv(members, *, show_full_nik) -> bytes:
    columns = _table_columns()
    return csv_bytes([header for header, _w, _v in columns],
                     ([_csv_cell(value(member, show_full_nik)) for _header, _width, value in columns] for member in members))


def render_xlsx(members, *, cooperative, show_full_nik, subtitle="") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from ledger.exports.xlsx import DATE_FORMAT, HEADER_FILL

    identity = document.identity_of(cooperative)
    columns = _table_columns()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Member register")[:31]
    workbook.properties.creator = "Portal Koperasi"
    workbook.properties.title = f"{_('Member register')} — {identity.name}"
    sheet.cell(row=1, column=1, value=identity.name).font = Font(bold=True, size=13)
    row = 2
    for label, value in identity.rows:
        sheet.cell(row=row, column=1, value=f"{label}: {value}")
        row += 1
    title = _("Member register (buku daftar anggota)")
    sheet.cell(row=row, column=1, value=title.upper()).font = Font(bold=True, size=12)
    row += 1
    sheet.cell(row=row, column=1, value=subtitle or _("As of %(date)s") % {"date": format_date(timezone.localdate(), long=True)})
    row += 2
    header_row = row
    write_header_row(sheet, header_row, [(header, width, None) for header, width, _value in columns], HEADER_FILL)
    count = 0
    for member in members:
        row += 1
        count += 1
        for index, (_header, _width, value) in enumerate(columns, start=1):
            data = value(member, show_full_nik)
            if data in ("", None):
                continue
            cell = sheet.cell(row=row, column=index, value=data)
            if hasattr(data, "strftime"):
                cell.number_format = DATE_FORMAT
                cell.alignment = Alignment(horizontal="left")
            else:
                cell.data_type = "s"  # text stays text: 00042, a NIK, a name starting with "="
                cell.number_format = "@"
    return finish_sheet(workbook, sheet, header_row=header_row, last_row=row, columns=len(columns),
                        freeze_column=3, has_rows=bool(count))


# --- the printed register --------------------------------------------------------------------

def register_report(members, *, cooperative, show_full_nik, subtitle="") -> Report:
    columns = [
        Column(_("No."), width=5),
        Column(_("Member number"), width=12),
        Column(_("Full name"), width=26),
        Column(_("NIK KTP"), width=18),
        Column(_("Place and date of birth"), width=22),
        Column(_("L/P"), width=4),
        Column(_("Occupation"), width=16),
        Column(_("Address"), width=30),
        Column(_("Date joined"), DATE, 12),
        Column(_("Left (date and reason)"), width=20),
        Column(_("Signature"), width=14),
    ]
    lines = [
        Line([str(index), m.number, m.full_name, _nik(m, show_full_nik) or "–", _birth(m), m.gender, m.occupation,
              _address(m), m.joined_on, _left(m), ""])
        for index, m in enumerate(members, start=1)
    ]
    notes = [] if lines else [_("No member matches.")]
    if not show_full_nik:
        notes.append(_("NIK KTP is shown masked."))
    today = timezone.localdate()
    return Report(
        "buku-daftar-anggota", _("Member register (buku daftar anggota)"),
        _("As of %(date)s") % {"date": format_date(today, long=True)}, columns, lines, file_dates=(today,),
        subtitle=subtitle, notes=notes, landscape=True, **document._base(cooperative),
    )


def render_pdf(members, *, cooperative, show_full_nik, subtitle="", request=None) -> bytes:
    from ledger.exports.pdf import render_pdf as print_report

    return print_report(register_report(members, cooperative=cooperative, show_full_nik=show_full_nik, subtitle=subtitle), request=request)


def member_register_export(*, actor, cooperative, members, fmt, show_full_nik, filters=None, subtitle="", request=None) -> Export:
    """The register in `fmt` (xlsx, csv or pdf), recorded in the audit trail: exporting
    personal data is something the cooperative must be able to account for (UU 27/2022)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    members = list(members)
    if fmt == "csv":
        content = render_csv(members, show_full_nik=show_full_nik)
    elif fmt == "xlsx":
        content = render_xlsx(members, cooperative=cooperative, show_full_nik=show_full_nik, subtitle=subtitle)
    else:
        content = render_pdf(members, cooperative=cooperative, show_full_nik=show_full_nik, subtitle=subtitle, request=request)
    audit_record(actor=actor, action="member.export", cooperative=cooperative, changes={
        "format": [None, fmt], "rows": [None, len(members)], "nik": [None, "full" if show_full_nik else "masked"],
        **({"filters": [None, filters]} if filters else {}),
    })
    filename = f"buku-daftar-anggota-{slugify(cooperative.slug)}-{timezone.localdate().isoformat()}.{fmt}"
    return Export(content, CONTENT_TYPES[fmt], filename, len(members))

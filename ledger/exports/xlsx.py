"""A report as an Excel workbook (openpyxl): real numbers with a Rupiah format, real dates,
the cooperative's identity on top, a bold header row, bold totals, and the signature block."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .document import DATE, HEADING, MONEY, SUBTOTAL, TOTAL, Report

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUPIAH = '"Rp" #,##0;("Rp" #,##0)'
RUPIAH_CENTS = '"Rp" #,##0.00;("Rp" #,##0.00)'
DATE_FORMAT = "DD/MM/YYYY"

_thin = Side(style="thin", color="888888")
_double = Side(style="double", color="000000")
HEADER_FILL = PatternFill("solid", fgColor="E3F4E9")


def render_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = report.title[:31].replace("/", "-")
    workbook.properties.creator = "Portal Koperasi"
    workbook.properties.title = f"{report.title} — {report.identity.name}"
    width = len(report.columns)
    money_format = RUPIAH_CENTS if report.money_has_cents else RUPIAH
    row = 1

    def put(text, *, bold=False, size=None, italic=False):
        nonlocal row
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = Font(bold=bold, size=size or 11, italic=italic)
        row += 1
        return cell

    put(report.identity.name, bold=True, size=13)
    for label, value in report.identity.rows:
        put(f"{label}: {value}")
    row += 1
    put(report.title, bold=True, size=12)
    if report.subtitle:
        put(report.subtitle, bold=True)
    put(report.period)
    row += 1

    header_row = row
    for index, column in enumerate(report.columns, start=1):
        cell = sheet.cell(row=row, column=index, value=column.label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = Border(top=_thin, bottom=_thin)
        cell.alignment = Alignment(horizontal="right" if column.kind == MONEY else "left", vertical="center", wrap_text=True)
    row += 1
    sheet.freeze_panes = sheet.cell(row=row, column=1)

    label_column = report._label_column
    for line in report.lines:
        bold = line.style in (HEADING, SUBTOTAL, TOTAL)
        for index, (column, value) in enumerate(zip(report.columns, line.cells), start=1):
            if value == "":
                value = None
            cell = sheet.cell(row=row, column=index, value=value)
            cell.font = Font(bold=bold)
            if column.kind == MONEY:
                cell.number_format = money_format
            elif column.kind == DATE:
                cell.number_format = DATE_FORMAT
                cell.alignment = Alignment(horizontal="left")
            elif index - 1 == label_column:
                cell.alignment = Alignment(indent=line.indent, wrap_text=True, vertical="top")
            if line.style == SUBTOTAL:
                cell.border = Border(top=_thin)
            elif line.style == TOTAL:
                cell.border = Border(top=_thin, bottom=_double)
        row += 1

    if report.warnings or report.notes:
        row += 1
        for text in report.warnings:
            put(text, bold=True)
        for text in report.notes:
            put(text, italic=True)

    # signature block: place and date over the last column, then a column per signatory
    row += 2
    sign_columns = _signature_columns(width, len(report.signatories))
    sheet.cell(row=row, column=sign_columns[-1], value=report.place_date)
    row += 1
    for column, signatory in zip(sign_columns, report.signatories):
        sheet.cell(row=row, column=column, value=signatory.title).font = Font(bold=True)
    row += 4  # room to sign
    for column, signatory in zip(sign_columns, report.signatories):
        sheet.cell(row=row, column=column, value=f"( {signatory.name} )" if signatory.name else "(" + "." * 28 + ")")

    for index, column in enumerate(report.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if report.landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _signature_columns(width: int, count: int) -> list[int]:
    """Spread the signatories over the table's columns (1-based), last one at the right."""
    if width >= count:
        if count == 1:
            return [width]
        step = (width - 1) / (count - 1)
        return [1 + round(i * step) for i in range(count)]
    return list(range(1, count + 1))

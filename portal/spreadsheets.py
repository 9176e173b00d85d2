"""Reading uploaded spreadsheets (XLSX or CSV) for imports: the ledger's opening balances and
the member register. The type is detected from the content, never the file name; size, row
and unpacked-size limits are the caller's; every refusal says what to do in words a person
understands. Pure functions: no database, no request.

At the end, the frame the table downloads share (the member register, the city's lists):
the CSV dialect Excel with Indonesian settings opens, formula-safe text cells, and the XLSX
header row and print setup. What goes into each cell stays with each export.
"""

import csv
import io
import re
import zipfile
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from .formatting import MONTHS_EN, MONTHS_ID, MONTHS_LONG_EN, MONTHS_LONG_ID

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
# Other files people pick by mistake: PDF, images, RTF — refused as "not a spreadsheet" at once.
OTHER_SIGNATURES = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf", b"\x1f\x8b")
# An XLSX is a zip: refuse archives that unpack to far more than any import needs.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


class ImportRefused(ValueError):
    """The file as a whole cannot be used; `message` says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def not_a_spreadsheet() -> ImportRefused:
    return ImportRefused(_("This file is not an Excel workbook (.xlsx) or a CSV file. Save it from your spreadsheet as .xlsx or CSV and try again."))


def _damaged() -> ImportRefused:
    return ImportRefused(_("The workbook could not be read; it may be damaged. Open it in your spreadsheet, save it again as .xlsx and retry."))


def is_blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def header_key(value) -> str:
    """A header cell reduced to lower-case words: "No. HP (WA)" → "no hp", "Debit (Rp)" → "debit"."""
    text = str(value or "").lower()
    text = re.sub(r"\(.*?\)|\brp\b", " ", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def _read_xlsx(content: bytes, max_rows: int, too_many_rows) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    rows = []
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, KeyError) on a damaged file
        raise _damaged() from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return rows
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = list(cells)
            if is_blank(cells):
                continue
            rows.append((number, cells))
            if len(rows) > max_rows:
                raise too_many_rows()
    except ImportRefused:
        raise
    except Exception:
        raise _damaged() from None
    finally:
        workbook.close()
    return rows


def _decode_text(content: bytes) -> str:
    if b"\x00" in content:
        raise not_a_spreadsheet()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
            raise not_a_spreadsheet()
        return text
    raise not_a_spreadsheet()


DELIMITERS = (";", "\t", ",")


def _delimiter(text: str) -> str:
    """The delimiter of the table: Indonesian spreadsheets write CSV with ";" because the comma
    is the decimal separator. Judged on the line with the most separators among the first
    lines, so a title line above the table does not decide it."""
    lines = [line for line in text.splitlines()[:50] if line.strip()][:20]
    best, best_count = ",", 0
    for line in lines:
        for delimiter in DELIMITERS:
            count = line.count(delimiter)
            if count > best_count or (count == best_count and count and delimiter == ","):
                best, best_count = delimiter, count
    return best


def _read_csv(content: bytes, max_rows: int, too_many_rows) -> list[tuple[int, list]]:
    text = _decode_text(content)
    delimiter = _delimiter(text)
    rows = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if is_blank(cells):
                continue
            rows.append((number, cells))
            if len(rows) > max_rows:
                raise too_many_rows()
    except csv.Error:
        raise ImportRefused(_("The CSV file could not be read: check that it is a plain table of columns.")) from None
    return rows


def read_rows(content: bytes, *, max_bytes: int, max_rows: int, too_large: str, too_many_rows) -> list[tuple[int, list]]:
    """[(row number in the file, [cells…]), …] of the non-blank rows of an XLSX (first sheet) or
    a CSV. `max_rows` counts every non-blank row (header included); `too_large` is the message
    for a file over `max_bytes`, `too_many_rows()` builds the ImportRefused for too many rows.
    Raises ImportRefused."""
    if len(content) > max_bytes:
        raise ImportRefused(too_large)
    if not content.strip():
        raise ImportRefused(_("The file is empty."))
    if content.startswith(OLE2_SIGNATURE):
        raise ImportRefused(_("Old Excel files (.xls) cannot be read. Save it as .xlsx or CSV and try again."))
    if content.startswith(OTHER_SIGNATURES):
        raise not_a_spreadsheet()
    if content.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, ValueError):
            raise not_a_spreadsheet() from None
        if "xl/workbook.xml" not in names:
            raise not_a_spreadsheet()
        if unpacked > MAX_UNPACKED_BYTES:
            raise ImportRefused(_("The workbook is too large once unpacked."))
        return _read_xlsx(content, max_rows, too_many_rows)
    return _read_csv(content, max_rows, too_many_rows)


# --- dates as people and spreadsheets write them ----------------------------------------------

class DateError(ValueError):
    """`message` says what is wrong with a date, for a person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1 Jan 1900 (Excel's 1900 leap-year bug included)
_MONTH_NAMES = {}
for _names in (MONTHS_ID, MONTHS_EN, MONTHS_LONG_ID, MONTHS_LONG_EN):
    for _index, _name in enumerate(_names, start=1):
        _MONTH_NAMES[_name.lower()] = _index
_MONTH_NAMES.update({"agust": 8, "ags": 8, "sept": 9, "okt": 10, "nop": 11, "des": 12, "pebruari": 2, "nopember": 11})


def _make_date(year, month, day) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise DateError(_("not a date in the calendar")) from None


def parse_date(value) -> date | None:
    """A date from a spreadsheet cell: a real date (Excel), an Excel serial number, or text as
    dd/mm/yyyy (also with - or .), yyyy-mm-dd, or "5 Maret 2020" / "5 Mar 2020". Empty is None.
    Raises DateError with a message for a person (a two-digit year is refused: 01/02/03 is
    ambiguous)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise DateError(_("not a date"))
    if isinstance(value, (int, float)):
        if not 1 <= value < 2958466:
            raise DateError(_("not a date"))
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = " ".join(str(value).split())
    if not text:
        return None
    text = re.sub(r"[ T]00[:.]00([:.]00)?$", "", text)  # "2020-03-01 00:00:00" written out by a program
    match = re.fullmatch(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})", text)
    if match:
        day, month, year = match.groups()
        if len(year) != 4:
            raise DateError(_("write the year with four digits (dd/mm/yyyy)"))
        return _make_date(year, month, day)
    match = re.fullmatch(r"(\d{4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})", text)
    if match:
        year, month, day = match.groups()
        return _make_date(year, month, day)
    match = re.fullmatch(r"(\d{1,2})[\s\-]+([A-Za-z]+)\.?[\s\-]+(\d{4})", text)
    if match:
        day, month_name, year = match.groups()
        month = _MONTH_NAMES.get(month_name.lower())
        if month is None:
            raise DateError(_("unknown month “%(month)s”") % {"month": month_name})
        return _make_date(year, month, day)
    raise DateError(_("not a date: write it as dd/mm/yyyy"))


# --- writing downloads ---------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets an apostrophe in front."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_bytes(header, rows) -> bytes:
    """`header` and each of `rows` (lists of strings) as CSV: ";" and a BOM, what Excel with
    Indonesian settings opens as columns, in UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_header_row(sheet, row: int, columns, fill) -> None:
    """The table's header cells: `columns` are (header, width, horizontal alignment or None)."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="888888")
    for index, (header, width, horizontal) in enumerate(columns, start=1):
        cell = sheet.cell(row=row, column=index, value=header)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.border = Border(top=thin, bottom=thin)
        cell.alignment = Alignment(vertical="center", wrap_text=True, horizontal=horizontal)
        sheet.column_dimensions[get_column_letter(index)].width = width


def finish_sheet(workbook, sheet, *, header_row: int, last_row: int, columns: int, freeze_column: int, has_rows: bool) -> bytes:
    """Frozen header (and first columns), a filter over the table when it has rows, the header
    repeated on every printed page of A4 landscape one page wide; the workbook as bytes."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=freeze_column)
    if has_rows:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{last_row}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

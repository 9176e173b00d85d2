"""Opening balances from a spreadsheet (issue 3, item 8): read an XLSX or CSV upload of
account code + debit + credit, check every row, and report every problem before anything is
written. Pure functions: no database, no request — the view passes the accounts in and posts
the result through `ledger.services.entry_post(kind="opening")`.

Also the one parser of amounts typed by people ("1.250.000", "1250000,50", "Rp 5.000"),
shared with the journal entry form.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from portal import spreadsheets
from portal.formatting import format_rupiah
from portal.spreadsheets import ImportRefused, header_key

ZERO = Decimal("0")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999999999.99")  # DecimalField(max_digits=18, decimal_places=2)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000


# --- amounts ---------------------------------------------------------------------------------

class AmountError(ValueError):
    """`message` says what is wrong with an amount, for a person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


_DIGITS = re.compile(r"\d+")


def _grouped(whole: str, separator: str) -> str:
    """'1.250.000' → '1250000'; groups after the first must have exactly three digits."""
    groups = whole.split(separator)
    first, rest = groups[0], groups[1:]
    if not (_DIGITS.fullmatch(first) and len(first) <= 3) or any(not (_DIGITS.fullmatch(g) and len(g) == 3) for g in rest):
        raise AmountError(_("not a number"))
    return "".join(groups)


def _number_from_text(text: str) -> Decimal:
    if not text or not re.fullmatch(r"[\d.,]+", text):
        raise AmountError(_("not a number"))
    fraction = ""
    if "." in text and "," in text:
        # the last separator is the decimal one: 1.250.000,50 or 1,250,000.50
        decimal_sep = "." if text.rfind(".") > text.rfind(",") else ","
        thousands_sep = "," if decimal_sep == "." else "."
        whole, fraction = text.rsplit(decimal_sep, 1)
        whole = _grouped(whole, thousands_sep)
    elif "," in text:
        if text.count(",") > 1:  # 1,250,000
            whole = _grouped(text, ",")
        else:  # Indonesian decimal comma: 1250000,50
            whole, fraction = text.split(",")
    elif "." in text:
        parts = text.split(".")
        if len(parts) > 2 or (len(parts[1]) == 3 and not parts[0].startswith("0")):
            whole = _grouped(text, ".")  # 1.250.000 and 1.250 (Indonesian thousands)
        else:
            whole, fraction = parts  # 1250000.5 as a spreadsheet writes it
    else:
        whole = text
    if not _DIGITS.fullmatch(whole) or (fraction and not _DIGITS.fullmatch(fraction)) or (text.endswith((",", "."))):
        raise AmountError(_("not a number"))
    return Decimal(f"{whole}.{fraction}" if fraction else whole)


def parse_amount(value) -> Decimal:
    """A non-negative amount with at most 2 decimals from a number or from text as people write
    it in Indonesia (1.250.000 · 1.250.000,50 · 1250000,50 · Rp 5.000 · 1250000.5). Empty and
    "-" are zero. Raises AmountError with a message for a person."""
    if value is None:
        return ZERO
    if isinstance(value, bool):
        raise AmountError(_("not a number"))
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))  # the shortest form: 1250000.5, not its binary expansion
    elif isinstance(value, Decimal):
        amount = value
    else:
        text = re.sub(r"\s+", "", str(value)).replace("\u00a0", "")
        if text in ("", "-"):
            return ZERO
        negative = False
        if text.startswith("(") and text.endswith(")"):
            negative, text = True, text[1:-1]
        for _round in range(2):  # "-Rp5.000" and "Rp-5.000" alike
            if text.lower().startswith("rp"):
                text = text[2:].lstrip(".")
            if text.startswith("-"):
                negative, text = True, text[1:]
            elif text.startswith("+"):
                text = text[1:]
        amount = _number_from_text(text)
        if negative:
            amount = -amount
    try:
        if not amount.is_finite():
            raise AmountError(_("not a number"))
        if amount < 0:
            raise AmountError(_("negative amount"))
        if amount != amount.quantize(CENT):
            raise AmountError(_("more than 2 decimals"))
    except InvalidOperation:
        raise AmountError(_("too large")) from None
    if amount > MAX_AMOUNT:
        raise AmountError(_("too large"))
    return amount + ZERO  # normalises -0


# --- reading the file ------------------------------------------------------------------------
# The reader is shared with the member register import: portal/spreadsheets.py.

def _too_many_rows():
    return ImportRefused(_("The file has more than %(max)s rows; split it or keep only the accounts with a balance.") % {"max": f"{MAX_ROWS:,}".replace(",", ".")})


def read_rows(content: bytes) -> list[tuple[int, list]]:
    """[(row number in the file, [cells…]), …] of the non-blank rows of an XLSX (first sheet) or
    a CSV, detected from the content, never the file name. Raises ImportRefused."""
    return spreadsheets.read_rows(content, max_bytes=MAX_BYTES, max_rows=MAX_ROWS + 1,  # + the header
                                  too_large=_("The file is larger than 2 MB."), too_many_rows=_too_many_rows)


# --- checking the rows -----------------------------------------------------------------------

HEADER_NAMES = {
    "code": {"kode akun", "kode", "akun", "no akun", "nomor akun", "kode perkiraan", "kode rekening", "no rekening",
             "account code", "account", "code", "account no", "account number"},
    "debit": {"debit", "debet", "saldo debit", "debit balance"},
    "credit": {"kredit", "credit", "saldo kredit", "credit balance"},
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class OpeningLine:
    row: int
    code: str
    debit: Decimal
    credit: Decimal
    name: str = ""


@dataclass
class OpeningPreview:
    lines: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    rows_read: int = 0

    @property
    def total_debit(self) -> Decimal:
        return sum((l.debit for l in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((l.credit for l in self.lines), ZERO)

    @property
    def difference(self) -> Decimal:
        return abs(self.total_debit - self.total_credit)

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit

    @property
    def imbalance_message(self) -> str:
        if self.balanced:
            return ""
        return _("Debit and credit do not balance: difference %(diff)s.") % {"diff": format_rupiah(self.difference)}

    @property
    def ok(self) -> bool:
        """Only a file without bad rows, with two lines or more, that balances may be posted."""
        return not self.errors and len(self.lines) >= 2 and self.balanced

    def as_lines(self) -> list[dict]:
        """Lines for ledger.services.entry_post."""
        return [{"account": l.code, "debit": l.debit, "credit": l.credit, "memo": ""} for l in self.lines]

    def to_session(self) -> list:
        return [[l.row, l.code, str(l.debit), str(l.credit)] for l in self.lines]

    @classmethod
    def from_session(cls, stored) -> "OpeningPreview":
        return cls(lines=[OpeningLine(int(r), str(c), Decimal(d), Decimal(k)) for r, c, d, k in stored])


def _cell_code(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a spreadsheet turned 1101 into 1101.0
    return str(value).strip()


def _find_columns(header_cells) -> dict:
    found = {}
    for index, cell in enumerate(header_cells):
        key = header_key(cell)
        for column, names in HEADER_NAMES.items():
            if key in names and column not in found:
                found[column] = (index, str(cell).strip())
    if set(found) != set(HEADER_NAMES):
        raise ImportRefused(_(
            "The first row must name the columns: kode akun, debit, kredit "
            "(or in English: account code, debit, credit)."
        ))
    return found


def check_opening_rows(rows, accounts) -> OpeningPreview:
    """Check every data row against `accounts` ({code: account} with .name, .is_postable,
    .is_active). Rows whose debit and credit are both zero are skipped. Every problem of every
    row is listed (row number, column, message); nothing stops at the first."""
    if not rows:
        raise ImportRefused(_("The file is empty."))
    columns = _find_columns(rows[0][1])
    data = rows[1:]
    if not data:
        raise ImportRefused(_("The file has a header row but no balances."))
    if len(data) > MAX_ROWS:
        raise _too_many_rows()
    preview = OpeningPreview(rows_read=len(data))

    def cell(cells, column):
        index = columns[column][0]
        return cells[index] if index < len(cells) else None

    for number, cells in data:
        before = len(preview.errors)
        amounts = {}
        for column in ("debit", "credit"):
            try:
                amounts[column] = parse_amount(cell(cells, column))
            except AmountError as exc:
                amounts[column] = None
                preview.errors.append(RowError(number, columns[column][1], exc.message))
        debit, credit = amounts["debit"], amounts["credit"]
        if debit == ZERO and credit == ZERO:
            continue  # an account without an opening balance
        code = _cell_code(cell(cells, "code"))
        code_column = columns["code"][1]
        account = accounts.get(code)
        if not code:
            preview.errors.append(RowError(number, code_column, _("the account code is missing")))
        elif account is None:
            preview.errors.append(RowError(number, code_column, _("there is no account %(code)s") % {"code": code}))
        elif not account.is_postable:
            preview.errors.append(RowError(number, code_column, _("%(code)s is a header account; use one of its accounts") % {"code": code}))
        elif not account.is_active:
            preview.errors.append(RowError(number, code_column, _("account %(code)s is inactive") % {"code": code}))
        if debit and credit:
            preview.errors.append(RowError(number, "", _("both debit and credit are filled in; use one side only")))
        if len(preview.errors) == before:
            preview.lines.append(OpeningLine(number, code, debit, credit, account.name))
    return preview


def opening_preview(content: bytes, accounts) -> OpeningPreview:
    """Read an uploaded file and check its rows. Raises ImportRefused for a file that cannot be
    used at all; bad rows are listed in the preview instead."""
    return check_opening_rows(read_rows(content), accounts)

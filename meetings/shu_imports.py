"""Members' transaction volumes for jasa usaha from a spreadsheet (issue 5, item 8): an XLSX or
CSV with a header row and the columns member number and volume (loan interest paid, purchases),
as a loans or shop program exports them. Every row is checked and every bad row listed before
anything is written; the confirmation re-reads the kept file and checks it again against the
register as it is then, and writes through `shu_services.transaction_volume_set` (one
transaction, all or nothing).

The file type comes from the content (portal.spreadsheets), never from the name.
"""

import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from ledger.imports import AmountError, RowError, parse_amount
from members.imports import HEADER_NAMES as MEMBER_HEADERS
from portal import spreadsheets
from portal.spreadsheets import ImportRefused, header_key

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000  # members, not counting the header and any title rows above it
HEADER_SEARCH_ROWS = 20
ZERO = Decimal("0")

HEADER_NAMES = {
    "number": MEMBER_HEADERS["number"],
    "volume": {"volume", "volume transaksi", "volume usaha", "transaksi", "jumlah transaksi", "nilai transaksi",
               "total transaksi", "jasa pinjaman", "bunga pinjaman", "jasa pinjaman dibayar", "bunga dibayar", "pembelian",
               "total pembelian", "jumlah pembelian", "belanja", "total belanja", "transaction volume", "transactions",
               "volume of transactions", "purchases", "interest paid", "loan interest paid", "amount", "jumlah"},
    "name": MEMBER_HEADERS["full_name"],
}


def _too_many_rows():
    return ImportRefused(_("The file has more than %(max)s rows; split it into several files.") % {"max": "10.000"})


def read_file(content: bytes) -> list[tuple[int, list]]:
    return spreadsheets.read_rows(content, max_bytes=MAX_BYTES, max_rows=MAX_ROWS + HEADER_SEARCH_ROWS,
                                  too_large=_("The file is larger than 5 MB."), too_many_rows=_too_many_rows)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


@dataclass
class VolumeRow:
    row: int
    number: str
    name: str  # from the register
    member: object
    volume: Decimal
    previous: Decimal | None = None  # the volume stored now, if any

    @property
    def changed(self) -> bool:
        return self.previous != self.volume


@dataclass
class VolumePreview:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # RowError(row, column, message)
    rows_read: int = 0
    header_row: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def total(self) -> Decimal:
        return sum((r.volume for r in self.rows), ZERO)

    @property
    def changed_count(self) -> int:
        return sum(1 for r in self.rows if r.changed)

    def volumes(self) -> dict:
        return {r.member: r.volume for r in self.rows}


def _find_header(rows):
    for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = {}
        for index, cell in enumerate(cells):
            key = header_key(cell)
            for name, aliases in HEADER_NAMES.items():
                if key in aliases and name not in found:
                    found[name] = (index, _text(cell))
                    break
        if "number" in found and "volume" in found:
            return position, found
    raise ImportRefused(_(
        "No header row found. The first row of the table must name the columns: No. Anggota (member number) and "
        "Volume (the member's transactions in the book year, e.g. loan interest paid or purchases)."
    ))


def check_volume_rows(rows, *, members, eligible_ids, existing=None, book_year) -> VolumePreview:
    """Check every data row. `members`: the cooperative's register rows (any status);
    `eligible_ids`: ids of the members on the register at the year end (the SHU is shared among
    them); `existing`: {member id: volume stored now}. Nothing is written."""
    existing = existing or {}
    if not rows:
        raise ImportRefused(_("The file is empty."))
    position, columns = _find_header(rows)
    data = rows[position + 1:]
    if not data:
        raise ImportRefused(_("The file has a header row but no members."))
    if len(data) > MAX_ROWS:
        raise _too_many_rows()
    preview = VolumePreview(rows_read=len(data), header_row=rows[position][0])
    by_number = {m.number: m for m in members}
    by_stripped = {}
    for m in members:
        by_stripped.setdefault(m.number.lstrip("0"), []).append(m)
    seen = {}

    def cell(cells, name):
        if name not in columns:
            return None
        index = columns[name][0]
        return cells[index] if index < len(cells) else None

    for row_number, cells in data:
        def bad(name, message):
            preview.errors.append(RowError(row_number, columns[name][1] if name in columns else "", message))

        raw_number = cell(cells, "number")
        number = _text(raw_number)
        member = None
        if not number:
            bad("number", _("the member number is missing"))
        else:
            member = by_number.get(number)
            if member is None and re.fullmatch(r"\d+", number):  # Excel turned 00042 into 42
                candidates = by_stripped.get(number.lstrip("0"), [])
                member = candidates[0] if len(candidates) == 1 else None
            if member is None:
                bad("number", _("no member with number %(number)s in the register") % {"number": number[:40]})
            elif member.pk not in eligible_ids:
                bad("number", _("%(name)s (%(number)s) was not on the register at the end of book year %(year)s") % {
                    "name": member.full_name, "number": member.number, "year": book_year})
                member = None
            elif member.pk in seen:
                bad("number", _("member %(number)s is also on row %(row)s") % {"number": member.number, "row": seen[member.pk]})
                member = None
        try:
            volume = parse_amount(cell(cells, "volume"))
        except AmountError as exc:
            bad("volume", exc.message)
            volume = None
        if member is not None and volume is not None:
            seen[member.pk] = row_number
            preview.rows.append(VolumeRow(row_number, member.number, member.full_name, member, volume, existing.get(member.pk)))
    return preview


# --- the upload between the preview and the confirmation -------------------------------------
# Kept in private storage (never under a public URL), named by the server.

UPLOAD_DIR = "shu-volume-imports"
_TOKEN = re.compile(r"[0-9a-f]{32}")


def _path(cooperative, token: str) -> str:
    if not _TOKEN.fullmatch(token or ""):
        raise ValueError("bad import token")
    return f"{UPLOAD_DIR}/{cooperative.pk}/{token}.upload"


def upload_keep(cooperative, content: bytes) -> str:
    token = uuid.uuid4().hex
    default_storage.save(_path(cooperative, token), ContentFile(content))
    return token


def upload_read(cooperative, token: str) -> bytes | None:
    try:
        path = _path(cooperative, token)
    except ValueError:
        return None
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as f:
        return f.read()


def upload_discard(cooperative, token: str):
    try:
        path = _path(cooperative, token)
    except ValueError:
        return
    if default_storage.exists(path):
        default_storage.delete(path)

"""The member register from a spreadsheet (issue 4, item 2): read an XLSX or CSV upload the way
cooperatives keep their register in Excel, check every cell, and list every problem by row and
column before anything is written. Importing again updates the members it finds (by member
number, else by NIK KTP) instead of entering them twice. Opening savings balances per member may
come in the same file.

`member_import_preview` reads and checks (no writes); `member_import` writes a clean preview in
ONE transaction through the register and savings services (member_admit, member_update,
savings_deposit), re-checking the file against the register as it is at that moment.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_scopes import scope

from cooperatives.models import Kelurahan
from ledger.imports import AmountError, RowError, parse_amount
from portal import spreadsheets
from portal.audit import audit_record
from portal.formatting import format_date, format_rupiah
from portal.spreadsheets import DateError, ImportRefused, header_key, parse_date
from users.phone import normalize_phone

from .models import Gender, Member, MemberStatus, SavingsType, TransactionKind
from .nik import nik_hash
from .validators import mask_nik, nik_birth_date, validate_nik_ktp

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000  # members, not counting the header and any title rows above it
HEADER_SEARCH_ROWS = 20  # a title, the cooperative's name… may stand above the header row
ZERO = Decimal("0")

# header_key() of the headers people use, Indonesian and English, per field.
HEADER_NAMES = {
    "number": {"no anggota", "nomor anggota", "no induk anggota", "nomor induk anggota", "nia", "no induk", "nomor induk",
               "member number", "member no", "membership number", "member id"},
    "full_name": {"nama", "nama lengkap", "nama anggota", "nama lengkap anggota", "name", "full name", "member name"},
    "nik_ktp": {"nik", "nik ktp", "no ktp", "nomor ktp", "no nik", "nomor nik", "ktp", "nomor induk kependudukan",
                "id number", "national id", "national id number"},
    "gender": {"jenis kelamin", "jk", "l p", "kelamin", "gender", "sex"},
    "place_of_birth": {"tempat lahir", "tmp lahir", "tpt lahir", "place of birth", "birthplace", "birth place"},
    "date_of_birth": {"tanggal lahir", "tgl lahir", "tgl lhr", "date of birth", "birth date", "birthday", "dob"},
    "birth": {"tempat tanggal lahir", "tempat tgl lahir", "tempat dan tanggal lahir", "ttl", "place and date of birth"},
    "occupation": {"pekerjaan", "occupation", "job", "profesi", "profession"},
    "address": {"alamat", "alamat lengkap", "alamat rumah", "address", "home address"},
    "kelurahan": {"kelurahan", "kel", "desa kelurahan", "kelurahan desa", "village"},
    "phone": {"no hp", "nomor hp", "hp", "no telp", "no telepon", "nomor telepon", "telepon", "telp", "no wa", "nomor wa",
              "whatsapp", "no handphone", "nomor handphone", "handphone", "phone", "phone number", "mobile", "mobile number"},
    "joined_on": {"tanggal masuk", "tgl masuk", "tanggal bergabung", "tgl bergabung", "tanggal daftar", "tgl daftar",
                  "tanggal menjadi anggota", "mulai menjadi anggota", "date joined", "joined", "joined on", "join date"},
    "left_on": {"tanggal keluar", "tgl keluar", "date left", "left on"},
    "pokok": {"simpanan pokok", "pokok", "saldo simpanan pokok", "saldo pokok", "principal savings", "pokok savings"},
    "wajib": {"simpanan wajib", "wajib", "saldo simpanan wajib", "saldo wajib", "mandatory savings", "wajib savings"},
    "sukarela": {"simpanan sukarela", "sukarela", "saldo simpanan sukarela", "saldo sukarela", "voluntary savings",
                 "sukarela savings"},
}
# how an error about a column the file does not have names it
MISSING_COLUMN_LABELS = {"gender": "Jenis Kelamin", "joined_on": "Tanggal Masuk", "full_name": "Nama"}
SAVINGS_COLUMNS = (SavingsType.POKOK, SavingsType.WAJIB, SavingsType.SUKARELA)
TEXT_LIMITS = {"full_name": 150, "place_of_birth": 80, "occupation": 100, "address": 300}
GENDER_WORDS = {
    "l": Gender.MALE, "lk": Gender.MALE, "laki laki": Gender.MALE, "lakilaki": Gender.MALE, "laki": Gender.MALE,
    "pria": Gender.MALE, "m": Gender.MALE, "male": Gender.MALE, "man": Gender.MALE,
    "p": Gender.FEMALE, "pr": Gender.FEMALE, "perempuan": Gender.FEMALE, "wanita": Gender.FEMALE, "w": Gender.FEMALE,
    "f": Gender.FEMALE, "female": Gender.FEMALE, "woman": Gender.FEMALE,
}

# words the register's own addresses use after /anggota/ (members/urls.py)
RESERVED_NUMBERS = {"baru", "impor", "unduh"}

NEW, UPDATE, UNCHANGED, SKIPPED = "new", "update", "unchanged", "skipped"


def _too_many_rows():
    return ImportRefused(_("The file has more than %(max)s rows; split it into several files.") % {"max": "10.000"})


def _read(content: bytes):
    return spreadsheets.read_rows(content, max_bytes=MAX_BYTES, max_rows=MAX_ROWS + HEADER_SEARCH_ROWS,
                                  too_large=_("The file is larger than 5 MB."), too_many_rows=_too_many_rows)


# --- cells -----------------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = " ".join(str(value).split())
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # the apostrophe our CSV export puts before a would-be formula
    return text


def _kelurahan_key(text: str) -> str:
    text = header_key(text)
    text = re.sub(r"^(kelurahan|kel|desa)\s+", "", text)
    return text.replace(" ", "")


class CellError(ValueError):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _nik(value) -> str:
    """The NIK as text; Excel numbers lose the 16th digit, so a number that may be cut is refused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError(_("not a NIK"))
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(_("NIK KTP must be exactly 16 digits."))
        digits = str(int(value))
        if len(digits) == 16 and digits.endswith("0"):
            raise CellError(_("stored as a number, which Excel cuts to 15 digits: format the NIK column as Text and type the NIK again"))
        return digits
    text = re.sub(r"[\s.\-']", "", str(value))
    if re.fullmatch(r"\d(\.\d+)?e\+?\d+", text.lower()) or re.fullmatch(r"\d,\d+e\+?\d+", text.lower()):
        raise CellError(_("written as a number in scientific notation (3.27E+15): format the NIK column as Text and type the NIK again"))
    return text


def _phone(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(int(value))
        if text.startswith("8"):  # Excel dropped the leading 0 of 0812…
            text = "0" + text
        return text
    return _text(value)


def _gender(value) -> str:
    text = header_key(value)
    if not text:
        return ""
    gender = GENDER_WORDS.get(text) or GENDER_WORDS.get(text.replace(" ", ""))
    if gender is None:
        raise CellError(_("write L or P (laki-laki / perempuan)"))
    return gender


def _split_birth(value) -> tuple[str, object]:
    """ "Sukabumi, 12-03-1980" → ("Sukabumi", "12-03-1980")."""
    if value is None:
        return "", None
    if hasattr(value, "year"):
        return "", value
    text = _text(value)
    if not text:
        return "", None
    if "," in text:
        place, _sep, day = text.rpartition(",")
        return place.strip(), day.strip()
    match = re.fullmatch(r"(.*?)[\s/]+(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\s+[A-Za-z]+\.?\s+\d{4})", text)
    if match:
        return match.group(1).strip(" /"), match.group(2)
    return text, None


# --- the preview -----------------------------------------------------------------------------

@dataclass
class ImportRow:
    row: int
    action: str  # new, update, unchanged, skipped
    name: str
    number: str = ""  # the register's number (update), the file's (new), or "" (the next number)
    member_id: int | None = None
    fields: dict = field(default_factory=dict)  # for member_admit (new) or member_update (changed only)
    openings: dict = field(default_factory=dict)  # {savings type: amount} to post
    skipped_openings: list = field(default_factory=list)  # savings types that already have a balance
    note: str = ""
    joined_on: object = None

    @property
    def changed_labels(self) -> list[str]:
        return [str(Member._meta.get_field(name).verbose_name) for name in self.fields] if self.action == UPDATE else []

    @property
    def opening_labels(self) -> list[tuple[str, Decimal]]:
        return [(SavingsType(t).label, amount) for t, amount in self.openings.items()]

    @property
    def skipped_labels(self) -> list[str]:
        return [SavingsType(t).label for t in self.skipped_openings]


@dataclass
class MemberImportPreview:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    rows_read: int = 0
    header_row: int = 0
    columns: list = field(default_factory=list)  # (header as in the file, what it is read as)
    ignored_columns: list = field(default_factory=list)

    def _count(self, action):
        return sum(1 for r in self.rows if r.action == action)

    @property
    def new_count(self):
        return self._count(NEW)

    @property
    def update_count(self):
        return self._count(UPDATE)

    @property
    def unchanged_count(self):
        return self._count(UNCHANGED)

    @property
    def skipped_count(self):
        return self._count(SKIPPED)

    @property
    def opening_totals(self) -> list[tuple[str, int, Decimal]]:
        """(label, members, total) per savings type that has opening balances to post."""
        out = []
        for savings_type in SAVINGS_COLUMNS:
            amounts = [r.openings[savings_type] for r in self.rows if savings_type in r.openings]
            if amounts:
                out.append((SavingsType(savings_type).label, len(amounts), sum(amounts, ZERO)))
        return out

    @property
    def has_openings(self) -> bool:
        return any(r.openings for r in self.rows)

    @property
    def skipped_opening_rows(self) -> list:
        return [r for r in self.rows if r.skipped_openings]

    @property
    def ok(self) -> bool:
        """Only a file without a bad cell, that changes something, may be confirmed."""
        return not self.errors and any(r.action in (NEW, UPDATE) for r in self.rows)


def _find_header(rows) -> tuple[int, dict]:
    """The header row (within the first rows) and {field: (column index, header text)}."""
    for position, (number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = {}
        for index, cell in enumerate(cells):
            key = header_key(cell)
            for name, aliases in HEADER_NAMES.items():
                if key in aliases and name not in found:
                    found[name] = (index, _text(cell))
                    break
        if "full_name" in found and len(found) >= 2:
            return position, found
    raise ImportRefused(_(
        "No header row found. The first row of the table must name the columns, e.g. No. Anggota, Nama, NIK, "
        "Jenis Kelamin (L/P), Tempat Lahir, Tanggal Lahir, Pekerjaan, Alamat, Kelurahan, No. HP, Tanggal Masuk "
        "(English headers work too); at least Nama and one more."
    ))


class _Context:
    """The register as it is, indexed for the checks."""

    def __init__(self, members, with_savings, kelurahan):
        self.by_number = {m.number: m for m in members}
        self.by_stripped_number = {}
        for m in members:
            self.by_stripped_number.setdefault(m.number.lstrip("0"), []).append(m)
        # by the NIK's keyed hash (members/nik.py), as every lookup by NIK: the NIK is encrypted at rest
        self.by_nik_hash = {m.nik_hash: m for m in members if m.nik_hash}
        self.with_savings = with_savings
        self.kelurahan = {}
        for k in kelurahan:
            self.kelurahan.setdefault(_kelurahan_key(k.name), []).append(k)

    def member_by_number(self, number, numeric):
        member = self.by_number.get(number)
        if member is None and numeric:  # Excel turned 00042 into 42
            candidates = self.by_stripped_number.get(number.lstrip("0"), [])
            if len(candidates) == 1:
                member = candidates[0]
        return member


def check_member_rows(rows, *, members, with_savings, kelurahan, today=None) -> MemberImportPreview:
    """Check every data row against the register (`members`), the savings already held
    (`with_savings`: {(member id, savings type)}) and the city's `kelurahan`. Every bad cell of
    every row is listed (row number, column, message); nothing stops at the first."""
    today = today or timezone.localdate()
    if not rows:
        raise ImportRefused(_("The file is empty."))
    position, columns = _find_header(rows)
    data = rows[position + 1:]
    if not data:
        raise ImportRefused(_("The file has a header row but no members."))
    if len(data) > MAX_ROWS:
        raise _too_many_rows()
    header_number = rows[position][0]
    known = {index for index, _h in columns.values()}
    preview = MemberImportPreview(
        rows_read=len(data), header_row=header_number,
        columns=[(header, name) for name, (index, header) in sorted(columns.items(), key=lambda c: c[1][0])],
        ignored_columns=[_text(c) for i, c in enumerate(rows[position][1]) if i not in known and _text(c)],
    )
    ctx = _Context(members, with_savings, kelurahan)
    seen_nik, seen_number, seen_member = {}, {}, {}

    def raw(cells, name):
        if name not in columns:
            return None
        index = columns[name][0]
        return cells[index] if index < len(cells) else None

    for row_number, cells in data:
        errors = []

        def bad(name, message):
            errors.append(RowError(row_number, columns[name][1] if name in columns else MISSING_COLUMN_LABELS.get(name, ""), message))

        values = {}
        # names and free text
        for name, limit in TEXT_LIMITS.items():
            if name in columns:
                text = _text(raw(cells, name))
                if len(text) > limit:
                    bad(name, _("longer than %(n)s characters") % {"n": limit})
                values[name] = text
        if not values.get("full_name"):
            bad("full_name", _("the name is missing"))
        # number
        number_cell = raw(cells, "number")
        number = _text(number_cell)
        if number and ("/" in number or len(number) > 32 or number.lower() in RESERVED_NUMBERS):
            bad("number", _("a member number has at most 32 characters and no '/'"))
            number = ""
        # NIK
        nik, nik_masked = "", ""
        try:
            nik = _nik(raw(cells, "nik_ktp"))
        except CellError as exc:
            bad("nik_ktp", exc.message)
        if "*" in nik:
            nik_masked, nik = nik, ""
        elif nik:
            try:
                nik = validate_nik_ktp(nik)
            except ValidationError as exc:
                bad("nik_ktp", exc.messages[0])
                nik = ""
        # gender
        try:
            gender = _gender(raw(cells, "gender"))
        except CellError as exc:
            bad("gender", exc.message)
            gender = None
        # phone
        phone = _phone(raw(cells, "phone"))
        if phone:
            try:
                phone = normalize_phone(phone)
            except ValidationError as exc:
                bad("phone", exc.messages[0])
                phone = None
        # place and date of birth: separate columns or one "Tempat, tanggal lahir"
        born_cell = raw(cells, "date_of_birth")
        if "birth" in columns:
            place, combined = _split_birth(raw(cells, "birth"))
            if place and "place_of_birth" not in columns:
                values["place_of_birth"] = place[:TEXT_LIMITS["place_of_birth"]]
            if born_cell is None:
                born_cell = combined
        dates = {}
        for name, cell in (("date_of_birth", born_cell), ("joined_on", raw(cells, "joined_on")), ("left_on", raw(cells, "left_on"))):
            try:
                dates[name] = parse_date(cell)
            except DateError as exc:
                bad("birth" if name == "date_of_birth" and "date_of_birth" not in columns else name, exc.message)
                dates[name] = False  # bad, already reported
        # kelurahan
        kelurahan = None
        kelurahan_text = _text(raw(cells, "kelurahan"))
        if kelurahan_text:
            found = ctx.kelurahan.get(_kelurahan_key(kelurahan_text), [])
            if len(found) == 1:
                kelurahan = found[0]
            elif found:
                bad("kelurahan", _("several kelurahan are called %(name)s") % {"name": kelurahan_text})
            else:
                bad("kelurahan", _("there is no kelurahan %(name)s in the city") % {"name": kelurahan_text})
        # opening savings
        amounts = {}
        for savings_type in SAVINGS_COLUMNS:
            if savings_type in columns:
                try:
                    amount = parse_amount(raw(cells, savings_type))
                except AmountError as exc:
                    bad(savings_type, exc.message)
                else:
                    if amount > 0:
                        amounts[savings_type] = amount

        # which member is this?
        member = ctx.member_by_number(number, isinstance(number_cell, (int, float))) if number else None
        nik_owner = ctx.by_nik_hash.get(nik_hash(nik)) if nik else None
        if member is not None and nik_owner is not None and nik_owner.pk != member.pk:
            bad("nik_ktp", _("this NIK belongs to member %(number)s %(name)s") % {"number": nik_owner.number, "name": nik_owner.full_name})
        elif member is None and nik_owner is not None:
            if number:
                bad("number", _("the NIK belongs to member %(number)s %(name)s, not %(given)s") % {
                    "number": nik_owner.number, "name": nik_owner.full_name, "given": number})
            member = nik_owner
        if nik_masked:
            if member is None or mask_nik(member.nik_ktp) != nik_masked:
                bad("nik_ktp", _("the NIK is masked (****); write it in full or leave it empty"))
        # duplicates within the file
        if nik:
            if nik in seen_nik:
                bad("nik_ktp", _("the same NIK as row %(row)s") % {"row": seen_nik[nik]})
            else:
                seen_nik[nik] = row_number
        if number and member is None:
            if number in seen_number:
                bad("number", _("the same member number as row %(row)s") % {"row": seen_number[number]})
            else:
                seen_number[number] = row_number
        if member is not None:
            if member.pk in seen_member:
                bad("number" if "number" in columns else "nik_ktp", _("member %(number)s is already in row %(row)s") % {
                    "number": member.number, "row": seen_member[member.pk]})
            else:
                seen_member[member.pk] = row_number

        # the dates against each other and today, as the register's service checks them
        joined = dates["joined_on"] or (member.joined_on if member is not None and dates["joined_on"] is None else None)
        born = dates["date_of_birth"]
        if dates["joined_on"] and dates["joined_on"] > today:
            bad("joined_on", _("the joining date is in the future"))
        if born and (born > today or born.year < 1900):
            bad("birth" if "date_of_birth" not in columns else "date_of_birth", _("not a plausible date of birth"))
        elif born and joined and born > joined:
            bad("birth" if "date_of_birth" not in columns else "date_of_birth", _("the date of birth is after the joining date"))

        name = values.get("full_name", "")
        if member is None:
            if dates["left_on"]:
                if not errors:
                    preview.rows.append(ImportRow(row_number, SKIPPED, name, number, note=_("left the cooperative on %(date)s: people who have left are not entered") % {"date": format_date(dates["left_on"])}))
                preview.errors.extend(errors)
                continue
            if dates["joined_on"] is None:
                bad("joined_on", _("the joining date is missing (needed for a new member)"))
            if gender == "" and nik:
                gender = nik_birth_date(nik)[1]  # digits 7–8: women's day of birth + 40
            if gender == "":
                bad("gender", _("the gender is missing (needed for a new member)"))
        if errors:
            preview.errors.extend(errors)
            continue

        fields = {k: v for k, v in values.items()}
        fields.update({"nik_ktp": nik, "gender": gender, "phone": phone, "kelurahan": kelurahan,
                       "date_of_birth": dates["date_of_birth"], "joined_on": dates["joined_on"]})
        openings, skipped = {}, []
        for savings_type, amount in amounts.items():
            if member is not None and (member.pk, savings_type) in ctx.with_savings:
                skipped.append(savings_type)
            else:
                openings[savings_type] = amount
        if member is not None and member.status != MemberStatus.ACTIVE and openings:
            bad(SAVINGS_COLUMNS[0] if SAVINGS_COLUMNS[0] in openings else next(iter(openings)),
                _("member %(number)s has left the cooperative: no opening savings") % {"number": member.number})
            preview.errors.extend(errors)
            continue
        if member is None:
            new_fields = {k: v for k, v in fields.items() if v not in ("", None)}
            preview.rows.append(ImportRow(row_number, NEW, name, number, fields=new_fields, openings=openings,
                                          joined_on=dates["joined_on"]))
        else:
            # blank cells keep what the register has; only what differs is written
            changed = {}
            for key, value in fields.items():
                if value in ("", None):
                    continue
                if getattr(member, key if key != "kelurahan" else "kelurahan_id") != (value.pk if key == "kelurahan" else value):
                    changed[key] = value
            action = UPDATE if changed or openings else UNCHANGED
            preview.rows.append(ImportRow(row_number, action, name or member.full_name, member.number, member.pk,
                                          fields=changed, openings=openings, skipped_openings=skipped,
                                          joined_on=dates["joined_on"] or member.joined_on))
    return preview


def member_import_preview(content: bytes, *, cooperative) -> MemberImportPreview:
    """Read an uploaded file and check it against the cooperative's register. Raises
    ImportRefused for a file that cannot be used at all; bad cells are listed instead."""
    from .selectors import member_import_context

    rows = _read(content)
    context = member_import_context(cooperative=cooperative)
    kelurahan = list(Kelurahan.objects.all())
    return check_member_rows(rows, members=context["members"], with_savings=context["with_savings"], kelurahan=kelurahan)


# --- writing ---------------------------------------------------------------------------------

class ImportFailed(Exception):
    """Writing found problems (the register changed since the preview, a closed book year…):
    nothing was written. `errors` are RowErrors."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


MAX_WRITE_ERRORS = 200


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    openings: int = 0
    opening_total: Decimal = ZERO


def _row_errors(row, exc: ValidationError) -> list[RowError]:
    labels = {name: str(Member._meta.get_field(name).verbose_name) for name in
              ("number", "full_name", "nik_ktp", "phone", "gender", "joined_on", "date_of_birth", "place_of_birth",
               "occupation", "address", "kelurahan")}
    if hasattr(exc, "error_dict"):
        return [RowError(row.row, labels.get(name, ""), message) for name, errors in exc.error_dict.items()
                for error in errors for message in error.messages]
    return [RowError(row.row, "", message) for message in exc.messages]


def member_import(*, actor, cooperative, content: bytes, file_name="", opening_date=None, counter_account=None,
                  consent=False) -> ImportResult:
    """Check `content` again against the register as it is now and write it in ONE transaction:
    updates (member_update), new members (member_admit, numbers from the file first, then the
    cooperative's next numbers) and opening savings (savings_deposit, kind opening, against
    `counter_account` on `opening_date`). Raises ImportRefused (the file), ImportFailed (rows)
    or ValidationError (the confirmation form's fields); then nothing is written."""
    from . import services
    from .savings import savings_deposit

    with transaction.atomic(), scope(cooperative=cooperative):
        preview = member_import_preview(content, cooperative=cooperative)
        if preview.errors:
            raise ImportFailed(preview.errors)
        new_rows = [r for r in preview.rows if r.action == NEW]
        if new_rows and not consent:
            raise ValidationError({"consent": _("Confirm that the new members agreed to the processing of their data.")})
        if preview.has_openings:
            if opening_date is None:
                raise ValidationError({"opening_date": _("Enter the date of the opening balances.")})
            if opening_date > timezone.localdate():
                raise ValidationError({"opening_date": _("The date cannot be in the future.")})
            if counter_account is None or counter_account.cooperative_id != cooperative.pk or not counter_account.is_postable or not counter_account.is_active:
                raise ValidationError({"counter_account": _("Choose an active account of this cooperative's chart.")})
        errors = []
        for row in preview.rows:
            if row.openings and row.joined_on and opening_date < row.joined_on:
                errors.append(RowError(row.row, "", _("the opening date %(date)s is before this member joined (%(joined)s)") % {
                    "date": format_date(opening_date), "joined": format_date(row.joined_on)}))
        if errors:
            raise ImportFailed(errors)

        result = ImportResult()
        members = {}
        # updates first, then new members with a number of their own, then the next numbers
        ordered = ([r for r in preview.rows if r.action == UPDATE] + [r for r in new_rows if r.number]
                   + [r for r in new_rows if not r.number])
        for row in ordered:
            try:
                if row.action == UPDATE:
                    member = Member.objects.get(pk=row.member_id)
                    if row.fields:
                        member = services.member_update(actor=actor, member=member, **row.fields)
                        result.updated += 1
                else:
                    member = services.member_admit(actor=actor, cooperative=cooperative, number=row.number or None,
                                                   consent=True, **row.fields)
                    result.created += 1
                members[row.row] = member
            except ValidationError as exc:
                errors.extend(_row_errors(row, exc))
                if len(errors) >= MAX_WRITE_ERRORS:
                    break
        if not errors:
            for row in preview.rows:
                for savings_type, amount in row.openings.items():
                    try:
                        savings_deposit(
                            actor=actor, member=members[row.row], savings_type=savings_type, amount=amount, date=opening_date,
                            kind=TransactionKind.OPENING, counter_account=counter_account,
                            description=_("Opening balance %(type)s of %(name)s (%(number)s)") % {
                                "type": SavingsType(savings_type).label, "name": members[row.row].full_name,
                                "number": members[row.row].number},
                        )
                    except ValidationError as exc:
                        errors.extend(RowError(row.row, SavingsType(savings_type).label, m) for m in exc.messages)
                    else:
                        result.openings += 1
                        result.opening_total += amount
                if len(errors) >= MAX_WRITE_ERRORS:
                    break
        if errors:
            raise ImportFailed(errors)
        audit_record(actor=actor, action="member.import", cooperative=cooperative, changes={
            "file": [None, file_name[:200]], "created": [None, result.created], "updated": [None, result.updated],
            "openings": [None, result.openings], "opening_total": [None, str(result.opening_total)],
        })
    return result


# --- the upload between the preview and the confirmation -------------------------------------
# Kept in the private default storage (never under a public URL), named by the server; the
# confirmation reads it back and checks it again.

UPLOAD_DIR = "member-imports"
_TOKEN = re.compile(r"[0-9a-f]{32}")


def _upload_path(cooperative, token: str) -> str:
    if not _TOKEN.fullmatch(token or ""):
        raise ValueError("bad import token")
    return f"{UPLOAD_DIR}/{cooperative.pk}/{token}.upload"


UPLOAD_KEPT_FOR = timedelta(days=1)


def upload_keep(cooperative, content: bytes) -> str:
    """Keep a checked upload until it is confirmed; uploads never confirmed are removed a day
    later (here, when the cooperative's next upload is kept)."""
    _prune_uploads(cooperative)
    token = uuid.uuid4().hex
    default_storage.save(_upload_path(cooperative, token), ContentFile(content))
    return token


def _prune_uploads(cooperative):
    folder = f"{UPLOAD_DIR}/{cooperative.pk}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError, OSError):
        return
    cutoff = timezone.now() - UPLOAD_KEPT_FOR
    for name in files:
        path = f"{folder}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError, OSError):
            continue


def upload_read(cooperative, token: str) -> bytes | None:
    try:
        path = _upload_path(cooperative, token)
    except ValueError:
        return None
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as f:
        return f.read()


def upload_discard(cooperative, token: str):
    try:
        path = _upload_path(cooperative, token)
    except ValueError:
        return
    if default_storage.exists(path):
        default_storage.delete(path)


def summary_text(result: ImportResult) -> str:
    text = _("%(created)s new members entered, %(updated)s updated.") % {"created": result.created, "updated": result.updated}
    if result.openings:
        text += " " + _("%(n)s opening savings balances posted (%(total)s).") % {"n": result.openings, "total": format_rupiah(result.opening_total)}
    return text

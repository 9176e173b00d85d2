"""One neutral description of a report — identity, title, columns, lines, signatures — built
from the ledger selectors' dataclasses and rendered three ways: the screen page, the XLSX
workbook and the PDF. Every figure therefore comes from the same place in all three."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cooperatives import access
from cooperatives.models import RoleAssignment
from portal.formatting import format_date, format_rupiah

from ..models import AccountKind

TEXT, MONEY, DATE = "text", "money", "date"
# row styles
HEADING, LINE, SUBTOTAL, TOTAL, NOTE = "heading", "line", "subtotal", "total", "note"


@dataclass
class Column:
    label: str
    kind: str = TEXT
    width: int = 14  # in the workbook, in characters
    hide_on_phone: bool = False
    css: str = ""


@dataclass
class Line:
    cells: list  # one per column: str, Decimal, date or None (blank)
    style: str = LINE
    indent: int = 0


@dataclass
class Identity:
    name: str
    legal_entity_number: str
    nik_koperasi: str
    address: str

    @property
    def rows(self):
        """(label, value) pairs under the name; a missing value is shown as a dash."""
        return [
            (_("Legal entity number"), self.legal_entity_number or "–"),
            (_("NIK Koperasi"), self.nik_koperasi or "–"),
            (_("Address"), self.address or "–"),
        ]


@dataclass
class Signatory:
    title: str
    name: str  # empty: a blank line to sign on


@dataclass
class Report:
    stem: str  # file name start, e.g. "neraca-saldo"
    title: str
    period: str
    columns: list
    lines: list
    identity: Identity
    signatories: list
    place_date: str
    file_dates: tuple  # dates in the file name
    subtitle: str = ""
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    cards_on_phone: bool = False  # wide tables become cards on phones
    landscape: bool = False  # the PDF page

    def filename(self, slug: str, extension: str) -> str:
        parts = [self.stem, slugify(slug)] + [d.isoformat() for d in self.file_dates]
        return "-".join(p for p in parts if p) + "." + extension

    @property
    def money_has_cents(self) -> bool:
        return any(
            isinstance(cell, Decimal) and cell != cell.to_integral_value()
            for line in self.lines for cell in line.cells
        )

    def html_rows(self):
        """Lines as cells ready for a template: (text, css class, column label)."""
        out = []
        for line in self.lines:
            cells = []
            for index, (column, value) in enumerate(zip(self.columns, line.cells)):
                classes = []
                if column.kind == MONEY:
                    text = format_rupiah(value, parentheses=True) if value is not None else ""
                    classes.append("num")
                    if value is not None and value < 0:
                        classes.append("negative")
                elif column.kind == DATE:
                    text = format_date(value) if value else ""
                else:
                    text = "" if value is None else str(value)
                if column.hide_on_phone:
                    classes.append("hide-phone")
                if column.css:
                    classes.append(column.css)
                if index == self._label_column and line.indent:
                    classes.append(f"indent-{min(line.indent, 3)}")
                cells.append((text, " ".join(classes), column.label))
            out.append({"style": line.style, "cells": cells})
        return out

    @property
    def _label_column(self):
        """The column that carries row labels (the first text column after any code column)."""
        texts = [i for i, c in enumerate(self.columns) if c.kind == TEXT]
        return texts[1] if len(texts) > 1 else (texts[0] if texts else 0)


# --- identity and signatures -----------------------------------------------------------

def identity_of(cooperative) -> Identity:
    city = settings.PORTAL_CITY_NAME
    parts = [cooperative.address.strip()] if cooperative.address.strip() else []
    parts += [f"Kel. {cooperative.kelurahan.name}", f"Kec. {cooperative.kecamatan.name}", city]
    return Identity(cooperative.name, cooperative.legal_entity_number, cooperative.nik_koperasi, ", ".join(parts))


# The pengurus who sign statements, by the title on their manager role; the English words
# cover titles entered while the portal was in English.
SIGNING_TITLES = (
    ("chair", ("ketua", "ketua pengurus", "chair", "chairman", "chairperson", "chairwoman")),
    ("secretary", ("sekretaris", "secretary")),
    ("treasurer", ("bendahara", "treasurer")),
)


def _signing_labels():
    return {"chair": _("Chair"), "secretary": _("Secretary"), "treasurer": _("Treasurer")}


def signatories_of(cooperative) -> list[Signatory]:
    """Ketua, Sekretaris, Bendahara: the managers holding those titles, else blank lines."""
    found = {}
    assignments = (
        RoleAssignment.objects.filter(cooperative=cooperative, role=access.MANAGER)
        .exclude(title="").select_related("user").order_by("assigned_at", "pk")
    )
    for assignment in assignments:
        title = " ".join(assignment.title.split()).casefold()
        for key, aliases in SIGNING_TITLES:
            if title in aliases and key not in found:
                found[key] = assignment.user.full_name or str(assignment.user)
    labels = _signing_labels()
    return [Signatory(labels[key], found.get(key, "")) for key, _aliases in SIGNING_TITLES]


def place_and_date(day: date | None = None) -> str:
    city = settings.PORTAL_CITY_NAME
    for prefix in ("Kota ", "Kabupaten "):
        city = city.removeprefix(prefix)
    return f"{city}, {format_date(day or timezone.localdate(), long=True)}"


def as_of_text(day: date) -> str:
    return _("As of %(date)s") % {"date": format_date(day, long=True)}


def period_text(start: date, end: date) -> str:
    return _("%(start)s to %(end)s") % {"start": format_date(start, long=True), "end": format_date(end, long=True)}


def _base(cooperative, **kwargs) -> dict:
    return {"identity": identity_of(cooperative), "signatories": signatories_of(cooperative), "place_date": place_and_date(), **kwargs}


# --- the four reports --------------------------------------------------------------------

def trial_balance_report(cooperative, tb) -> Report:
    columns = [
        Column(_("Code"), width=9), Column(_("Account"), width=40),
        Column(_("Debit"), MONEY, 20), Column(_("Credit"), MONEY, 20),
    ]
    lines = [Line([r.account.code, r.account.name, r.debit_balance or None, r.credit_balance or None]) for r in tb.rows]
    lines.append(Line(["", _("Total"), tb.total_debit, tb.total_credit], TOTAL))
    warnings = []
    if not tb.balanced:
        warnings.append(_("Debit and credit do not balance: difference %(diff)s.") % {
            "diff": format_rupiah(abs(tb.total_debit - tb.total_credit))})
    notes = [] if tb.rows else [_("No account has a balance on this date.")]
    return Report(
        "neraca-saldo", _("Trial balance"), as_of_text(tb.as_of), columns, lines, file_dates=(tb.as_of,),
        notes=notes, warnings=warnings, **_base(cooperative),
    )


def balance_sheet_report(cooperative, sheet) -> Report:
    columns = [
        Column(_("Code"), width=9, hide_on_phone=True), Column(_("Account"), width=40),
        Column(format_date(sheet.as_of), MONEY, 20), Column(format_date(sheet.prior_as_of), MONEY, 20),
    ]
    lines = []

    def section(sec, heading, total_label, extra=()):
        lines.append(Line(["", heading.upper(), None, None], HEADING))
        for account, amount, prior in sec.rows:
            lines.append(Line([account.code, account.name, amount, prior], indent=1))
        total, prior_total = sec.total, sec.prior_total
        for label, amount, prior in extra:
            lines.append(Line(["", label, amount, prior], indent=1))
            total += amount
            prior_total += prior
        lines.append(Line(["", total_label, total, prior_total], SUBTOTAL))

    section(sheet.assets, _("Assets"), _("Total assets"))
    section(sheet.liabilities, _("Liabilities"), _("Total liabilities"))
    section(sheet.equity, _("Equity"), _("Total equity"),
            extra=[(_("SHU for the current year (not yet closed)"), sheet.current_shu, sheet.prior_current_shu)])
    lines.append(Line(["", _("Total liabilities and equity"), sheet.total_liabilities_and_equity,
                       sheet.prior_total_liabilities_and_equity], TOTAL))
    warnings = []
    prior_balanced = sheet.assets.prior_total == sheet.prior_total_liabilities_and_equity
    if not (sheet.balanced and prior_balanced):
        warnings.append(_("Assets do not equal liabilities plus equity: check the books with ledger_verify."))
    notes = [_("The prior column shows the end of the previous book year (%(date)s).") % {"date": format_date(sheet.prior_as_of, long=True)}]
    return Report(
        "laporan-posisi-keuangan", _("Statement of financial position"), as_of_text(sheet.as_of), columns, lines,
        file_dates=(sheet.as_of,), notes=notes, warnings=warnings, **_base(cooperative),
    )


def income_statement_report(cooperative, statement, *, split_segments: bool) -> Report:
    columns = [Column(_("Code"), width=9, hide_on_phone=True), Column(_("Description"), width=46), Column(_("Amount"), MONEY, 20)]
    lines = [Line(["", _("Income").upper(), None], HEADING)]
    if split_segments:
        groups = [
            ("member", _("Income from members (member participation)"), _("Total income from members")),
            ("non_member", _("Income from non-members"), _("Total income from non-members")),
            ("", _("Other income"), _("Total other income")),
        ]
        for segment, heading, total_label in groups:
            rows = [(a, amt) for a, amt in statement.income if a.segment == segment]
            if not rows and segment == "":
                continue
            lines.append(Line(["", heading, None], HEADING, indent=1))
            for account, amount in rows:
                lines.append(Line([account.code, account.name, amount], indent=2))
            lines.append(Line(["", total_label, sum((amt for _a, amt in rows), Decimal("0"))], SUBTOTAL, indent=1))
    else:
        for account, amount in statement.income:
            lines.append(Line([account.code, account.name, amount], indent=1))
    lines.append(Line(["", _("Total income"), statement.total_income], SUBTOTAL))
    lines.append(Line(["", _("Expense").upper(), None], HEADING))
    for account, amount in statement.expense:
        lines.append(Line([account.code, account.name, amount], indent=1))
    lines.append(Line(["", _("Total expense"), statement.total_expense], SUBTOTAL))
    lines.append(Line(["", _("Remaining business result (SHU)"), statement.shu], TOTAL))
    notes = []
    if statement.shu < 0:
        notes.append(_("Expense exceeded income: the period shows a loss (SHU negative)."))
    return Report(
        "laporan-perhitungan-hasil-usaha", _("Statement of business results (Perhitungan Hasil Usaha)"),
        period_text(statement.date_from, statement.date_to), columns, lines,
        file_dates=(statement.date_from, statement.date_to), notes=notes, **_base(cooperative),
    )


def general_ledger_report(cooperative, ledger) -> Report:
    account = ledger.account
    columns = [
        Column(_("Date"), DATE, 12), Column(_("Number"), width=17), Column(_("Description"), width=44),
        Column(_("Debit"), MONEY, 18), Column(_("Credit"), MONEY, 18), Column(_("Balance"), MONEY, 19),
    ]
    lines = [Line([ledger.date_from, "", _("Opening balance"), None, None, ledger.opening], SUBTOTAL)]
    for item in ledger.lines:
        line, entry = item.line, item.line.entry
        text = entry.description
        if line.memo:
            text += f" — {line.memo}"
        if entry.reference:
            text += " (" + _("voucher %(reference)s") % {"reference": entry.reference} + ")"
        lines.append(Line([line.date, entry.number or "", text, line.debit or None, line.credit or None, item.balance]))
    lines.append(Line(["", "", _("Total movements"), ledger.total_debit, ledger.total_credit, None], SUBTOTAL))
    lines.append(Line([ledger.date_to, "", _("Closing balance"), None, None, ledger.closing], TOTAL))
    side = _("debit") if account.debit_normal else _("credit")
    notes = [_("Balances are shown on the account's normal side (%(side)s); a balance in brackets is on the other side.") % {"side": side}]
    if not ledger.lines:
        notes.append(_("No posting in this period."))
    return Report(
        f"buku-besar-{slugify(account.code)}", _("General ledger"), period_text(ledger.date_from, ledger.date_to),
        columns, lines, file_dates=(ledger.date_from, ledger.date_to), subtitle=f"{account.code} {account.name}",
        notes=notes, cards_on_phone=True, landscape=False, **_base(cooperative),
    )


def chart_has_segments(cooperative) -> bool:
    """Whether member and non-member income are kept apart in this chart."""
    from ..models import Account

    return Account.objects.filter(cooperative=cooperative, kind=AccountKind.INCOME, segment__in=["member", "non_member"]).exists()

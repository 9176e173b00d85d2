"""The SHU preview as an Excel workbook: every member's savings counted, transactions, jasa
modal, jasa usaha and total, the totals, the allocation and the rounding remainder, with the
cooperative's identity on top and the pengurus' signature block (ledger.exports does the
layout). The workbook holds members' names and balances: each download is audited."""

from django.utils.translation import gettext as _

from ledger.exports import xlsx
from ledger.exports.document import MONEY, TOTAL, Column, Line, Report, identity_of, place_and_date, signatories_of
from portal.audit import audit_record
from portal.formatting import format_rupiah

from .models import SavingsBasis

CONTENT_TYPE = xlsx.CONTENT_TYPE


def _percent(value) -> str:
    return f"{value.normalize():f} %"


def allocation_lines(distribution) -> list[tuple[str, str, object]]:
    """(label, percent, amount) of the allocation, as the preview, the workbook and the API show it."""
    total = distribution.shu_total
    rows = [
        (_("Reserve (cadangan)"), distribution.reserve_percent),
        (_("Members: jasa modal"), distribution.jasa_modal_percent),
        (_("Members: jasa usaha"), distribution.jasa_usaha_percent),
        (_("Dana pengurus"), distribution.pengurus_percent),
        (_("Dana karyawan"), distribution.karyawan_percent),
        (_("Dana pendidikan"), distribution.pendidikan_percent),
        (_("Dana sosial"), distribution.sosial_percent),
    ]
    return [(label, percent, total * percent / 100) for label, percent in rows]


def preview_report(distribution, shares, totals) -> Report:
    cooperative = distribution.cooperative
    columns = [
        Column(_("Member no."), width=12), Column(_("Name"), width=32),
        Column(_("Savings counted"), MONEY, 18), Column(_("Transactions"), MONEY, 18),
        Column(_("Jasa modal"), MONEY, 16), Column(_("Jasa usaha"), MONEY, 16), Column(_("Total"), MONEY, 16),
    ]
    lines = [Line([s.member.number, s.member.full_name, s.savings_basis, s.transaction_volume, s.jasa_modal, s.jasa_usaha, s.total])
             for s in shares]
    lines.append(Line(["", _("Total"), totals.savings, totals.volume, totals.jasa_modal, totals.jasa_usaha, totals.total], TOTAL))
    notes = [
        _("SHU of book year %(year)s: %(shu)s. Savings counted: %(basis)s.") % {
            "year": distribution.book_year, "shu": format_rupiah(distribution.shu_total),
            "basis": SavingsBasis(distribution.savings_basis).label},
    ]
    notes += [f"{label}: {_percent(percent)} = {format_rupiah(amount)}" for label, percent, amount in allocation_lines(distribution)]
    notes.append(_("Each share is rounded down to whole Rupiah; the rounding remainder of %(remainder)s goes to the reserve.") % {
        "remainder": format_rupiah(distribution.remainder)})
    return Report(
        stem=f"shu-{distribution.book_year}", title=_("SHU distribution"),
        subtitle=_("Book year %(year)s — %(status)s") % {"year": distribution.book_year, "status": distribution.get_status_display()},
        period=_("Members' shares: jasa modal and jasa usaha"), columns=columns, lines=lines, file_dates=(),
        notes=notes, identity=identity_of(cooperative), signatories=signatories_of(cooperative), place_date=place_and_date(),
        landscape=True,
    )


def render_preview_xlsx(distribution, shares, totals) -> tuple[bytes, str]:
    """(workbook bytes, file name)."""
    report = preview_report(distribution, shares, totals)
    return xlsx.render_xlsx(report), report.filename(distribution.cooperative.slug, "xlsx")


def shu_record_export(*, actor, distribution, rows: int):
    """Exports of personal data are recorded (DESIGN.md §10)."""
    audit_record(actor=actor, action="shu.export", cooperative=distribution.cooperative, obj=distribution,
                 changes={"format": [None, "xlsx"], "rows": [None, rows]})


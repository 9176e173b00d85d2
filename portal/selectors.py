from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .formatting import format_date, format_rupiah, month_name


def cooperative_profile_rows(cooperative):
    """The cooperative's legal identity and AD/ART settings as label/value rows for a page."""
    quorum = f"{cooperative.quorum_fraction.normalize():f}"
    quorum_text = (_("more than %(q)s of members") if cooperative.quorum_more_than else _("at least %(q)s of members")) % {"q": quorum}
    return [
        (_("Legal entity number"), cooperative.legal_entity_number or "–"),
        (_("NIK Koperasi"), cooperative.nik_koperasi or "–"),
        (_("Kind"), cooperative.get_kind_display()),
        (_("Address"), ", ".join(filter(None, [cooperative.address, cooperative.kelurahan.name, _("Kec. %(name)s") % {"name": cooperative.kecamatan.name}]))),
        (_("Founded"), format_date(cooperative.founded_on) or "–"),
        (_("Book year ends"), _("end of %(month)s") % {"month": month_name(cooperative.book_year_end_month)}),
        (_("RAT quorum"), quorum_text),
        (_("RAT deadline"), ngettext("%(n)s month after the book year ends", "%(n)s months after the book year ends", cooperative.rat_deadline_months) % {"n": cooperative.rat_deadline_months}),
        (_("Invitation notice"), ngettext("%(n)s day", "%(n)s days", cooperative.invitation_notice_days) % {"n": cooperative.invitation_notice_days}),
        (_("Simpanan pokok"), format_rupiah(cooperative.simpanan_pokok_amount)),
        (_("Simpanan wajib per month"), format_rupiah(cooperative.simpanan_wajib_monthly_amount)),
    ]

from django import template

from portal import formatting

register = template.Library()


@register.filter
def rupiah(value):
    return formatting.format_rupiah(value)


@register.filter
def angka(value):
    """1250 → 1.250."""
    return formatting.format_number(value)


@register.filter
def rupiah_statement(value):
    return formatting.format_rupiah(value, parentheses=True)


@register.filter
def tanggal(value):
    return formatting.format_date(value)


@register.filter
def tanggal_panjang(value):
    return formatting.format_date(value, long=True)


@register.filter
def tanggal_waktu(value):
    return formatting.format_datetime(value)


@register.filter
def nomor_hp(value):
    """+6281234567890 → 0812-3456-7890."""
    from users.phone import display_phone

    return display_phone(value)


@register.filter
def audit_action(value):
    from portal.audit import action_label

    return action_label(value)

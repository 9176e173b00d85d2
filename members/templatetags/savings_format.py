"""Months as the savings pages show them: `{{ period|bulan }}` → "Maret 2024" (Indonesian) or
"March 2024" (English); `|bulan_pendek` → "Mar 2024"."""

from django import template

from portal import formatting

register = template.Library()


@register.filter
def bulan(value):
    if not value:
        return ""
    return formatting.format_month(value.year, value.month)


@register.filter
def bulan_pendek(value):
    if not value:
        return ""
    return f"{formatting._months(long=False)[value.month - 1]} {value.year}"

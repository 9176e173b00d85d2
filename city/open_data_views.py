"""The public open-data page (/data-terbuka/): no login, the city's aggregate indicators for a
book year by kecamatan and by jenis, small cells suppressed (city/open_data.py). The same
figures as `GET /api/v1/public/indicators/`."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from portal.formatting import format_number, format_rupiah

from . import open_data

COLUMNS = [  # (field, label)
    ("registered", _("Registered")), ("active", _("Active")), ("inactive", _("Not active")),
    ("rat_held", _("RAT held")), ("rat_overdue", _("RAT overdue")),
    ("members_men", _("Members (men)")), ("members_women", _("Members (women)")), ("members_total", _("Members")),
    ("distinct_persons", _("Persons")),
    ("total_savings", _("Total savings")), ("total_assets", _("Total assets")), ("own_capital", _("Own capital")),
    ("outside_capital", _("Outside capital")), ("business_volume", _("Business volume")), ("shu", _("SHU")),
]


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Book year"), required=False, min_value=1900, max_value=9999)


def _cells(row):
    cells = []
    for name, label in COLUMNS:
        value = row.values.get(name)
        if name in row.suppressed:
            text = None
        elif name in open_data.MONEY:
            text = format_rupiah(value)
        else:
            text = format_number(value)
        cells.append({"name": name, "label": label, "text": text})
    return cells


@require_GET
def open_data_page(request):
    form = YearForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    data = open_data.open_data(year if not form.errors else None)
    tables = []
    if data.total is not None:
        for title, key_label, rows in ((_("By kecamatan"), _("Kecamatan"), data.by_kecamatan),
                                       (_("By jenis"), _("Jenis"), data.by_kind)):
            tables.append({"title": title, "key_label": key_label, "rows": [{"label": r.label, "cells": _cells(r)} for r in rows],
                           "total": {"label": data.total.label, "cells": _cells(data.total)}})
    return render(request, "city/open_data.html", {
        "form": form, "data": data, "tables": tables, "columns": COLUMNS, "threshold": open_data.THRESHOLD,
    })

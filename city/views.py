from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cooperatives import access
from cooperatives.models import CooperativeKind, Kecamatan

from . import selectors


class RegistryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search name, legal number or NIK Koperasi"), required=False, max_length=100)
    kecamatan = forms.ModelChoiceField(label=_("Kecamatan"), queryset=Kecamatan.objects.all(), required=False, empty_label=_("All"))
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All"))] + CooperativeKind.choices, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), ("active", _("Active")), ("inactive", _("Not active"))])


@access.city_view()
def home(request):
    return render(request, "city/home.html", {
        "indicators": selectors.city_indicators(),
        "can_register": access.is_city_admin(request.user),
    })


@access.city_view()
def registry(request):
    filters = RegistryFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.cooperative_registry(
        search=data.get("q", ""), kecamatan_id=getattr(data.get("kecamatan"), "pk", None),
        kind=data.get("kind", ""), status=data.get("status", ""),
    )
    page = Paginator(rows, 50).get_page(request.GET.get("halaman"))
    for row in page.object_list:
        row.is_active = selectors.is_active(row)
    template = "city/registry.html"
    if request.htmx and request.htmx.target == "registry-results":
        template += "#results"
    return render(request, template, {"filters": filters, "page": page, "can_register": access.is_city_admin(request.user)})

"""The city pages' GET forms: the book year, and the cooperative list's filters and sort.

They only parse input. A value that is not one of the choices (a book year without figures,
a kecamatan that does not exist, a jenis nobody knows) makes the form invalid; the views then
show an empty result with the form's message instead of ignoring the filter (issue 6, "Bad
input"). An unknown sort is not an error: it falls back to the default order.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperatives.models import CooperativeKind, Kecamatan, Kelurahan

STATUS_CHOICES = [
    ("", _("All")),
    ("active", _("Active")),
    ("inactive", _("Not active")),
    ("dissolved", _("Dissolved")),
    ("merged", _("Merged")),
]
RAT_CHOICES = [
    ("", _("All")),
    ("held", _("RAT held")),
    ("overdue", _("RAT overdue")),
    ("not_due", _("RAT not yet due")),
]


class YearForm(forms.Form):
    """`tahun`: one of the book years with figures; empty means the default year."""

    tahun = forms.TypedChoiceField(label=_("Book year"), coerce=int, required=False, empty_value=None)

    def __init__(self, data=None, *, years, default, **kwargs):
        super().__init__(data, **kwargs)
        self.default = default
        self.fields["tahun"].choices = [(year, str(year)) for year in years]
        self.fields["tahun"].error_messages["invalid_choice"] = _("There are no figures for book year %(value)s.")
        self.initial.setdefault("tahun", default)

    def year(self):
        """The chosen year, the default when none was asked for, or None when the one asked for is unknown."""
        if not self.is_valid():
            return None
        return self.cleaned_data["tahun"] or self.default


def sort_choices():
    """(value, label) of every order the list offers; value "-x" is the same field descending."""
    return [
        ("name", _("Name")),
        ("kecamatan", _("Kecamatan")),
        ("kind", _("Kind")),
        ("members_total", _("Members")),
        ("members_men", _("Members, men")),
        ("members_women", _("Members, women")),
        ("managers", _("Managers")),
        ("total_savings", _("Savings")),
        ("total_assets", _("Total assets")),
        ("own_capital", _("Own capital")),
        ("outside_capital", _("Outside capital")),
        ("business_volume", _("Business volume")),
        ("shu", _("SHU")),
        ("rat_held_on", _("RAT date")),
    ]


SORT_FIELDS = frozenset(value for value, _label in sort_choices())


def clean_sort(value: str) -> str:
    """`value` when it names a known order (optionally with "-" for descending), else "name"."""
    value = (value or "").strip()
    return value if value.removeprefix("-") in SORT_FIELDS else "name"


class KelurahanField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.kecamatan.name})"  # the same name may exist in two kecamatan


class CooperativeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search name, legal number or NIK Koperasi"), required=False, max_length=100)
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.all(), required=False, empty_label=_("All"),
        error_messages={"invalid_choice": _("This kecamatan is not in the city.")},
    )
    kelurahan = KelurahanField(
        label=_("Kelurahan"), queryset=Kelurahan.objects.select_related("kecamatan"), required=False, empty_label=_("All"),
        error_messages={"invalid_choice": _("This kelurahan is not in the city.")},
    )
    jenis = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All"))] + CooperativeKind.choices, required=False,
        error_messages={"invalid_choice": _("There is no cooperative kind “%(value)s”.")},
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, required=False,
        error_messages={"invalid_choice": _("There is no status “%(value)s”.")},
    )
    rat = forms.ChoiceField(
        label=_("RAT"), choices=RAT_CHOICES, required=False,
        error_messages={"invalid_choice": _("There is no RAT status “%(value)s”.")},
    )

    def clean(self):
        data = super().clean()
        kecamatan, kelurahan = data.get("kecamatan"), data.get("kelurahan")
        if kecamatan and kelurahan and kelurahan.kecamatan_id != kecamatan.pk:
            self.add_error("kelurahan", _("This kelurahan is not in the chosen kecamatan."))
        return data

    def selector_filters(self) -> dict:
        """The keyword arguments of selectors.cooperative_rows for the valid filters."""
        data = self.cleaned_data
        return {
            "search": data.get("q", "").strip(),
            "kecamatan_id": data["kecamatan"].pk if data.get("kecamatan") else None,
            "kelurahan_id": data["kelurahan"].pk if data.get("kelurahan") else None,
            "kind": data.get("jenis", ""),
            "status": data.get("status", ""),
            "rat_status": data.get("rat", ""),
        }

    def messages(self) -> list[str]:
        return [str(message) for errors in self.errors.values() for message in errors]

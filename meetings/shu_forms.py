"""Forms of the SHU pages (/c/<slug>/shu/…). They only parse; the rules (percentages adding up
to 100 %, a closed year, approved before posted) live in meetings.shu_services."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledger.imports import AmountError, parse_amount

from .models import DecisionMethod, SavingsBasis, ShuDistribution
from .shu_services import PERCENT_FIELDS

HUNDRED = Decimal("100")


def _percent_field(name):
    return forms.DecimalField(
        label=ShuDistribution._meta.get_field(name).verbose_name, max_digits=5, decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100", "inputmode": "decimal", "class": "percent-input"}),
    )


class ShuSettingsForm(forms.Form):
    """The allocation percentages (AD/ART, approved by the RAT) and the savings basis."""

    savings_basis = forms.ChoiceField(label=gettext_lazy("Savings counted for jasa modal"), choices=SavingsBasis.choices,
                                      widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PERCENT_FIELDS:
            self.fields[name] = _percent_field(name)
        # savings basis last
        self.fields["savings_basis"] = self.fields.pop("savings_basis")

    def percent_fields(self):
        return [self[name] for name in PERCENT_FIELDS]

    def clean(self):
        cleaned = super().clean()
        values = [cleaned.get(name) for name in PERCENT_FIELDS]
        if all(v is not None for v in values):
            total = sum(values, Decimal("0"))
            if total != HUNDRED:
                raise forms.ValidationError(
                    _("The percentages must add up to 100 %% (now %(total)s %%).") % {"total": f"{total.normalize():f}"},
                    code="total")
        return cleaned

    def percentages(self) -> dict:
        return {name: self.cleaned_data[name] for name in PERCENT_FIELDS}

    @staticmethod
    def initial_from(distribution) -> dict:
        source = distribution or ShuDistribution()
        initial = {name: getattr(source, name) for name in PERCENT_FIELDS}
        initial["savings_basis"] = source.savings_basis
        return initial


def amount_text(value) -> str:
    """A stored amount as the amount fields read it back: 1250000 or 1250000.50."""
    if value is None:
        return ""
    return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"


class AmountField(forms.CharField):
    """An amount typed as people write it (1.250.000 · 1250000,50 · Rp 5.000); empty is None."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "40"})

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        if len(text) > 40:
            raise forms.ValidationError(_("not a number"), code="amount")
        try:
            return parse_amount(text)
        except AmountError as exc:
            raise forms.ValidationError(exc.message, code="amount") from None


class VolumeRowForm(forms.Form):
    """One member's volume, saved inline (htmx)."""

    member = forms.CharField(max_length=32)
    volume = AmountField(label=gettext_lazy("Transaction volume"))


class VolumeTableForm(forms.Form):
    """The volumes of the members shown on one page of the table (the plain-form fallback):
    one field per member, named v-<member id>."""

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            field = AmountField(label=f"{member.number} {member.full_name}")
            self.fields[f"v-{member.pk}"] = field
            if member.volume is not None:
                self.initial[f"v-{member.pk}"] = amount_text(member.volume)

    def rows(self):
        return [(member, self[f"v-{member.pk}"]) for member in self.members]

    def volumes(self) -> dict:
        """{member: volume} for the fields that were filled in."""
        out = {}
        for member in self.members:
            value = self.cleaned_data.get(f"v-{member.pk}")
            if value is not None:
                out[member] = value
        return out


class VolumeImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("XLSX or CSV file"),
                           help_text=gettext_lazy("Two columns: member number and transaction volume, under a header row."))


class DecisionForm(forms.Form):
    """The RAT's decision on the SHU agenda item (recorded with the approval)."""

    decision_method = forms.ChoiceField(label=gettext_lazy("Decided by"), choices=DecisionMethod.choices,
                                        initial=DecisionMethod.CONSENSUS, widget=forms.RadioSelect)
    votes_for = forms.IntegerField(label=gettext_lazy("Votes for"), min_value=0, max_value=10_000_000, required=False)
    votes_against = forms.IntegerField(label=gettext_lazy("Votes against"), min_value=0, max_value=10_000_000, required=False)
    votes_abstain = forms.IntegerField(label=gettext_lazy("Abstentions"), min_value=0, max_value=10_000_000, required=False)
    decision_text = forms.CharField(label=gettext_lazy("Decision"), max_length=5000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 4}))


class DateForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day.year < 1900 or day.year > 2999:
            raise forms.ValidationError(_("Enter a date between 1900 and 2999."))
        return day


class ShareSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search by name or number"), required=False, max_length=100)

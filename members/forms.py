from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Kelurahan

from .models import Gender, LeavingReason, Member, MemberStatus

PAYMENT_CHOICES = [("cash", _("Cash")), ("bank", _("Bank"))]
# Leaving by dissolution is the whole cooperative's, not one member's: not offered per member.
LEAVING_CHOICES = [(r.value, r.label) for r in (LeavingReason.RESIGNATION, LeavingReason.DISMISSAL, LeavingReason.DEATH)]

CONSENT_TEXT = _(
    "I agree that %(cooperative)s records and processes my personal data (name, NIK KTP, place and date of birth, "
    "gender, occupation, address and phone number) and my savings, to keep the member register and my savings "
    "accounts and to report to the members' meeting, and to the city's cooperative office as figures without names. "
    "The data is kept while I am a member and afterwards as long as the law requires. I may see and correct my data "
    "and withdraw this consent (UU 27/2022 on personal data protection)."
)


class _KelurahanGroups(BaseChoiceIterator):
    """The choices of KelurahanField, read lazily (one query, when the select is drawn)."""

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        yield ("", self.field.empty_label or "")
        groups = {}
        for kelurahan in self.field.queryset:
            groups.setdefault(kelurahan.kecamatan.name, []).append((kelurahan.pk, kelurahan.name))
        for name, items in groups.items():
            yield (f"Kec. {name}", items)

    def __bool__(self):
        return True


class KelurahanField(forms.ModelChoiceField):
    """The city's kelurahan, grouped by kecamatan."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__name", "name"), **kwargs)

    choices = property(lambda self: _KelurahanGroups(self), forms.ChoiceField.choices.fset)


DATE_WIDGET = {"type": "date"}


class MemberForm(forms.ModelForm):
    """The register fields. The service validates (NIK, phone, duplicates, dates) and writes in
    one transaction; this form only parses."""

    kelurahan = KelurahanField(label=_("Kelurahan"), required=False, empty_label=_("– not in the city / unknown –"))

    class Meta:
        model = Member
        fields = ["full_name", "gender", "nik_ktp", "phone", "place_of_birth", "date_of_birth", "occupation", "address",
                  "kelurahan", "joined_on"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "gender": forms.RadioSelect,
            "joined_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "date_of_birth": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "nik_ktp": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 16}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "placeholder": "0812 3456 7890"}),
            "address": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "nik_ktp": _("16 digits, as on the KTP. Only managers see it in full."),
            "address": _("Street, RT/RW. The kelurahan is chosen below."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = Gender.choices
        self.fields["phone"].max_length = 20
        self.fields["phone"].widget.attrs["maxlength"] = 20
        if not self.instance.pk:
            self.initial.setdefault("joined_on", timezone.localdate())

    def _post_clean(self):
        # The service validates (NIK, phone, duplicates) and writes in one transaction; the
        # model's own full_clean would reject a not-yet-normalised phone with a worse message.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MemberAddForm(MemberForm):
    """Adding a member: the register fields, the member's consent, and optionally the simpanan
    pokok paid on the spot."""

    consent = forms.BooleanField(
        label=_("The member agrees to the processing of their personal data"), required=True,
        error_messages={"required": _("The member must agree to the processing of their data before being entered.")},
    )
    pay_pokok = forms.BooleanField(label=_("Simpanan pokok is paid now"), required=False)
    via = forms.ChoiceField(label=_("Paid in"), choices=PAYMENT_CHOICES, initial="cash", widget=forms.RadioSelect, required=False)

    def __init__(self, *args, cooperative=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative
        if cooperative is not None and cooperative.simpanan_pokok_amount <= 0:
            del self.fields["pay_pokok"], self.fields["via"]

    def clean_via(self):
        return self.cleaned_data.get("via") or "cash"

    def service_fields(self) -> dict:
        fields = super().service_fields()
        fields["consent"] = self.cleaned_data["consent"]
        if "pay_pokok" in self.fields:
            fields["pay_pokok"] = self.cleaned_data["pay_pokok"]
            fields["via"] = self.cleaned_data["via"]
        return fields


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Search name, member number or phone"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + list(MemberStatus.choices))
    year = forms.TypedChoiceField(label=_("Year joined"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(str(y), str(y)) for y in years]

    def filters(self) -> dict:
        """The valid filters; an invalid one is ignored (a stale bookmark still shows the list)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"search": data.get("q", ""), "status": data.get("status", ""), "year": data.get("year")}


class MemberLeaveForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=LEAVING_CHOICES, widget=forms.RadioSelect)
    date = forms.DateField(label=_("Date of leaving"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("E.g. the letter of resignation, the board's decision or the date of death."))
    via = forms.ChoiceField(label=_("Refund paid from"), choices=PAYMENT_CHOICES, initial="cash", widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())


MAX_IMPORT_BYTES = 5 * 1024 * 1024


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX or CSV)"),
        help_text=_("At most 5 MB and 10,000 members."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload


class MemberImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    consent = forms.BooleanField(
        label=_("The new members in this file have agreed to the processing of their personal data"), required=False,
        help_text=_("As on the register form each of them signed. Their consent is recorded with today's date."),
    )
    opening_date = forms.DateField(label=_("Date of the opening savings balances"),
                                   widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"), required=False)
    counter_account = forms.ModelChoiceField(
        label=_("Opening balances come from account"), queryset=None, required=False,
        help_text=_("The account the opening savings are booked against (debit): usually Kas; choose an opening-balance "
                    "account if the ledger's opening balances already include the savings."),
    )

    def __init__(self, *args, accounts=None, needs_consent=True, needs_opening=True, **kwargs):
        super().__init__(*args, **kwargs)
        from ledger.models import Account

        self.fields["counter_account"].queryset = accounts if accounts is not None else Account.objects.none()
        self.fields["counter_account"].label_from_instance = lambda a: f"{a.code} {a.name}"
        self.needs_consent, self.needs_opening = needs_consent, needs_opening
        if not needs_consent:
            del self.fields["consent"]
        if not needs_opening:
            del self.fields["opening_date"], self.fields["counter_account"]
        else:
            self.initial.setdefault("opening_date", timezone.localdate())
            if accounts is not None:
                cash = accounts.filter(purpose="cash").first()
                if cash is not None:
                    self.initial.setdefault("counter_account", cash.pk)

    def clean(self):
        data = super().clean()
        if self.needs_consent and not data.get("consent"):
            self.add_error("consent", _("Confirm that the new members agreed to the processing of their data."))
        if self.needs_opening:
            if not data.get("opening_date") and "opening_date" not in self.errors:
                self.add_error("opening_date", _("Enter the date of the opening balances."))
            if not data.get("counter_account") and "counter_account" not in self.errors:
                self.add_error("counter_account", _("Choose the account the opening balances come from."))
        return data

"""Forms of the savings pages. They parse what people type; members.savings validates the
rules (balances, months paid, closed years) and writes."""

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ledger.imports import AmountError, parse_amount
from portal.formatting import format_rupiah

from .models import SavingsType
from .savings import MAX_AMOUNT
from .savings_selectors import ARREARS_ORDERS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
VIA_CHOICES = [("cash", _("Cash")), ("bank", _("Bank"))]
MAX_MEMBERS = 2000  # ticks in one collection


class RupiahField(forms.Field):
    """An amount as people type it (25.000 · 25000 · Rp 25.000 · 1.250.000,50); empty is None."""

    default_error_messages = {"invalid": _("Enter an amount in Rupiah, e.g. 25.000 (%(problem)s).")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "inputmode": "decimal", "autocomplete": "off", "maxlength": 30, "class": "amount"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 30:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"problem": _("too long")})
        try:
            amount = parse_amount(text)
        except AmountError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"problem": exc.message}) from None
        if amount <= 0:
            raise ValidationError(_("The amount must be more than zero."), code="min")
        if amount > MAX_AMOUNT:
            raise ValidationError(_("The amount is too large."), code="max")
        return amount

    def prepare_value(self, value):
        """A default shown the way people write it: 25.000 (1.250.000,50 with cents)."""
        if isinstance(value, Decimal):
            return format_rupiah(value).removeprefix("Rp ")
        return value


class MonthField(forms.Field):
    """A month as YYYY-MM (what <input type="month"> sends) or a date in it; → its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-01", "maxlength": 10})
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, e.g. 2026-01.")}

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", text)
        if not match:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return date(int(match[1]), int(match[2]), int(match[3] or 1)).replace(day=1)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, date):
            return f"{value.year:04d}-{value.month:02d}"
        return value


def sane_date(value):
    if value and not date(1900, 1, 1) <= value <= date(2999, 12, 31):
        raise ValidationError(_("Enter a date between 1900 and 2999."))


class FormKeyMixin(forms.Form):
    """Each form carries a key so a double tap or a resubmit records once (see ledger.views._once)."""

    form_key = forms.CharField(widget=forms.HiddenInput, required=False)


class DepositForm(FormKeyMixin):
    savings_type = forms.ChoiceField(label=_("Savings type"), choices=SavingsType.choices, widget=forms.RadioSelect)
    amount = RupiahField(
        label=_("Amount (Rp)"), required=False,
        help_text=_("Leave empty for the cooperative's amount of simpanan pokok or wajib."),
    )
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET, validators=[sane_date])
    via = forms.ChoiceField(label=_("Paid by"), choices=VIA_CHOICES, initial="cash", widget=forms.RadioSelect)
    period = MonthField(label=_("For month (wajib)"), required=False,
                        help_text=_("The month this simpanan wajib pays for."))
    description = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)

    field_order = ["savings_type", "amount", "period", "date", "via", "description", "form_key"]

    def __init__(self, *args, defaults: dict, **kwargs):
        """`defaults`: {type: the amount an empty field means} (pokok: what is still owed;
        wajib: the monthly amount)."""
        super().__init__(*args, **kwargs)
        self.defaults = defaults

    def clean(self):
        data = super().clean()
        savings_type = data.get("savings_type")
        if savings_type and data.get("amount") is None and "amount" not in self.errors:
            default = self.defaults.get(savings_type)
            if default:
                data["amount"] = default
            else:
                self.add_error("amount", _("Enter the amount."))
        if savings_type != SavingsType.WAJIB:
            data["period"] = None
        return data


class WithdrawForm(FormKeyMixin):
    amount = RupiahField(label=_("Amount (Rp)"))
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET, validators=[sane_date])
    via = forms.ChoiceField(label=_("Paid out by"), choices=VIA_CHOICES, initial="cash", widget=forms.RadioSelect)
    description = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)


class ReverseForm(FormKeyMixin):
    reason = forms.CharField(label=_("Reason"), max_length=150,
                             help_text=_("Why the transaction was a mistake; it is kept in the journal and the audit trail."))
    date = forms.DateField(label=_("Date of the reversal"), widget=DATE_WIDGET, validators=[sane_date])


class CollectionMonthForm(forms.Form):
    """The month on the collection screen (a GET form)."""

    bulan = MonthField(label=_("Month"), required=False)
    q = forms.CharField(label=_("Search name, member number or phone"), required=False, max_length=100)


class CollectionForm(FormKeyMixin):
    period = MonthField(label=_("Month"))
    date = forms.DateField(label=_("Date paid"), widget=DATE_WIDGET, validators=[sane_date])
    via = forms.ChoiceField(label=_("Paid by"), choices=VIA_CHOICES, initial="cash", widget=forms.RadioSelect)
    amount = RupiahField(label=_("Amount per member (Rp)"))
    members = forms.MultipleChoiceField(label=_("Members"), required=False, widget=forms.CheckboxSelectMultiple)
    q = forms.CharField(label=_("Search name, member number or phone"), required=False, max_length=100)

    def __init__(self, *args, numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(n, n) for n in numbers]

    def clean_members(self):
        members = self.cleaned_data.get("members") or []
        if len(members) > MAX_MEMBERS:
            raise ValidationError(_("Tick at most %(n)s members at once.") % {"n": MAX_MEMBERS})
        return members


class ArrearsForm(forms.Form):
    urut = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("-months", _("Most months first")), ("months", _("Fewest months first")),
        ("number", _("Member number")), ("name", _("Name")),
    ])
    minimal = forms.TypedChoiceField(label=_("Behind by at least"), required=False, coerce=int, empty_value=1, choices=[
        (1, _("1 month")), (2, _("2 months")), (3, _("3 months")), (6, _("6 months")), (12, _("12 months")),
    ])

    def order(self) -> str:
        value = (self.cleaned_data.get("urut") if self.is_valid() else "") or "-months"
        return value if value in ARREARS_ORDERS else "-months"

    def min_months(self) -> int:
        return (self.cleaned_data.get("minimal") if self.is_valid() else 1) or 1

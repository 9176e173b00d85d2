"""Query forms of the ledger reports: dates and an account code from the URL's GET parameters.

Every field is optional: an empty or missing one takes its default (today, the start of the
current book year). Bad input becomes a form error a bookkeeper understands, never a 500."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatives.book_years import book_year_end, book_year_of

from .models import Account

# Dates outside these bounds cannot be books of a cooperative and would overflow date arithmetic.
MIN_DATE = date(1900, 1, 2)
MAX_DATE = date(2999, 12, 31)


def book_year_start(cooperative, day: date) -> date:
    """The first day of the book year that `day` belongs to."""
    month = cooperative.book_year_end_month
    return book_year_end(book_year_of(day, month) - 1, month) + timedelta(days=1)


def _date_field(label):
    return forms.DateField(
        label=label, required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a valid date, e.g. 2026-11-28.")},
    )


def _check_bounds(form, name, value):
    if value is not None and not (MIN_DATE <= value <= MAX_DATE):
        form.add_error(name, _("Enter a date between the years 1900 and 2999."))
        return None
    return value


class ReportForm(forms.Form):
    """Binds to request.GET (an empty query string still binds, so defaults apply)."""

    def __init__(self, data, *, cooperative, **kwargs):
        self.cooperative = cooperative
        self.today = timezone.localdate()
        super().__init__(data if data is not None else {}, **kwargs)

    def _show(self, **values):
        """Put the dates the report uses into the fields, so defaults are visible in the form."""
        self.data = self.data.copy()
        for name, value in values.items():
            self.data[name] = value.isoformat()


class AsOfForm(ReportForm):
    as_of = _date_field(_("As of"))

    def clean(self):
        data = super().clean()
        if "as_of" in self.errors:
            return data
        data["as_of"] = _check_bounds(self, "as_of", data.get("as_of")) or self.today
        if not self.errors:
            self._show(as_of=data["as_of"])
        return data


class PeriodForm(ReportForm):
    """?from=&to= — default: the current book year up to today."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these fields are added here rather than declared
        self.fields["from"] = _date_field(_("From"))
        self.fields["to"] = _date_field(_("To"))

    def clean(self):
        data = super().clean()
        if "from" in self.errors or "to" in self.errors:
            return data
        date_to = _check_bounds(self, "to", data.get("to")) or self.today
        date_from = _check_bounds(self, "from", data.get("from"))
        if date_from is None and "from" not in self.errors:
            date_from = book_year_start(self.cooperative, date_to)
        if "from" in self.errors or "to" in self.errors:
            return data
        if date_from > date_to:
            self.add_error("from", _("The start date must not be after the end date."))
            return data
        data["from"], data["to"] = date_from, date_to
        self._show(**{"from": date_from, "to": date_to})
        return data


class GeneralLedgerForm(PeriodForm):
    """?account=<code>&from=&to= — the account is chosen by its code."""

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.accounts = {a.code: a for a in accounts}
        inactive = _("Inactive")
        choices = [("", _("Choose an account"))] + [
            (a.code, f"{a.code} {a.name}" if a.is_active else f"{a.code} {a.name} ({inactive})") for a in accounts
        ]
        field = forms.CharField(label=_("Account"), required=False, max_length=20, widget=forms.Select(choices=choices))
        self.fields = {"account": field, **self.fields}

    def clean_account(self):
        code = (self.cleaned_data.get("account") or "").strip()
        if not code:
            return None
        account = self.accounts.get(code)
        if account is None:
            raise forms.ValidationError(_("There is no account with code %(code)s to show a ledger of.") % {"code": code[:20]})
        return account

    @property
    def needs_account(self):
        return self.is_valid() and self.cleaned_data.get("account") is None


def postable_accounts(cooperative):
    """Every account a ledger can be shown for (inactive ones keep their history)."""
    return list(Account.objects.filter(cooperative=cooperative, is_postable=True).order_by("code"))

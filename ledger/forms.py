"""Forms of the books' pages. They parse input only; ledger.services validates and writes."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatives.book_years import book_year_end, book_year_of

from .imports import MAX_BYTES, AmountError, parse_amount
from .models import Account, AccountKind, EntryState, JournalType, Segment

ZERO = Decimal("0")
LINE_PREFIX = "baris"
START_LINES = 4
MAX_LINES = 100

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AmountField(forms.Field):
    """Rupiah as people type it: 1.250.000 · 1250000,50 · empty is zero."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "inputmode": "decimal", "autocomplete": "off", "class": "amount", "maxlength": 30,
        }))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        if len(text) > 30:
            raise ValidationError(_("not a number"), code="amount")
        try:
            return parse_amount(text)
        except AmountError as exc:
            raise ValidationError(exc.message, code="amount") from None


def first_day_of_book_year(cooperative, day=None):
    from datetime import timedelta

    day = day or timezone.localdate()
    year = book_year_of(day, cooperative.book_year_end_month)
    return book_year_end(year - 1, cooperative.book_year_end_month) + timedelta(days=1)


# --- chart of accounts ---------------------------------------------------------------------

class AccountForm(forms.Form):
    code = forms.CharField(
        label=_("Account code"), max_length=20,
        validators=[RegexValidator(r"^[0-9A-Za-z][0-9A-Za-z.\-]*$", _("Use digits, letters, dots and dashes only, e.g. 1-101."))],
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "1-108"}),
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=AccountKind.choices)
    parent = forms.ModelChoiceField(label=_("Group (header account)"), queryset=Account.objects.none(), required=False)
    is_postable = forms.BooleanField(
        label=_("Postable (entries go to this account)"), required=False, initial=True,
        help_text=_("Untick for a header account that only groups others."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True,
                                   help_text=_("An inactive account keeps its history but takes no new entries."))
    is_contra = forms.BooleanField(label=_("Contra account"), required=False,
                                   help_text=_("Its normal balance is opposite to its kind (e.g. accumulated depreciation)."))
    segment = forms.ChoiceField(label=_("Member / non-member"), choices=[("", _("Not split"))] + Segment.choices[1:], required=False)

    def __init__(self, *args, cooperative, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        headers = Account.objects.filter(cooperative=cooperative, is_postable=False).order_by("code")
        if account is not None:
            headers = headers.exclude(pk=account.pk)
            del self.fields["code"]
        else:
            del self.fields["is_active"]
        self.fields["parent"].queryset = headers
        self.fields["parent"].empty_label = _("— none (top level) —")

    def clean(self):
        data = super().clean()
        parent, kind = data.get("parent"), data.get("kind")
        if parent is not None and kind and parent.kind != kind:
            self.add_error("parent", _("An account must have the same kind as its group."))
        if parent is not None and self.account is not None:
            ancestor = parent
            while ancestor is not None:  # a group cannot sit inside its own descendants
                if ancestor.pk == self.account.pk:
                    self.add_error("parent", _("An account cannot be grouped under itself."))
                    break
                ancestor = ancestor.parent
        return data


# --- journal -------------------------------------------------------------------------------

class EntrySearchForm(forms.Form):
    q = forms.CharField(label=_("Search number, description or reference"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All"))] + EntryState.choices)
    dari = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    sampai = forms.DateField(label=_("Until"), required=False, widget=DATE_WIDGET)


class EntryForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    journal_type = forms.ChoiceField(
        label=_("Journal"), initial=JournalType.GENERAL,
        choices=[(JournalType.GENERAL.value, JournalType.GENERAL.label), (JournalType.ADJUSTMENT.value, JournalType.ADJUSTMENT.label)],
    )
    description = forms.CharField(label=_("Description"), max_length=300)
    reference = forms.CharField(label=_("Reference (nomor bukti)"), max_length=60, required=False)


class AccountLookup:
    """Turns what a bookkeeper typed or picked ("1-101", "1-101 Kas", "kas") into a code."""

    def __init__(self, accounts):
        self.accounts = list(accounts)
        self.by_code = {a.code: a for a in self.accounts}
        by_name = {}
        for a in self.accounts:
            by_name.setdefault(a.name.casefold(), []).append(a)
        self.by_name = by_name

    @property
    def choices(self):
        """Accounts offered in the entry form: postable and active."""
        return [a for a in self.accounts if a.is_postable and a.is_active]

    def code_for(self, text: str) -> str:
        text = " ".join((text or "").split())
        if not text or text in self.by_code:
            return text
        first = text.split(" ", 1)[0]
        if first in self.by_code:
            return first
        named = [a for a in self.by_name.get(text.casefold(), []) if a.is_postable]
        if len(named) == 1:
            return named[0].code
        return text  # the service says "there is no account …"


class LineForm(forms.Form):
    account = forms.CharField(
        label=_("Account"), required=False, max_length=180,
        widget=forms.TextInput(attrs={"list": "account-options", "autocomplete": "off", "placeholder": _("code or name")}),
    )
    debit = AmountField(label=_("Debit"))
    credit = AmountField(label=_("Credit"))
    memo = forms.CharField(label=_("Memo"), required=False, max_length=200)

    def __init__(self, *args, lookup=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookup = lookup

    def clean_account(self):
        text = self.cleaned_data.get("account", "")
        return self.lookup.code_for(text) if self.lookup else text.strip()

    @property
    def is_blank(self):
        data = getattr(self, "cleaned_data", {})
        return not (data.get("account") or data.get("debit") or data.get("credit") or data.get("memo"))

    def line(self):
        data = self.cleaned_data
        return {"account": data["account"], "debit": data["debit"], "credit": data["credit"], "memo": data["memo"]}


LineFormSet = forms.formset_factory(LineForm, extra=0, max_num=MAX_LINES, validate_max=True, absolute_max=MAX_LINES)

LINE_FIELDS = ("account", "debit", "credit", "memo")
HEADER_FIELDS = ("date", "journal_type", "description", "reference")


def raw_lines(data) -> list[dict]:
    """The lines as typed, straight from the POST (nothing parsed), in their order."""
    try:
        count = int(data.get(f"{LINE_PREFIX}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        count = 0
    count = max(0, min(count, MAX_LINES))
    return [{name: data.get(f"{LINE_PREFIX}-{i}-{name}", "") for name in LINE_FIELDS} for i in range(count)]


def raw_header(data) -> dict:
    return {name: data.get(name, "") for name in HEADER_FIELDS}


def is_blank_line(line: dict) -> bool:
    return not any(str(line.get(name) or "").strip() for name in LINE_FIELDS)


def entry_data(header: dict, lines: list[dict]) -> dict:
    """POST-shaped data for EntryForm + LineFormSet (to re-bind lines after reordering)."""
    data = dict(header)
    data.update({
        f"{LINE_PREFIX}-TOTAL_FORMS": str(len(lines)), f"{LINE_PREFIX}-INITIAL_FORMS": "0",
        f"{LINE_PREFIX}-MIN_NUM_FORMS": "0", f"{LINE_PREFIX}-MAX_NUM_FORMS": str(MAX_LINES),
    })
    for i, line in enumerate(lines):
        for name in LINE_FIELDS:
            data[f"{LINE_PREFIX}-{i}-{name}"] = line.get(name, "")
    return data


def compact_lines(lines: list[dict], keep=START_LINES) -> list[dict]:
    """Filled lines first (so a service's "Line 2" is the second line shown), then blank ones
    up to the number shown before."""
    filled = [l for l in lines if not is_blank_line(l)]
    blanks = max(len(lines), keep) - len(filled)
    return filled + [dict.fromkeys(LINE_FIELDS, "") for _ in range(blanks)]


def line_totals(lines: list[dict]):
    """(debit, credit) of the lines as typed; amounts that do not parse count as zero."""
    debit = credit = ZERO
    for line in lines:
        for name in ("debit", "credit"):
            try:
                amount = parse_amount(line.get(name))
            except AmountError:
                continue
            if name == "debit":
                debit += amount
            else:
                credit += amount
    return debit, credit


class ReverseForm(forms.Form):
    date = forms.DateField(label=_("Date of the reversal"), required=False, widget=DATE_WIDGET,
                           help_text=_("Empty: today."))
    description = forms.CharField(label=_("Description"), required=False, max_length=300,
                                  help_text=_("Empty: “Reversal of …” with the original description."))


# --- book years ----------------------------------------------------------------------------

class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the year reopened?"), min_length=10, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("At least 10 characters; it is kept in the audit trail."),
    )


# --- opening balances ----------------------------------------------------------------------

class OpeningHeaderForm(forms.Form):
    date = forms.DateField(label=_("Date of the opening balances"), widget=DATE_WIDGET,
                           help_text=_("Usually the first day of a book year."))
    description = forms.CharField(label=_("Description"), max_length=300, initial=_("Opening balances"))


class OpeningBalanceForm(OpeningHeaderForm):
    """Every postable account with a debit and a credit input; only non-zero ones are used."""

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.accounts = list(accounts)
        for account in self.accounts:
            self.fields[f"d_{account.pk}"] = AmountField(label=_("Debit %(code)s") % {"code": account.code})
            self.fields[f"k_{account.pk}"] = AmountField(label=_("Credit %(code)s") % {"code": account.code})

    def rows(self):
        for account in self.accounts:
            yield account, self[f"d_{account.pk}"], self[f"k_{account.pk}"]

    def clean(self):
        data = super().clean()
        for account in self.accounts:
            if data.get(f"d_{account.pk}") and data.get(f"k_{account.pk}"):
                self.add_error(f"k_{account.pk}", _("Fill in either debit or credit, not both."))
        return data

    def lines(self):
        data = self.cleaned_data
        lines = []
        for account in self.accounts:
            debit, credit = data.get(f"d_{account.pk}") or ZERO, data.get(f"k_{account.pk}") or ZERO
            if debit or credit:
                lines.append({"account": account, "debit": debit, "credit": credit, "memo": ""})
        return lines

    def totals(self):
        lines = self.lines() if hasattr(self, "cleaned_data") else []
        return sum((l["debit"] for l in lines), ZERO), sum((l["credit"] for l in lines), ZERO)


class OpeningImportForm(OpeningHeaderForm):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX or CSV)"),
        help_text=_("Columns: kode akun, debit, kredit, with a header row. At most 2 MB and 5,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        return upload

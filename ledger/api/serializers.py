"""What the ledger API reads and writes. Accounts are referenced by code, amounts are decimal
strings with two decimals ("150000.00"), dates are YYYY-MM-DD. Input serializers only parse;
the rules of the books live in ledger.services."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ledger.models import MONEY, Account, AccountKind, JournalEntry, JournalLine, JournalType

# Dates outside this range are refused before they reach book-year arithmetic.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)
MAX_LINES = 1000


def Money(**kwargs):  # noqa: N802 - reads like a field class
    return serializers.DecimalField(max_digits=MONEY["max_digits"], decimal_places=MONEY["decimal_places"], **kwargs)


def inline_enum(choices, **kwargs):
    """A choice field whose enum is written inline in the schema (field names such as `kind`
    mean different things on different objects, so shared enum components would collide)."""
    values = [value for value, _label in choices] + ([""] if kwargs.get("allow_blank") else [])

    @extend_schema_field({"type": "string", "enum": values})
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kwargs)


class LedgerDateField(serializers.DateField):
    """YYYY-MM-DD between 1900 and 2999."""

    default_error_messages = {
        "out_of_range": gettext_lazy("Enter a date between 1900-01-01 and 2999-12-31."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if isinstance(value, date):  # parsed elsewhere; check it the same way
            value = value.isoformat()
        day = super().to_internal_value(value)
        if not MIN_DATE <= day <= MAX_DATE:
            self.fail("out_of_range")
        return day


# --- accounts --------------------------------------------------------------------------------

class LedgerAccountSerializer(serializers.ModelSerializer):
    kind = inline_enum(AccountKind.choices, read_only=True)
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None,
                                   help_text="Code of the header account that groups this one.")
    postable = serializers.BooleanField(source="is_postable", help_text="False for header accounts.")
    active = serializers.BooleanField(source="is_active")
    contra = serializers.BooleanField(source="is_contra", help_text="Its normal balance is opposite to its kind.")

    class Meta:
        model = Account
        fields = ["code", "name", "kind", "parent", "postable", "active", "contra", "segment"]
        read_only_fields = fields


# --- journal entries: output -----------------------------------------------------------------

class JournalLineOutSerializer(serializers.ModelSerializer):
    account = serializers.CharField(source="account.code")
    account_name = serializers.CharField(source="account.name")

    class Meta:
        model = JournalLine
        fields = ["account", "account_name", "debit", "credit", "memo"]
        read_only_fields = fields


class JournalEntrySummarySerializer(serializers.ModelSerializer):
    # plain strings in the schema: the list and the detail share these choice sets, and
    # shared enum components would collide with other fields named `kind` / `journal_type`
    journal_type = serializers.CharField(read_only=True, help_text="JU general, JP adjusting, JT closing journal.")
    kind = serializers.CharField(read_only=True, help_text="regular, opening, closing or reversal.")
    state = serializers.CharField(read_only=True, help_text="posted (entries from the API are) or draft.")
    reverses = serializers.CharField(source="reverses.number", allow_null=True, default=None,
                                     help_text="Number of the entry this one reverses.")
    reversed_by = serializers.SerializerMethodField(help_text="Number of the entry that reversed this one.")

    class Meta:
        model = JournalEntry
        fields = ["number", "date", "book_year", "journal_type", "kind", "state", "description", "reference",
                  "reverses", "reversed_by", "posted_at"]
        read_only_fields = fields

    def get_reversed_by(self, entry) -> str | None:
        reversal = entry.reversed_by
        return reversal.number if reversal is not None else None


class JournalEntrySerializer(JournalEntrySummarySerializer):
    lines = JournalLineOutSerializer(many=True)
    total_debit = serializers.SerializerMethodField()
    total_credit = serializers.SerializerMethodField()

    class Meta(JournalEntrySummarySerializer.Meta):
        fields = [*JournalEntrySummarySerializer.Meta.fields, "lines", "total_debit", "total_credit"]
        read_only_fields = fields

    def _total(self, entry, side):
        return f"{sum((getattr(l, side) for l in entry.lines.all()), Decimal('0')):.2f}"

    @extend_schema_field(Money(read_only=True))
    def get_total_debit(self, entry) -> Decimal:
        return self._total(entry, "debit")

    @extend_schema_field(Money(read_only=True))
    def get_total_credit(self, entry) -> Decimal:
        return self._total(entry, "credit")


# --- journal entries: input ------------------------------------------------------------------

class JournalLineInSerializer(serializers.Serializer):
    account = serializers.CharField(max_length=20, help_text='Account code, e.g. "1-101".')
    debit = Money(min_value=Decimal("0"), required=False, default=Decimal("0"))
    credit = Money(min_value=Decimal("0"), required=False, default=Decimal("0"))
    memo = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class LinesField(serializers.ListField):
    """A list of lines whose errors read like the service's: a flat list of "Line n: …"
    messages under `lines`, whichever layer found them."""

    def __init__(self, **kwargs):
        super().__init__(child=JournalLineInSerializer(), max_length=MAX_LINES, **kwargs)

    def run_child_validation(self, data):
        try:
            return super().run_child_validation(data)
        except serializers.ValidationError as exc:
            messages = []
            for index, detail in sorted(exc.detail.items()):
                if isinstance(detail, dict):
                    for field, errors in detail.items():
                        for error in errors:
                            if field == "non_field_errors":
                                messages.append(_("Line %(n)s: %(message)s") % {"n": index + 1, "message": error})
                            else:
                                messages.append(_("Line %(n)s: %(field)s: %(message)s") % {
                                    "n": index + 1, "field": field, "message": error})
                else:
                    for error in detail:
                        messages.append(_("Line %(n)s: %(message)s") % {"n": index + 1, "message": error})
            raise serializers.ValidationError(messages) from None


class JournalEntryCreateSerializer(serializers.Serializer):
    date = LedgerDateField()
    description = serializers.CharField(max_length=300)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="",
                                      help_text="Nomor bukti (receipt or voucher number).")
    journal_type = inline_enum(
        [(JournalType.GENERAL.value, "JU"), (JournalType.ADJUSTMENT.value, "JP")],
        required=False, default=JournalType.GENERAL.value,
        help_text="JU general journal (default) or JP adjusting journal.",
    )
    lines = LinesField(help_text="At least two lines; each has either a debit or a credit.")


class JournalEntryReverseSerializer(serializers.Serializer):
    date = LedgerDateField(required=False, help_text="Date of the reversal; today when left out.")
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EntryListQuerySerializer(serializers.Serializer):
    date_from = LedgerDateField(required=False)
    date_to = LedgerDateField(required=False)
    state = serializers.ChoiceField(choices=["draft", "posted"], required=False, allow_blank=True, help_text="Empty: both.")
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Searches number, description and reference.")


# --- reports ---------------------------------------------------------------------------------

class AsOfQuerySerializer(serializers.Serializer):
    as_of = LedgerDateField(help_text="YYYY-MM-DD")


class PeriodQuerySerializer(serializers.Serializer):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (`from` is a Python keyword, hence get_fields)."""

    def get_fields(self):
        return {"from": LedgerDateField(help_text="First day, YYYY-MM-DD"),
                "to": LedgerDateField(help_text="Last day, YYYY-MM-DD")}

    def validate(self, attrs):
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": [_("The end of the period is before its start.")]})
        return attrs


class TrialBalanceRowSerializer(serializers.Serializer):
    account = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    debit = Money(help_text="Debit balance (or 0.00).")
    credit = Money(help_text="Credit balance (or 0.00).")


class TrialBalanceSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    rows = TrialBalanceRowSerializer(many=True)
    total_debit = Money()
    total_credit = Money()
    balanced = serializers.BooleanField()


class BalanceSheetRowSerializer(serializers.Serializer):
    account = serializers.CharField()
    name = serializers.CharField()
    amount = Money()
    prior_amount = Money(help_text="At the prior book-year end.")


class BalanceSheetSectionSerializer(serializers.Serializer):
    title = serializers.CharField()
    rows = BalanceSheetRowSerializer(many=True)
    total = Money()
    prior_total = Money()


class BalanceSheetSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    prior_as_of = serializers.DateField(help_text="The prior book-year end, shown beside.")
    assets = BalanceSheetSectionSerializer()
    liabilities = BalanceSheetSectionSerializer()
    equity = BalanceSheetSectionSerializer()
    current_shu = Money(help_text="Income less expense not yet closed (SHU tahun berjalan).")
    prior_current_shu = Money()
    total_liabilities_and_equity = Money()
    prior_total_liabilities_and_equity = Money()
    balanced = serializers.BooleanField()


class IncomeStatementRowSerializer(serializers.Serializer):
    account = serializers.CharField()
    name = serializers.CharField()
    segment = serializers.CharField(help_text='"member", "non_member" or "".')
    amount = Money()


class IncomeStatementSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    income = IncomeStatementRowSerializer(many=True)
    expense = IncomeStatementRowSerializer(many=True)
    member_income = Money()
    non_member_income = Money()
    other_income = Money()
    total_income = Money()
    total_expense = Money()
    shu = Money(help_text="Sisa hasil usaha: total income less total expense.")


# --- book years ------------------------------------------------------------------------------

class BookYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    state = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    closing_entry = serializers.CharField(allow_null=True, help_text="Number of the closing entry, if any.")


# --- errors (for the schema) ------------------------------------------------------------------

class LedgerDetailErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()

"""The savings API (issue 4, item 7; docs/API.md): record a deposit or a sukarela withdrawal,
and read a member's balances and passbook. The views parse, call the services of
members.savings (the same ones the pages use) and the selectors of members.savings_selectors,
and render. Recording moves money, so it needs an Idempotency-Key (portal.idempotency)."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cooperatives import access
from ledger.api.serializers import LedgerDateField, Money, inline_enum
from ledger.api.views import ERRORS, READ_ERRORS
from portal.api import CooperativeRolePermission
from portal.idempotency import IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_RESPONSES, idempotent

from . import savings, savings_selectors as sel
from .models import Direction, Member, SavingsType, TransactionKind

WRITERS = frozenset({access.MANAGER, access.BOOKKEEPER})

# The services name the savings type `savings_type`; the API calls it `type`.
SERVICE_FIELDS = {"savings_type": "type"}


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$", "example": "2026-03"})
class MonthField(serializers.Field):
    """A month as YYYY-MM (or a date in it, YYYY-MM-DD) → its first day."""

    default_error_messages = {"invalid": gettext_lazy("Enter a month as YYYY-MM, e.g. 2026-03.")}

    def to_internal_value(self, value):
        match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", str(value).strip()) if isinstance(value, str) else None
        if not match:
            self.fail("invalid")
        try:
            day = date(int(match[1]), int(match[2]), int(match[3] or 1))
        except ValueError:
            self.fail("invalid")
        if not 1900 <= day.year <= 2999:
            self.fail("invalid")
        return day.replace(day=1)

    def to_representation(self, value):
        return value.isoformat()


# --- serializers ---------------------------------------------------------------------------------

class SavingsTransactionCreateSerializer(serializers.Serializer):
    member = serializers.CharField(max_length=32, help_text='Member number, e.g. "00012".')
    type = inline_enum(SavingsType.choices, help_text="pokok, wajib or sukarela.")
    direction = inline_enum(Direction.choices, help_text="deposit, or withdrawal (sukarela only; pokok and wajib are refunded on leaving).")
    amount = Money(help_text='Rupiah, a decimal string with at most two decimals: "25000.00".')
    date = LedgerDateField(help_text="YYYY-MM-DD; not in the future, not before the member joined, not in a closed book year.")
    via = inline_enum([("cash", "cash"), ("bank", "bank")], required=False, default="cash",
                      help_text="Where the money comes in or goes out: cash (default) or bank.")
    period = MonthField(required=False, allow_null=True, default=None,
                        help_text="Wajib deposits only: the month paid for (YYYY-MM); the month of `date` when left out.")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs.get("period") is not None and not (attrs["type"] == SavingsType.WAJIB and attrs["direction"] == Direction.DEPOSIT):
            raise serializers.ValidationError({"period": [_("Only simpanan wajib is paid for a month.")]})
        return attrs


class SavingsTransactionSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="Receipt number (nomor bukti), e.g. SMP-2026-000123.")
    member = serializers.CharField(source="member.number")
    member_name = serializers.CharField(source="member.full_name")
    type = serializers.CharField(source="savings_type", help_text="pokok, wajib or sukarela.")
    direction = serializers.CharField(help_text="deposit or withdrawal.")
    kind = serializers.CharField(help_text="regular, opening, refund, reversal or shu.")
    amount = Money()
    date = serializers.DateField()
    period = serializers.DateField(allow_null=True, help_text="Wajib: the first day of the month paid for.")
    description = serializers.CharField()
    balance_after = Money(help_text="The member's balance of this savings type right after it was recorded.")
    journal_entry = serializers.CharField(source="journal_entry.number", help_text="Number of the journal entry it posted.")
    reverses = serializers.CharField(source="reverses.number", allow_null=True, default=None)
    reversed_by = serializers.SerializerMethodField()
    recorded_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    receipt_url = serializers.SerializerMethodField(help_text="The receipt page; add pdf/ for the PDF.")

    def get_reversed_by(self, txn) -> str | None:
        return getattr(txn, "reversed_by_number", None)

    def get_recorded_by(self, txn) -> str | None:
        user = txn.created_by
        return (user.full_name or str(user)) if user is not None else None

    def get_receipt_url(self, txn) -> str:
        return reverse("savings:receipt", kwargs={"slug": txn.cooperative.slug, "number": txn.number})


class PassbookEntrySerializer(SavingsTransactionSerializer):
    balance = Money(source="running", help_text="The balance of this savings type after it, in date order.")


class SavingsMemberSerializer(serializers.Serializer):
    number = serializers.CharField()
    full_name = serializers.CharField()
    status = serializers.CharField(help_text="active or left.")
    joined_on = serializers.DateField()


class SavingsBalancesSerializer(serializers.Serializer):
    pokok = Money()
    wajib = Money()
    sukarela = Money()
    total = Money()


class WajibArrearsSerializer(serializers.Serializer):
    monthly_amount = Money(help_text="The cooperative's wajib a month.")
    since = serializers.DateField(allow_null=True, help_text="First month owed (null: no wajib recorded in the portal yet).")
    months_due = serializers.IntegerField()
    months_paid = serializers.IntegerField()
    months_unpaid = serializers.IntegerField()
    amount_unpaid = Money()
    unpaid_months = serializers.ListField(child=serializers.DateField(), help_text="First day of each month unpaid, oldest first.")
    last_paid = serializers.DateField(allow_null=True)


class PassbookPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PassbookEntrySerializer(many=True)


class MemberSavingsSerializer(serializers.Serializer):
    member = SavingsMemberSerializer()
    balances = SavingsBalancesSerializer()
    wajib_arrears = WajibArrearsSerializer()
    passbook = PassbookPageSerializer()


class PassbookQuerySerializer(serializers.Serializer):
    type = inline_enum(SavingsType.choices, required=False, allow_blank=True, help_text="Only this savings type (empty: all).")
    page = serializers.IntegerField(required=False, min_value=1, help_text="Page of the passbook, 50 a page.")


# --- views ---------------------------------------------------------------------------------------

class SavingsAPIView(APIView):
    permission_classes = [CooperativeRolePermission]
    allowed_roles = access.STAFF_ROLES

    @property
    def cooperative(self):
        return self.request._request.cooperative


def _transaction(cooperative, number):
    txn = sel.transaction_by_number(cooperative=cooperative, number=number)
    txn.cooperative = cooperative
    return txn


TRANSACTION_EXAMPLE = OpenApiExample(
    "Simpanan wajib for March, in cash",
    request_only=True,
    value={"member": "00012", "type": "wajib", "direction": "deposit", "amount": "25000.00", "date": "2026-03-02", "period": "2026-03"},
)


class TransactionCreateView(SavingsAPIView):
    allowed_roles = WRITERS
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Record a savings deposit or withdrawal",
        description=(
            "Records the transaction and posts its journal entry (cash or bank against the savings control "
            "account) in one database transaction; answers with the receipt number, the balance after and "
            "the journal entry's number. Pokok and wajib are deposited only (refunded on leaving); a sukarela "
            "withdrawal never takes the balance below zero; a wajib month is paid once. Requires an "
            "Idempotency-Key header. Bookkeeper or manager."
        ),
        request=SavingsTransactionCreateSerializer,
        parameters=[IDEMPOTENCY_KEY_HEADER],
        examples=[TRANSACTION_EXAMPLE],
        responses={201: SavingsTransactionSerializer, **ERRORS, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request, slug):
        cooperative = self.cooperative
        serializer = SavingsTransactionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = Member.objects.filter(cooperative=cooperative, number=data["member"]).first()
        if member is None:
            raise serializers.ValidationError({"member": [_("No member with number %(number)s in this cooperative.") % {"number": data["member"]}]})
        try:
            if data["direction"] == Direction.DEPOSIT:
                txn = savings.savings_deposit(
                    actor=request.user, member=member, savings_type=data["type"], amount=data["amount"], date=data["date"],
                    via=data["via"], period=data["period"], description=data["description"], kind=TransactionKind.REGULAR,
                )
            else:
                txn = savings.savings_withdraw(actor=request.user, member=member, savings_type=data["type"], amount=data["amount"],
                                               date=data["date"], via=data["via"], description=data["description"])
        except ValidationError as exc:
            raise _renamed(exc) from None
        return Response(SavingsTransactionSerializer(_transaction(cooperative, txn.number)).data, status=status.HTTP_201_CREATED)


def _renamed(exc: ValidationError) -> ValidationError:
    """The service's field names as the API's (savings_type → type)."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({SERVICE_FIELDS.get(field, field): errors for field, errors in exc.error_dict.items()})


class PassbookPagination(PageNumberPagination):
    page_size = 50


class MemberSavingsView(SavingsAPIView):
    @extend_schema(
        summary="A member's savings: balances, wajib arrears and passbook",
        description="Balances per savings type, the wajib arrears (see docs/ARCHITECTURE.md, Savings) and one page of the "
                    "passbook (newest first, 50 a page; `?page=2`, `?type=wajib`). Staff of the cooperative.",
        parameters=[PassbookQuerySerializer],
        responses={200: MemberSavingsSerializer, 400: ERRORS[400], **READ_ERRORS},
    )
    def get(self, request, slug, number):
        cooperative = self.cooperative
        member = sel.member_with_savings(cooperative=cooperative, number=number)
        if member is None:
            raise Http404
        query = PassbookQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = PassbookPagination()
        rows = paginator.paginate_queryset(
            sel.passbook(cooperative=cooperative, member=member, savings_type=query.validated_data.get("type", "")), request, view=self)
        for row in rows:  # loaded already: no query per row
            row.cooperative, row.member = cooperative, member
        balances = sel.balances_of(member)
        arrears = sel.member_arrears(cooperative=cooperative, member=member)
        from .services import member_record_view

        member_record_view(actor=request.user, member=member, via="savings_api")  # balances: specific personal data
        return Response(MemberSavingsSerializer({
            "member": member,
            "balances": balances,
            "wajib_arrears": {
                "monthly_amount": arrears.monthly, "since": arrears.start, "months_due": arrears.months_due,
                "months_paid": arrears.months_paid, "months_unpaid": arrears.months_unpaid, "amount_unpaid": arrears.amount,
                "unpaid_months": arrears.unpaid, "last_paid": arrears.last_paid,
            },
            "passbook": {
                "count": paginator.page.paginator.count, "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(), "results": rows,
            },
        }).data)


"""The ledger API (issue 3, item 9; docs/API.md). Views check permission, parse with a
serializer, call one service or selector and render; the rules of the books are in
ledger.services, the same ones the pages use."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from django_scopes import scope
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cooperatives import access
from ledger import selectors, services
from ledger.models import EntryKind, EntryState, JournalEntry
from portal.api import CooperativeRolePermission
from portal.idempotency import IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_HEADER_OPTIONAL, IDEMPOTENCY_RESPONSES, idempotent
from users.api_auth import RecentLoginForSessions

from . import serializers as s

POSTERS = frozenset({access.MANAGER, access.BOOKKEEPER})
CLOSERS = frozenset({access.MANAGER})

ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description=(
        'Field errors: {"field": ["message", …]}; errors of the lines as a list of "Line n: …" '
        'messages under "lines"; errors of no single field under "non_field_errors".')),
    401: OpenApiResponse(s.LedgerDetailErrorSerializer, description="Not logged in: no session and no valid token."),
    403: OpenApiResponse(s.LedgerDetailErrorSerializer, description="Your role in this cooperative may not do this."),
    404: OpenApiResponse(s.LedgerDetailErrorSerializer, description="No such cooperative for you, or no such object in it."),
}
READ_ERRORS = {code: ERRORS[code] for code in (401, 403, 404)}

ENTRY_EXAMPLE = OpenApiExample(
    "Simpanan pokok paid in cash",
    request_only=True,
    value={
        "date": "2026-03-02", "description": "Simpanan pokok Siti Aminah", "reference": "BKM-0012", "journal_type": "JU",
        "lines": [
            {"account": "1-101", "debit": "150000.00", "credit": "0"},
            {"account": "3-103", "debit": "0", "credit": "150000.00", "memo": "Anggota 00012"},
        ],
    },
)


class LedgerAPIView(APIView):
    permission_classes = [CooperativeRolePermission]
    allowed_roles = access.STAFF_ROLES

    @property
    def cooperative(self):
        return self.request._request.cooperative


def _query(serializer_class, request):
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _entry(cooperative, number):
    entry = selectors.entry_with_lines(cooperative=cooperative, number=number)
    if entry is None:
        raise Http404
    return entry


# --- accounts --------------------------------------------------------------------------------

class AccountListView(generics.ListAPIView):
    """The chart of accounts, by code: header accounts (postable=false) group postable ones."""

    permission_classes = [CooperativeRolePermission]
    allowed_roles = access.STAFF_ROLES
    serializer_class = s.LedgerAccountSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.account_list(cooperative=self.request._request.cooperative)

    @extend_schema(responses={200: s.LedgerAccountSerializer(many=True), **READ_ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- journal entries -------------------------------------------------------------------------

class EntryListView(generics.ListAPIView):
    """Journal entries, newest first, 50 a page. POST posts a new entry."""

    permission_classes = [CooperativeRolePermission]
    allowed_roles = access.STAFF_ROLES
    write_roles = POSTERS
    parser_classes = [JSONParser]
    serializer_class = s.JournalEntrySummarySerializer

    def get_queryset(self):
        query = _query(s.EntryListQuerySerializer, self.request)
        return selectors.entry_list(
            cooperative=self.request._request.cooperative, state=query.get("state", ""), search=query.get("q", ""),
            date_from=query.get("date_from"), date_to=query.get("date_to"),
        )

    @extend_schema(parameters=[s.EntryListQuerySerializer], responses={200: s.JournalEntrySummarySerializer(many=True), 400: ERRORS[400], **READ_ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Post a journal entry",
        description=(
            "Validates and posts the entry at once; it gets its gapless number (e.g. JU-2026-000123). "
            "Requires an Idempotency-Key header. Bookkeeper or manager."
        ),
        request=s.JournalEntryCreateSerializer,
        parameters=[IDEMPOTENCY_KEY_HEADER],
        examples=[ENTRY_EXAMPLE],
        responses={201: s.JournalEntrySerializer, **ERRORS, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request, *args, **kwargs):
        cooperative = request._request.cooperative
        serializer = s.JournalEntryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = services.entry_post(
            actor=request.user, cooperative=cooperative, date=data["date"], description=data["description"],
            reference=data["reference"], journal_type=data["journal_type"], lines=[dict(line) for line in data["lines"]],
        )
        return Response(s.JournalEntrySerializer(_entry(cooperative, entry.number)).data, status=status.HTTP_201_CREATED)


class EntryDetailView(LedgerAPIView):
    @extend_schema(responses={200: s.JournalEntrySerializer, **READ_ERRORS})
    def get(self, request, slug, number):
        """One posted entry with its lines, by number."""
        return Response(s.JournalEntrySerializer(_entry(self.cooperative, number)).data)


class EntryReverseView(LedgerAPIView):
    allowed_roles = POSTERS
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Reverse a posted entry",
        description=(
            "Posts the mirror image of the entry (debits and credits swapped), pointing to it; the "
            "original stays and shows it was reversed. Requires an Idempotency-Key header. "
            "Bookkeeper or manager."
        ),
        request=s.JournalEntryReverseSerializer,
        parameters=[IDEMPOTENCY_KEY_HEADER],
        responses={201: s.JournalEntrySerializer, **ERRORS, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request, slug, number):
        cooperative = self.cooperative
        serializer = s.JournalEntryReverseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reversal = services.entry_reverse(
            actor=request.user, entry=_entry(cooperative, number), date=data.get("date"), description=data["description"],
        )
        return Response(s.JournalEntrySerializer(_entry(cooperative, reversal.number)).data, status=status.HTTP_201_CREATED)


# --- reports ---------------------------------------------------------------------------------

class TrialBalanceView(LedgerAPIView):
    @extend_schema(parameters=[s.AsOfQuerySerializer], responses={200: s.TrialBalanceSerializer, 400: ERRORS[400], **READ_ERRORS})
    def get(self, request, slug):
        """Neraca saldo at a date: every postable account with a balance."""
        as_of = _query(s.AsOfQuerySerializer, request)["as_of"]
        report = selectors.trial_balance(cooperative=self.cooperative, as_of=as_of)
        return Response(s.TrialBalanceSerializer({
            "as_of": report.as_of,
            "rows": [{"account": r.account.code, "name": r.account.name, "kind": r.account.kind,
                      "debit": r.debit_balance, "credit": r.credit_balance} for r in report.rows],
            "total_debit": report.total_debit, "total_credit": report.total_credit, "balanced": report.balanced,
        }).data)


def _section(section):
    return {
        "title": str(section.title),
        "rows": [{"account": a.code, "name": a.name, "amount": amount, "prior_amount": prior}
                 for a, amount, prior in section.rows],
        "total": section.total, "prior_total": section.prior_total,
    }


class BalanceSheetView(LedgerAPIView):
    @extend_schema(parameters=[s.AsOfQuerySerializer], responses={200: s.BalanceSheetSerializer, 400: ERRORS[400], **READ_ERRORS})
    def get(self, request, slug):
        """Laporan Posisi Keuangan at a date, with the prior book-year end beside it."""
        as_of = _query(s.AsOfQuerySerializer, request)["as_of"]
        sheet = selectors.balance_sheet(cooperative=self.cooperative, as_of=as_of)
        return Response(s.BalanceSheetSerializer({
            "as_of": sheet.as_of, "prior_as_of": sheet.prior_as_of,
            "assets": _section(sheet.assets), "liabilities": _section(sheet.liabilities), "equity": _section(sheet.equity),
            "current_shu": sheet.current_shu, "prior_current_shu": sheet.prior_current_shu,
            "total_liabilities_and_equity": sheet.total_liabilities_and_equity,
            "prior_total_liabilities_and_equity": sheet.prior_total_liabilities_and_equity,
            "balanced": sheet.balanced,
        }).data)


class IncomeStatementView(LedgerAPIView):
    @extend_schema(parameters=[s.PeriodQuerySerializer], responses={200: s.IncomeStatementSerializer, 400: ERRORS[400], **READ_ERRORS})
    def get(self, request, slug):
        """Laporan Perhitungan Hasil Usaha for a period; member and non-member income apart."""
        period = _query(s.PeriodQuerySerializer, request)
        report = selectors.income_statement(cooperative=self.cooperative, date_from=period["from"], date_to=period["to"])

        def rows(pairs):
            return [{"account": a.code, "name": a.name, "segment": a.segment, "amount": amount} for a, amount in pairs]

        return Response(s.IncomeStatementSerializer({
            "date_from": report.date_from, "date_to": report.date_to,
            "income": rows(report.income), "expense": rows(report.expense),
            "member_income": report.member_income, "non_member_income": report.non_member_income,
            "other_income": report.other_income, "total_income": report.total_income,
            "total_expense": report.total_expense, "shu": report.shu,
        }).data)


# --- book years ------------------------------------------------------------------------------

class YearCloseView(LedgerAPIView):
    allowed_roles = CLOSERS
    # through the browser session, closing needs a recent login like the page (users/api_auth.py)
    permission_classes = [*LedgerAPIView.permission_classes, RecentLoginForSessions]
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Close a book year",
        description=(
            "Moves the year's income and expense into SHU tahun berjalan and locks the year. The "
            "bookkeeper must have prepared it, and every earlier year must be closed. Manager only. "
            "An Idempotency-Key header is optional; with one, a retry replays the first answer."
        ),
        request=None,
        parameters=[IDEMPOTENCY_KEY_HEADER_OPTIONAL],
        responses={200: s.BookYearSerializer, **ERRORS, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent(required=False)
    def post(self, request, slug, year):
        cooperative = self.cooperative
        if not s.MIN_DATE.year <= year <= s.MAX_DATE.year:
            raise ValidationError({"year": _("Enter a book year between %(first)s and %(last)s.") % {
                "first": s.MIN_DATE.year, "last": s.MAX_DATE.year}})
        book_year = services.book_year_close(actor=request.user, cooperative=cooperative, year=year, require_prepared=True)
        with scope(cooperative=cooperative):
            closing = (JournalEntry.objects.filter(cooperative=cooperative, kind=EntryKind.CLOSING, book_year=year,
                                                   state=EntryState.POSTED)
                       .order_by("-id").values_list("number", flat=True).first())
        return Response(s.BookYearSerializer({
            "year": book_year.year, "start_date": book_year.start_date, "end_date": book_year.end_date,
            "state": book_year.state, "closed_at": book_year.closed_at, "closing_entry": closing,
        }).data)

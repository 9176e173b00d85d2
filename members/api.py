"""The member register API (issue 4, item 7; docs/API.md): /api/v1/c/<slug>/members/…

Staff (manager, bookkeeper, supervisor) read; only managers enter and change members. NIK KTP is
masked for everyone but managers. Serializers parse; members.services (the same services the
pages use) validate and write, and their field errors come back as {"field": ["message"]}.
Members are addressed by member number, never by database id.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from cooperatives import access
from cooperatives.models import Kelurahan
from ledger.api.serializers import LedgerDateField, LedgerDetailErrorSerializer
from portal.api import CooperativeRolePermission
from portal.idempotency import IDEMPOTENCY_KEY_HEADER_OPTIONAL, IDEMPOTENCY_RESPONSES, idempotent

from . import selectors, services
from .models import Gender, LeavingReason, Member, MemberStatus

MANAGERS = frozenset({access.MANAGER})

ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description=(
        'Field errors: {"field": ["message", …]}, e.g. {"nik_ktp": ["Another member of this cooperative already '
        'has this NIK KTP."]}; errors of no single field under "non_field_errors".')),
    401: OpenApiResponse(LedgerDetailErrorSerializer, description="Not logged in: no session and no valid token."),
    403: OpenApiResponse(LedgerDetailErrorSerializer, description="Your role in this cooperative may not do this."),
    404: OpenApiResponse(LedgerDetailErrorSerializer, description="No such cooperative for you, or no such member in it."),
}
READ_ERRORS = {code: ERRORS[code] for code in (401, 403, 404)}


def _show_full_nik(request) -> bool:
    return access.MANAGER in access.roles_in(request.user, request._request.cooperative)


# --- output ----------------------------------------------------------------------------------

class MemberSerializer(serializers.ModelSerializer):
    """One line of the register. `nik_ktp` is masked (3272********0001) unless you are a manager."""

    nik_ktp = serializers.SerializerMethodField(help_text="16 digits for managers; masked for other roles; empty when not recorded.")
    kelurahan = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True,
                                             help_text="Code of the city's kelurahan, e.g. 32.72.01.1001.")
    kelurahan_name = serializers.CharField(source="kelurahan.name", read_only=True, allow_null=True, default=None)
    has_login = serializers.SerializerMethodField(help_text="Whether the member has a login to the portal linked.")
    left_reason = serializers.ChoiceField(choices=LeavingReason.choices, allow_blank=True, read_only=True,
                                          help_text="Why the member left; empty while a member.")
    phone = serializers.CharField(read_only=True, help_text="E.164, e.g. +6281234567890; empty when not recorded.")

    class Meta:
        model = Member
        fields = ["number", "full_name", "gender", "nik_ktp", "phone", "place_of_birth", "date_of_birth", "occupation",
                  "address", "kelurahan", "kelurahan_name", "joined_on", "status", "left_on", "left_reason", "left_note",
                  "consent_at", "consent_version", "has_login"]
        read_only_fields = fields

    def get_nik_ktp(self, member) -> str:
        return member.nik_ktp if self.context.get("show_full_nik") else member.nik_ktp_masked

    def get_has_login(self, member) -> bool:
        return member.user_id is not None


# --- input -----------------------------------------------------------------------------------

@extend_schema_field({"type": "string", "nullable": True})
class KelurahanCodeField(serializers.SlugRelatedField):
    """A kelurahan by code. DRF reads "" as null for a relation, so the schema allows it too."""


class _MemberFieldsSerializer(serializers.Serializer):
    """The register fields a manager writes. Format only; the rules (NIK, phone, duplicates,
    dates) are members.services'."""

    full_name = serializers.CharField(max_length=150)
    gender = serializers.ChoiceField(choices=Gender.choices, help_text="L (male) or P (female).")
    nik_ktp = serializers.CharField(max_length=32, required=False, allow_blank=True, help_text="16 digits, as on the KTP.")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                  help_text="Indonesian number as people write it: 0812…, 62812… or +62812….")
    place_of_birth = serializers.CharField(max_length=80, required=False, allow_blank=True)
    date_of_birth = LedgerDateField(required=False, allow_null=True)
    occupation = serializers.CharField(max_length=100, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    kelurahan = KelurahanCodeField(slug_field="code", queryset=Kelurahan.objects.all(), required=False, allow_null=True,
                                   help_text="Code of the city's kelurahan, e.g. 32.72.01.1001; null (or \"\") for none.")
    joined_on = LedgerDateField()


class MemberCreateSerializer(_MemberFieldsSerializer):
    consent = serializers.BooleanField(help_text=(
        "The member agreed to the processing of their personal data (UU 27/2022); must be true. The consent is "
        "recorded with the date and the version of the consent text."))

    def validate_consent(self, value):
        if not value:
            raise serializers.ValidationError(gettext_lazy("The member must agree to the processing of their data before being entered."))
        return value


class MemberUpdateSerializer(_MemberFieldsSerializer):
    """Only the fields sent are changed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class MemberListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100,
                              help_text="Part of the name or member number, or a phone number as typed (0812…).")
    status = serializers.ChoiceField(choices=MemberStatus.choices, required=False, allow_blank=True,
                                     help_text="active or left; empty: both.")
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2999, help_text="Year joined.")


CREATE_EXAMPLE = OpenApiExample(
    "A new member", request_only=True,
    value={"full_name": "Siti Aminah", "gender": "P", "nik_ktp": "3272015508850001", "phone": "0812-3456-7890",
           "place_of_birth": "Sukabumi", "date_of_birth": "1985-08-15", "occupation": "Pedagang",
           "address": "Jl. Siliwangi No. 12, RT 02/RW 05", "kelurahan": "32.72.05.1001", "joined_on": "2026-03-02",
           "consent": True},
)


# --- views -----------------------------------------------------------------------------------

class MemberListView(generics.ListAPIView):
    """The member register, by member number, 50 a page. POST enters a new member."""

    permission_classes = [CooperativeRolePermission]
    allowed_roles = access.STAFF_ROLES
    write_roles = MANAGERS
    parser_classes = [JSONParser]
    serializer_class = MemberSerializer

    def get_queryset(self):
        query = MemberListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return selectors.member_list(
            cooperative=self.request._request.cooperative, search=data.get("q", ""), status=data.get("status", ""),
            year=data.get("year"),
        ).select_related("kelurahan")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "show_full_nik": _show_full_nik(self.request)}

    @extend_schema(parameters=[MemberListQuerySerializer], responses={200: MemberSerializer(many=True), 400: ERRORS[400], **READ_ERRORS})
    def get(self, request, *args, **kwargs):
        """Each page read is recorded in the audit trail (a read of the register's personal data,
        like a download of it)."""
        response = super().get(request, *args, **kwargs)
        services.member_record_api_list(
            actor=request.user, cooperative=request._request.cooperative, rows=len(response.data.get("results", [])),
            page=request.query_params.get("page", "1")[:10], show_full_nik=_show_full_nik(request),
            filters={k: v[:100] for k, v in request.query_params.items() if k in ("q", "status", "year") and v},
        )
        return response

    @extend_schema(
        summary="Enter a member in the register",
        description=(
            "Gives the member the cooperative's next member number (its own format) and records their consent. "
            "Manager only. An Idempotency-Key header is optional: a retry with the same key and body replays the first "
            "answer instead of entering the person twice."
        ),
        request=MemberCreateSerializer,
        parameters=[IDEMPOTENCY_KEY_HEADER_OPTIONAL],
        examples=[CREATE_EXAMPLE],
        responses={201: MemberSerializer, **ERRORS, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent(required=False)
    def post(self, request, *args, **kwargs):
        serializer = MemberCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("consent")
        member = services.member_admit(actor=request.user, cooperative=request._request.cooperative, consent=True, **data)
        member = selectors.member_by_number(cooperative=request._request.cooperative, number=member.number)
        return Response(MemberSerializer(member, context={"show_full_nik": True}).data, status=status.HTTP_201_CREATED)


class MemberDetailView(generics.GenericAPIView):
    permission_classes = [CooperativeRolePermission]
    allowed_roles = access.STAFF_ROLES
    write_roles = MANAGERS
    parser_classes = [JSONParser]
    serializer_class = MemberSerializer

    def _member(self, number):
        member = selectors.member_by_number(cooperative=self.request._request.cooperative, number=number)
        if member is None:
            raise Http404
        return member

    @extend_schema(responses={200: MemberSerializer, **READ_ERRORS})
    def get(self, request, slug, number):
        """One member of the register, by member number. Each read is recorded in the audit trail
        (who looked at whose personal data)."""
        member = self._member(number)
        services.member_record_view(actor=request.user, member=member, via="api")
        return Response(MemberSerializer(member, context={"show_full_nik": _show_full_nik(request)}).data)

    @extend_schema(
        summary="Change a member's register data",
        description="Only the fields sent change; the change is recorded in the audit trail. Manager only.",
        request=MemberUpdateSerializer,
        responses={200: MemberSerializer, **ERRORS},
    )
    def patch(self, request, slug, number):
        member = self._member(number)
        serializer = MemberUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if not serializer.validated_data:
            raise serializers.ValidationError({"non_field_errors": [_("Send at least one field to change.")]})
        services.member_update(actor=request.user, member=member, **serializer.validated_data)
        return Response(MemberSerializer(self._member(number), context={"show_full_nik": True}).data)

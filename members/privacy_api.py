"""/api/v1/me/personal-data/ (JSON, and pdf/) and /api/v1/me/deletion-requests/: the person's
rights over their data (UU 27/2022). No cooperative in the URL: everything is found from the
logged-in user, so only their own data and requests are ever reached."""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework import status as http_status
from rest_framework.response import Response
from rest_framework.views import APIView

from ledger.api.serializers import LedgerDetailErrorSerializer

from . import deletion, personal_data
from .me_api import CooperativeRefSerializer
from .models import DeletionStatus

UNAUTHENTICATED = {401: OpenApiResponse(LedgerDetailErrorSerializer, description="Not logged in: no session and no valid token.")}


class MyPersonalDataView(APIView):
    """Everything the portal holds about you, as JSON (`format` "portal-koperasi/personal-data/1"):
    your login; for each cooperative whose register lists you (also after leaving) your register
    data with the full NIK, consent, savings balances and every transaction, SHU, meetings
    attended, deletion requests, and who viewed, downloaded or changed your data. Each call is
    recorded in those cooperatives' audit trails."""

    @extend_schema(responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="All your personal data."), **UNAUTHENTICATED})
    def get(self, request):
        data = personal_data.personal_data_build(user=request.user)
        personal_data.personal_data_record_export(actor=request.user, data=data, fmt="json", via="api")
        response = Response(personal_data.as_json(data))
        response["Cache-Control"] = "private, no-store"
        return response


class MyPersonalDataPdfView(APIView):
    """The same as a PDF to print or keep (audited like the JSON)."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="A4 PDF."), **UNAUTHENTICATED})
    def get(self, request):
        content, content_type, filename = personal_data.personal_data_export(user=request.user, fmt="pdf", via="api",
                                                                          request=request._request)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response


class DeletionRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    cooperative = CooperativeRefSerializer()
    member_number = serializers.CharField(source="member.number")
    reason = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=DeletionStatus.choices)
    requested_at = serializers.DateTimeField(source="created_at")
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField(allow_blank=True, help_text="The manager's reason when refused.")


class DeletionRequestCreateSerializer(serializers.Serializer):
    cooperative = serializers.SlugField(help_text="Slug of one of your cooperatives (see /api/v1/me/memberships/).")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=deletion.REASON_MAX)


ERRORS_400 = {400: OpenApiResponse(OpenApiTypes.OBJECT, description='Field errors: {"field": ["message", …]}.')}
NOT_FOUND = {404: OpenApiResponse(LedgerDetailErrorSerializer, description="No such request of yours.")}


class MyDeletionRequestsView(APIView):
    """Your requests to delete your personal data, newest first; POST asks one cooperative. The
    manager approves (your register data is anonymised; your savings history stays in the
    books, and your login is closed unless you use it elsewhere) or refuses with a reason."""

    @extend_schema(responses={200: DeletionRequestSerializer(many=True), **UNAUTHENTICATED})
    def get(self, request):
        return Response(DeletionRequestSerializer(deletion.requests_of_user(request.user), many=True).data)

    @extend_schema(request=DeletionRequestCreateSerializer, responses={201: DeletionRequestSerializer, **ERRORS_400, **UNAUTHENTICATED})
    def post(self, request):
        serializer = DeletionRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        slug = serializer.validated_data["cooperative"]
        member = next((m for m in deletion.own_memberships(request.user) if m.cooperative.slug == slug), None)
        if member is None:
            raise serializers.ValidationError({"cooperative": [_("You are not in the register of this cooperative.")]})
        created = deletion.deletion_request_create(actor=request.user, member=member,
                                                   reason=serializer.validated_data.get("reason", ""))
        created = next(r for r in deletion.requests_of_user(request.user) if r.pk == created.pk)
        return Response(DeletionRequestSerializer(created).data, status=http_status.HTTP_201_CREATED)


class MyDeletionRequestWithdrawView(APIView):
    """Withdraw a request the manager has not answered yet."""

    @extend_schema(request=None, responses={200: DeletionRequestSerializer, **ERRORS_400, **UNAUTHENTICATED, **NOT_FOUND})
    def post(self, request, pk):
        found = next((r for r in deletion.requests_of_user(request.user) if r.pk == pk), None)
        if found is None:
            raise Http404
        deletion.deletion_request_withdraw(actor=request.user, request=found)
        found = next(r for r in deletion.requests_of_user(request.user) if r.pk == pk)
        return Response(DeletionRequestSerializer(found).data)

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from portal.api import NOT_FOUND, UNAUTHENTICATED, CooperativeRolePermission

from . import access
from .models import Cooperative


class CooperativeProfileSerializer(serializers.ModelSerializer):
    kecamatan = serializers.CharField(source="kecamatan.name")
    kelurahan = serializers.CharField(source="kelurahan.name")

    class Meta:
        model = Cooperative
        fields = [
            "slug", "name", "legal_entity_number", "nik_koperasi", "kind", "kecamatan", "kelurahan", "address",
            "founded_on", "book_year_end_month", "quorum_fraction", "quorum_more_than", "rat_deadline_months",
            "invitation_notice_days", "simpanan_pokok_amount", "simpanan_wajib_monthly_amount",
        ]
        read_only_fields = fields


class CooperativeProfileView(generics.RetrieveAPIView):
    """The cooperative's profile: legal identity and AD/ART settings. Any role in it may read."""

    serializer_class = CooperativeProfileSerializer
    permission_classes = [CooperativeRolePermission]
    allowed_roles = access.ALL_COOPERATIVE_ROLES

    def get_object(self):
        return self.request._request.cooperative

    @extend_schema(responses={200: CooperativeProfileSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cooperatives import access
from portal.api import UNAUTHENTICATED


class RoleInCooperativeSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    phone = serializers.CharField(allow_null=True)
    email = serializers.EmailField(allow_null=True)
    city_roles = serializers.ListField(child=serializers.CharField())
    cooperatives = RoleInCooperativeSerializer(many=True)


class MeView(APIView):
    """Who am I: the logged-in user, their city roles and their roles per cooperative."""

    @extend_schema(responses={200: MeSerializer, 401: UNAUTHENTICATED})
    def get(self, request):
        user = request.user
        spaces = [s for s in access.spaces_for(user) if s.kind == "cooperative"]
        data = {
            "id": user.pk,
            "full_name": user.full_name,
            "phone": user.phone,
            "email": user.email,
            "city_roles": sorted(access.city_roles(user)),
            "cooperatives": [
                {"slug": s.cooperative.slug, "name": s.cooperative.name, "roles": sorted(s.roles)} for s in spaces
            ],
        }
        return Response(MeSerializer(data).data)

"""GET /api/v1/me/memberships/: the logged-in user's own memberships in every cooperative,
with balances per savings type. No cooperative in the URL: the rows are found by the user
(members.self_selectors.memberships_with_balances), so only the user's own ever appear."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from portal.api import PAGE_NOT_FOUND, UNAUTHENTICATED

from .models import SavingsType
from .self_selectors import memberships_with_balances


class CooperativeRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


def _money():
    return serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True)


class BalancesSerializer(serializers.Serializer):
    pokok = _money()
    wajib = _money()
    sukarela = _money()


class MembershipSerializer(serializers.Serializer):
    cooperative = CooperativeRefSerializer()
    number = serializers.CharField(help_text="Member number in that cooperative")
    status = serializers.ChoiceField(choices=["active", "left"])
    joined_on = serializers.DateField()
    left_on = serializers.DateField(allow_null=True)
    balances = BalancesSerializer()


def _row(member):
    return {
        "cooperative": {"slug": member.cooperative.slug, "name": member.cooperative.name},
        "number": member.number, "status": member.status, "joined_on": member.joined_on, "left_on": member.left_on,
        "balances": {t: getattr(member, f"balance_{t}") for t in SavingsType.values},
    }


@extend_schema_view(get=extend_schema(responses={200: MembershipSerializer(many=True), 401: UNAUTHENTICATED, 404: PAGE_NOT_FOUND}))
class MyMembershipsView(ListAPIView):
    """Your memberships: each cooperative, your member number, status, date joined and balances
    (decimal strings). Paginated like every list (50 a page)."""

    serializer_class = MembershipSerializer
    filter_backends = []

    def get_queryset(self):
        return [_row(m) for m in memberships_with_balances(self.request.user)]

"""The city's API (issue 6, items 6 and 7): aggregates only, never a member's personal data.

- `GET /api/v1/city/indicators/?year=` and `GET /api/v1/city/cooperatives/?year=&kecamatan=
  &jenis=&status=` — city staff and city admins. A logged-in user without a city role gets 403;
  an anonymous request gets 404 with the body of any unknown API address (no hint that the
  address exists or that a login would open it).
- `GET /api/v1/public/indicators/?year=` — anyone, no login: the open data, with small cells
  suppressed (city/open_data.py).

Bad input: a year that is not a number → 400 per field; an unknown year, kecamatan, jenis or
status → 200 with an empty result and a `message` saying why."""

from django.db.models import Q
from django.utils.translation import gettext as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from cooperatives import access
from cooperatives.models import CooperativeKind, Kecamatan, Kelurahan, RegistryStatus
from portal.api import DetailErrorSerializer

from . import open_data, selectors


class CityRolePermission(permissions.BasePermission):
    """City staff and city admins. Anonymous → 404 (no hint), any other login → 403."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotFound()
        return bool(access.city_roles(request.user) & access.CITY_ROLES)


# --- query parameters ----------------------------------------------------------------------------

class YearQuery(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1900, max_value=9999,
                                    help_text="Book year (named by the calendar year it ends in); default: the last closed one.")


class CooperativesQuery(YearQuery):
    kecamatan = serializers.CharField(required=False, allow_blank=True, max_length=80,
                                      help_text="Kecamatan code (32.72.01), id or name.")
    jenis = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                  help_text="Kind (jenis): " + ", ".join(CooperativeKind.values) + ".")
    status = serializers.CharField(required=False, allow_blank=True, max_length=20,
                                   help_text="active, inactive (both among the cooperatives counted that year), dissolved or merged; "
                                             "empty: every cooperative counted that year.")


def _parse(serializer_class, request):
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def _year(data, years=None):
    """(year, message): the message says why the result is empty."""
    year = data.get("year") or selectors.default_year()
    if year not in (years if years is not None else selectors.available_years()):
        return year, _("There are no figures for book year %(year)s.") % {"year": year}
    return year, ""


def _kecamatan(value):
    """The Kecamatan a query value names (code, id or name), or None."""
    value = (value or "").strip()
    if not value:
        return None
    condition = Q(code=value) | Q(name__iexact=value)
    if value.isdigit():
        condition |= Q(pk=int(value))
    return Kecamatan.objects.filter(condition).first()


# --- response shapes (for the schema) ------------------------------------------------------------

MONEY = {"max_digits": 18, "decimal_places": 2, "coerce_to_string": True}


def _indicator_fields(nullable=False):
    fields = {name: serializers.IntegerField(allow_null=nullable) for name in open_data.COOPERATIVE_COUNTS + open_data.MEMBER_COUNTS}
    fields.update({name: serializers.DecimalField(allow_null=nullable, **MONEY) for name in open_data.MONEY})
    return fields


IndicatorsSerializer = type("IndicatorsSerializer", (serializers.Serializer,), _indicator_fields())


class BreakdownRowSerializer(IndicatorsSerializer):
    key = serializers.CharField(help_text="Kecamatan or kelurahan code, or the jenis value.")
    label = serializers.CharField()


class CityIndicatorsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    years = serializers.ListField(child=serializers.IntegerField(), help_text="Book years with figures, newest first.")
    message = serializers.CharField(help_text="Why the result is empty (an unknown year); empty otherwise.")
    total = IndicatorsSerializer(allow_null=True)
    by_kecamatan = BreakdownRowSerializer(many=True)
    by_kelurahan = BreakdownRowSerializer(many=True)
    by_kind = BreakdownRowSerializer(many=True)


PublicRowSerializer = type("PublicRowSerializer", (serializers.Serializer,), {
    "key": serializers.CharField(help_text="Kecamatan code or the jenis value; \"total\" for the city."),
    "label": serializers.CharField(),
    **_indicator_fields(nullable=True),
    "suppressed": serializers.ListField(
        child=serializers.ChoiceField(choices=open_data.FIELDS),
        help_text="Fields published as null: they count fewer than 5 members or cooperatives, or would reveal such a cell."),
})


class PublicIndicatorsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    years = serializers.ListField(child=serializers.IntegerField())
    message = serializers.CharField()
    threshold = serializers.IntegerField(help_text="Cells counting fewer members or cooperatives than this are suppressed.")
    total = PublicRowSerializer(allow_null=True)
    by_kecamatan = PublicRowSerializer(many=True)
    by_kind = PublicRowSerializer(many=True)


class CooperativeFiguresSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    legal_entity_number = serializers.CharField()
    nik_koperasi = serializers.CharField()
    kind = serializers.ChoiceField(choices=CooperativeKind.choices)
    kecamatan = serializers.CharField(source="kecamatan.code")
    kecamatan_name = serializers.CharField(source="kecamatan.name")
    kelurahan = serializers.CharField(source="kelurahan.code")
    kelurahan_name = serializers.CharField(source="kelurahan.name")
    registry_status = serializers.ChoiceField(choices=RegistryStatus.choices)
    registry_status_on = serializers.DateField(allow_null=True)
    book_year = serializers.IntegerField()
    active = serializers.BooleanField(help_text="A RAT held for one of the last three book years up to this one.")
    rat_status = serializers.ChoiceField(choices=[(s, s) for s in selectors.RAT_STATUSES])
    rat_held = serializers.BooleanField()
    rat_held_on = serializers.DateField(allow_null=True)
    rat_reported_on = serializers.DateField(allow_null=True)
    last_rat_year = serializers.IntegerField(allow_null=True)
    members_men = serializers.IntegerField()
    members_women = serializers.IntegerField()
    members_total = serializers.IntegerField()
    managers = serializers.IntegerField()
    employees = serializers.IntegerField(allow_null=True, help_text="Not tracked yet: null.")
    total_savings = serializers.DecimalField(**MONEY)
    total_assets = serializers.DecimalField(**MONEY)
    own_capital = serializers.DecimalField(**MONEY)
    outside_capital = serializers.DecimalField(**MONEY)
    business_volume = serializers.DecimalField(**MONEY)
    shu = serializers.DecimalField(**MONEY)


class CityPagination(PageNumberPagination):
    page_size = 50
    message = ""
    year = None

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["year"] = self.year
        response.data["message"] = self.message
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["year"] = {"type": "integer"}
        schema["properties"]["message"] = {"type": "string", "description": "Why the result is empty (an unknown year, kecamatan, jenis or status)."}
        schema["required"] = [*schema.get("required", []), "year", "message"]
        return schema


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="A query parameter is malformed: {field: [message]}."),
    401: OpenApiResponse(DetailErrorSerializer, description="A token or session that is not valid."),
    403: OpenApiResponse(DetailErrorSerializer, description="Logged in without a city role."),
    404: OpenApiResponse(DetailErrorSerializer, description="No credentials at all (the same answer as an unknown address), "
                                                            "or a page past the last one."),
}


def _indicators_dict(indicators):
    return {name: getattr(indicators, name) for name in open_data.FIELDS}


class CityIndicatorsView(APIView):
    permission_classes = [CityRolePermission]
    allowed_roles = access.CITY_ROLES

    @extend_schema(
        operation_id="city_indicators", tags=["city"], parameters=[YearQuery],
        responses={200: CityIndicatorsSerializer, **ERRORS},
        description="The city's indicators for a book year: the city total and every kecamatan, kelurahan and jenis.",
    )
    def get(self, request):
        years = selectors.available_years()
        year, message = _year(_parse(YearQuery, request), years)
        body = {"year": year, "years": years, "message": message, "total": None,
                "by_kecamatan": [], "by_kelurahan": [], "by_kind": []}
        if not message:
            body["total"] = _indicators_dict(selectors.indicators(year))
            codes = {"kecamatan": {}, "kelurahan": {}}
            for row in Kelurahan.objects.values("pk", "code", "kecamatan_id", "kecamatan__code"):  # one query for both
                codes["kelurahan"][row["pk"]] = row["code"]
                codes["kecamatan"][row["kecamatan_id"]] = row["kecamatan__code"]
            for by in selectors.BREAKDOWNS:
                body[f"by_{by}"] = [
                    {"key": codes[by].get(row.key, row.key) if by in codes else row.key, "label": row.label,
                     **_indicators_dict(row.indicators)}
                    for row in selectors.breakdown(year, by)
                ]
        return Response(CityIndicatorsSerializer(body).data)


class CityCooperativesView(APIView):
    permission_classes = [CityRolePermission]
    allowed_roles = access.CITY_ROLES
    pagination_class = CityPagination

    @extend_schema(
        operation_id="city_cooperatives", tags=["city"], parameters=[CooperativesQuery],
        responses={200: CooperativeFiguresSerializer(many=True), **ERRORS},
        description="Cooperatives with their figures for a book year (aggregates per cooperative only), 50 a page.",
    )
    def get(self, request):
        data = _parse(CooperativesQuery, request)
        year, message = _year(data)
        kecamatan = _kecamatan(data.get("kecamatan"))
        kind, status = (data.get("jenis") or "").strip(), (data.get("status") or "").strip()
        if not message and data.get("kecamatan") and kecamatan is None:
            message = _("There is no kecamatan %(value)s.") % {"value": data["kecamatan"]}
        if not message and kind and kind not in CooperativeKind.values:
            message = _("There is no jenis %(value)s.") % {"value": kind}
        if not message and status and status not in selectors.STATUSES:
            message = _("Unknown status %(value)s: use active, inactive, dissolved or merged.") % {"value": status}
        if message:
            rows = selectors.cooperative_rows(year).none()
        else:
            rows = selectors.cooperative_rows(year, kecamatan_id=kecamatan.pk if kecamatan else None, kind=kind, status=status)
        paginator = self.pagination_class()
        paginator.year, paginator.message = year, message
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(CooperativeFiguresSerializer(page, many=True).data)


class PublicIndicatorsView(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="public_indicators", tags=["public"], parameters=[YearQuery], auth=[],
        responses={200: PublicIndicatorsSerializer, 400: ERRORS[400]},
        description="Open data, no login: the city's indicators for a book year by kecamatan and by jenis. Cells counting "
                    "fewer than 5 members or cooperatives are null (listed in `suppressed`), and so is any cell from which "
                    "such a cell could be worked out.",
    )
    def get(self, request):
        year = _parse(YearQuery, request).get("year")
        return Response(PublicIndicatorsSerializer(public_body(year)).data)


def public_body(year):
    data = open_data.open_data(year)
    codes = dict(Kecamatan.objects.values_list("pk", "code"))

    def row(r, key=None):
        return {"key": key if key is not None else r.key, "label": r.label, **r.published(),
                "suppressed": [name for name in open_data.FIELDS if name in r.suppressed]}

    return {
        "year": data.year, "years": data.years, "message": data.message, "threshold": open_data.THRESHOLD,
        "total": row(data.total) if data.total else None,
        "by_kecamatan": [row(r, codes.get(int(r.key), r.key) if r.key.isdigit() else r.key) for r in data.by_kecamatan],
        "by_kind": [row(r) for r in data.by_kind],
    }

"""The API under /api/. Tenant endpoints live under v1/c/<slug>/ and each needs its sample
arguments in tests/test_tenant_isolation.py."""

from django.urls import include, path

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from city import api_urls as city_api
from cooperatives.api import CooperativeProfileView
from users.api import MeView

tenant_patterns = [
    path("", CooperativeProfileView.as_view(), name="cooperative"),
    path("ledger/", include("ledger.api_urls")),
    path("members/", include("members.api_urls")),
    path("savings/", include("members.savings_api_urls")),
    path("meetings/", include("meetings.api_urls")),
]

urlpatterns = [
    path("v1/me/", MeView.as_view(), name="api-me"),
    path("v1/me/", include("members.me_api_urls")),
    path("v1/c/<slug:slug>/", include((tenant_patterns, "api"), namespace="api")),
    path("v1/city/", include((city_api.city_patterns, "city_api"), namespace="city_api")),
    path("v1/public/", include((city_api.public_patterns, "public_api"), namespace="public_api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

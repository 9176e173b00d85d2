"""/api/v1/c/<slug>/savings/… (namespace api:savings_api). A member's balances and passbook are
at /api/v1/c/<slug>/members/<number>/savings/ (members/api_urls.py). Each pattern needs its
sample in tests/test_tenant_isolation.py."""

from django.urls import path

from . import savings_api

app_name = "savings_api"

urlpatterns = [
    path("transactions/", savings_api.TransactionCreateView.as_view(), name="transactions"),
]

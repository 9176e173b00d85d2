"""/api/v1/c/<slug>/members/… (namespace api:members_api). Each pattern needs its sample in
tests/test_tenant_isolation.py."""

from django.urls import path

from . import api, savings_api

app_name = "members_api"

urlpatterns = [
    path("", api.MemberListView.as_view(), name="list"),
    path("<str:number>/", api.MemberDetailView.as_view(), name="detail"),
    path("<str:number>/savings/", savings_api.MemberSavingsView.as_view(), name="savings"),
]

"""The member's own API under /api/v1/me/ (no cooperative in the URL: filtered by the user)."""

from django.urls import path

from .me_api import MyMembershipsView

app_name = "me_api"

urlpatterns = [
    path("memberships/", MyMembershipsView.as_view(), name="memberships"),
]

"""The member's own API under /api/v1/me/ (no cooperative in the URL: filtered by the user)."""

from django.urls import path

from meetings.api import MyMeetingsView, MyShuView

from .me_api import MyMembershipsView

app_name = "me_api"

urlpatterns = [
    path("memberships/", MyMembershipsView.as_view(), name="memberships"),
    # the RAT app's (meetings sits above members; this URLconf only wires its views in)
    path("meetings/", MyMeetingsView.as_view(), name="meetings"),
    path("shu/", MyShuView.as_view(), name="shu"),
]

"""The member's own API under /api/v1/me/ (no cooperative in the URL: filtered by the user)."""

from django.urls import path

from meetings.api import MyMeetingsView, MyShuView

from .me_api import MyMembershipsView
from .privacy_api import MyDeletionRequestsView, MyDeletionRequestWithdrawView, MyPersonalDataPdfView, MyPersonalDataView

app_name = "me_api"

urlpatterns = [
    path("memberships/", MyMembershipsView.as_view(), name="memberships"),
    # the RAT app's (meetings sits above members; this URLconf only wires its views in)
    path("meetings/", MyMeetingsView.as_view(), name="meetings"),
    path("shu/", MyShuView.as_view(), name="shu"),
    # the person's rights over their data (UU 27/2022)
    path("personal-data/", MyPersonalDataView.as_view(), name="personal_data"),
    path("personal-data/pdf/", MyPersonalDataPdfView.as_view(), name="personal_data_pdf"),
    path("deletion-requests/", MyDeletionRequestsView.as_view(), name="deletion_requests"),
    path("deletion-requests/<int:pk>/withdraw/", MyDeletionRequestWithdrawView.as_view(), name="deletion_request_withdraw"),
]

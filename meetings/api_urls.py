"""/api/v1/c/<slug>/meetings/… (namespace api:meetings_api). Each pattern needs its sample in
tests/test_tenant_isolation.py."""

from django.urls import path

from . import api

app_name = "meetings_api"

urlpatterns = [
    path("", api.MeetingListView.as_view(), name="meetings"),
    path("<int:pk>/", api.MeetingDetailView.as_view(), name="meeting"),
    path("<int:pk>/invite/", api.MeetingInviteView.as_view(), name="meeting_invite"),
    path("<int:pk>/held/", api.MeetingHeldView.as_view(), name="meeting_held"),
    path("<int:pk>/publish/", api.MeetingPublishView.as_view(), name="meeting_publish"),
    path("<int:pk>/report/", api.MeetingReportView.as_view(), name="meeting_report"),
    path("<int:pk>/attendance/", api.AttendanceView.as_view(), name="attendance"),
    path("<int:pk>/documents/", api.DocumentListView.as_view(), name="documents"),
    path("<int:pk>/documents/<int:doc_id>/download/", api.DocumentDownloadView.as_view(), name="document_download"),
    path("shu/<int:year>/", api.ShuView.as_view(), name="shu"),
    path("shu/<int:year>/shares/", api.ShuSharesView.as_view(), name="shu_shares"),
    path("shu/<int:year>/volumes/", api.ShuVolumesView.as_view(), name="shu_volumes"),
    path("shu/<int:year>/prepare/", api.ShuPrepareView.as_view(), name="shu_prepare"),
    path("shu/<int:year>/approve/", api.ShuApproveView.as_view(), name="shu_approve"),
    path("shu/<int:year>/post/", api.ShuPostView.as_view(), name="shu_post"),
    path("shu/<int:year>/credit/", api.ShuCreditView.as_view(), name="shu_credit"),
]

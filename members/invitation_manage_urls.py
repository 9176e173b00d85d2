"""The manager's side of invitations, under /c/<slug>/undangan/ (tenant URLs, managers only)."""

from django.urls import path

from . import invitation_views

app_name = "invitation_manage"

urlpatterns = [
    path("anggota/<str:number>/", invitation_views.invitation_create, name="create"),
    path("<int:pk>/cabut/", invitation_views.invitation_revoke, name="revoke"),
]

"""Accepting a staff-role invitation (/undangan/pengurus/<token>/)."""

from django.urls import path

from . import invitation_views

app_name = "role_invitations"

urlpatterns = [
    path("<str:token>/", invitation_views.role_invitation_accept, name="accept"),
]

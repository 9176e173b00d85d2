"""Accepting an invitation (/undangan/<token>/): outside any cooperative's URL because the
person has no role anywhere yet."""

from django.urls import path

from . import invitation_views

app_name = "invitations"

urlpatterns = [
    path("<str:token>/", invitation_views.invitation_accept, name="accept"),
]

"""Accepting an invitation (/undangan/<token>/): outside any cooperative's URL because the
person has no role anywhere yet."""

from django.urls import path

app_name = "invitations"

urlpatterns = []

"""The member's own pages inside one cooperative (/c/<slug>/saya/…): only their own data."""

from django.urls import path

app_name = "self"

urlpatterns = []

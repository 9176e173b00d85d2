"""The member's own pages inside one cooperative (/c/<slug>/saya/…): only their own data."""

from django.urls import path

from . import self_views

app_name = "self"

urlpatterns = [
    path("", self_views.home, name="home"),
    path("mutasi/", self_views.passbook, name="passbook"),
    path("laporan/", self_views.statement, name="statement"),
]

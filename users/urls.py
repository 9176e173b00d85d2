"""The person's own profile, mounted at /akun/profil/ before allauth's /akun/ URLs."""

from django.urls import path

from . import views

app_name = "users"

urlpatterns = [
    path("", views.profile, name="profile"),
]

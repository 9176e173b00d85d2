"""Every page of one cooperative, under /c/<slug>/. Each new pattern needs its sample
arguments in tests/test_tenant_isolation.py (the suite fails otherwise)."""

from django.urls import include, path

from . import views

app_name = "coop"

urlpatterns = [
    path("", views.cooperative_overview, name="overview"),
]

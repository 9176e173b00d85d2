from django.urls import include, path

from cooperatives.registry import cooperative_register

from . import views

app_name = "city"

urlpatterns = [
    path("", views.home, name="home"),
    path("koperasi/", views.registry, name="registry"),
    path("koperasi/baru/", cooperative_register, name="registry_add"),
    path("", include("city.document_views")),  # a reported RAT's documents
]

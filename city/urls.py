from django.urls import include, path

from cooperatives import registry

from . import views

app_name = "city"

urlpatterns = [
    path("", views.home, name="home"),
    path("koperasi/", views.registry, name="registry"),
    path("koperasi/baru/", registry.cooperative_register, name="registry_add"),
    path("koperasi/<slug:slug>/ubah/", registry.cooperative_edit, name="registry_edit"),
    path("koperasi/<slug:slug>/status/", registry.cooperative_status, name="registry_status"),
    path("koperasi/<slug:slug>/pengurus-pertama/", registry.manager_invitation, name="registry_invitation"),
    path("koperasi/<slug:slug>/pengurus-pertama/<int:pk>/cabut/", registry.manager_invitation_revoke,
         name="registry_invitation_revoke"),
    path("", include("city.document_views")),  # a reported RAT's documents
]

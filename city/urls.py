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
    path("koperasi/unduh/<str:fmt>/", views.registry_export, name="registry_export"),
    path("koperasi/<slug:slug>/", views.cooperative, name="cooperative"),
    path("rincian/<slug:by>/", views.breakdown, name="breakdown"),
    path("kepatuhan/", views.compliance, name="compliance"),
    path("kepatuhan/<slug:slug>/", views.compliance_list, name="compliance_list"),
    path("kepatuhan/<slug:slug>/unduh/<str:fmt>/", views.compliance_export, name="compliance_export"),
    path("ods/unduh/", views.ods_export, name="ods_export"),
    path("", include("city.document_views")),  # a reported RAT's documents
]

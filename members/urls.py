"""The member register pages under /c/<slug>/anggota/. Each pattern needs its sample in
tests/test_tenant_isolation.py. The fixed words (baru, impor, unduh) come before <number>;
imports refuse them as member numbers."""

from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("anggota/", views.member_list, name="list"),
    path("anggota/baru/", views.member_add, name="add"),
    path("anggota/impor/", views.member_import, name="import"),
    path("anggota/impor/konfirmasi/", views.member_import_confirm, name="import_confirm"),
    path("anggota/unduh/", views.member_export, name="export"),
    path("anggota/<str:number>/", views.member_detail, name="detail"),
    path("anggota/<str:number>/ubah/", views.member_edit, name="edit"),
    path("anggota/<str:number>/keluar/", views.member_leave_view, name="leave"),
]

"""/c/<slug>/simpanan/… (namespace savings). Each pattern needs its sample in
tests/test_tenant_isolation.py."""

from django.urls import path

from . import savings_views as views

app_name = "savings"

urlpatterns = [
    path("", views.index, name="index"),
    path("anggota/<str:number>/", views.member, name="member"),
    path("anggota/<str:number>/setor/", views.deposit, name="deposit"),
    path("anggota/<str:number>/tarik/", views.withdraw, name="withdraw"),
    path("bukti/<str:number>/", views.receipt, name="receipt"),
    path("bukti/<str:number>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("bukti/<str:number>/batal/", views.reverse_transaction, name="reverse"),
    path("wajib/", views.wajib_collect, name="wajib_collect"),
    path("wajib/<str:entry>/", views.collection, name="collection"),
    path("wajib/<str:entry>/pdf/", views.collection_pdf, name="collection_pdf"),
    path("tunggakan/", views.arrears, name="arrears"),
]

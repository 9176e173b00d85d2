"""The books' pages, mounted at /c/<slug>/buku/ (reports live in report_urls.py)."""

from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("jurnal/", views.entry_list, name="entries"),
    path("jurnal/baru/", views.entry_add, name="entry_add"),
    path("jurnal/baru/total/", views.entry_totals, name="entry_totals"),
    path("jurnal/draf/<int:pk>/", views.draft_detail, name="draft_detail"),
    path("jurnal/draf/<int:pk>/posting/", views.draft_post, name="draft_post"),
    path("jurnal/draf/<int:pk>/hapus/", views.draft_delete, name="draft_delete"),
    path("jurnal/<str:number>/", views.entry_detail, name="entry_detail"),
    path("jurnal/<str:number>/balik/", views.entry_reverse, name="entry_reverse"),
    path("akun/", views.account_list, name="accounts"),
    path("akun/baru/", views.account_add, name="account_add"),
    path("akun/<str:code>/ubah/", views.account_edit, name="account_edit"),
    path("akun/<str:code>/hapus/", views.account_delete, name="account_delete"),
    path("tahun/", views.year_list, name="years"),
    path("tahun/<int:year>/siapkan/", views.year_prepare, name="year_prepare"),
    path("tahun/<int:year>/tutup/", views.year_close, name="year_close"),
    path("tahun/<int:year>/buka-kembali/", views.year_reopen, name="year_reopen"),
    path("saldo-awal/", views.opening, name="opening"),
    path("saldo-awal/impor/", views.opening_import, name="opening_import"),
    path("saldo-awal/impor/konfirmasi/", views.opening_confirm, name="opening_confirm"),
]

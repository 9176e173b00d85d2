from django.urls import path

from . import report_views as views

app_name = "ledger_reports"

# mounted at /c/<slug>/buku/laporan/; each report also downloads with ?format=xlsx or ?format=pdf
urlpatterns = [
    path("", views.index, name="index"),
    path("buku-besar/", views.general_ledger, name="general_ledger"),
    path("neraca-saldo/", views.trial_balance, name="trial_balance"),
    path("posisi-keuangan/", views.balance_sheet, name="balance_sheet"),
    path("hasil-usaha/", views.income_statement, name="income_statement"),
]

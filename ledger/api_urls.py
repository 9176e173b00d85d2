"""/api/v1/c/<slug>/ledger/… (namespace api:ledger_api). Each pattern needs its sample in
tests/test_tenant_isolation.py."""

from django.urls import path

from .api import views

app_name = "ledger_api"

urlpatterns = [
    path("accounts/", views.AccountListView.as_view(), name="accounts"),
    path("entries/", views.EntryListView.as_view(), name="entries"),
    path("entries/<str:number>/", views.EntryDetailView.as_view(), name="entry"),
    path("entries/<str:number>/reverse/", views.EntryReverseView.as_view(), name="entry_reverse"),
    path("reports/trial-balance/", views.TrialBalanceView.as_view(), name="trial_balance"),
    path("reports/balance-sheet/", views.BalanceSheetView.as_view(), name="balance_sheet"),
    path("reports/income-statement/", views.IncomeStatementView.as_view(), name="income_statement"),
    path("years/<int:year>/close/", views.YearCloseView.as_view(), name="year_close"),
]

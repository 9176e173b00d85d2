from django.urls import path

app_name = "ledger_api"

urlpatterns = []

from django.urls import path

app_name = "savings_api"

urlpatterns = []

from django.urls import path

app_name = "members_api"

urlpatterns = []

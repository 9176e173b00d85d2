"""The person's own personal-data page, /saya/data-pribadi/ (no cooperative in the URL)."""

from django.urls import path

from . import privacy_views

app_name = "personal_data"

urlpatterns = [
    path("", privacy_views.personal_data_page, name="page"),
    path("unduh/", privacy_views.personal_data_download, name="download"),
    path("hapus/", privacy_views.deletion_request_create, name="request"),
    path("hapus/<int:pk>/batal/", privacy_views.deletion_request_withdraw, name="withdraw"),
]

"""A meeting's documents, mounted at /c/<slug>/rapat/<int:meeting_id>/dokumen/ (portal/urls.py).
Each pattern has its sample in tests/test_tenant_isolation.py."""

from django.urls import path

from . import document_views as views

app_name = "meeting_documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("unggah/", views.document_upload, name="upload"),
    path("<int:document_id>/unduh/", views.document_download, name="download"),
    path("<int:document_id>/ganti/", views.document_supersede, name="supersede"),
    path("<int:document_id>/hapus/", views.document_delete, name="delete"),
]

"""Members' deletion requests for the manager, under /c/<slug>/. Each pattern needs its sample
in tests/test_tenant_isolation.py."""

from django.urls import path

from . import privacy_views

app_name = "deletion_requests"

urlpatterns = [
    path("permintaan-hapus/", privacy_views.deletion_request_list, name="list"),
    path("permintaan-hapus/<int:pk>/", privacy_views.deletion_request_detail, name="detail"),
]

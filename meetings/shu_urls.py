"""/c/<slug>/shu/… (namespace shu): SHU distribution pages and the member's own SHU. Each
pattern needs its sample in tests/test_tenant_isolation.py."""

from django.urls import path

from . import shu_views as views

app_name = "shu"

urlpatterns = [
    path("", views.index, name="index"),
    path("saya/", views.mine, name="mine"),
    path("<int:year>/", views.year, name="year"),
    path("<int:year>/volume/", views.volumes, name="volumes"),
    path("<int:year>/volume/impor/", views.volumes_import, name="volumes_import"),
    path("<int:year>/volume/impor/simpan/", views.volumes_import_confirm, name="volumes_import_confirm"),
    path("<int:year>/pratinjau/", views.preview, name="preview"),
    path("<int:year>/setujui/", views.approve, name="approve"),
    path("<int:year>/posting/", views.post, name="post"),
    path("<int:year>/kreditkan/", views.credit, name="credit"),
]

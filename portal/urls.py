from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from city.open_data_views import open_data_page

from . import views

handler400 = "portal.views.error_400"
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"

urlpatterns = [
    path("", views.home, name="home"),
    path("saya/", views.my_spaces, name="my_spaces"),
    path("saya/data-pribadi/", include("members.privacy_urls")),
    path("akun/profil/", include("users.urls")),
    path("akun/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("c/<slug:slug>/", include("portal.tenant_urls")),
    path("c/<slug:slug>/", include("cooperatives.urls")),
    path("c/<slug:slug>/", include("members.urls")),
    path("c/<slug:slug>/", include("members.deletion_urls")),
    path("c/<slug:slug>/simpanan/", include("members.savings_urls")),
    path("c/<slug:slug>/saya/", include("members.self_urls")),
    path("undangan/pengurus/", include("cooperatives.invitation_urls")),
    path("undangan/", include("members.invitation_urls")),
    path("c/<slug:slug>/undangan/", include("members.invitation_manage_urls")),
    path("c/<slug:slug>/rapat/", include("meetings.urls")),
    path("c/<slug:slug>/rapat/<int:meeting_id>/dokumen/", include("meetings.document_urls")),
    path("c/<slug:slug>/shu/", include("meetings.shu_urls")),
    path("c/<slug:slug>/buku/", include("ledger.urls")),
    path("c/<slug:slug>/buku/laporan/", include("ledger.report_urls")),
    path("kota/", include("city.urls")),
    path("data-terbuka/", open_data_page, name="open_data"),
    path("api/", include("portal.api_urls")),
    path("admin/", admin.site.urls),
]

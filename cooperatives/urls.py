from django.urls import path

from . import views

app_name = "cooperatives"

urlpatterns = [
    path("profil/ubah/", views.profile_edit, name="profile_edit"),
    path("peran/", views.role_list, name="roles"),
    path("peran/<int:pk>/hapus/", views.role_revoke, name="role_revoke"),
    path("audit/", views.audit_list, name="audit"),
]

from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("anggota/", views.member_list, name="list"),
    path("anggota/baru/", views.member_add, name="add"),
    path("anggota/<str:number>/", views.member_detail, name="detail"),
    path("anggota/<str:number>/ubah/", views.member_edit, name="edit"),
]

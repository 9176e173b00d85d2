"""Members' meetings pages, mounted at /c/<slug>/rapat/ (portal/urls.py)."""

from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("baru/", views.meeting_add, name="add"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/ubah/", views.meeting_edit, name="edit"),
    path("<int:pk>/acara/", views.agenda_edit, name="agenda"),
    path("<int:pk>/undangan/", views.invitations, name="invitations"),
    path("<int:pk>/undangan/daftar.pdf", views.invitation_pdf, name="invitation_pdf"),
    path("<int:pk>/kehadiran/", views.attendance, name="attendance"),
    path("<int:pk>/kehadiran/<int:attendance_pk>/batal/", views.attendance_remove, name="attendance_remove"),
    path("<int:pk>/kehadiran/daftar-hadir.pdf", views.attendance_pdf, name="attendance_pdf"),
    path("<int:pk>/qr/", views.qr_screen, name="qr"),
    path("<int:pk>/hadir/", views.check_in, name="check_in"),
    path("<int:pk>/acara/<int:item_pk>/keputusan/", views.decision, name="decision"),
    path("<int:pk>/pejabat/<int:officer_pk>/hapus/", views.officer_remove, name="officer_remove"),
    path("<int:pk>/pejabat/<int:officer_pk>/serah-terima/", views.officer_hand_over, name="officer_hand_over"),
    path("<int:pk>/selesai/", views.mark_held, name="held"),
    path("<int:pk>/notulen/", views.minutes_edit, name="minutes"),
    path("<int:pk>/berita-acara.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/terbitkan/", views.publish, name="publish"),
    path("<int:pk>/laporan/", views.report, name="report"),
]

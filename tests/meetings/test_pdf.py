"""A meeting's papers as PDF: the invitation list, the attendance list (daftar hadir) and the
minutes (berita acara) with every field DOMAIN.md lists, rendered offline."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from django_scopes import scope, scopes_disabled

from meetings import pdf, services
from meetings.models import ShuDistribution, ShuMemberShare
from portal.models import AuditEvent
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def today():
    """Read at each use: a run crossing midnight in Asia/Jakarta must not compare with a stale date."""
    return timezone.localdate()

D = datetime.date


@pytest.fixture
def coop(cooperative):
    cooperative.name = "Koperasi Sejahtera Bersama"
    cooperative.legal_entity_number = "518/12/BH/XIII.4/2010"
    cooperative.nik_koperasi = "3272010020001"
    cooperative.save()
    return cooperative


@pytest.fixture
def manager(coop, make_user):
    return make_user(coop, "manager")


@pytest.fixture
def held_rat(coop, manager):
    """A RAT held today: 5 members, 3 present (in person, online, by delegate), decisions, an
    officer, the minutes' fields and an approved SHU distribution."""
    members = [MemberFactory(cooperative=coop, joined_on=D(2020, 1, 1), full_name=f"Anggota {i}", number=f"0000{i}") for i in range(1, 6)]
    meeting = services.meeting_schedule(actor=manager, cooperative=coop, book_year=today().year - 1, date=today(),
                                        start_time=datetime.time(9), end_time=datetime.time(12, 30), mode="hybrid",
                                        venue="Aula Koperasi", online_link="https://meet.example.id/rat")
    services.invitations_send(actor=manager, meeting=meeting, confirm_late=True)
    services.attendance_mark(actor=manager, meeting=meeting, member=members[0])
    services.attendance_mark(actor=manager, meeting=meeting, member=members[1], mode="online")
    services.attendance_mark(actor=manager, meeting=meeting, member=members[2], mode="delegate", delegate_name="Pak Wakil")
    with scope(cooperative=coop):
        items = {i.kind: i for i in meeting.agenda_items.all()}
    services.decision_record(actor=manager, agenda_item=items["accountability"], method="mufakat", decision_text="LPJ pengurus diterima.")
    services.decision_record(actor=manager, agenda_item=items["shu"], method="vote", decision_text="Pembagian SHU disetujui.",
                             votes_for=2, votes_against=1, votes_abstain=0)
    services.officer_elect(actor=manager, agenda_item=items["elections"], organ="pengurus", position="Ketua", name="Budi Santoso",
                           member=members[0], term_start=D(today().year, 1, 1), term_end=D(today().year + 4, 12, 31))
    services.meeting_mark_held(actor=manager, meeting=meeting)
    services.minutes_save(actor=manager, meeting=meeting, chair_name="Hj. Siti Aminah", secretary_name="Rudi Hartono",
                          witnesses="Andi Wijaya; Rina Kusuma", guests="Dinas Koperasi Kota Sukabumi", minutes_text="Rapat dibuka pukul 09.00.")
    with scopes_disabled():
        distribution = ShuDistribution.objects.create(
            cooperative=coop, meeting=meeting, book_year=today().year - 1, shu_total=Decimal("2000000"), status="approved",
            reserve_percent=40, jasa_modal_percent=20, jasa_usaha_percent=30, pengurus_percent=Decimal("2.5"),
            karyawan_percent=Decimal("2.5"), pendidikan_percent=Decimal("2.5"), sosial_percent=Decimal("2.5"), remainder=Decimal("1"))
        ShuMemberShare.objects.create(cooperative=coop, distribution=distribution, member=members[0], savings_basis=1, transaction_volume=1,
                                      jasa_modal=Decimal("266666"), jasa_usaha=Decimal("400000"), total=Decimal("666666"))
        ShuMemberShare.objects.create(cooperative=coop, distribution=distribution, member=members[1], savings_basis=1, transaction_volume=1,
                                      jasa_modal=Decimal("133333"), jasa_usaha=Decimal("200000"), total=Decimal("333333"))
    with scope(cooperative=coop):
        return type(meeting).objects.get(pk=meeting.pk)


def minutes_html(meeting):
    with override("en"):
        return pdf.render_html(pdf.MINUTES, pdf.minutes_context(meeting))


def test_minutes_record_every_field_of_the_berita_acara(held_rat):
    html = minutes_html(held_rat)
    for expected in [
        "Koperasi Sejahtera Bersama", "518/12/BH/XIII.4/2010", "3272010020001",  # identity
        "Annual members&#x27; meeting (RAT)", f"<dd>{today().year - 1}</dd>",  # kind, book year
        "09:00–12:30", "Aula Koperasi", "https://meet.example.id/rat",  # time, place, platform
        "Members on the register on the meeting date</dt><dd>5", "Present in person</dt><dd>1", "Present online</dt><dd>1",
        "Present by delegate</dt><dd>1", "Present in all</dt><dd>3",
        "more than 50 % of the members on the register: 3 of 5 needed, 3 present", "quorum met",
        "Hj. Siti Aminah", "Rudi Hartono", "Andi Wijaya, Rina Kusuma", "Dinas Koperasi Kota Sukabumi",
        "LPJ pengurus diterima.", "Consensus (mufakat)", "2 for, 1 against, 0 abstaining", "Pembagian SHU disetujui.",
        "No decision recorded.", "Budi Santoso", "(00001)",
        "Distribution of the SHU of book year", "Rp 2.000.000", "Rp 399.999", "Rp 600.000", "Rp 50.000", "Rp 800.001", "Reserve (cadangan)", "Dana sosial", ">2.5<",
        "remainder of Rp 1 goes to the reserve",
        "Officers elected", "Rapat dibuka pukul 09.00.",
        "Attendance list (daftar hadir)",  # attachments
        "Chair of the meeting", "Secretary of the meeting", "Member witness",  # signature block
    ]:
        assert expected in html, expected
    signatures = html[html.index('class="signatures"'):]
    assert signatures.count('class="sign"') == 4 and "Andi Wijaya" in signatures and "Rina Kusuma" in signatures


def test_minutes_list_current_documents_as_attachments(held_rat, coop):
    from meetings.models import MeetingDocument

    with scopes_disabled():
        MeetingDocument.objects.create(cooperative=coop, meeting=held_rat, kind="financial_statements", title="Laporan keuangan 2025",
                                       file="x.pdf", original_name="x.pdf", content_type="application/pdf", size=1, sha256="0" * 64)
        MeetingDocument.objects.create(cooperative=coop, meeting=held_rat, kind="photo", title="Lama", is_current=False,
                                       file="y.png", original_name="y.png", content_type="image/png", size=1, sha256="0" * 64)
    html = minutes_html(held_rat)
    assert "Financial statements: Laporan keuangan 2025" in html and "Lama" not in html


def test_a_draft_shu_is_not_in_the_minutes(held_rat):
    with scopes_disabled():
        ShuDistribution.objects.filter(meeting=held_rat).update(status="draft")
    assert "Distribution of the SHU" not in minutes_html(held_rat)


def test_attendance_and_invitation_lists(held_rat):
    with override("en"):
        html = pdf.render_html(pdf.ATTENDANCE_LIST, pdf.attendance_list_context(held_rat))
        invitations = pdf.render_html(pdf.INVITATION_LIST, pdf.invitation_list_context(held_rat))
    assert "Attendance list (daftar hadir)" in html and "Signature</th>" in html
    assert "00001" in html and "Anggota 1" in html and "By delegate: Pak Wakil" in html and "Online" in html
    assert "Anggota 4" not in html  # not present
    assert "Koperasi Sejahtera Bersama" in html and "Member witness" in html
    assert all(f"Anggota {i}" in invitations for i in range(1, 6)) and "Received (signature)" in invitations


def test_the_papers_are_pdfs_downloaded_by_staff_and_audited(client, held_rat, coop, manager):
    client.force_login(manager)
    for name, stem in [("invitation_pdf", "daftar-undangan"), ("attendance_pdf", "daftar-hadir"), ("minutes_pdf", "berita-acara")]:
        response = client.get(reverse(f"meetings:{name}", kwargs={"slug": coop.slug, "pk": held_rat.pk}))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert response["Content-Disposition"].startswith(f'attachment; filename="{stem}-{coop.slug}-rat-')
    with scopes_disabled():
        papers = sorted(e.changes["paper"][1] for e in AuditEvent.objects.filter(action="meeting.export", cooperative=coop))
    assert papers == ["berita-acara", "daftar-hadir", "daftar-undangan"]


def test_rendering_fetches_nothing(held_rat, monkeypatch):
    """WeasyPrint gets no base URL and a fetcher that refuses all but data: URLs."""
    from ledger.exports.pdf import OfflineURLFetcher

    fetched = []
    original = OfflineURLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(OfflineURLFetcher, "fetch", spy)
    assert pdf.minutes_pdf(held_rat).startswith(b"%PDF")
    assert all(str(u).startswith("data:") for u in fetched)

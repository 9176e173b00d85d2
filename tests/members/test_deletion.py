"""A member asks for their personal data to be deleted; the manager approves (the register row is
anonymised in one transaction, the financial history kept) or refuses with a reason; every step
audited; the member sees the answer on their page (UU 27/2022, members/deletion.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scope, scopes_disabled

from cooperatives.models import Kelurahan
from members import deletion, savings
from members.models import DeletionRequest, Member, SavingsTransaction
from members.reconcile import savings_reconcile
from portal.models import AuditEvent
from tests.factories import MemberFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
NIK = "3272015508850001"
PAGE = "/saya/data-pribadi/"


@pytest.fixture
def siti(ksp):
    user = UserFactory(full_name="Siti Aminah", email="siti@example.id")
    member = MemberFactory(cooperative=ksp, user=user, number="S-042", full_name="Siti Aminah", nik_ktp=NIK, gender="P",
                           phone="+6281234567890", address="Jl. Siliwangi 12", place_of_birth="Sukabumi",
                           date_of_birth=D(1985, 8, 15), occupation="Pedagang", kelurahan=Kelurahan.objects.get(name="Cikole"),
                           joined_on=D(2024, 1, 10))
    savings.savings_deposit(actor=None, member=member, savings_type="pokok", amount="100000", date=D(2024, 1, 10))
    savings.savings_deposit(actor=None, member=member, savings_type="sukarela", amount="50000", date=D(2024, 2, 1))
    return member


def leave(manager, member):
    savings.member_leave(actor=manager, member=member, reason="resignation", date=D(2025, 1, 15), note="Pindah ke Bandung")


def ask(client, member, reason="Saya pindah"):
    client.force_login(member.user)
    return client.post(PAGE + "hapus/", {"cooperative": member.cooperative.slug, "reason": reason, "confirm": "on"})


def pending(member):
    with scopes_disabled():
        return DeletionRequest.objects.get(member=member, status="pending")


def test_member_asks_and_sees_the_request_pending(client, siti):
    response = ask(client, siti)
    assert response.status_code == 302 and response["Location"] == PAGE
    req = pending(siti)
    assert req.reason == "Saya pindah" and req.requested_by == siti.user
    page = client.get(PAGE).content.decode()
    assert f'data-request="{req.pk}" data-status="pending"' in page
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="member.deletion_request", object_id=str(siti.pk), actor=siti.user).exists()


def test_the_confirmation_is_required_and_a_second_request_is_refused(client, siti):
    client.force_login(siti.user)
    response = client.post(PAGE + "hapus/", {"cooperative": siti.cooperative.slug})
    assert response.status_code == 400 and not DeletionRequest.objects.with_scopes_disabled().exists()
    assert ask(client, siti).status_code == 302
    again = ask(client, siti)
    assert again.status_code == 400  # no cooperative left to ask: the choice is refused
    with scopes_disabled():
        assert DeletionRequest.objects.filter(member=siti).count() == 1
    with pytest.raises(ValidationError):
        deletion.deletion_request_create(actor=siti.user, member=siti)


def test_nobody_asks_for_someone_else(ksp, siti):
    other = UserFactory()
    with pytest.raises(ValidationError):
        deletion.deletion_request_create(actor=other, member=siti)


def test_a_reason_too_long_is_refused_per_field(client, siti):
    client.force_login(siti.user)
    response = client.post(PAGE + "hapus/", {"cooperative": siti.cooperative.slug, "reason": "x" * 1001, "confirm": "on"})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors


def test_an_active_member_cannot_be_anonymised(client, ksp, manager, siti):
    ask(client, siti)
    req = pending(siti)
    with pytest.raises(ValidationError):
        deletion.deletion_request_approve(actor=manager, request=req)
    client.force_login(manager)
    page = client.get(f"/c/{ksp.slug}/permintaan-hapus/{req.pk}/")
    assert page.status_code == 200 and 'id="approve-refusal"' in page.content.decode()
    response = client.post(f"/c/{ksp.slug}/permintaan-hapus/{req.pk}/", {"action": "approve"})
    assert response.status_code == 400
    with scope(cooperative=ksp):
        assert Member.objects.get(pk=siti.pk).full_name == "Siti Aminah"


def test_approval_anonymises_keeps_the_books_and_closes_the_only_login(client, ksp, manager, siti):
    user = siti.user
    ask(client, siti)
    req = pending(siti)
    leave(manager, siti)
    client.force_login(manager)
    response = client.post(f"/c/{ksp.slug}/permintaan-hapus/{req.pk}/", {"action": "approve"})
    assert response.status_code == 302
    with scope(cooperative=ksp):
        member = Member.objects.get(pk=siti.pk)
        assert member.full_name == "Anggota dihapus S-042" and member.number == "S-042"
        assert (member.nik_ktp, member.nik_hash, member.phone, member.address, member.place_of_birth, member.occupation,
                member.left_note) == ("", "", "", "", "", "", "")
        assert member.date_of_birth is None and member.kelurahan_id is None and member.user_id is None
        assert member.anonymised_at is not None and member.status == "left" and member.gender == "P"
        # the financial history stays, and still equals the books
        assert SavingsTransaction.objects.filter(member=member).count() == 4  # 2 deposits + 2 refunds
        assert list(savings_reconcile(cooperative=ksp)) == []
        assert DeletionRequest.objects.get(pk=req.pk).status == "approved"
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert user.phone is None and user.email.endswith("@anonim.invalid") and user.full_name == "Anggota dihapus"
    # nothing personal is left in the register's columns on disk
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM members_member WHERE id = %s", [siti.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    for value in ("Siti", NIK, "81234567890", "Siliwangi", "Pedagang", "1985-08-15", "Bandung"):
        assert value not in row


def test_approval_redacts_earlier_audit_events_and_is_audited(ksp, manager, siti, client):
    ask(client, siti)
    leave(manager, siti)
    deletion.deletion_request_approve(actor=manager, request=pending(siti))
    with scopes_disabled():
        events = list(AuditEvent.objects.filter(object_type="members.member", object_id=str(siti.pk)))
    text = " ".join(f"{e.object_repr} {e.changes}" for e in events)
    assert "Siti" not in text and "Siliwangi" not in text and "Pindah ke Bandung" not in text
    approve = next(e for e in events if e.action == "member.deletion_approve")
    assert approve.actor == manager and approve.changes["login"] == [None, "closed"]


def test_a_login_used_elsewhere_is_only_detached(client, ksp, other_cooperative, manager, siti):
    MemberFactory(cooperative=other_cooperative, user=siti.user)
    ask(client, siti)
    leave(manager, siti)
    deletion.deletion_request_approve(actor=manager, request=pending(siti))
    user = siti.user
    user.refresh_from_db()
    assert user.is_active and user.has_usable_password() and user.email == "siti@example.id"
    # the member still sees the answer on their page
    client.force_login(user)
    page = client.get(PAGE).content.decode()
    assert 'data-status="approved"' in page


def test_a_staff_login_is_not_closed(client, ksp, other_cooperative, manager, siti):
    RoleAssignmentFactory(cooperative=other_cooperative, user=siti.user, role="bookkeeper")
    ask(client, siti)
    leave(manager, siti)
    deletion.deletion_request_approve(actor=manager, request=pending(siti))
    siti.user.refresh_from_db()
    assert siti.user.is_active


def test_refusal_needs_a_reason_and_the_member_reads_it(client, ksp, manager, siti):
    ask(client, siti)
    req = pending(siti)
    client.force_login(manager)
    url = f"/c/{ksp.slug}/permintaan-hapus/{req.pk}/"
    response = client.post(url, {"action": "refuse", "reason": "  "})
    assert response.status_code == 400 and "reason" in response.context["refuse_form"].errors
    response = client.post(url, {"action": "refuse", "reason": "Masih ada pinjaman berjalan"})
    assert response.status_code == 302
    with scopes_disabled():
        req.refresh_from_db()
        assert req.status == "refused" and req.decided_by == manager
        assert AuditEvent.objects.filter(action="member.deletion_refuse", actor=manager).exists()
    client.force_login(siti.user)
    page = client.get(PAGE).content.decode()
    assert "Masih ada pinjaman berjalan" in page and 'data-status="refused"' in page
    # answered: no second answer
    with pytest.raises(ValidationError):
        deletion.deletion_request_approve(actor=manager, request=req)


def test_the_member_withdraws_a_pending_request(client, siti):
    ask(client, siti)
    req = pending(siti)
    other = UserFactory()
    client.force_login(other)
    assert client.post(f"{PAGE}hapus/{req.pk}/batal/").status_code == 404
    client.force_login(siti.user)
    assert client.post(f"{PAGE}hapus/{req.pk}/batal/").status_code == 302
    with scopes_disabled():
        req.refresh_from_db()
        assert req.status == "withdrawn"
        assert AuditEvent.objects.filter(action="member.deletion_withdraw").exists()


def test_the_manager_list_shows_pending_first(client, ksp, manager, siti):
    ask(client, siti)
    client.force_login(manager)
    response = client.get(f"/c/{ksp.slug}/permintaan-hapus/")
    assert response.status_code == 200
    assert f'data-request="{pending(siti).pk}" data-status="pending"' in response.content.decode()


def test_a_manager_of_another_cooperative_gets_404(client, ksp, other_cooperative, make_user, siti):
    ask(client, siti)
    client.force_login(make_user(other_cooperative, "manager"))
    assert client.get(f"/c/{ksp.slug}/permintaan-hapus/{pending(siti).pk}/").status_code == 404
    # nor through their own cooperative's URL
    assert client.get(f"/c/{other_cooperative.slug}/permintaan-hapus/{pending(siti).pk}/").status_code == 404


def test_api_create_list_and_withdraw(client, siti, ksp):
    client.force_login(siti.user)
    url = "/api/v1/me/deletion-requests/"
    assert client.post(url, {"cooperative": "not-mine"}, content_type="application/json").status_code == 400
    response = client.post(url, {"cooperative": ksp.slug, "reason": "Pindah"}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending" and body["member_number"] == "S-042" and body["cooperative"]["slug"] == ksp.slug
    again = client.post(url, {"cooperative": ksp.slug}, content_type="application/json")
    assert again.status_code == 400 and "cooperative" in again.json()
    assert [r["id"] for r in client.get(url).json()] == [body["id"]]
    response = client.post(f"{url}{body['id']}/withdraw/", content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert client.post(f"{url}{body['id']}/withdraw/", content_type="application/json").status_code == 400
    assert client.post(f"{url}999999/withdraw/", content_type="application/json").status_code == 404


def test_my_cooperatives_tells_of_an_answer(client, ksp, other_cooperative, manager, siti):
    MemberFactory(cooperative=other_cooperative, user=siti.user)  # the login stays open
    ask(client, siti)
    client.force_login(siti.user)
    assert "data-deletion-answer" not in client.get("/saya/").content.decode()
    deletion.deletion_request_refuse(actor=manager, request=pending(siti), reason="Masih ada pinjaman")
    page = client.get("/saya/").content.decode()
    assert 'data-deletion-answer="refused"' in page and f'href="{PAGE}"' in page


def test_the_register_links_managers_to_the_requests(client, ksp, manager, make_user):
    link = f'href="/c/{ksp.slug}/permintaan-hapus/"'
    client.force_login(manager)
    assert link in client.get(f"/c/{ksp.slug}/anggota/").content.decode()
    client.force_login(make_user(ksp, "bookkeeper"))
    assert link not in client.get(f"/c/{ksp.slug}/anggota/").content.decode()


def test_an_anonymised_member_cannot_be_edited_back(client, ksp, manager, siti):
    ask(client, siti)
    leave(manager, siti)
    deletion.deletion_request_approve(actor=manager, request=pending(siti))
    client.force_login(manager)
    page = client.get(f"/c/{ksp.slug}/anggota/{siti.number}/").content.decode()
    assert 'id="anonymised"' in page and f"/anggota/{siti.number}/ubah/" not in page
    from members import services

    with pytest.raises(ValidationError):
        services.member_update(actor=manager, member=siti, full_name="Siti Aminah")

"""Staff-role invitations: the city admin invites a new cooperative's first manager; the person
confirms the phone, chooses a password (or logs in first) and gets the manager role."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from cooperatives import access
from cooperatives import invitations as service
from cooperatives.models import RoleAssignment, RoleInvitation
from portal.models import AuditEvent
from tests.factories import CooperativeFactory, UserFactory
from users.invitations import MISSES_ALLOWED
from users.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "Sukabumi-Maju-2026"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def admin(make_user):
    return make_user(role="city_admin")


def _invite(admin, cooperative=None, phone="0857 1111 2222", **kwargs):
    cooperative = cooperative or CooperativeFactory()
    return service.role_invitation_create(actor=admin, cooperative=cooperative, full_name="Dadang Suhendar", phone=phone, **kwargs)


def test_only_the_hash_of_the_token_is_stored_and_a_new_invitation_revokes_the_open_one(admin):
    first = _invite(admin)
    assert first.invitation.token_hash == hashlib.sha256(first.token.encode()).hexdigest()
    assert first.token not in first.invitation.token_hash and first.invitation.phone == "+6285711112222"
    assert first.invitation.expires_at - timezone.now() > timedelta(days=6, hours=23)
    second = _invite(admin, first.invitation.cooperative)
    with scopes_disabled():
        first.invitation.refresh_from_db()
    assert first.invitation.revoked_at is not None and second.invitation.revoked_at is None
    assert service.open_invitations(cooperative=first.invitation.cooperative) == [second.invitation]
    actions = list(AuditEvent.objects.with_scopes_disabled().filter(object_type="cooperatives.roleinvitation").values_list("action", flat=True))
    assert sorted(actions) == ["role_invitation.create", "role_invitation.create", "role_invitation.revoke"]


def test_bad_invitee_is_refused_per_field(admin):
    cooperative = CooperativeFactory()
    with pytest.raises(ValidationError) as caught:
        service.role_invitation_create(actor=admin, cooperative=cooperative, full_name="  ", phone="123", email="nope")
    assert set(caught.value.message_dict) == {"manager_name", "manager_phone", "manager_email"}
    with scopes_disabled():
        assert not RoleInvitation.objects.exists()


def test_accepting_creates_the_login_with_the_manager_role(client, admin):
    new = _invite(admin, email="dadang@example.id")
    cooperative = new.invitation.cooperative
    page = client.get(f"/undangan/pengurus/{new.token}/", **EN)
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    assert cooperative.name in page.content.decode()
    response = client.post(f"/undangan/pengurus/{new.token}/", {
        "phone": "+62 857-1111-2222", "password1": PASSWORD, "password2": PASSWORD}, **EN)
    assert response.status_code == 302 and response["Location"] == f"/c/{cooperative.slug}/"
    user = User.objects.get(phone="+6285711112222")
    assert user.full_name == "Dadang Suhendar" and user.email == "dadang@example.id" and user.check_password(PASSWORD)
    assert access.roles_in(user, cooperative) == {access.MANAGER}
    assert client.get(f"/c/{cooperative.slug}/").status_code == 200  # logged in
    with scopes_disabled():
        invitation = RoleInvitation.objects.get()
        assert invitation.accepted_by == user and RoleAssignment.objects.get(user=user).role == "manager"
    actions = set(AuditEvent.objects.with_scopes_disabled().values_list("action", flat=True))
    assert {"role_invitation.accept", "user.create", "role.assign"} <= actions
    # used once
    again = client.post(f"/undangan/pengurus/{new.token}/", {"phone": "085711112222", "password1": PASSWORD, "password2": PASSWORD})
    assert again.status_code == 410


def test_the_phone_must_be_the_invited_one_and_the_password_good_nothing_written(client, admin):
    new = _invite(admin)
    response = client.post(f"/undangan/pengurus/{new.token}/", {"phone": "0857 9999 0000", "password1": "123", "password2": "123"}, **EN)
    assert response.status_code == 400
    form = response.context["form"]
    assert "phone" in form.errors and "password1" in form.errors
    assert not User.objects.filter(phone="+6285799990000").exists()
    with scopes_disabled():
        assert not RoleAssignment.objects.exists()
        assert RoleInvitation.objects.get().accepted_at is None


def test_an_existing_login_logs_in_first_and_the_link_adds_the_role(client, admin, make_user):
    other = CooperativeFactory()
    existing = make_user(other, "bookkeeper", phone="+6285711112222")
    new = _invite(admin)
    response = client.post(f"/undangan/pengurus/{new.token}/", {"phone": "085711112222", "password1": PASSWORD, "password2": PASSWORD}, **EN)
    assert response.status_code == 200 and "login-first" in response.content.decode()
    with scopes_disabled():
        assert not RoleAssignment.objects.filter(role="manager").exists()
    client.force_login(existing)
    response = client.post(f"/undangan/pengurus/{new.token}/", {"phone": "0857-1111-2222"})
    assert response.status_code == 302
    existing.refresh_from_db()
    assert access.roles_in(existing, new.invitation.cooperative) == {access.MANAGER}
    assert existing.check_password("rahasia-123")  # the password was not changed


def test_a_logged_in_person_with_another_phone_is_refused(client, admin):
    new = _invite(admin)
    someone = UserFactory(phone="+6281300001111")
    client.force_login(someone)
    response = client.post(f"/undangan/pengurus/{new.token}/", {"phone": "085711112222"}, **EN)
    assert response.status_code == 400 and "phone" in response.context["form"].errors
    assert access.roles_in(someone, new.invitation.cooperative) == frozenset()


@pytest.mark.parametrize("state", ["expired", "revoked"])
def test_expired_and_revoked_links_write_nothing(client, admin, state):
    new = _invite(admin)
    with scopes_disabled():
        if state == "expired":
            RoleInvitation.objects.filter(pk=new.invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        else:
            service.role_invitation_revoke(actor=admin, invitation=new.invitation)
    response = client.post(f"/undangan/pengurus/{new.token}/", {"phone": "085711112222", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 410 and f'id="invitation-{state}"' in response.content.decode()
    assert not User.objects.filter(phone="+6285711112222").exists()
    with pytest.raises(service.InvitationUnusable):
        service.role_invitation_accept(token=new.token, phone="085711112222", password=PASSWORD)


def test_unknown_tokens_are_404_and_guessing_is_blocked(client, admin):
    from django.core.cache import cache

    cache.clear()
    assert client.get("/undangan/pengurus/not-a-token/").status_code == 404
    for i in range(MISSES_ALLOWED):
        client.get(f"/undangan/pengurus/{'x' * 40}{i:03d}/")
    new = _invite(admin)
    assert client.get(f"/undangan/pengurus/{new.token}/").status_code == 429
    cache.clear()
    assert client.get(f"/undangan/pengurus/{new.token}/").status_code == 200
    assert service.role_invitation_lookup(new.invitation.token_hash) is None  # the stored hash is no token

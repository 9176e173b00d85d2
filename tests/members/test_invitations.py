"""Invitations: a manager makes a one-time link (QR, WhatsApp); the member sets a password and
their login is linked; a second cooperative's invitation adds to the same login; bad, expired,
revoked and reused links write nothing."""

import datetime
import hashlib
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from members import invitations
from members.invitation_views import MISSES_ALLOWED
from members.models import Invitation, Member
from portal.models import AuditEvent
from tests.factories import MemberFactory, UserFactory
from users.models import User

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PASSWORD = "kopi-susu-2026"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def invitee(ksp):
    return MemberFactory(cooperative=ksp, full_name="Dewi Lestari Putri", phone="+6281311112222")


def make(member, actor=None):
    return invitations.invitation_create(actor=actor, member=member)


def accept_url(token):
    return f"/undangan/{token}/"


def audit(action):
    return list(AuditEvent.objects.with_scopes_disabled().filter(action=action))


def reload(obj):
    with scopes_disabled():
        obj.refresh_from_db()
    return obj


# --- the manager's side ----------------------------------------------------------------------------

def test_member_detail_has_the_invite_button_for_managers(client, ksp, manager, invitee):
    client.force_login(manager)
    html = client.get(f"/c/{ksp.slug}/anggota/{invitee.number}/", **EN).content.decode()
    assert f'href="/c/{ksp.slug}/undangan/anggota/{invitee.number}/"' in html


def test_manager_creates_an_invitation_with_link_qr_and_whatsapp(client, ksp, manager, invitee):
    client.force_login(manager)
    page = client.get(f"/c/{ksp.slug}/undangan/anggota/{invitee.number}/", **EN)
    assert page.status_code == 200 and "Make an invitation" in page.content.decode()
    response = client.post(f"/c/{ksp.slug}/undangan/anggota/{invitee.number}/", **EN)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    link = re.search(r'id="invitation-link">(http://testserver/undangan/([A-Za-z0-9_-]+)/)<', html)
    assert link, html
    url, token = link.groups()
    assert 'src="data:image/svg+xml;base64,' in html
    whatsapp = re.search(r'href="(https://wa\.me/[^"]+)"', html).group(1).replace("&amp;", "&")
    parsed = urlparse(whatsapp)
    assert parsed.path == "/6281311112222"
    text = parse_qs(parsed.query)["text"][0]
    assert url in text and "Dewi" in text and ksp.name in text
    with scope(cooperative=ksp):
        invitation = Invitation.objects.get(member=invitee)
    # only the hash of the token is stored, and it is not in the audit trail either
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in invitation.token_hash
    assert abs(invitation.expires_at - (timezone.now() + datetime.timedelta(days=7))) < datetime.timedelta(minutes=1)
    assert invitation.created_by == manager
    (event,) = audit("invitation.create")
    assert token not in str(event.changes) and event.actor == manager and event.cooperative == ksp


def test_whatsapp_link_without_a_phone_lets_the_sender_choose():
    assert invitations.whatsapp_link(phone="", text="a b&c") == "https://wa.me/?text=a%20b%26c"


def test_a_new_invitation_revokes_the_open_ones(ksp, manager, invitee):
    first = make(invitee, manager)
    second = make(invitee, manager)
    assert reload(first.invitation).revoked_at is not None and reload(second.invitation).revoked_at is None
    assert invitations.open_invitations(member=invitee) == [second.invitation]
    assert len(audit("invitation.revoke")) == 1
    assert invitations.invitation_lookup(first.token).pk == first.invitation.pk
    assert invitations.state_of(invitations.invitation_lookup(first.token)) == "revoked"


def test_manager_revokes_from_the_page(client, ksp, manager, invitee):
    new = make(invitee, manager)
    client.force_login(manager)
    response = client.post(f"/c/{ksp.slug}/undangan/{new.invitation.pk}/cabut/")
    assert response.status_code == 302 and response["Location"] == f"/c/{ksp.slug}/undangan/anggota/{invitee.number}/"
    assert reload(new.invitation).revoked_at is not None
    assert client.get(accept_url(new.token)).status_code == 410


def test_no_invitation_for_a_left_member_or_one_with_a_login(client, ksp, manager, invitee):
    linked = MemberFactory(cooperative=ksp, user=UserFactory())
    client.force_login(manager)
    response = client.post(f"/c/{ksp.slug}/undangan/anggota/{linked.number}/", **EN)
    assert response.status_code == 400 and "already has a login" in response.content.decode()
    from members import savings

    savings.member_leave(actor=manager, member=invitee, reason="resignation", date=timezone.localdate())
    response = client.post(f"/c/{ksp.slug}/undangan/anggota/{invitee.number}/", **EN)
    assert response.status_code == 400 and "has left" in response.content.decode()
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_a_manager_cannot_reach_another_cooperatives_invitations(client, ksp, manager, other_cooperative):
    theirs = make(MemberFactory(cooperative=other_cooperative, number="77777"))
    client.force_login(manager)
    assert client.post(f"/c/{ksp.slug}/undangan/{theirs.invitation.pk}/cabut/").status_code == 404
    assert client.get(f"/c/{ksp.slug}/undangan/anggota/77777/").status_code == 404
    assert reload(theirs.invitation).revoked_at is None


# --- accepting ------------------------------------------------------------------------------------

def test_accept_creates_the_login_and_links_the_member(client, ksp, invitee):
    new = make(invitee)
    page = client.get(accept_url(new.token), **EN)
    html = page.content.decode()
    assert page.status_code == 200 and ksp.name in html and "Welcome, Dewi" in html
    assert "Lestari" not in html  # first name only
    response = client.post(accept_url(new.token), {"phone": "0813-1111-2222", "password1": PASSWORD, "password2": PASSWORD}, **EN)
    assert response.status_code == 302 and response["Location"] == f"/c/{ksp.slug}/saya/"
    user = User.objects.get(phone="+6281311112222")
    assert user.full_name == "Dewi Lestari Putri" and user.check_password(PASSWORD)
    assert reload(invitee).user == user
    invitation = reload(new.invitation)
    assert invitation.accepted_at is not None and invitation.accepted_by == user
    assert {e.action for e in AuditEvent.objects.with_scopes_disabled().all()} >= {"invitation.create", "invitation.accept", "user.create"}
    # logged in: the member's pages open
    assert client.get(f"/c/{ksp.slug}/saya/").status_code == 200
    # the link is used up
    client.logout()
    again = client.get(accept_url(new.token), **EN)
    assert again.status_code == 410 and "already used" in again.content.decode()
    assert client.post(accept_url(new.token), {"phone": "081311112222", "password1": PASSWORD, "password2": PASSWORD}).status_code == 410


def nothing_written(invitee, invitation, users_before):
    assert reload(invitee).user_id is None
    assert reload(invitation).accepted_at is None
    assert User.objects.count() == users_before
    assert not audit("invitation.accept")


@pytest.mark.parametrize("data, field", [
    ({"phone": "0813 9999 0000", "password1": PASSWORD, "password2": PASSWORD}, "phone"),  # not the register's number
    ({"phone": "12345", "password1": PASSWORD, "password2": PASSWORD}, "phone"),
    ({"phone": "081311112222", "password1": "12345678", "password2": "12345678"}, "password1"),  # numeric
    ({"phone": "081311112222", "password1": "pendek", "password2": "pendek"}, "password1"),
    ({"phone": "081311112222", "password1": "password", "password2": "password"}, "password1"),  # common
    ({"phone": "081311112222", "password1": PASSWORD, "password2": PASSWORD + "x"}, "password2"),
    ({"phone": "081311112222", "password1": "", "password2": ""}, "password1"),
])
def test_bad_input_on_accepting_writes_nothing(client, ksp, invitee, data, field):
    new = make(invitee)
    users_before = User.objects.count()
    response = client.post(accept_url(new.token), data, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<ul class="errorlist" id="id_{field}_error">' in html
    nothing_written(invitee, new.invitation, users_before)


def test_member_without_a_phone_in_the_register_chooses_one(client, ksp):
    member = MemberFactory(cooperative=ksp, phone="")
    new = make(member)
    response = client.post(accept_url(new.token), {"phone": "+62 857 1234 5678", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert reload(member).user.phone == "+6285712345678"


def test_existing_user_logs_in_first_then_gets_the_second_membership(client, ksp, other_cooperative, invitee):
    user = UserFactory(phone="+6281311112222")
    MemberFactory(cooperative=other_cooperative, user=user)
    new = make(invitee)
    users_before = User.objects.count()
    response = client.post(accept_url(new.token), {"phone": "081311112222", "password1": PASSWORD, "password2": PASSWORD}, **EN)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="login-first"' in html
    assert f'href="/akun/login/?next=%2Fundangan%2F{new.token}%2F"' in html
    nothing_written(invitee, new.invitation, users_before)
    # logged in, the form asks no password and links the membership to the same login
    client.force_login(user)
    page = client.get(accept_url(new.token), **EN).content.decode()
    assert 'name="password1"' not in page and "0813-1111-2222" in page
    response = client.post(accept_url(new.token), {"phone": "081311112222"}, **EN)
    assert response.status_code == 302 and response["Location"] == f"/c/{ksp.slug}/saya/"
    assert reload(invitee).user == user
    assert User.objects.count() == users_before
    with scopes_disabled():
        assert Member.objects.filter(user=user).count() == 2
    assert client.get(f"/c/{ksp.slug}/saya/").status_code == 200
    assert client.get(f"/c/{other_cooperative.slug}/saya/").status_code == 200


def test_logged_in_with_another_phone_is_refused(client, ksp, invitee):
    new = make(invitee)
    someone = UserFactory(phone="+6281399998888")
    client.force_login(someone)
    response = client.post(accept_url(new.token), {"phone": "081311112222"}, **EN)
    assert response.status_code == 200 and "logged in with another phone number" in response.content.decode()
    assert reload(invitee).user_id is None and reload(new.invitation).accepted_at is None


def test_a_login_already_linked_in_that_cooperative_is_refused(client, ksp, invitee):
    user = UserFactory(phone="+6281311112222")
    MemberFactory(cooperative=ksp, user=user)
    new = make(invitee)
    client.force_login(user)
    response = client.post(accept_url(new.token), {"phone": "081311112222"}, **EN)
    assert response.status_code == 200 and "already linked to another member" in response.content.decode()
    assert reload(invitee).user_id is None and reload(new.invitation).accepted_at is None


def test_email_only_login_gets_the_confirmed_phone(client, ksp, invitee):
    user = User.objects.create_user(email="dewi@example.id", password=PASSWORD, full_name="Dewi")
    new = make(invitee)
    client.force_login(user)
    assert client.post(accept_url(new.token), {"phone": "081311112222"}).status_code == 302
    user.refresh_from_db()
    assert user.phone == "+6281311112222" and reload(invitee).user == user


def test_expired_revoked_and_unknown_links(client, ksp, invitee):
    new = make(invitee)
    with scope(cooperative=ksp):
        Invitation.objects.filter(pk=new.invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    users_before = User.objects.count()
    for method in ("get", "post"):
        response = getattr(client, method)(accept_url(new.token), {"phone": "081311112222", "password1": PASSWORD, "password2": PASSWORD}, **EN)
        assert response.status_code == 410 and "expired" in response.content.decode()
    nothing_written(invitee, new.invitation, users_before)
    revoked = make(invitee)
    invitations.invitation_revoke(actor=None, invitation=revoked.invitation)
    response = client.post(accept_url(revoked.token), {"phone": "081311112222", "password1": PASSWORD, "password2": PASSWORD}, **EN)
    assert response.status_code == 410 and 'id="invitation-revoked"' in response.content.decode()
    nothing_written(invitee, revoked.invitation, users_before)
    for bad in ("x" * 43, "short", "a" * 200, "a.b~c" * 9):
        response = client.get(f"/undangan/{bad}/", **EN)
        assert response.status_code == 404 and 'id="invitation-unknown"' in response.content.decode()


def test_invitation_of_a_member_who_left_meanwhile_is_unusable(client, ksp, invitee):
    from members import savings

    new = make(invitee)
    savings.member_leave(actor=None, member=invitee, reason="resignation", date=timezone.localdate())
    assert client.get(accept_url(new.token)).status_code == 410


def test_two_accepts_at_once_use_the_link_once(ksp, invitee):
    new = make(invitee)
    invitations.invitation_accept(token=new.token, phone="081311112222", password=PASSWORD)
    with pytest.raises(invitations.InvitationUnusable) as err:
        invitations.invitation_accept(token=new.token, phone="081311112222", password=PASSWORD + "2")
    assert err.value.state == "used"


def test_wrong_tokens_are_rate_limited(client, ksp, invitee):
    new = make(invitee)
    for i in range(MISSES_ALLOWED):
        assert client.get(f"/undangan/{'x' * 42}{i:02d}/").status_code == 404
    blocked = client.get(accept_url(new.token), **EN)
    assert blocked.status_code == 429 and blocked["Retry-After"]
    cache.clear()
    assert client.get(accept_url(new.token)).status_code == 200


def test_token_lookup_is_by_hash_only(ksp, invitee):
    new = make(invitee)
    assert invitations.invitation_lookup(new.token).pk == new.invitation.pk
    assert invitations.invitation_lookup(new.invitation.token_hash) is None  # the stored hash is no token
    assert invitations.invitation_lookup(new.token[:-1] + ("A" if new.token[-1] != "A" else "B")) is None

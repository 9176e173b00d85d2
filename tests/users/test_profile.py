"""The person's own profile at /akun/profil/: name, phone, email; links to password and MFA."""

import pytest

from portal.models import AuditEvent
from tests.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
URL = "/akun/profil/"
PASSWORD = "rahasia-123"  # tests.factories.UserFactory's


@pytest.fixture
def person(client):
    user = UserFactory(full_name="Rina Wati", phone="+6281277778888", email="rina@example.id")
    client.force_login(user)
    return user


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/akun/login/")


def test_profile_page_in_the_portal_layout_with_security_links(client, person):
    html = client.get(URL, **EN).content.decode()
    assert 'value="Rina Wati"' in html and 'value="0812-7777-8888"' in html and 'value="rina@example.id"' in html
    assert 'href="/akun/password/change/"' in html and 'href="/akun/2fa/"' in html
    assert 'class="skip-link"' in html and '<main id="main"' in html
    assert 'href="/akun/profil/" aria-current="page"' in html  # the Account item of the navigation


def test_change_the_name_without_password(client, person):
    response = client.post(URL, {"full_name": "  Rina   Wati Sari ", "phone": "0812 7777 8888", "email": "rina@example.id"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Rina Wati Sari" and person.phone == "+6281277778888"
    event = AuditEvent.objects.with_scopes_disabled().get(action="user.update")
    assert event.changes == {"full_name": ["Rina Wati", "Rina Wati Sari"]}


def test_changing_the_phone_needs_the_password_and_is_normalised(client, person):
    data = {"full_name": "Rina Wati", "phone": "62 813 1234 5678", "email": "rina@example.id"}
    response = client.post(URL, data, **EN)
    assert response.status_code == 200 and 'id="id_current_password_error"' in response.content.decode()
    response = client.post(URL, {**data, "current_password": "salah"}, **EN)
    assert "The password is not correct." in response.content.decode()
    person.refresh_from_db()
    assert person.phone == "+6281277778888"
    assert client.post(URL, {**data, "current_password": PASSWORD}).status_code == 302
    person.refresh_from_db()
    assert person.phone == "+6281312345678"


@pytest.mark.parametrize("data, field, message", [
    ({"phone": "0812 1111 2222"}, "phone", "belongs to another login"),
    ({"phone": "12345"}, "phone", "valid Indonesian phone number"),
    ({"email": "other@example.id"}, "email", "already belongs to another login"),
    ({"phone": "", "email": ""}, "phone", "Keep a phone number or an email"),
    ({"full_name": "   "}, "full_name", ""),
])
def test_bad_changes_are_refused_field_by_field(client, person, data, field, message):
    UserFactory(phone="+6281211112222", email="other@example.id")
    before = User.objects.values().get(pk=person.pk)
    form = {"full_name": "Rina Wati", "phone": "081277778888", "email": "rina@example.id", "current_password": PASSWORD, **data}
    response = client.post(URL, form, **EN)
    html = response.content.decode()
    assert response.status_code == 200 and f'id="id_{field}_error"' in html and message in html
    assert User.objects.values().get(pk=person.pk) == before
    assert not AuditEvent.objects.with_scopes_disabled().filter(action="user.update").exists()


def test_email_only_person_may_drop_nothing_but_add_a_phone(client):
    user = User.objects.create_user(email="a@example.id", password=PASSWORD, full_name="A")
    client.force_login(user)
    response = client.post(URL, {"full_name": "A", "phone": "0857 1234 5678", "email": "a@example.id", "current_password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone == "+6285712345678" and user.email == "a@example.id"


def test_mfa_pages_render_in_the_portal_layout(client, person):
    html = client.get("/akun/2fa/", **EN).content.decode()
    assert '<main id="main"' in html and 'class="skip-link"' in html and "Authenticator App" in html

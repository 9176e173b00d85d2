import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from users.phone import display_phone, normalize_phone
from users.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-123"


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("typed", ["081234567890", "0812-3456-7890", "0812 3456 7890", "+6281234567890", "6281234567890", "+62 812 3456 7890"])
def test_phone_spellings_normalise_to_e164(typed):
    assert normalize_phone(typed) == "+6281234567890"


@pytest.mark.parametrize("typed", ["", "0812", "abc", "+14155552671", "0812345678901234567", "08-12"])
def test_malformed_phones_are_refused(typed):
    with pytest.raises(ValidationError):
        normalize_phone(typed)


def test_display_phone():
    assert display_phone("+6281234567890") == "0812-3456-7890"


@pytest.mark.parametrize("typed", ["081234567890", "+6281234567890", "6281234567890"])
def test_login_with_any_phone_spelling(client, typed):
    User.objects.create_user(phone="081234567890", password=PASSWORD, full_name="Siti Aminah")
    response = client.post("/akun/login/", {"login": typed, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get("/saya/").status_code == 200


def test_login_with_email(client):
    User.objects.create_user(email="Bendahara@Koperasi.id", password=PASSWORD, full_name="Bendahara")
    response = client.post("/akun/login/", {"login": "bendahara@koperasi.id", "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_is_an_indonesian_form_error(client):
    User.objects.create_user(phone="081234567890", password=PASSWORD, full_name="Siti")
    response = client.post("/akun/login/", {"login": "081234567890", "password": "salah-salah"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html
    assert "tidak benar" in html or "salah" in html.lower(), html[html.find("errorlist") - 200: html.find("errorlist") + 400]


def test_malformed_phone_is_a_field_error(client):
    response = client.post("/akun/login/", {"login": "08-12", "password": "whatever1"})
    assert response.status_code == 200
    assert "Nomor HP" in response.content.decode()


def test_failed_logins_are_rate_limited(client):
    User.objects.create_user(phone="081234567890", password=PASSWORD, full_name="Siti")
    for _ in range(5):
        client.post("/akun/login/", {"login": "081234567890", "password": "salah-salah"})
    # even the right password is refused now: the limit is per login, not per guess
    response = client.post("/akun/login/", {"login": "081234567890", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert client.get("/saya/").status_code == 302  # still not logged in


def test_user_needs_phone_or_email():
    with pytest.raises(ValueError):
        User.objects.create_user(password=PASSWORD, full_name="Nobody")


def test_logout_and_password_change_pages(client):
    user = User.objects.create_user(phone="081234567890", password=PASSWORD, full_name="Siti")
    client.force_login(user)
    assert client.get("/akun/password/change/").status_code == 200
    response = client.post("/akun/password/change/", {"oldpassword": PASSWORD, "password1": "kata-sandi-baru-9", "password2": "kata-sandi-baru-9"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("kata-sandi-baru-9")
    assert client.post("/akun/logout/").status_code == 302
    assert client.get("/saya/").status_code == 302


def test_password_reset_sends_an_email(client, mailoutbox):
    User.objects.create_user(phone="081234567890", email="siti@example.id", password=PASSWORD, full_name="Siti")
    response = client.post("/akun/password/reset/", {"email": "siti@example.id"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1

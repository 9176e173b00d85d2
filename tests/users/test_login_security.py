"""Login security (issue 7, item 1; users/security.py): MFA required for some roles, idle expiry of
staff sessions, and the password again before sensitive actions."""

import base64
import datetime
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django_scopes import scope
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from allauth.mfa.models import Authenticator
from cooperatives.models import RoleAssignment
from ledger import services as ledger_services
from ledger.models import BookYear
from portal.models import AuditEvent
from tests.factories import CooperativeFactory
from users import security

from .totp import totp

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-123"  # tests/factories.py
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
REQUIRED = ["manager", "city_staff", "city_admin"]
ACTIVATE = "/akun/2fa/totp/activate/"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()  # allauth's rate limits and its record of TOTP codes already used
    yield
    cache.clear()


def age_session(client, *, login=None, activity=None):
    """Move this session's clocks back: `login` seconds since the last login, `activity` since the
    last request."""
    session = client.session
    now = time.time()
    if login is not None:
        session[security.LOGIN_AT] = now - login
    if activity is not None:
        session[security.LAST_ACTIVITY] = now - activity
    session.save()


def password_login(client, user):
    response = client.post("/akun/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:1000]
    return response


def activate_totp(client) -> str:
    """Turn on TOTP through allauth's page the way a person does; returns the secret."""
    page = client.get(ACTIVATE, **EN)
    assert page.status_code == 200, page.status_code
    secret = client.session["mfa.totp.secret"]
    assert secret in page.content.decode()  # shown for typing into the app
    response = client.post(ACTIVATE, {"code": totp(secret)}, **EN)
    assert response.status_code == 302, response.content.decode()[:2000]
    cache.clear()  # the same 30-second code may be used again below
    return secret


def test_the_test_authenticator_app_follows_rfc_6238():
    secret = base64.b32encode(b"12345678901234567890").decode()  # RFC 6238 appendix B, SHA-1
    assert totp(secret, at=59, digits=8) == "94287082"
    assert totp(secret, at=1111111109, digits=8) == "07081804"


# --- MFA required for some roles ---------------------------------------------------------------

def test_settings_keep_mfa_optional_outside_production(settings):
    assert settings.PORTAL_MFA_REQUIRED_ROLES == []  # tests (and dev/demo without the env var)
    assert settings.PORTAL_STAFF_SESSION_IDLE_SECONDS == 30 * 60
    assert settings.ACCOUNT_REAUTHENTICATION_TIMEOUT == 15 * 60


def test_without_the_setting_a_manager_uses_the_portal_without_mfa(client, cooperative, make_user):
    client.force_login(make_user(cooperative, "manager"))
    assert client.get("/saya/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


@override_settings(PORTAL_MFA_REQUIRED_ROLES=REQUIRED)
@pytest.mark.parametrize("role", ["manager", "city_staff", "city_admin"])
def test_a_required_role_without_mfa_is_sent_to_set_it_up(client, cooperative, make_user, role):
    user = make_user(cooperative, role)
    client.force_login(user)
    for path in ["/saya/", "/", f"/c/{cooperative.slug}/", "/kota/", "/akun/profil/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == ACTIVATE, (path, response.status_code)
    # htmx requests are sent there by the browser, not swapped into a fragment
    response = client.get("/saya/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == ACTIVATE
    # what stays open: setting MFA up, logging out, the language switch, static files
    assert client.get("/akun/2fa/", **EN).status_code == 200
    assert client.get(ACTIVATE, **EN).status_code == 200
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/akun/2fa/"})["Location"] == "/akun/2fa/"
    assert not security._exempt_from_mfa_setup("/saya/") and security._exempt_from_mfa_setup("/static/css/portal.css")
    assert client.post("/akun/logout/").status_code == 302
    assert client.get("/saya/").status_code == 302 and "/akun/login/" in client.get("/saya/")["Location"]


@override_settings(PORTAL_MFA_REQUIRED_ROLES=REQUIRED)
def test_the_api_refuses_a_required_role_without_mfa_with_a_clear_403(client, cooperative, make_user):
    user = make_user(cooperative, "manager")
    client.force_login(user)
    response = client.get("/api/v1/me/", **EN)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "mfa_required" and "two-factor" in body["detail"] and ACTIVATE in body["detail"]
    assert client.get(f"/api/v1/c/{cooperative.slug}/", **EN).status_code == 403

    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    response = token_client.get("/api/v1/me/", **EN)
    assert response.status_code == 403 and response.json()["code"] == "mfa_required"
    assert "two-factor" in response.json()["detail"]
    assert token_client.get(f"/api/v1/c/{cooperative.slug}/members/", **EN).status_code == 403


@override_settings(PORTAL_MFA_REQUIRED_ROLES=REQUIRED)
@pytest.mark.parametrize("role", ["member", "bookkeeper", "supervisor", "outsider"])
def test_roles_not_listed_keep_mfa_optional(client, cooperative, make_user, role):
    user = make_user(cooperative, role)
    client.force_login(user)
    assert client.get("/saya/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert token_client.get("/api/v1/me/").status_code == 200


@override_settings(PORTAL_MFA_REQUIRED_ROLES=REQUIRED)
def test_a_manager_sets_up_totp_then_logs_in_with_a_code_or_a_recovery_code(client, cooperative, make_user):
    manager = make_user(cooperative, "manager")
    password_login(client, manager)
    assert client.get("/saya/")["Location"] == ACTIVATE
    secret = activate_totp(client)  # right after the login: no second password prompt
    assert Authenticator.objects.filter(user=manager, type=Authenticator.Type.TOTP).exists()
    # allauth generated recovery codes with the app
    codes_page = client.get("/akun/2fa/recovery-codes/", **EN)
    assert codes_page.status_code == 200
    recovery = Authenticator.objects.get(user=manager, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    assert len(recovery) == 10 and recovery[0] in codes_page.content.decode()
    assert client.get("/saya/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=manager).key}")
    assert token_client.get("/api/v1/me/").status_code == 200

    # the next login asks for the authenticator code after the password
    client.post("/akun/logout/")
    response = password_login(client, manager)
    assert response["Location"].startswith("/akun/2fa/authenticate/")
    assert client.get("/saya/").status_code == 302  # not logged in until the code is given
    assert client.post("/akun/2fa/authenticate/", {"code": "000000" if totp(secret) != "000000" else "111111"}).status_code == 200
    response = client.post("/akun/2fa/authenticate/", {"code": totp(secret)})
    assert response.status_code == 302
    assert client.get("/saya/").status_code == 200

    # a recovery code works once instead of the app
    client.post("/akun/logout/")
    password_login(client, manager)
    assert client.post("/akun/2fa/authenticate/", {"code": recovery[0]}).status_code == 302
    assert client.get("/saya/").status_code == 200
    client.post("/akun/logout/")
    password_login(client, manager)
    assert client.post("/akun/2fa/authenticate/", {"code": recovery[0]}).status_code == 200  # used up
    assert client.get("/saya/").status_code == 302


def test_every_user_may_turn_on_mfa_a_member_too(client, cooperative, make_user):
    member = make_user(cooperative, "member")
    password_login(client, member)
    activate_totp(client)
    assert Authenticator.objects.filter(user=member).count() == 2  # TOTP and recovery codes
    assert "(on)" in client.get("/akun/profil/", **EN).content.decode()


def test_a_manager_with_mfa_is_not_redirected(client, cooperative, make_user, settings):
    manager = make_user(cooperative, "manager")
    password_login(client, manager)
    activate_totp(client)
    settings.PORTAL_MFA_REQUIRED_ROLES = REQUIRED
    assert client.get("/saya/").status_code == 200
    Authenticator.objects.filter(user=manager).delete()  # MFA removed (e.g. by an admin)
    assert client.get("/saya/").status_code == 200  # a passed check is trusted for a minute
    session = client.session
    session[security.MFA_CHECKED_AT] -= 61
    session.save()
    assert client.get("/saya/")["Location"] == ACTIVATE


# --- idle expiry of staff sessions ----------------------------------------------------------------

@pytest.mark.parametrize("role", ["manager", "bookkeeper", "supervisor", "city_staff", "city_admin"])
def test_a_staff_session_ends_after_30_idle_minutes(client, cooperative, make_user, role):
    client.force_login(make_user(cooperative, role))
    assert client.get("/saya/").status_code == 200
    age_session(client, activity=29 * 60)
    assert client.get("/saya/").status_code == 200  # still active; the clock starts again
    assert time.time() - client.session[security.LAST_ACTIVITY] < 5
    age_session(client, activity=31 * 60)
    response = client.get("/saya/?tab=1", **EN)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/akun/login/" and parse_qs(location.query)["next"] == ["/saya/?tab=1"]
    assert "_auth_user_id" not in client.session
    assert client.get("/saya/").status_code == 302  # logged out for good
    html = client.get(response["Location"], **EN).content.decode()
    assert "without activity" in html


def test_a_member_keeps_the_normal_session(client, cooperative, make_user):
    client.force_login(make_user(cooperative, "member"))
    age_session(client, activity=6 * 60 * 60)
    assert client.get("/saya/").status_code == 200


def test_the_idle_time_is_a_setting_and_applies_to_the_api(client, cooperative, make_user, settings):
    settings.PORTAL_STAFF_SESSION_IDLE_SECONDS = 120
    client.force_login(make_user(cooperative, "bookkeeper"))
    age_session(client, activity=100)
    assert client.get("/api/v1/me/").status_code == 200
    age_session(client, activity=130)
    assert client.get("/api/v1/me/").status_code in (401, 403)  # the session was ended
    assert "_auth_user_id" not in client.session


def test_idle_expiry_sends_htmx_to_the_login_page(client, cooperative, make_user):
    client.force_login(make_user(cooperative, "manager"))
    age_session(client, activity=31 * 60)
    response = client.get(f"/c/{cooperative.slug}/anggota/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/akun/login/?next=")


def test_the_activity_clock_is_written_at_most_once_a_minute(client, cooperative, make_user):
    client.force_login(make_user(cooperative, "manager"))
    stamped = client.session[security.LAST_ACTIVITY]
    client.get("/saya/")
    assert client.session[security.LAST_ACTIVITY] == stamped  # no session write for this request
    age_session(client, activity=90)
    client.get("/saya/")
    assert time.time() - client.session[security.LAST_ACTIVITY] < 5


# --- the password again before sensitive actions ------------------------------------------------------

@pytest.fixture
def books(cooperative):
    ledger_services.chart_apply_template(cooperative=cooperative)
    return cooperative


@pytest.fixture
def prepared_year(books, make_user):
    bookkeeper = make_user(books, "bookkeeper")
    day = datetime.date(2025, 6, 1)
    ledger_services.entry_post(actor=bookkeeper, cooperative=books, date=day, description="Pendapatan",
                               lines=[{"account": "1-101", "debit": "300000", "credit": "0"},
                                      {"account": "4-101", "debit": "0", "credit": "300000"}])
    ledger_services.book_year_prepare(actor=bookkeeper, cooperative=books, year=2025)
    return 2025


def is_closed(cooperative, year):
    with scope(cooperative=cooperative):
        return BookYear.objects.get(year=year).is_closed


def reauth_redirect(response):
    """The reauthentication URL a response sends to, and its `next`."""
    assert response.status_code == 302, response.status_code
    location = urlsplit(response["Location"])
    assert location.path == "/akun/reauthenticate/", response["Location"]
    return response["Location"], parse_qs(location.query)["next"][0]


def test_a_fresh_login_closes_the_year_without_a_prompt(client, books, prepared_year, make_user):
    client.force_login(make_user(books, "manager"))
    age_session(client, login=14 * 60)
    response = client.post(reverse("ledger:year_close", kwargs={"slug": books.slug, "year": 2025}))
    assert response["Location"] == reverse("ledger:years", kwargs={"slug": books.slug})
    assert is_closed(books, 2025)


def test_closing_a_year_after_15_minutes_asks_for_the_password_then_closes_it(client, books, prepared_year, make_user):
    client.force_login(make_user(books, "manager"))
    age_session(client, login=16 * 60)
    close_url = reverse("ledger:year_close", kwargs={"slug": books.slug, "year": 2025})
    assert client.get(close_url).status_code == 200  # looking needs no password
    reauth_url, next_url = reauth_redirect(client.post(close_url))
    assert not is_closed(books, 2025)
    assert next_url.startswith(close_url + "?lanjut=")
    # coming back without the password changes nothing
    response = client.get(next_url)
    assert response.status_code == 302 and response["Location"] == close_url and not is_closed(books, 2025)

    reauth_url, next_url = reauth_redirect(client.post(close_url))
    page = client.get(reauth_url, **EN)
    assert page.status_code == 200 and '<main id="main"' in page.content.decode()
    assert client.post(reauth_url, {"password": "wrong-password"}).status_code == 200
    response = client.post(reauth_url, {"password": PASSWORD, "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    assert not is_closed(books, 2025)  # the POST waits for the browser to come back
    done = client.get(next_url)
    assert done.status_code == 302 and done["Location"] == reverse("ledger:years", kwargs={"slug": books.slug})
    assert is_closed(books, 2025)
    # the continuation is used once
    again = client.get(next_url)
    assert again.status_code == 302 and again["Location"] == close_url
    # and the re-authentication counts as recent: the next sensitive POST goes straight through
    reopen_url = reverse("ledger:year_reopen", kwargs={"slug": books.slug, "year": 2025})
    assert client.post(reopen_url, {"reason": "Koreksi audit"})["Location"] == reverse("ledger:years", kwargs={"slug": books.slug})
    assert not is_closed(books, 2025)


def test_reopening_keeps_the_typed_reason_through_the_password_prompt(client, books, prepared_year, make_user):
    manager = make_user(books, "manager")
    ledger_services.book_year_close(actor=manager, cooperative=books, year=2025)
    client.force_login(manager)
    age_session(client, login=20 * 60)
    reopen_url = reverse("ledger:year_reopen", kwargs={"slug": books.slug, "year": 2025})
    reauth_url, next_url = reauth_redirect(client.post(reopen_url, {"reason": "Salah posting Desember"}))
    assert client.post(reauth_url, {"password": PASSWORD, "next": next_url})["Location"] == next_url
    assert client.get(next_url).status_code == 302
    assert not is_closed(books, 2025)
    event = AuditEvent.objects.with_scopes_disabled().filter(action="ledger.year_reopen").latest("id")
    assert event.changes["reason"] == [None, "Salah posting Desember"]


def test_the_continuation_belongs_to_its_session_and_path(client, books, prepared_year, make_user):
    manager = make_user(books, "manager")
    client.force_login(manager)
    age_session(client, login=16 * 60)
    close_url = reverse("ledger:year_close", kwargs={"slug": books.slug, "year": 2025})
    reauth_url, next_url = reauth_redirect(client.post(close_url))
    token = parse_qs(urlsplit(next_url).query)["lanjut"][0]
    client.post(reauth_url, {"password": PASSWORD, "next": next_url})
    # a forged token or another sensitive URL with the real token does nothing
    assert client.get(close_url + "?lanjut=forged")["Location"] == close_url
    reopen = reverse("ledger:year_reopen", kwargs={"slug": books.slug, "year": 2025})
    assert client.get(f"{reopen}?lanjut={token}").status_code == 302
    assert not is_closed(books, 2025)
    # another manager of the same cooperative, in another browser, cannot use it either
    other = APIClient()
    other.force_login(make_user(books, "manager"))
    assert other.get(next_url)["Location"] == close_url and not is_closed(books, 2025)


def test_the_continuation_expires(client, books, prepared_year, make_user):
    client.force_login(make_user(books, "manager"))
    age_session(client, login=16 * 60)
    close_url = reverse("ledger:year_close", kwargs={"slug": books.slug, "year": 2025})
    reauth_url, next_url = reauth_redirect(client.post(close_url))
    client.post(reauth_url, {"password": PASSWORD, "next": next_url})
    session = client.session
    session[security.STASH]["at"] -= security.STASH_MAX_AGE + 1
    session.save()
    assert client.get(next_url)["Location"] == close_url and not is_closed(books, 2025)


@override_settings(MFA_TOTP_TOLERANCE=1)
def test_with_mfa_the_authenticator_code_confirms_instead_of_the_password(client, books, prepared_year, make_user):
    manager = make_user(books, "manager")
    password_login(client, manager)
    secret = activate_totp(client)
    age_session(client, login=16 * 60)
    session = client.session  # the login and activation records of allauth are old as well
    records = session.get("account_authentication_methods", [])
    for record in records:
        record["at"] -= 16 * 60
    session["account_authentication_methods"] = records
    session.save()
    close_url = reverse("ledger:year_close", kwargs={"slug": books.slug, "year": 2025})
    reauth_url, next_url = reauth_redirect(client.post(close_url))
    html = client.get(reauth_url, **EN).content.decode()
    assert "/akun/2fa/reauthenticate/?next=" in html  # offered next to the password
    mfa_url = "/akun/2fa/reauthenticate/?" + urlsplit(reauth_url).query
    response = client.post(mfa_url, {"code": totp(secret, at=time.time() + 30), "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    assert client.get(next_url).status_code == 302 and is_closed(books, 2025)


def test_the_register_export_asks_for_the_password_then_downloads(client, books, make_user):
    client.force_login(make_user(books, "manager"))
    export_url = reverse("members:export", kwargs={"slug": books.slug}) + "?format=csv&status=active"
    assert client.get(export_url).status_code == 200  # a fresh login
    age_session(client, login=16 * 60)
    for fmt in ("csv", "xlsx", "pdf"):
        url = reverse("members:export", kwargs={"slug": books.slug}) + f"?format={fmt}"
        reauth_url, next_url = reauth_redirect(client.get(url))
        assert next_url == url
    reauth_url, next_url = reauth_redirect(client.get(export_url))
    assert client.post(reauth_url, {"password": PASSWORD, "next": next_url})["Location"] == export_url
    download = client.get(export_url)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_giving_and_removing_a_role_ask_for_the_password(client, books, make_user):
    manager = make_user(books, "manager")
    newcomer = make_user(None, "outsider")
    client.force_login(manager)
    age_session(client, login=16 * 60)
    roles_url = reverse("cooperatives:roles", kwargs={"slug": books.slug})
    assert client.get(roles_url).status_code == 200
    form = {"login": newcomer.email, "role": "bookkeeper", "title": "Bendahara"}
    reauth_url, next_url = reauth_redirect(client.post(roles_url, form))
    with scope(cooperative=books):
        assert not RoleAssignment.objects.filter(user=newcomer).exists()
    client.post(reauth_url, {"password": PASSWORD, "next": next_url})
    assert client.get(next_url)["Location"] == roles_url
    with scope(cooperative=books):
        assignment = RoleAssignment.objects.get(user=newcomer)
    assert assignment.role == "bookkeeper" and assignment.title == "Bendahara"

    age_session(client, login=16 * 60)
    session = client.session
    session.pop("account_authentication_methods", None)
    session.save()
    revoke_url = reverse("cooperatives:role_revoke", kwargs={"slug": books.slug, "pk": assignment.pk})
    reauth_url, next_url = reauth_redirect(client.post(revoke_url))
    with scope(cooperative=books):
        assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    client.post(reauth_url, {"password": PASSWORD, "next": next_url})
    assert client.get(next_url)["Location"] == roles_url  # require_POST view, replayed as its POST
    with scope(cooperative=books):
        assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_htmx_posts_are_sent_to_the_password_page_by_the_browser(client, books, prepared_year, make_user):
    client.force_login(make_user(books, "manager"))
    age_session(client, login=16 * 60)
    close_url = reverse("ledger:year_close", kwargs={"slug": books.slug, "year": 2025})
    response = client.post(close_url, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/akun/reauthenticate/?next=")


def test_every_sensitive_page_is_marked():
    from cooperatives import views as coop_views
    from ledger import views as ledger_views
    from meetings import views as meeting_views
    from members import views as member_views

    from city import views as city_views
    from cooperatives import registry

    for view in (ledger_views.year_close, ledger_views.year_reopen, coop_views.role_list, coop_views.role_revoke,
                 meeting_views.officer_hand_over, member_views.member_export, city_views.registry_export,
                 city_views.compliance_export, city_views.ods_export, registry.cooperative_register,
                 registry.manager_invitation, registry.manager_invitation_revoke):
        assert getattr(view, "sensitive_action", False), view.__name__
        assert view.allowed_roles  # the isolation suite still sees the roles


def test_the_api_asks_session_users_to_confirm_and_lets_tokens_through(client, books, prepared_year, make_user):
    manager = make_user(books, "manager")
    url = f"/api/v1/c/{books.slug}/ledger/years/2025/close/"
    client.force_login(manager)
    age_session(client, login=16 * 60)
    response = client.post(url, content_type="application/json", **EN)
    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required" and "/akun/reauthenticate/" in response.json()["detail"]
    assert not is_closed(books, 2025)
    # a token is its own authentication (docs/SECURITY.md, "Logins")
    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=manager).key}")
    assert token_client.post(url, format="json").status_code == 200
    assert is_closed(books, 2025)


def test_the_api_closes_right_after_a_login(client, books, prepared_year, make_user):
    client.force_login(make_user(books, "manager"))
    response = client.post(f"/api/v1/c/{books.slug}/ledger/years/2025/close/", content_type="application/json")
    assert response.status_code == 200 and is_closed(books, 2025)


def test_handing_over_the_manager_role_asks_for_the_password(client, cooperative, make_user):
    from django.utils import timezone

    from meetings import services as meeting_services
    from tests.factories import MemberFactory, UserFactory

    manager = make_user(cooperative, "manager")
    successor = UserFactory()
    member = MemberFactory(cooperative=cooperative, joined_on=datetime.date(2020, 1, 1), user=successor)
    today = timezone.localdate()
    meeting = meeting_services.meeting_schedule(actor=manager, cooperative=cooperative, book_year=today.year - 1,
                                                date=today, venue="Aula Koperasi")
    with scope(cooperative=cooperative):
        elections = meeting.agenda_items.get(kind="elections")
    chair = meeting_services.officer_elect(actor=manager, agenda_item=elections, organ="pengurus", position="Ketua",
                                           name="Baru", member=member)
    meeting_services.meeting_mark_held(actor=manager, meeting=meeting)

    client.force_login(manager)
    age_session(client, login=16 * 60)
    url = reverse("meetings:officer_hand_over", kwargs={"slug": cooperative.slug, "pk": meeting.pk, "officer_pk": chair.pk})
    reauth_url, next_url = reauth_redirect(client.post(url))
    with scope(cooperative=cooperative):
        assert not RoleAssignment.objects.filter(user=successor).exists()
    client.post(reauth_url, {"password": PASSWORD, "next": next_url})
    response = client.get(next_url)
    assert response.status_code == 302 and "/rapat/" in response["Location"]
    with scope(cooperative=cooperative):
        assert RoleAssignment.objects.get(user=successor).role == "manager"


def test_an_unknown_role_in_the_setting_is_a_system_check_error(settings):
    from users.checks import mfa_required_roles_are_known

    settings.PORTAL_MFA_REQUIRED_ROLES = ["manager", "city_admin"]
    assert mfa_required_roles_are_known(None) == []
    settings.PORTAL_MFA_REQUIRED_ROLES = ["manager", "ketua"]
    errors = mfa_required_roles_are_known(None)
    assert [e.id for e in errors] == ["users.E001"] and "ketua" in errors[0].msg


def test_production_requires_mfa_of_managers_and_city_staff_unless_told_otherwise():
    import os
    import subprocess
    import sys

    from tests.portal.test_production_settings import NOT_FOR_PRODUCTION, PRODUCTION_ENV, ROOT

    base = {k: v for k, v in os.environ.items()
            if k not in PRODUCTION_ENV and k not in NOT_FOR_PRODUCTION and k != "PORTAL_MFA_REQUIRED_ROLES"}
    code = "import portal.settings.production as s; print(sorted(s.PORTAL_MFA_REQUIRED_ROLES))"

    def roles(extra):
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base, **PRODUCTION_ENV, **extra},
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert roles({}) == "['city_admin', 'city_staff', 'manager']"
    assert roles({"PORTAL_MFA_REQUIRED_ROLES": ""}) == "[]"
    assert roles({"PORTAL_MFA_REQUIRED_ROLES": "manager,bookkeeper"}) == "['bookkeeper', 'manager']"


def timezone_year():
    from django.utils import timezone

    return timezone.localdate().year


def test_city_downloads_ask_for_the_password_then_download(client, make_user):
    client.force_login(make_user(None, "city_staff"))
    year = str(timezone_year() - 1)
    urls = [f"/kota/ods/unduh/?tahun={year}", f"/kota/koperasi/unduh/xlsx/?tahun={year}",
            f"/kota/koperasi/unduh/csv/?tahun={year}", f"/kota/kepatuhan/rat-terlambat/unduh/csv/?tahun={year}"]
    for url in urls:
        assert client.get(url).status_code == 200, url  # a fresh login
    age_session(client, login=16 * 60)
    for url in urls:
        reauth_url, next_url = reauth_redirect(client.get(url))
        assert next_url == url
    assert client.post(reauth_url, {"password": PASSWORD, "next": next_url})["Location"] == next_url
    download = client.get(next_url)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    # a cooperative role gets its 403 without a password prompt
    client.force_login(make_user(CooperativeFactory(), "manager"))
    age_session(client, login=16 * 60)
    assert client.get(urls[0]).status_code == 403


def test_registering_a_cooperative_with_its_first_manager_asks_for_the_password(client, make_user):
    from cooperatives.models import Cooperative
    from tests.city.test_registry import registration

    client.force_login(make_user(None, "city_admin"))
    age_session(client, login=16 * 60)
    assert client.get("/kota/koperasi/baru/").status_code == 200
    reauth_url, next_url = reauth_redirect(client.post("/kota/koperasi/baru/", registration()))
    assert not Cooperative.objects.filter(name="Koperasi Jasa Nyomplong Maju").exists()
    client.post(reauth_url, {"password": PASSWORD, "next": next_url})
    response = client.get(next_url, **EN)
    assert response.status_code == 200 and "/undangan/" in response.content.decode()  # the invitation, shown once
    cooperative = Cooperative.objects.get(name="Koperasi Jasa Nyomplong Maju")
    # a new invitation for the first manager, and revoking it, ask as well
    age_session(client, login=16 * 60)
    session = client.session
    session.pop("account_authentication_methods", None)
    session.save()
    invitation_url = f"/kota/koperasi/{cooperative.slug}/pengurus-pertama/"
    reauth_redirect(client.post(invitation_url, {"manager_name": "Ujang", "manager_phone": "0857 1234 5679", "manager_email": ""}))


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def test_the_mfa_requirement_costs_no_query_but_once_a_minute(client, cooperative, make_user, settings):
    manager = make_user(cooperative, "manager")
    Authenticator.objects.create(user=manager, type=Authenticator.Type.TOTP, data={"secret": "unused"})
    member = make_user(cooperative, "member")
    for user, url in [(manager, f"/c/{cooperative.slug}/anggota/"), (member, "/saya/"), (member, f"/c/{cooperative.slug}/saya/")]:
        client.force_login(user)
        settings.PORTAL_MFA_REQUIRED_ROLES = []
        _count_queries(client, url)  # warm
        without = _count_queries(client, url)
        settings.PORTAL_MFA_REQUIRED_ROLES = REQUIRED
        # once a minute: the authenticator (and city roles, if the page did not read them) read and
        # the session saved (an UPDATE between a savepoint and its release inside the test's transaction)
        checking = _count_queries(client, url)
        assert checking <= without + 4, (url, without, checking)
        assert _count_queries(client, url) == without  # then trusted for a minute: no extra query

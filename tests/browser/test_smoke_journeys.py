"""Smoke journeys in a real (headless) Chromium at phone size, against the demo seed.

Each journey logs in through the real login form, walks to its key page, checks what a person
would look for, runs axe on every page it visits (no serious or critical violation) and leaves
screenshots in var/test-artifacts/screenshots/.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cooperatives.models import Cooperative
from members.models import Member
from users.phone import normalize_phone

# transaction=True: the live server runs in another thread and must see the seed committed.
from tests.browser.conftest import seed_small_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGIN_PATH = "/akun/login/"
MY_SPACES_HEADING = "Koperasi saya"


@pytest.fixture
def demo_logins(transactional_db, tmp_path):
    """The demo city (332 cooperatives, 3 members each) and one login per role."""
    logins = seed_small_demo(tmp_path)
    for role in ("member", "manager", "bookkeeper", "supervisor", "city_staff", "city_admin"):
        assert {"login", "password"} <= set(logins.get(role, {})), f"seed_demo wrote no usable login for {role}"
    return logins


@pytest.fixture
def visit(page, live_server, check_a11y, screenshot, assert_styled, browser_problems):
    """visit.goto(path, name) / visit.seen(name): every page visited is checked the same way."""

    class Visit:
        def goto(self, path, name):
            response = page.goto(live_server.url + path)
            assert response is not None and response.ok, f"GET {path} → {response and response.status}"
            return self.seen(name)

        def seen(self, name):
            page.wait_for_load_state("load")
            assert_styled(page)
            screenshot(page, name)
            check_a11y(page, name)
            return page

        def login(self, login, password, name="login"):
            self.goto(LOGIN_PATH, name)
            form = page.locator("main form").filter(has=page.locator("input[name=password]"))
            form.locator("input[name=login]").fill(login)
            form.locator("input[name=password]").fill(password)
            form.locator("button[type=submit]").click()
            page.wait_for_load_state("load")

    yield Visit()
    assert not browser_problems, "the browser reported problems:\n" + "\n".join(browser_problems)


def path_of(page):
    return re.sub(r"^https?://[^/]+", "", page.url)


# --- Journeys -----------------------------------------------------------------------------------


def test_member_logs_in_with_phone_and_sees_their_cooperatives(page, visit, demo_logins):
    member = demo_logins["member"]
    assert member["login"].startswith("08"), f"the demo member should log in with a phone number, got {member['login']!r}"

    visit.login(member["login"], member["password"])

    expect(page).to_have_url(re.compile(r"/saya/$"))
    heading = page.locator("main h1")
    expect(heading).to_have_count(1)
    # Indonesian is the default language ("My cooperatives" is the English msgid): an English
    # heading here means the catalogue is not compiled (`make translations`) or not used.
    assert heading.inner_text().strip() == MY_SPACES_HEADING, "the page is not in Indonesian"
    visit.seen("my-cooperatives")

    user = get_user_model().objects.get(phone=normalize_phone(member["login"]))
    with scopes_disabled():
        names = sorted(Member.objects.filter(user=user).values_list("cooperative__name", flat=True))
    assert len(names) >= 2, f"the demo member should belong to two cooperatives, belongs to {names}"
    listed = page.locator("main .card-title").all_inner_texts()
    for name in names:
        assert name in [text.strip() for text in listed], f"{name!r} not listed on /saya/ (listed: {listed})"


def test_manager_opens_member_list_from_bottom_navigation(page, visit, demo_logins):
    manager = demo_logins["manager"]
    visit.login(manager["login"], manager["password"])
    # The manager works in one cooperative only: the portal takes them straight to it.
    expect(page).to_have_url(re.compile(r"/c/[\w-]+/$"))
    slug = path_of(page).split("/")[2]
    visit.seen("cooperative-overview")
    with scopes_disabled():
        cooperative = Cooperative.objects.get(slug=slug)
        register = set(Member.objects.filter(cooperative=cooperative).values_list("full_name", flat=True))
    if manager.get("cooperative"):  # the logins file names it by slug (or name)
        assert manager["cooperative"] in (cooperative.slug, cooperative.name)

    members_link = page.locator(f"nav.bottom-nav a[href='/c/{slug}/anggota/']")
    expect(members_link).to_be_visible()
    members_link.click()
    expect(page).to_have_url(re.compile(rf"/c/{re.escape(slug)}/anggota/$"))
    expect(members_link).to_have_attribute("aria-current", "page")
    visit.seen("member-list")

    rows = page.locator("#member-results tbody tr")
    assert rows.count() >= 1, "the member list shows no member rows"
    shown = {text.strip() for text in rows.locator("td a").all_inner_texts()}
    assert shown and shown <= register, f"names outside {cooperative.name}'s register: {shown - register}"


def test_city_staff_see_city_counts(page, visit, demo_logins):
    staff = demo_logins["city_staff"]
    visit.login(staff["login"], staff["password"])
    expect(page).to_have_url(re.compile(r"/kota/$"))
    visit.seen("city-home")
    # the dashboard of the last closed book year (issue 6): every indicator carries data-indicator
    expect(page.locator('[data-indicator="registered"] .stat-value')).to_have_text("332")
    expect(page.locator('[data-indicator="active"] .stat-value')).to_have_text("200")
    expect(page.locator('[data-indicator="rat_held"] .stat-value')).to_have_text("70")


# --- Login errors -------------------------------------------------------------------------------


def test_wrong_password_shows_form_error_and_stays_on_login(page, visit, demo_logins):
    visit.login(demo_logins["member"]["login"], "bukan-kata-sandinya")
    expect(page).to_have_url(re.compile(rf"{LOGIN_PATH}$"))
    error = page.locator("main form .errorlist")
    expect(error.first).to_be_visible()
    expect(page.locator("main form input[name=password]")).to_be_visible()
    visit.seen("wrong-password")


def test_malformed_phone_shows_field_error(page, visit):
    visit.login("0812-34", "apa-saja-123")
    expect(page).to_have_url(re.compile(rf"{LOGIN_PATH}$"))
    login_input = page.locator("main form input[name=login]")
    expect(login_input).to_have_attribute("aria-invalid", "true")
    # The error is tied to the field (aria-describedby), not only shown at the top of the form.
    described_by = (login_input.get_attribute("aria-describedby") or "").split()
    field_errors = [page.locator(f"[id='{i}']") for i in described_by]
    field_errors = [e for e in field_errors if e.count() and "errorlist" in (e.get_attribute("class") or "")]
    assert field_errors, f"no error list linked to the login field (aria-describedby={described_by})"
    expect(field_errors[0]).to_be_visible()
    assert field_errors[0].inner_text().strip()
    visit.seen("malformed-phone")

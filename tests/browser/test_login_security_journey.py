"""Login security in a real Chromium at phone size (issue 7, item 1): with MFA required of managers,
a manager logs in, is sent to set up the authenticator app, activates it with a code, then closes a
book year after the 15 minutes have passed — confirming with the password on allauth's page in the
portal's layout. Every page passes axe and the browser reports no CSP violation."""

import datetime
import re
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django_scopes import scope
from playwright.sync_api import expect

from ledger import services as ledger_services
from ledger.models import BookYear
from tests.factories import CooperativeFactory, RoleAssignmentFactory, UserFactory, ensure_regions
from tests.users.totp import totp
from users import security

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "rahasia-123"  # tests/factories.py


def _age_login(context, seconds):
    """Move the browser session's last login `seconds` back (the server keeps the session)."""
    key = next(c["value"] for c in context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=key)
    session[security.LOGIN_AT] = time.time() - seconds
    records = session.get("account_authentication_methods", [])
    for record in records:
        record["at"] -= seconds
    session["account_authentication_methods"] = records
    session.save()


def test_manager_sets_up_mfa_then_confirms_the_password_to_close_a_year(
        page, live_server, settings, check_a11y, screenshot, assert_styled, browser_problems):
    settings.PORTAL_MFA_REQUIRED_ROLES = ["manager", "city_staff", "city_admin"]
    ensure_regions()
    cooperative = CooperativeFactory()
    ledger_services.chart_apply_template(cooperative=cooperative)
    manager = UserFactory(full_name="Ibu Ketua")
    RoleAssignmentFactory(cooperative=cooperative, user=manager, role="manager")
    bookkeeper = UserFactory()
    RoleAssignmentFactory(cooperative=cooperative, user=bookkeeper, role="bookkeeper")
    ledger_services.entry_post(actor=bookkeeper, cooperative=cooperative, date=datetime.date(2025, 6, 1), description="Jasa",
                               lines=[{"account": "1-101", "debit": "250000", "credit": "0"},
                                      {"account": "4-101", "debit": "0", "credit": "250000"}])
    ledger_services.book_year_prepare(actor=bookkeeper, cooperative=cooperative, year=2025)

    def seen(name):
        page.wait_for_load_state("load")
        assert_styled(page)
        screenshot(page, name)
        check_a11y(page, name)

    page.goto(live_server.url + "/akun/login/")
    page.locator("input[name=login]").fill(manager.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    # sent to set up the authenticator app before anything else
    expect(page).to_have_url(re.compile(r"/akun/2fa/totp/activate/$"))
    seen("mfa-activate")
    page.goto(live_server.url + f"/c/{cooperative.slug}/buku/tahun/")
    expect(page).to_have_url(re.compile(r"/akun/2fa/totp/activate/$"))
    secret = page.locator("#authenticator_secret").input_value()  # a new secret on every visit
    page.locator("input[name=code]").fill(totp(secret))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/akun/2fa/recovery-codes/$"))
    seen("mfa-recovery-codes")
    page.goto(live_server.url + f"/c/{cooperative.slug}/buku/tahun/")
    expect(page).to_have_url(re.compile(rf"/c/{cooperative.slug}/buku/tahun/$"))

    # 16 minutes later: closing the year asks for the password, then closes it
    _age_login(page.context, 16 * 60)
    close = f"/c/{cooperative.slug}/buku/tahun/2025/tutup/"
    page.goto(live_server.url + close)
    seen("year-close")
    page.locator("main form").filter(has=page.locator("button[type=submit]")).last.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/akun/reauthenticate/\?next="))
    seen("reauthenticate")
    with scope(cooperative=cooperative):
        assert not BookYear.objects.get(year=2025).is_closed
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(rf"/c/{cooperative.slug}/buku/tahun/$"))
    seen("year-closed")
    with scope(cooperative=cooperative):
        assert BookYear.objects.get(year=2025).is_closed
    assert not browser_problems, "the browser reported problems:\n" + "\n".join(browser_problems)

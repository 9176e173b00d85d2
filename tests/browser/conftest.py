"""Browser tests: Debian's Chromium driven by pytest-playwright against pytest-django's live_server.

- Chromium is /usr/bin/chromium (`apt-get install -y chromium`); Playwright's own browser download
  is never used. Without it the browser tests are skipped locally, and fail under CI=true.
- Every test here carries the `browser` marker: `pytest -m "not browser"` leaves them out.
- Phone-sized context (390×844, touch), as members use the portal.
- Helpers: `check_a11y(page, name)` runs axe and fails on serious/critical violations;
  `screenshot(page, name)` saves under var/test-artifacts/screenshots/.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# The --disable-*-networking family keeps Chromium from trying to reach the internet.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SCREENSHOT_DIR = REPO / "var" / "test-artifacts" / "screenshots"
BLOCKING_IMPACTS = {"serious", "critical"}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real Chromium through Playwright (slower; needs /usr/bin/chromium)")
    # pytest-playwright 0.10's fallback base_url fixture is an instance method; pytest 9.2 warns. Not ours.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Mark this directory's tests `browser` and run them last.

    Last, after pytest-django's own ordering: they are the slowest, and as transactional tests they
    end by flushing every table, data loaded by migrations (kecamatan, kelurahan) included. They
    put that data back themselves; a test running after them would not find it.
    This hook sees every collected item, not only this directory's.
    """
    ours = [item for item in items if HERE in Path(str(item.path)).resolve().parents]
    for item in ours:
        item.add_marker(pytest.mark.browser)
    ours_ids = {id(item) for item in ours}
    items[:] = [item for item in items if id(item) not in ours_ids] + ours


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Runs before any fixture, so a missing browser is reported before Playwright tries to launch it.
    if os.access(CHROMIUM, os.X_OK):
        return
    reason = f"{CHROMIUM} is missing: install Debian's Chromium with `apt-get install -y chromium`"
    if in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run, not be skipped)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    """DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests only.

    Playwright's sync API keeps an event loop running in the test thread from the first browser
    test to the end of the session; the ORM (seeding, flushing, assertions) runs in that thread
    too, which Django refuses unless told it is safe. Not set at import: every subprocess would
    inherit it (`manage.py check --deploy` warns about it), and only tests here need it. Session-
    scoped and autouse, so it is set before the `playwright` fixture starts and outlives it; the
    browser tests run last (above), so no other test runs with it set.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
        "locale": "id-ID",
        "timezone_id": "Asia/Jakarta",
    }


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth's login rate limits live in the (process-wide) cache; start every journey clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page(page):
    page.set_default_timeout(15_000)
    page.set_default_navigation_timeout(30_000)
    return page


@pytest.fixture
def browser_problems(page):
    """Console errors (CSP violations included) and failed same-origin requests seen by the page."""
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} ({r.failure})"))
    return problems


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _describe(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v.get('impact')}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
        for node in v.get("nodes", [])[:10]:
            lines.append(f"    target: {node.get('target')}")
            lines.append(f"    html:   {node.get('html', '')[:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n            ")
            if summary:
                lines.append(f"    why:    {summary}")
    return "\n".join(lines)


def _leaving_no_style_attributes(page, action):
    """Run `action` (a screenshot, an axe run), then remove the empty style="" attributes it left.

    Both leave empty style attributes on elements they touched. When htmx later swaps such an
    element (a live panel polling, a table row saved inline), its settling copies the old
    element's attributes onto the new one, and Chromium reports that style attribute as an
    inline-style CSP violation: the test tools', not the page's. Attributes the page had before
    are kept."""
    page.evaluate("() => { window.__styledBefore = new WeakSet(document.querySelectorAll('[style]')); }")
    result = action()
    page.evaluate(
        """() => document.querySelectorAll('[style=""]').forEach(
               e => { if (!window.__styledBefore.has(e)) e.removeAttribute('style'); })"""
    )
    return result


@pytest.fixture
def check_a11y(axe, request):
    """check_a11y(page, "member-home"): no axe violation of impact serious or critical on the page."""

    def check(page, name: str):
        page.wait_for_load_state("load")
        results = _leaving_no_style_attributes(page, lambda: axe.run(page))
        violations = results.response.get("violations", [])
        blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
        # Minor and moderate findings do not fail the test but show in its output (-s, or on failure).
        print(f"axe {name}: " + (", ".join(f"{v['id']} ({v.get('impact')})" for v in violations) or "no violation"))
        if blocking:
            print(f"\naxe report for {name} ({page.url}):\n{results.generate_report()}")
            pytest.fail(
                f"{len(blocking)} serious/critical accessibility violation(s) on {name} ({page.url}):\n"
                + _describe(blocking),
                pytrace=False,
            )
        return results

    return check


@pytest.fixture
def screenshot(request):
    """screenshot(page, "login") → var/test-artifacts/screenshots/<test>--<n>-login.png (full page)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^\w.-]+", "_", request.node.name)
    counter = iter(range(1, 100))

    def take(page, name: str) -> Path:
        path = SCREENSHOT_DIR / f"{test_name}--{next(counter):02d}-{name}.png"
        _leaving_no_style_attributes(page, lambda: page.screenshot(path=str(path), full_page=True))
        return path

    return take


@pytest.fixture
def assert_styled():
    """The portal's stylesheet really loaded (contrast checks are meaningless without it)."""

    def check(page):
        loaded = page.evaluate(
            """() => [...document.styleSheets].some(s => {
                   try { return (s.href || '').endsWith('/portal.css') && s.cssRules.length > 0; }
                   catch (e) { return false; } })"""
        )
        assert loaded, f"static/css/portal.css did not load on {page.url}"

    return check


def seed_small_demo(tmp_path) -> dict:
    """The demo city (332 cooperatives, 3 members each, with books) committed for the live
    server, and the demo logins seed_demo wrote (role → {"login", "password", …})."""
    import json

    from django.core.management import call_command

    from tests.factories import ensure_regions

    ensure_regions()  # a transactional test before this one emptied the regions
    logins_file = tmp_path / "logins.json"
    call_command("seed_demo", "--members-per-cooperative", "3", "--logins-file", str(logins_file))
    return json.loads(logins_file.read_text())


def fill_login(page, login, password):
    """Send the login page's form (the page must be open)."""
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(login)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")


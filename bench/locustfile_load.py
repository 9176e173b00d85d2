"""The simulated people of bench/load.py (run by it; not on its own).

bench/load.py passes, through the environment, the logins it made (LOAD_CREDENTIALS), the length
of the measured window (LOAD_DURATION), how many users to wait for (LOAD_USERS) and where to write
the figures (LOAD_RESULTS). Every user first logs in through the real login form; when the last
one has, the statistics are reset and the window starts; it ends after LOAD_DURATION seconds,
when the figures are written and locust stops. Logins are thus never among the measured pages.

A request counts as failed unless it answers exactly as a person would expect: 200 with the right
kind of content (no redirect to the login page), a posted entry redirecting to its page.
"""

import itertools
import json
import os
import re
import time
from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import gevent
from gevent.event import Event
from locust import FastHttpUser, between, constant, task

CREDENTIALS = json.loads(open(os.environ["LOAD_CREDENTIALS"]).read())
DURATION = float(os.environ["LOAD_DURATION"])
USERS = int(os.environ["LOAD_USERS"])
RESULTS = os.environ["LOAD_RESULTS"]
JAKARTA = ZoneInfo("Asia/Jakarta")

_next = {kind: itertools.count() for kind in CREDENTIALS}
_state = {"arrived": 0, "login_failures": 0, "login_started": None, "start": None}
_ready = Event()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _row(entry, window):
    return {
        "method": entry.method, "requests": entry.num_requests, "failures": entry.num_failures,
        "rps": entry.num_requests / window if window else 0.0,
        "p50": entry.get_response_time_percentile(0.5) or 0, "p95": entry.get_response_time_percentile(0.95) or 0,
        "mean": entry.avg_response_time, "max": entry.max_response_time,
    }


def _finish(environment):
    window = time.time() - _state["start"]
    stats = environment.runner.stats
    results = {
        "window_seconds": window,
        "login_seconds": _state["start"] - _state["login_started"],
        "login_failures": _state["login_failures"],
        "users": USERS,
        "pages": {name: _row(entry, window) for (name, _method), entry in stats.entries.items()},
        "total": _row(stats.total, window),
        "errors": [{"method": e.method, "name": e.name, "error": str(e.error), "occurrences": e.occurrences}
                   for e in stats.errors.values()],
    }
    with open(RESULTS, "w") as out:
        json.dump(results, out, indent=1)
    environment.runner.quit()


def _arrive(environment, logged_in):
    _state["arrived"] += 1
    _state["login_failures"] += 0 if logged_in else 1
    if _state["arrived"] == USERS:  # everyone is in: measure from now on
        environment.runner.stats.reset_all()
        _state["start"] = time.time()
        _ready.set()
        gevent.spawn_later(DURATION, _finish, environment)


class FormFields(HTMLParser):
    """The fields a browser would send with the first <form method="post"> of a page: inputs
    (not buttons, not unchecked boxes), selects (their selected option) and textareas."""

    def __init__(self):
        super().__init__()
        self.fields, self._in_form, self._done, self._select, self._textarea = {}, False, False, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._done:
            return
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form = True
        elif not self._in_form or not a.get("name"):
            return
        elif tag == "input" and a.get("type", "text") not in ("submit", "button", "image", "reset", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a["name"]
            self.fields.setdefault(self._select, "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[self._textarea] = ""
        if tag == "option" and self._select:
            if "selected" in a or not self.fields[self._select]:
                self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


class PortalUser(FastHttpUser):
    abstract = True
    kind = "member"

    def on_start(self):
        if _state["login_started"] is None:
            _state["login_started"] = time.time()
        pool = CREDENTIALS[self.kind]
        self.credentials = pool[next(_next[self.kind]) % len(pool)]
        _arrive(self.environment, self._login())
        _ready.wait()

    def _login(self) -> bool:
        page = self.client.get("/akun/login/", name="login page (not measured)")
        token = CSRF.search(page.text or "")
        if page.status_code != 200 or token is None:
            return False
        response = self.client.post("/akun/login/", name="login (not measured)", allow_redirects=False, data={
            "csrfmiddlewaretoken": token[1], "login": self.credentials["login"], "password": self.credentials["password"]})
        return response.status_code == 302

    def page(self, url, name, content_type="text/html"):
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code} {response.headers.get('Location', '')}")
            elif content_type not in (response.headers.get("Content-Type") or ""):
                response.failure(f"content type {response.headers.get('Content-Type')}")
            return response


class Member(PortalUser):
    """A member on their phone: mostly the home, then the passbook, now and then the statement
    page and the month's statement PDF."""

    kind = "member"
    fixed_count = len(CREDENTIALS["member"])
    wait_time = between(1, 5)

    @task(6)
    def home(self):
        self.page(f"/c/{self.credentials['slug']}/saya/", "member home")

    @task(3)
    def passbook(self):
        self.page(f"/c/{self.credentials['slug']}/saya/mutasi/", "member passbook")

    @task(1)
    def statement_page(self):
        self.page(f"/c/{self.credentials['slug']}/saya/laporan/", "member statement page")

    @task(1)
    def statement_pdf(self):
        today = datetime.now(JAKARTA).date()
        self.page(f"/c/{self.credentials['slug']}/saya/laporan/?year={today.year}&month={today.month}", "member statement PDF",
                  content_type="application/pdf")


class Bookkeeper(PortalUser):
    """A bookkeeper posting journal entries through the entry form (a cost paid in cash), and
    looking at the journal now and then."""

    kind = "bookkeeper"
    fixed_count = len(CREDENTIALS["bookkeeper"])
    wait_time = between(3, 8)
    posted = itertools.count(1)

    @task(3)
    def post_entry(self):
        slug = self.credentials["slug"]
        with self.client.get(f"/c/{slug}/buku/jurnal/baru/", name="entry form", allow_redirects=False, catch_response=True) as form:
            if form.status_code != 200:
                form.failure(f"status {form.status_code} {form.headers.get('Location', '')}")
                return
            parser = FormFields()
            parser.feed(form.text)
            fields = parser.fields
            prefix = next((name[: -len("-TOTAL_FORMS")] for name in fields if name.endswith("-TOTAL_FORMS")), None)
            if prefix is None or "csrfmiddlewaretoken" not in fields:
                form.failure("no entry form on the page")
                return
        amount = str(1000 * (1 + next(self.posted) % 50))
        fields.update({
            "journal_type": "JU", "description": "Biaya operasional (load benchmark)", "reference": "",
            f"{prefix}-0-account": self.credentials["debit"], f"{prefix}-0-debit": amount, f"{prefix}-0-credit": "",
            f"{prefix}-1-account": self.credentials["credit"], f"{prefix}-1-debit": "", f"{prefix}-1-credit": amount,
            "action": "post",
        })
        with self.client.post(f"/c/{slug}/buku/jurnal/baru/", data=fields, name="entry post", allow_redirects=False,
                              catch_response=True) as response:
            location = response.headers.get("Location") or ""
            if response.status_code != 302 or not re.search(r"/buku/jurnal/[A-Z]{2}-\d{4}-\d{6}/$", location):
                response.failure(f"status {response.status_code} to {location!r}, not a posted entry")
                return
        self.page(location, "entry page")

    @task(1)
    def journal(self):
        self.page(f"/c/{self.credentials['slug']}/buku/jurnal/", "journal list")


class CityStaff(PortalUser):
    """City staff on the dashboard."""

    kind = "city_staff"
    fixed_count = len(CREDENTIALS["city_staff"])
    wait_time = between(3, 8)

    @task
    def dashboard(self):
        self.page("/kota/", "city dashboard")


class MemberHomeThroughput(PortalUser):
    """Throughput phase: members asking for their home without pause."""

    kind = "member"
    wait_time = constant(0)

    @task
    def home(self):
        self.page(f"/c/{self.credentials['slug']}/saya/", "member home")


class BareViewThroughput(PortalUser):
    """Throughput phase: the same logged-in members asking for the bare Django view without pause."""

    kind = "member"
    wait_time = constant(0)

    @task
    def bare(self):
        self.page("/bench/bare/", "bare view", content_type="text/plain")

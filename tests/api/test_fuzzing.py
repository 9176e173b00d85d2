"""schemathesis over the whole OpenAPI schema (/api/schema/), in-process (issue 7, item 3).

One pytest test with a subtest per API operation. For every generated request (valid and
invalid bodies, queries, headers and path parameters, and methods the path does not serve):

1. as generated (an unknown slug, garbage ids), as cooperative A's manager;
2. with A's real slug and objects in the path, as A's manager, bookkeeper, member and as city
   staff — the fuzzed bodies and queries then reach the real services;
3. the same paths as cooperative B's manager → 401/403/404, never anything of A's;
4. A's slug with B's object ids (meeting, document) as A's manager → never a 2xx;
5. under /api/v1/me/, a path naming A's member's own object (a deletion request) as that member,
   and as B's manager → never a 2xx.

Every response: no 5xx, a status the schema documents, its content type and its body schema.
No response to B's manager or to city staff names one of A's members (name, NIK, phone), on
any endpoint (the city's and public ones included). Each call runs in a savepoint that is
rolled back, so the calls do not change one another's world.

Three phases: the schema's examples, schemathesis' coverage cases (every boundary and invalid
value of every parameter, deterministic, about 1,300 here) and FUZZ_MAX_EXAMPLES (default 5)
random cases per operation. The coverage cases run steps 2 and 3 as A's manager only, unless
FUZZ_ALL_ROLES=1. Without FUZZ_SEED the run is deterministic (the same cases in every CI run);
`make fuzz` runs more examples, every role and a random seed (docs/TESTING.md).
"""

import datetime
import os
import re
import traceback
from contextlib import contextmanager

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from django_scopes import scope
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from ledger import services as ledger
from meetings import documents
from meetings.models import Meeting
from members.deletion import deletion_request_create
from tests.factories import CityRoleFactory, CooperativeFactory, MeetingFactory, MemberFactory, RoleAssignmentFactory, UserFactory
from tests.meetings import shu_samples
from tests.meetings.test_api import pdf_bytes

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "5"))
SEED = os.environ.get("FUZZ_SEED")
ALL_ROLES = bool(os.environ.get("FUZZ_ALL_ROLES"))
ROLES = ("manager", "bookkeeper", "member", "city_staff")
# Not negative_data_rejection: DRF reads a number sent for a text field as its text ("address": 0
# → "0") and an empty optional query parameter as absent; both harmless, and neither a schema's.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
TENANT_PATH = "/api/v1/c/{slug}/"
# Path parameters that are database ids, unique across cooperatives: another cooperative's value
# under A's slug must never answer 2xx.
GLOBAL_IDS = ("id", "doc_id")


# --- the world: cooperatives A and B with books, an SHU draft, meetings and a document ----------

class Cooperative:
    """One cooperative's objects and its users' tokens."""

    def __init__(self, label):
        self.cooperative = CooperativeFactory(name=f"Koperasi Fuzz {label}", slug=f"koperasi-fuzz-{label.lower()}")
        self.member_user = UserFactory(full_name=f"Anggota Fuzz {label}")
        # book year 2024 closed with an SHU draft; member a is linked to member_user
        shu_samples.prepared(self.cooperative, user=self.member_user)
        self.member = self._member(user=self.member_user)
        self.members = [MemberFactory(cooperative=self.cooperative, full_name=f"Warga Fuzz {label} {n}") for n in range(2)]
        today = timezone.localdate()
        self.entry = ledger.entry_post(
            actor=None, cooperative=self.cooperative, date=today - datetime.timedelta(days=1), description="Setoran modal",
            lines=[{"account": "1-101", "debit": "150000", "credit": "0"}, {"account": "3-103", "debit": "0", "credit": "150000"}])
        # a RAT of last book year in each state the meeting endpoints act on
        # (one RAT per book year: the RAT is the one to report, the others are special meetings)
        self.meetings = {}
        for status, day, kind in (("draft", today + datetime.timedelta(days=30), "ra_khusus"),
                                  ("invited", today - datetime.timedelta(days=1), "ra_khusus"),
                                  ("held", today - datetime.timedelta(days=2), "ra_khusus"),
                                  ("minutes_published", today - datetime.timedelta(days=2), "rat")):
            self.meetings[status] = MeetingFactory(
                cooperative=self.cooperative, kind=kind, book_year=today.year - 1, status=status, date=day,
                held_on=None if status in ("draft", "invited") else day, chair_name="Ketua", secretary_name="Sekretaris")
        with scope(cooperative=self.cooperative):
            meeting = Meeting.objects.get(pk=self.meetings["held"].pk)
        self.document = documents.document_upload(actor=None, meeting=meeting, kind="accountability", file=pdf_bytes(),
                                                  original_name="lpj.pdf")
        self.users = {"member": self.member_user}
        for role in ("manager", "bookkeeper"):
            self.users[role] = RoleAssignmentFactory(cooperative=self.cooperative, role=role,
                                                     user=UserFactory(full_name=f"{role.title()} Fuzz {label}")).user
        self.tokens = {role: Token.objects.create(user=user).key for role, user in self.users.items()}
        # the member's own objects under /api/v1/me/: a pending request to delete their data
        self.deletion_request = deletion_request_create(actor=self.member_user, member=self.member, reason="Fuzz")

    def _member(self, user):
        from members.models import Member

        with scope(cooperative=self.cooperative):
            return Member.objects.get(user=user)

    def secrets(self):
        """What nobody outside this cooperative may read: its members' names, NIKs and phones."""
        values = set()
        for member in [self.member, *self.members]:
            values |= {member.full_name, member.nik_ktp, member.phone}
        return {v for v in values if v}

    def own_path_parameters(self, path, generated):
        """`generated` with the objects of this cooperative's member under /api/v1/me/."""
        params = dict(generated)
        if "id" in params and "/deletion-requests/" in path:
            params["id"] = self.deletion_request.pk
        return params

    def path_parameters(self, path, generated):
        """`generated` with this cooperative's real objects put in where the path names them."""
        params = dict(generated)
        params["slug"] = self.cooperative.slug
        if "number" in params:
            params["number"] = self.entry.number if "/ledger/entries/" in path else self.member.number
        if "id" in params:
            status = {"/invite/": "draft", "/held/": "invited", "/report/": "minutes_published"}
            params["id"] = next((self.meetings[s].pk for part, s in status.items() if path.endswith(part)), self.meetings["held"].pk)
        if "doc_id" in params:
            params["id"], params["doc_id"] = self.document.meeting_id, self.document.pk
        if "year" in params:
            params["year"] = shu_samples.YEAR
        return params


class World:
    def __init__(self):
        self.a = Cooperative("A")
        self.b = Cooperative("B")
        self.city_staff = CityRoleFactory(user=UserFactory(full_name="Staf Dinas Fuzz"), role="city_staff").user
        self.a.tokens["city_staff"] = Token.objects.create(user=self.city_staff).key


# --- in-process calls --------------------------------------------------------------------------

@contextmanager
def in_process():
    """Django's WSGI handler in this thread, on the test's database connection: like Django's
    test client, keep the request signals from closing the connection (it is inside the test's
    transaction), and remember any exception a view raised so a 500 shows its traceback."""
    errors = []

    def record(sender, request=None, **kwargs):
        errors.append(traceback.format_exc())

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(record)
    try:
        yield errors
    finally:
        got_request_exception.disconnect(record)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end (each test's
    own transaction, and each call's savepoint, nest inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield World()
        transaction.set_rollback(True)


@pytest.fixture
def server_errors(world, db):
    with in_process() as errors:
        yield errors


def load_schema():
    """The schema exactly as /api/schema/ serves it, fetched in-process (no database needed)."""
    with in_process() as errors:
        loaded = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
    assert errors == [], errors
    if SEED:
        loaded.config.seed = int(SEED)
    return loaded


schema = load_schema()


def call(case, token, server_errors, path_parameters=None):
    """One request in a savepoint that is rolled back; a 5xx fails with the view's traceback."""
    if path_parameters is not None:
        case.path_parameters = path_parameters
    del server_errors[:]
    with transaction.atomic():
        response = case.call(headers={"Authorization": f"Token {token}"})
        transaction.set_rollback(True)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} → {response.status_code}\n{case.as_curl_command()}\n" + "".join(server_errors))
    case.validate_response(response, checks=CHECKS)
    return response


def leaks(response, secrets):
    text = (response.content or b"").decode("utf-8", "replace")  # binary bodies (PDFs) too
    return sorted(s for s in secrets if re.search(re.escape(s), text))


hypothesis_settings = {
    "max_examples": MAX_EXAMPLES, "deadline": None, "database": None, "derandomize": SEED is None, "print_blob": True,
    "suppress_health_check": list(HealthCheck),
}


def every_role(case):
    """The whole role matrix for examples and fuzzed cases; the coverage phase's many boundary
    cases run as A's manager (who reaches the deepest) unless FUZZ_ALL_ROLES is set."""
    return ALL_ROLES or case.meta is None or case.meta.phase.name != TestPhase.COVERAGE


@schema.parametrize()
@settings(**hypothesis_settings)
def test_api_fuzz(case, world, server_errors):
    a, b = world.a, world.b
    path = case.operation.path
    generated = dict(case.path_parameters or {})
    roles = ROLES if every_role(case) else ("manager",)
    call(case, a.tokens["manager"], server_errors)  # as generated: unknown slugs, garbage ids

    if not path.startswith(TENANT_PATH):  # /api/v1/me/…, the city's and public endpoints
        for role in roles:
            response = call(case, a.tokens[role], server_errors)
            if role == "city_staff":
                assert not leaks(response, a.secrets()), f"{case.method} {path} shows A's members to city staff"
        response = call(case, b.tokens["manager"], server_errors)
        assert not leaks(response, a.secrets()), f"{case.method} {path} shows A's members to B's manager"
        # a path naming one of A's member's own objects: reached by that member, never by B's manager
        own = a.own_path_parameters(path, generated)
        if own != generated:
            call(case, a.tokens["member"], server_errors, own)
            response = call(case, b.tokens["manager"], server_errors, own)
            if case.method.upper() == case.operation.method.upper():
                assert not 200 <= response.status_code < 300, (
                    f"B's manager got {response.status_code} from {case.method} {case.formatted_path} (A's member's object)")
        return

    real = a.path_parameters(path, generated)
    for role in roles:
        response = call(case, a.tokens[role], server_errors, real)
        if role == "city_staff":
            assert response.status_code == 404, f"city staff reached {case.method} {case.formatted_path}: {response.status_code}"
            assert not leaks(response, a.secrets())

    # B's manager on A's slug and objects: as if A did not exist
    response = call(case, b.tokens["manager"], server_errors, real)
    assert response.status_code in (401, 403, 404), (
        f"B's manager got {response.status_code} from {case.method} {case.formatted_path}: {response.text[:500]}")
    assert not leaks(response, a.secrets())

    # A's manager on A's slug with B's objects: never a success. (Not for a method the path does
    # not serve, which schemathesis also tries: DRF answers OPTIONS with the view's description.)
    theirs = b.path_parameters(path, generated)
    crossed = {**real, **{name: theirs[name] for name in GLOBAL_IDS if name in real}}
    if crossed != real and case.method.upper() == case.operation.method.upper():
        response = call(case, a.tokens["manager"], server_errors, crossed)
        assert not 200 <= response.status_code < 300, (
            f"A's manager got {response.status_code} from {case.method} {case.formatted_path} (B's ids): {response.text[:500]}")
        assert not leaks(response, b.secrets())

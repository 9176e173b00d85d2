"""portal.idempotency on its own, through a probe endpoint that writes an audit event per run
(the ledger's use of it is tested in tests/ledger/test_api.py)."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import path
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from cooperatives import access
from portal.api import CooperativeRolePermission
from portal.audit import audit_record
from portal.idempotency import fingerprint, idempotent
from portal.models import AuditEvent, IdempotencyKey
from tests.factories import RoleAssignmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


class ProbeView(APIView):
    """201 with a run counter; {"fail": true} writes, then raises (400); {"refuse": true}
    writes, then returns a 422 without raising."""

    permission_classes = [CooperativeRolePermission]
    allowed_roles = access.STAFF_ROLES

    @idempotent
    def post(self, request, slug):
        cooperative = request.cooperative
        audit_record(actor=request.user, action="probe.run", cooperative=cooperative)
        if request.data.get("fail"):
            raise ValidationError({"amount": "Not like this."})
        if request.data.get("refuse"):
            return Response({"detail": "refused"}, status=422)
        return Response({"run": _runs(cooperative), "echo": request.data}, status=201)


class OptionalProbeView(ProbeView):
    @idempotent(required=False)
    def post(self, request, slug):
        audit_record(actor=request.user, action="probe.run", cooperative=request.cooperative)
        return Response({"run": _runs(request.cooperative)}, status=200)


urlpatterns = [
    path("api/v1/c/<slug:slug>/probe/", ProbeView.as_view()),
    path("api/v1/c/<slug:slug>/probe/other/", ProbeView.as_view()),
    path("api/v1/c/<slug:slug>/probe/optional/", OptionalProbeView.as_view()),
]


def _runs(cooperative):
    with scope(cooperative=cooperative):
        return AuditEvent.objects.filter(action="probe.run").count()


@pytest.fixture
def bookkeeper(cooperative, make_user):
    return make_user(cooperative, "bookkeeper")


@pytest.fixture
def api(bookkeeper):
    client = APIClient()
    client.force_authenticate(bookkeeper)
    return client


def send(api, cooperative, body, key="k-1", suffix=""):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return api.post(f"/api/v1/c/{cooperative.slug}/probe/{suffix}", body, format="json", headers=headers)


def keys(cooperative):
    with scope(cooperative=cooperative):
        return list(IdempotencyKey.objects.all())


def test_missing_or_blank_key_is_400_and_nothing_runs(api, cooperative):
    for key in (None, "", "   "):
        response = send(api, cooperative, {"a": 1}, key=key)
        assert response.status_code == 400
        assert list(response.json()) == ["idempotency_key"]
    assert _runs(cooperative) == 0 and keys(cooperative) == []


def test_bad_keys_are_400(api, cooperative):
    for key in ("x" * 256, "kunci\tdengan-tab"):
        response = send(api, cooperative, {"a": 1}, key=key)
        assert response.status_code == 400 and "idempotency_key" in response.json()
    assert send(api, cooperative, {"a": 1}, key="x" * 255).status_code == 201


def test_same_key_same_body_replays_the_first_response(api, cooperative):
    first = send(api, cooperative, {"a": 1, "b": ["x", "y"]})
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    again = send(api, cooperative, {"b": ["x", "y"], "a": 1})  # key order does not matter
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert _runs(cooperative) == 1
    [record] = keys(cooperative)
    assert record.status_code == 201 and json.loads(record.response_body) == {"run": 1, "echo": {"a": 1, "b": ["x", "y"]}}
    assert record.endpoint == f"POST /api/v1/c/{cooperative.slug}/probe/"


def test_same_key_other_body_or_other_endpoint_is_409(api, cooperative):
    assert send(api, cooperative, {"a": 1}).status_code == 201
    other_body = send(api, cooperative, {"a": 2})
    assert other_body.status_code == 409 and list(other_body.json()) == ["idempotency_key"]
    assert send(api, cooperative, {"a": 1}, suffix="other/").status_code == 409
    assert _runs(cooperative) == 1
    # a new key is a new operation
    assert send(api, cooperative, {"a": 2}, key="k-2").status_code == 201


def test_keys_are_per_user_and_per_cooperative(api, cooperative, other_cooperative, make_user, bookkeeper):
    assert send(api, cooperative, {"a": 1}).json()["run"] == 1
    colleague = APIClient()
    colleague.force_authenticate(make_user(cooperative, "manager"))
    response = send(colleague, cooperative, {"a": 1})
    assert response.status_code == 201 and response.json()["run"] == 2 and "Idempotent-Replayed" not in response
    # the same bookkeeper, also working for another cooperative
    RoleAssignmentFactory(cooperative=other_cooperative, user=bookkeeper, role="bookkeeper")
    access.forget_cached_roles(bookkeeper)
    elsewhere = send(api, other_cooperative, {"a": 1})
    assert elsewhere.status_code == 201 and elsewhere.json()["run"] == 1
    assert len(keys(cooperative)) == 2 and len(keys(other_cooperative)) == 1


def test_a_failed_request_keeps_no_key_and_no_writes(api, cooperative):
    failed = send(api, cooperative, {"fail": True})
    assert failed.status_code == 400 and "amount" in failed.json()
    assert _runs(cooperative) == 0 and keys(cooperative) == []  # rolled back with the key
    # so the corrected request may use the same key
    fixed = send(api, cooperative, {"fail": False})
    assert fixed.status_code == 201 and fixed.json()["run"] == 1


def test_a_non_2xx_response_is_rolled_back_and_not_kept(api, cooperative):
    refused = send(api, cooperative, {"refuse": True})
    assert refused.status_code == 422
    assert _runs(cooperative) == 0 and keys(cooperative) == []
    assert send(api, cooperative, {"refuse": True}).status_code == 422  # runs again, not replayed


def test_an_expired_key_is_new_again(api, cooperative, settings):
    assert send(api, cooperative, {"a": 1}).json()["run"] == 1
    with scope(cooperative=cooperative):
        IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=24, seconds=1))
    response = send(api, cooperative, {"a": 2})  # another body: no 409 once expired
    assert response.status_code == 201 and response.json()["run"] == 2
    [record] = keys(cooperative)
    assert json.loads(record.response_body)["echo"] == {"a": 2}
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 0.0001
    with scope(cooperative=cooperative):
        IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(seconds=1))
    assert send(api, cooperative, {"a": 3}).json()["run"] == 3


def test_purge_deletes_expired_keys_in_every_cooperative(api, cooperative, other_cooperative, make_user):
    send(api, cooperative, {"a": 1}, key="old")
    send(api, cooperative, {"a": 1}, key="new")
    elsewhere = APIClient()
    elsewhere.force_authenticate(make_user(other_cooperative, "manager"))
    send(elsewhere, other_cooperative, {"a": 1}, key="old")
    with scopes_disabled():
        IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    out = StringIO()
    call_command("idempotency_purge", stdout=out)
    assert "Deleted 2" in out.getvalue()
    with scopes_disabled():
        assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    call_command("idempotency_purge", "--older-than-hours", "0", stdout=out)
    with scopes_disabled():
        assert not IdempotencyKey.objects.exists()


def test_optional_key_runs_plainly_without_one_and_replays_with_one(api, cooperative):
    url = f"/api/v1/c/{cooperative.slug}/probe/optional/"
    assert api.post(url, format="json").json()["run"] == 1
    assert api.post(url, format="json").json()["run"] == 2
    first = api.post(url, {}, format="json", headers={"Idempotency-Key": "c-1"})
    again = api.post(url, {}, format="json", headers={"Idempotency-Key": "c-1"})
    assert first.json()["run"] == 3 and again.content == first.content and again["Idempotent-Replayed"] == "true"


def test_permission_comes_before_the_key(cooperative, make_user, other_cooperative):
    member = APIClient()
    member.force_authenticate(make_user(cooperative, "member"))
    assert send(member, cooperative, {"a": 1}, key=None).status_code == 403
    outsider = APIClient()
    outsider.force_authenticate(make_user(other_cooperative, "manager"))
    assert send(outsider, cooperative, {"a": 1}, key=None).status_code == 404
    assert send(APIClient(), cooperative, {"a": 1}).status_code == 401
    assert keys(cooperative) == []


def test_fingerprint_ignores_key_order_but_not_values():
    factory = APIRequestFactory()

    def fp(body, url="/x/"):
        return fingerprint(Request(factory.post(url, body, format="json"), parsers=[JSONParser()]))

    assert fp({"a": 1, "b": {"c": "2", "d": None}}) == fp({"b": {"d": None, "c": "2"}, "a": 1})
    assert fp({"a": "1.0"}) != fp({"a": "1.00"})
    assert fp({"a": 1}) != fp({"a": 1}, url="/y/")

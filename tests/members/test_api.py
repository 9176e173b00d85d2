"""The member register API: GET|POST /api/v1/c/<slug>/members/ and GET|PATCH …/members/<number>/.
Staff read, managers write; NIK masked unless a manager; errors per field; query budget."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope
from rest_framework.test import APIClient

from members import savings
from members.models import Member
from members.services import CONSENT_VERSION
from portal.models import AuditEvent
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
D = datetime.date
NIK = "3272015508850001"
BODY = {
    "full_name": "Siti Aminah", "gender": "P", "nik_ktp": NIK, "phone": "0812-3456-7890", "place_of_birth": "Sukabumi",
    "date_of_birth": "1985-08-15", "occupation": "Pedagang", "address": "Jl. Siliwangi 12", "kelurahan": "32.72.03.1001",
    "joined_on": "2024-01-10", "consent": True,
}


@pytest.fixture
def api():
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def as_role(api, ksp, make_user):
    def login(role):
        api.force_authenticate(make_user(ksp, role))
        return api

    return login


def base(cooperative):
    return f"/api/v1/c/{cooperative.slug}/members/"


def members_of(cooperative):
    with scope(cooperative=cooperative):
        return list(Member.objects.all())


def kelurahan_code(name):
    from cooperatives.models import Kelurahan

    return Kelurahan.objects.get(name=name).code


# --- reading ---------------------------------------------------------------------------------

def test_list_is_paginated_and_searchable(as_role, ksp, manager):
    for i in range(55):
        MemberFactory(cooperative=ksp, number=f"{i + 1:05d}", full_name=f"Anggota {i:02d}")
    siti = MemberFactory(cooperative=ksp, number="00100", full_name="Siti Aminah", phone="+6281299990000")
    gone = MemberFactory(cooperative=ksp, number="00101", full_name="Sudah Keluar", joined_on=D(2019, 1, 1))
    savings.member_leave(actor=manager, member=gone, reason="death", date=D(2022, 1, 1))
    api = as_role("bookkeeper")
    body = api.get(base(ksp)).json()
    assert body["count"] == 57 and len(body["results"]) == 50 and body["next"]
    assert [m["number"] for m in api.get(base(ksp), {"q": "0812 9999"}).json()["results"]] == [siti.number]
    assert [m["number"] for m in api.get(base(ksp), {"q": "siti"}).json()["results"]] == [siti.number]
    left = api.get(base(ksp), {"status": "left"}).json()["results"]
    assert [(m["number"], m["left_reason"], m["left_on"]) for m in left] == [("00101", "death", "2022-01-01")]
    assert api.get(base(ksp), {"year": 2019}).json()["count"] == 1


@pytest.mark.parametrize("params", [{"status": "gone"}, {"year": "abc"}, {"q": "x" * 101}])
def test_bad_query_is_400_per_field(as_role, ksp, params):
    response = as_role("supervisor").get(base(ksp), params)
    assert response.status_code == 400 and set(response.json()) == set(params)


@pytest.mark.parametrize("role, nik", [("manager", NIK), ("bookkeeper", "3272********0001"), ("supervisor", "3272********0001")])
def test_nik_is_masked_unless_manager(as_role, ksp, role, nik):
    member = MemberFactory(cooperative=ksp, nik_ktp=NIK)
    api = as_role(role)
    assert api.get(base(ksp)).json()["results"][0]["nik_ktp"] == nik
    assert api.get(f"{base(ksp)}{member.number}/").json()["nik_ktp"] == nik


def test_detail_has_every_register_field(as_role, ksp):
    from cooperatives.models import Kelurahan

    member = MemberFactory(cooperative=ksp, nik_ktp=NIK, gender="P", place_of_birth="Sukabumi", date_of_birth=D(1985, 8, 15),
                           occupation="Pedagang", address="Jl. A", kelurahan=Kelurahan.objects.get(name="Cikole"), phone="+6281234567890")
    body = as_role("manager").get(f"{base(ksp)}{member.number}/").json()
    assert body == {
        "number": member.number, "full_name": member.full_name, "gender": "P", "nik_ktp": NIK, "phone": "+6281234567890",
        "place_of_birth": "Sukabumi", "date_of_birth": "1985-08-15", "occupation": "Pedagang", "address": "Jl. A",
        "kelurahan": kelurahan_code("Cikole"), "kelurahan_name": "Cikole", "joined_on": "2020-03-01", "status": "active",
        "left_on": None, "left_reason": "", "left_note": "", "consent_at": None, "consent_version": "", "has_login": False,
    }


def test_unknown_member_is_404(as_role, ksp):
    assert as_role("manager").get(f"{base(ksp)}99999/").status_code == 404


def test_members_get_403_and_anonymous_401(api, ksp, make_user, member):
    assert api.get(base(ksp)).status_code == 401
    api.force_authenticate(make_user(ksp, "member"))
    assert api.get(base(ksp)).status_code == 403
    assert api.get(f"{base(ksp)}{member.number}/").status_code == 403


@pytest.mark.parametrize("rows", [1, 50])
def test_list_query_budget(as_role, ksp, rows):
    MemberFactory.create_batch(rows, cooperative=ksp)
    api = as_role("manager")
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(base(ksp)).status_code == 200
    assert len(ctx.captured_queries) <= 8, [q["sql"][:80] for q in ctx.captured_queries]


def test_list_cost_does_not_grow(as_role, ksp):
    api = as_role("manager")
    MemberFactory(cooperative=ksp)
    api.get(base(ksp))  # the login's roles are cached on it after the first request
    with CaptureQueriesContext(connection) as one:
        api.get(base(ksp))
    MemberFactory.create_batch(49, cooperative=ksp)
    with CaptureQueriesContext(connection) as fifty:
        api.get(base(ksp))
    assert len(one.captured_queries) == len(fifty.captured_queries)


# --- writing ---------------------------------------------------------------------------------

def test_manager_enters_a_member(as_role, ksp):
    response = as_role("manager").post(base(ksp), {**BODY, "kelurahan": kelurahan_code("Cikole")}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == "00001" and body["nik_ktp"] == NIK and body["phone"] == "+6281234567890"
    assert body["kelurahan_name"] == "Cikole" and body["consent_version"] == CONSENT_VERSION and body["consent_at"]
    [member] = members_of(ksp)
    assert member.full_name == "Siti Aminah" and member.occupation == "Pedagang"


@pytest.mark.parametrize("change, field", [
    ({"consent": False}, "consent"),
    ({"consent": None}, "consent"),
    ({"nik_ktp": "123"}, "nik_ktp"),
    ({"phone": "12"}, "phone"),
    ({"gender": "X"}, "gender"),
    ({"joined_on": "01/02/2024"}, "joined_on"),
    ({"joined_on": "2999-01-01"}, "joined_on"),
    ({"date_of_birth": "1850-01-01"}, "date_of_birth"),
    ({"kelurahan": "99.99"}, "kelurahan"),
    ({"full_name": " "}, "full_name"),
])
def test_bad_input_is_400_per_field_and_nothing_written(as_role, ksp, change, field):
    body = {**BODY, **change}
    body = {k: v for k, v in body.items() if v is not None}
    response = as_role("manager").post(base(ksp), body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert members_of(ksp) == []


def test_consent_message_is_clear(as_role, ksp):
    response = as_role("manager").post(base(ksp), {**BODY, "consent": False}, format="json")
    assert response.json()["consent"] == ["The member must agree to the processing of their data before being entered."]


def test_duplicate_nik_is_refused(as_role, ksp):
    MemberFactory(cooperative=ksp, nik_ktp=NIK)
    response = as_role("manager").post(base(ksp), BODY, format="json")
    assert response.status_code == 400 and "already has this NIK KTP" in response.json()["nik_ktp"][0]


@pytest.mark.parametrize("role", ["bookkeeper", "supervisor"])
def test_only_managers_write(as_role, ksp, member, role):
    api = as_role(role)
    assert api.post(base(ksp), BODY, format="json").status_code == 403
    assert api.patch(f"{base(ksp)}{member.number}/", {"occupation": "Guru"}, format="json").status_code == 403
    assert len(members_of(ksp)) == 1


def test_an_idempotency_key_makes_a_retry_safe(as_role, ksp):
    api = as_role("manager")
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    first = api.post(base(ksp), BODY, format="json", **key)
    again = api.post(base(ksp), BODY, format="json", **key)
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json() and len(members_of(ksp)) == 1


def test_patch_changes_only_what_is_sent(as_role, ksp, member):
    response = as_role("manager").patch(f"{base(ksp)}{member.number}/", {"occupation": "Guru", "phone": "0857 1111 2222"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["occupation"] == "Guru" and response.json()["phone"] == "+6285711112222"
    [after] = members_of(ksp)
    assert (after.full_name, after.nik_ktp, after.occupation) == (member.full_name, member.nik_ktp, "Guru")
    with scope(cooperative=ksp):
        event = AuditEvent.objects.get(action="member.update")
    assert set(event.changes) == {"occupation", "phone"}


@pytest.mark.parametrize("body, field", [
    ({"phone": "999"}, "phone"),
    ({"nik_ktp": "9972015508850001"}, "nik_ktp"),
    ({"gender": "M"}, "gender"),
    ({}, "non_field_errors"),
    ({"number": "77777"}, "non_field_errors"),  # not a field that can be changed
])
def test_bad_patch_is_400_and_changes_nothing(as_role, ksp, member, body, field):
    response = as_role("manager").patch(f"{base(ksp)}{member.number}/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert members_of(ksp)[0].phone == member.phone


def test_patch_to_a_nik_of_another_member_is_refused(as_role, ksp, member):
    MemberFactory(cooperative=ksp, nik_ktp=NIK)
    response = as_role("manager").patch(f"{base(ksp)}{member.number}/", {"nik_ktp": NIK}, format="json")
    assert response.status_code == 400 and "nik_ktp" in response.json()


def test_another_cooperatives_member_is_not_found(as_role, ksp, other_cooperative):
    theirs = MemberFactory(cooperative=other_cooperative, number="88888")
    api = as_role("manager")
    assert api.get(f"{base(ksp)}{theirs.number}/").status_code == 404
    assert api.patch(f"{base(ksp)}{theirs.number}/", {"occupation": "x"}, format="json").status_code == 404


def test_body_must_be_json(as_role, ksp):
    response = as_role("manager").post(base(ksp), "full_name=Siti", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415

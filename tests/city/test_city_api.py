"""The city's API (issue 6, item 7): city roles only; cooperative roles and members 403; anonymous
404 with no hint; bad input answered, never a 500."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from cooperatives.models import Kecamatan
from tests.city.figures_rows import cooperative_with_figures

pytestmark = pytest.mark.django_db

INDICATORS = "/api/v1/city/indicators/"
COOPERATIVES = "/api/v1/city/cooperatives/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def city():
    baros = [cooperative_with_figures(kecamatan="Baros", name=f"KSP Baros {i}") for i in range(3)]
    cikole = cooperative_with_figures(kecamatan="Cikole", kind="konsumen", rat_held=False, last_rat_year=2020, name="Koperasi Cikole",
                                      men=7, women=3, savings="250000.50")
    return baros, cikole


@pytest.mark.parametrize("path", [INDICATORS, COOPERATIVES])
def test_anonymous_gets_404_without_a_hint(client, city, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Tidak ditemukan."} or response.json() == {"detail": "Not found."}
    assert "WWW-Authenticate" not in response
    # the same answer as for an address under the API that names no cooperative one may see
    assert client.get(path, {"year": "2025"}, **EN).json() == {"detail": "Not found."}


@pytest.mark.parametrize("path", [INDICATORS, COOPERATIVES])
@pytest.mark.parametrize("role", ["manager", "bookkeeper", "supervisor", "member", "outsider"])
def test_cooperative_roles_members_and_outsiders_get_403(client, make_user, city, path, role):
    baros, _cikole = city
    client.force_login(make_user(baros[0], role) if role != "outsider" else make_user())
    assert client.get(path).status_code == 403


def test_token_authentication_works_for_city_staff(client, make_user, city):
    token = Token.objects.create(user=make_user(role="city_staff"))
    response = client.get(INDICATORS, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and response.json()["total"]["registered"] == 4


@pytest.mark.parametrize("role", ["city_staff", "city_admin"])
def test_indicators_for_city_roles(client, make_user, city, role):
    client.force_login(make_user(role=role))
    body = client.get(INDICATORS, {"year": 2025}).json()
    assert body["year"] == 2025 and body["message"] == "" and 2025 in body["years"]
    total = body["total"]
    assert (total["registered"], total["active"], total["inactive"], total["rat_held"]) == (4, 3, 1, 3)
    assert (total["members_men"], total["members_women"], total["members_total"]) == (37, 33, 70)
    assert Decimal(total["total_savings"]) == Decimal("3250000.50") and total["total_savings"] == "3250000.50"
    by_kecamatan = {row["key"]: row for row in body["by_kecamatan"]}
    baros, cikole = Kecamatan.objects.get(name="Baros"), Kecamatan.objects.get(name="Cikole")
    assert by_kecamatan[baros.code]["registered"] == 3 and by_kecamatan[cikole.code]["inactive"] == 1
    assert len(body["by_kecamatan"]) == Kecamatan.objects.count()
    by_kind = {row["key"]: row for row in body["by_kind"]}
    assert by_kind["konsumen"]["registered"] == 1 and by_kind["simpan_pinjam"]["members_total"] == 60
    assert body["by_kelurahan"] and all(row["key"].startswith("32.72.") for row in body["by_kelurahan"])


def test_unknown_and_malformed_years(client, make_user, city):
    client.force_login(make_user(role="city_staff"))
    unknown = client.get(INDICATORS, {"year": 1999}, **EN)
    assert unknown.status_code == 200
    body = unknown.json()
    assert body["total"] is None and body["by_kecamatan"] == [] and "1999" in body["message"]
    for bad in ("abc", "20.25", "99999", "-1"):
        response = client.get(INDICATORS, {"year": bad}, **EN)
        assert response.status_code == 400 and "year" in response.json(), bad
    listing = client.get(COOPERATIVES, {"year": 1999}, **EN).json()
    assert listing["count"] == 0 and listing["results"] == [] and "1999" in listing["message"]
    assert client.get(COOPERATIVES, {"year": "x"}).status_code == 400


def test_cooperatives_list_with_filters(client, make_user, city):
    baros, cikole = city
    client.force_login(make_user(role="city_staff"))
    body = client.get(COOPERATIVES, {"year": 2025}).json()
    assert body["count"] == 4 and body["year"] == 2025 and body["message"] == ""
    row = next(r for r in body["results"] if r["slug"] == cikole.slug)
    assert row["kecamatan"] == Kecamatan.objects.get(name="Cikole").code and row["kind"] == "konsumen"
    assert row["members_total"] == 10 and row["total_savings"] == "250000.50" and row["active"] is False
    assert set(row) >= {"name", "legal_entity_number", "nik_koperasi", "registry_status", "rat_status", "shu"}
    by_code = client.get(COOPERATIVES, {"kecamatan": Kecamatan.objects.get(name="Baros").code}).json()
    by_id = client.get(COOPERATIVES, {"kecamatan": str(Kecamatan.objects.get(name="Baros").pk)}).json()
    by_name = client.get(COOPERATIVES, {"kecamatan": "baros"}).json()
    assert by_code["count"] == by_id["count"] == by_name["count"] == 3
    assert client.get(COOPERATIVES, {"jenis": "konsumen"}).json()["count"] == 1
    assert [r["slug"] for r in client.get(COOPERATIVES, {"status": "inactive"}).json()["results"]] == [cikole.slug]
    assert client.get(COOPERATIVES, {"status": "active", "jenis": "simpan_pinjam"}).json()["count"] == 3
    assert client.get(COOPERATIVES, {"status": "dissolved"}).json()["count"] == 0


@pytest.mark.parametrize("params", [{"kecamatan": "Atlantis"}, {"jenis": "bank"}, {"status": "asleep"}, {"kecamatan": "999999"}])
def test_unknown_filters_give_an_empty_result_with_a_message(client, make_user, city, params):
    client.force_login(make_user(role="city_admin"))
    response = client.get(COOPERATIVES, params, **EN)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 0 and body["results"] == [] and body["message"]


def test_cooperatives_are_paginated_and_cost_the_same_queries_at_1_and_60(client, make_user):
    client.force_login(make_user(role="city_staff"))
    cooperative_with_figures()

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(COOPERATIVES, {"year": 2025})
        assert response.status_code == 200
        return len(captured), response.json()

    one, body = count()
    assert body["count"] == 1
    for i in range(59):
        cooperative_with_figures(kecamatan="Cikole" if i % 2 else "Baros")
    sixty, body = count()
    assert body["count"] == 60 and len(body["results"]) == 50 and "page=2" in body["next"]
    assert sixty == one and one <= 12, (one, sixty)
    second = client.get(body["next"]).json()
    assert len(second["results"]) == 10 and second["previous"]
    assert client.get(COOPERATIVES, {"page": 99}).status_code == 404


def test_indicators_cost_a_fixed_number_of_queries(client, make_user):
    client.force_login(make_user(role="city_staff"))
    cooperative_with_figures()

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(INDICATORS, {"year": 2025}).status_code == 200
        return len(captured)

    one = count()
    for _ in range(30):
        cooperative_with_figures(kecamatan="Citamiang")
    assert count() == one and one <= 15

"""GET /api/v1/me/memberships/: the user's own memberships with balances, nobody else's."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from members import savings
from tests.factories import CooperativeFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/memberships/"
D = datetime.date


def test_anonymous_gets_401(client):
    response = client.get(URL)
    assert response.status_code == 401 and response["Content-Type"].startswith("application/json")


def test_own_memberships_with_balances_as_decimal_strings(client, ksp, other_cooperative):
    user = UserFactory()
    mine = MemberFactory(cooperative=ksp, user=user, number="00042", joined_on=D(2024, 1, 10))
    MemberFactory(cooperative=other_cooperative, user=user, number="K-7", status="left", left_on=D(2025, 6, 30),
                  joined_on=D(2021, 2, 1))
    neighbour = MemberFactory(cooperative=ksp, user=UserFactory(), joined_on=D(2024, 1, 10))
    savings.savings_deposit(actor=None, member=mine, savings_type="pokok", amount="100000", date=D(2024, 1, 10))
    savings.savings_deposit(actor=None, member=mine, savings_type="sukarela", amount="12500.50", date=D(2024, 2, 1))
    savings.savings_deposit(actor=None, member=neighbour, savings_type="sukarela", amount="999", date=D(2024, 2, 1))
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    rows = {row["cooperative"]["slug"]: row for row in data["results"]}
    assert rows[ksp.slug] == {
        "cooperative": {"slug": ksp.slug, "name": ksp.name}, "number": "00042", "status": "active",
        "joined_on": "2024-01-10", "left_on": None,
        "balances": {"pokok": "100000.00", "wajib": "0.00", "sukarela": "12500.50"},
    }
    assert rows[other_cooperative.slug]["status"] == "left" and rows[other_cooperative.slug]["left_on"] == "2025-06-30"
    assert {row["number"] for row in data["results"]} == {"00042", "K-7"}
    assert "999" not in response.content.decode()


def test_token_authentication_and_a_user_without_memberships(client):
    user = UserFactory()
    token = Token.objects.create(user=user)
    response = client.get(URL, headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize("n", [1, 20])
def test_constant_queries(client, n):
    user = UserFactory()
    for coop in CooperativeFactory.create_batch(n):
        MemberFactory(cooperative=coop, user=user)
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    assert len(ctx.captured_queries) <= 4, [q["sql"] for q in ctx.captured_queries]


def test_in_the_schema(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/me/memberships/" in schema

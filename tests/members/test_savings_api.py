"""The savings API (issue 4, item 7): POST /api/v1/c/<slug>/savings/transactions/ with an
Idempotency-Key, and GET /api/v1/c/<slug>/members/<number>/savings/. Roles, bodies, errors per
field (fuzzed: never a 500, nothing written), idempotency, pagination and the query budget.
Every URL is also in tests/test_tenant_isolation.py."""

import datetime
import json
import random
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope
from rest_framework.test import APIClient

from ledger.models import JournalEntry
from members import savings
from members.models import SavingsBalance, SavingsTransaction
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
D = datetime.date
EN = {"Accept-Language": "en"}


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(manager):
    return client_for(manager)


def body(who, **changes):
    data = {"member": who.number, "type": "sukarela", "direction": "deposit", "amount": "25000.00", "date": "2024-03-01"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not ...}


def post(client, cooperative, data, key=None, **extra):
    headers = {**EN, **({"Idempotency-Key": key or str(uuid.uuid4())} if key is not False else {})}
    return client.post(f"/api/v1/c/{cooperative.slug}/savings/transactions/", data, format="json", headers=headers, **extra)


def savings_url(cooperative, number):
    return f"/api/v1/c/{cooperative.slug}/members/{number}/savings/"


def counts(cooperative):
    with scope(cooperative=cooperative):
        return SavingsTransaction.objects.count(), JournalEntry.objects.count(), SavingsBalance.objects.filter(balance__gt=0).count()


# --- record ------------------------------------------------------------------------------------

def test_deposit_returns_the_transaction_with_receipt_balance_and_entry(api, ksp, manager, member):
    response = post(api, ksp, body(member))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["number"] == "SMP-2024-000001" and data["member"] == member.number and data["member_name"] == member.full_name
    assert data["type"] == "sukarela" and data["direction"] == "deposit" and data["kind"] == "regular"
    assert data["amount"] == "25000.00" and data["balance_after"] == "25000.00" and data["date"] == "2024-03-01"
    assert data["journal_entry"].startswith("JU-2024-") and data["recorded_by"] == manager.full_name
    assert data["receipt_url"] == f"/c/{ksp.slug}/simpanan/bukti/SMP-2024-000001/" and data["reversed_by"] is None
    second = post(api, ksp, body(member, amount="5000.5"))
    assert second.json()["balance_after"] == "30000.50"


def test_wajib_with_its_month_and_a_withdrawal(api, ksp, member):
    response = post(api, ksp, body(member, type="wajib", period="2024-02", via="bank"))
    assert response.status_code == 201 and response.json()["period"] == "2024-02-01"
    with scope(cooperative=ksp):
        lines = {l.account.purpose for l in JournalEntry.objects.get(number=response.json()["journal_entry"]).lines.select_related("account")}
    assert lines == {"bank", "savings_wajib"}
    assert post(api, ksp, body(member, type="wajib", date="2024-03-15")).json()["period"] == "2024-03-01"
    post(api, ksp, body(member, amount="10000"))
    response = post(api, ksp, body(member, direction="withdrawal", amount="4000", date="2024-03-20"))
    assert response.status_code == 201 and response.json()["balance_after"] == "6000.00"


@pytest.mark.parametrize("changes, field, message", [
    ({"direction": "withdrawal", "amount": "25000.01"}, "amount", "more than the balance"),
    ({"type": "pokok", "direction": "withdrawal"}, "type", "cannot be withdrawn"),
    ({"type": "wajib", "direction": "withdrawal"}, "type", "cannot be withdrawn"),
    ({"member": "99999"}, "member", "No member with number 99999"),
    ({"amount": "0"}, "amount", "more than zero"),
    ({"amount": "-5"}, "amount", "more than zero"),
    ({"amount": "1.001"}, "amount", "2 decimal places"),
    ({"amount": "NaN"}, "amount", "valid number"),
    ({"amount": "12345678901234567890"}, "amount", "digits"),
    ({"date": "2024-02-30"}, "date", "wrong format"),
    ({"date": "2019-12-31"}, "date", "before"),
    ({"date": "2999-12-31"}, "date", "future"),
    ({"type": "saham"}, "type", "valid choice"),
    ({"direction": "transfer"}, "direction", "valid choice"),
    ({"via": "ovo"}, "via", "valid choice"),
    ({"period": "2024-03"}, "period", "Only simpanan wajib"),
    ({"type": "wajib", "period": "2024-13"}, "period", "YYYY-MM"),
    ({"type": "wajib", "period": 202403}, "period", "YYYY-MM"),
    ({"type": "wajib", "period": "2019-01"}, "period", "before"),
    ({"type": "pokok", "amount": "100000.01"}, "amount", "Rp 100.000"),
    ({"description": "x" * 201}, "description", "200"),
    ({"member": ...}, "member", "required"),
    ({"amount": ...}, "amount", "required"),
])
def test_bad_fields_are_named_and_nothing_is_written(api, ksp, member, changes, field, message):
    post(api, ksp, body(member))  # a sukarela balance of 25.000
    before = counts(ksp)
    response = post(api, ksp, body(member, **changes))
    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors, errors
    assert message in " ".join(errors[field]), errors
    assert counts(ksp) == before


def test_a_member_who_left_and_a_closed_year(api, ksp, manager, member):
    from ledger import services as ledger_services

    post(api, ksp, body(member, date="2024-05-01"))
    ledger_services.book_year_close(actor=manager, cooperative=ksp, year=2024, require_prepared=False)
    response = post(api, ksp, body(member, date="2024-06-01"))
    assert response.status_code == 400 and "date" in response.json()
    from django.utils import timezone

    savings.member_leave(actor=manager, member=member, reason="resignation", date=timezone.localdate())
    response = post(api, ksp, body(member, date=timezone.localdate().isoformat()))
    assert response.status_code == 400 and "has left" in response.json()["non_field_errors"][0]


def test_idempotency_key_required_replayed_and_conflicting(api, ksp, member):
    response = post(api, ksp, body(member), key=False)
    assert response.status_code == 400 and "idempotency_key" in response.json()
    assert counts(ksp)[0] == 0
    key = str(uuid.uuid4())
    first = post(api, ksp, body(member), key=key)
    again = post(api, ksp, body(member), key=key)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert counts(ksp)[0] == 1
    other = post(api, ksp, body(member, amount="1000"), key=key)
    assert other.status_code == 409 and counts(ksp)[0] == 1
    # a refused request keeps no key: the corrected retry may reuse it
    key2 = str(uuid.uuid4())
    assert post(api, ksp, body(member, direction="withdrawal", amount="999999"), key=key2).status_code == 400
    assert post(api, ksp, body(member, direction="withdrawal", amount="1000"), key=key2).status_code == 201


def test_roles(ksp, make_user, member, other_cooperative):
    anonymous = APIClient()
    assert post(anonymous, ksp, body(member)).status_code in (401, 403)
    assert post(client_for(make_user(ksp, "bookkeeper")), ksp, body(member)).status_code == 201
    for role in ("supervisor", "member"):
        assert post(client_for(make_user(ksp, role)), ksp, body(member)).status_code == 403, role
    assert post(client_for(make_user(other_cooperative, "manager")), ksp, body(member)).status_code == 404
    assert counts(ksp)[0] == 1


def test_a_member_of_another_cooperative_is_unknown_here(api, ksp, other_cooperative):
    theirs = MemberFactory(cooperative=other_cooperative, number="55555")
    response = post(api, ksp, body(theirs))
    assert response.status_code == 400 and "member" in response.json()


# --- fuzz --------------------------------------------------------------------------------------

BAD_VALUES = [None, "", " ", 0, -1, 1.5, 10**30, True, [], {}, ["25000"], {"x": 1}, "abc", "25000,00", "Rp 25.000",
              "9" * 400, "\u0000", "2024-03-01T00:00:00", "𝟚𝟘𝟚𝟜", "'; DROP TABLE x; --", "<script>", "1e-400", "-0", "Infinity"]


def test_fuzzed_bodies_never_500_and_write_nothing(api, ksp, member):
    rng = random.Random(7)
    base = body(member)
    bodies = [[], "text", 42, None, [base], {"unknown": 1}]
    for field in base:
        for value in BAD_VALUES:
            bodies.append({**base, field: value})
    for _ in range(150):
        bodies.append({field: rng.choice(BAD_VALUES + [base.get(field, "")]) for field in rng.sample(list(base) + ["via", "period", "description"], rng.randint(0, 8))})
    written = 0
    for data in bodies:
        response = post(api, ksp, data)
        assert response.status_code in (201, 400), (data, response.status_code, response.content[:300])
        assert response["Content-Type"].startswith("application/json"), data
        if response.status_code == 400:
            assert isinstance(response.json(), dict), data
        else:
            written += 1
    assert counts(ksp)[0] == written


def test_not_json_is_refused(api, ksp, member):
    url = f"/api/v1/c/{ksp.slug}/savings/transactions/"
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    assert api.post(url, "member=1", content_type="application/x-www-form-urlencoded", headers=headers).status_code == 415
    response = api.post(url, "{not json", content_type="application/json", headers=headers)
    assert response.status_code == 400 and counts(ksp)[0] == 0
    assert api.post(url, json.dumps(body(member)), content_type="application/json", headers=headers).status_code == 201


# --- read ----------------------------------------------------------------------------------------

def test_member_savings_balances_arrears_and_passbook(api, ksp, manager):
    member = MemberFactory(cooperative=ksp, joined_on=D(2024, 1, 1))
    savings.savings_deposit(actor=manager, member=member, savings_type="pokok", amount="100000", date=D(2024, 1, 2))
    savings.savings_deposit(actor=manager, member=member, savings_type="wajib", amount="25000", date=D(2024, 1, 3), period=D(2024, 1, 1))
    for i in range(60):
        savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="1000", date=D(2024, 2, 1) + datetime.timedelta(days=i))
    data = api.get(savings_url(ksp, member.number), headers=EN).json()
    assert data["member"] == {"number": member.number, "full_name": member.full_name, "status": "active", "joined_on": "2024-01-01"}
    assert data["balances"] == {"pokok": "100000.00", "wajib": "25000.00", "sukarela": "60000.00", "total": "185000.00"}
    arrears = data["wajib_arrears"]
    assert arrears["since"] == "2024-01-01" and arrears["months_paid"] == 1 and arrears["monthly_amount"] == "25000.00"
    assert arrears["months_unpaid"] == arrears["months_due"] - 1 == len(arrears["unpaid_months"])
    assert arrears["unpaid_months"][0] == "2024-02-01" and arrears["last_paid"] == "2024-01-01"
    book = data["passbook"]
    assert book["count"] == 62 and len(book["results"]) == 50 and book["next"].endswith("page=2") and book["previous"] is None
    newest = book["results"][0]
    assert newest["type"] == "sukarela" and newest["balance"] == "60000.00" and newest["balance_after"] == "60000.00"
    page2 = api.get(savings_url(ksp, member.number), {"page": 2}).json()["passbook"]
    assert len(page2["results"]) == 12 and page2["next"] is None
    only = api.get(savings_url(ksp, member.number), {"type": "wajib"}).json()["passbook"]
    assert only["count"] == 1 and only["results"][0]["period"] == "2024-01-01"


def test_member_savings_errors_and_roles(ksp, make_user, member, other_cooperative):
    staff = client_for(make_user(ksp, "supervisor"))
    assert staff.get(savings_url(ksp, member.number)).status_code == 200
    assert staff.get(savings_url(ksp, "99999")).status_code == 404
    response = staff.get(savings_url(ksp, member.number), {"type": "saham"}, headers=EN)
    assert response.status_code == 400 and "type" in response.json()
    assert staff.get(savings_url(ksp, member.number), {"page": 9}).status_code == 404
    assert staff.get(savings_url(ksp, member.number), {"page": "x"}).status_code == 400
    assert client_for(make_user(ksp, "member")).get(savings_url(ksp, member.number)).status_code == 403
    assert client_for(make_user(other_cooperative, "manager")).get(savings_url(ksp, member.number)).status_code == 404
    theirs = MemberFactory(cooperative=other_cooperative, number="44444")
    assert staff.get(savings_url(ksp, theirs.number)).status_code == 404


@pytest.mark.parametrize("rows", [1, 50])
def test_member_savings_query_budget(api, ksp, manager, rows):
    member = MemberFactory(cooperative=ksp, joined_on=D(2022, 1, 1))
    for i in range(rows):
        savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="1000", date=D(2022, 1, 1) + datetime.timedelta(days=i))
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(savings_url(ksp, member.number)).status_code == 200
    assert len(ctx.captured_queries) <= 8  # member with balances, months paid, count, page (+ the tenant and roles)


def test_balances_in_the_api_match_the_ledger(api, ksp, member):
    from members.reconcile import savings_reconcile

    for amount in ("1000", "2500.50", "300"):
        post(api, ksp, body(member, amount=amount))
    post(api, ksp, body(member, direction="withdrawal", amount="800.50"))
    assert api.get(savings_url(ksp, member.number)).json()["balances"]["sukarela"] == "3000.00"
    assert savings_reconcile(cooperative=ksp) == []
    with scope(cooperative=ksp):
        assert SavingsBalance.objects.get(member=member, savings_type="sukarela").balance == Decimal("3000")

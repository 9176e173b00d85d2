"""The ledger API (issue 3, item 9): accounts, entries, reversals, reports and year close, with
Idempotency-Key on the requests that move money. Roles per endpoint are also covered by
tests/test_tenant_isolation.py; here: the POST of entries, bodies, errors and idempotency."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cooperatives.book_years import book_year_end, book_year_of
from ledger import services
from ledger.models import BookYear, JournalEntry
from portal.models import IdempotencyKey

from .conftest import D

pytestmark = pytest.mark.django_db

ENTRY = {
    "date": "2026-03-02", "description": "Modal penyertaan Siti Aminah", "reference": "BKM-0012",
    "lines": [
        {"account": "1-101", "debit": "150000.00", "credit": "0"},
        {"account": "3-103", "debit": "0", "credit": "150000.00", "memo": "Anggota 00012"},
    ],
}


def base(cooperative):
    return f"/api/v1/c/{cooperative.slug}/ledger/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(bookkeeper):
    return client_for(bookkeeper)


def post_entry(client, cooperative, body=ENTRY, key=None, **extra):
    headers = {"Idempotency-Key": key or str(uuid.uuid4())} if key is not False else {}
    return client.post(base(cooperative) + "entries/", body, format="json", headers=headers, **extra)


def entry_count(cooperative):
    with scope(cooperative=cooperative):
        return JournalEntry.objects.count()


def key_count(cooperative):
    with scope(cooperative=cooperative):
        return IdempotencyKey.objects.count()


# --- accounts --------------------------------------------------------------------------------

def test_accounts_by_code_with_their_group(api, books):
    response = api.get(base(books) + "accounts/")
    assert response.status_code == 200
    accounts = {a["code"]: a for a in response.json()}
    assert accounts["1"] == {"code": "1", "name": "Aset", "kind": "asset", "parent": None, "postable": False,
                             "active": True, "contra": False, "segment": ""}
    assert accounts["1-101"]["parent"] == "1" and accounts["1-101"]["postable"] is True
    assert accounts["1-202"]["contra"] is True
    assert accounts["4-104"]["segment"] == "non_member" and accounts["4-104"]["kind"] == "income"
    assert list(accounts) == sorted(accounts)


# --- posting ---------------------------------------------------------------------------------

def test_post_an_entry(api, books, bookkeeper):
    response = post_entry(api, books)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "JU-2026-000001"
    assert body["date"] == "2026-03-02" and body["book_year"] == 2026 and body["state"] == "posted"
    assert body["journal_type"] == "JU" and body["kind"] == "regular"
    assert body["description"] == "Modal penyertaan Siti Aminah" and body["reference"] == "BKM-0012"
    assert body["reverses"] is None and body["reversed_by"] is None
    assert body["lines"] == [
        {"account": "1-101", "account_name": "Kas", "debit": "150000.00", "credit": "0.00", "memo": ""},
        {"account": "3-103", "account_name": "Modal penyertaan", "debit": "0.00", "credit": "150000.00", "memo": "Anggota 00012"},
    ]
    assert body["total_debit"] == body["total_credit"] == "150000.00"
    with scope(cooperative=books):
        entry = JournalEntry.objects.get(number="JU-2026-000001")
        assert entry.posted_by == bookkeeper and entry.is_posted


def test_adjusting_journal_and_numbers_per_journal(api, books):
    assert post_entry(api, books).json()["number"] == "JU-2026-000001"
    assert post_entry(api, books, {**ENTRY, "journal_type": "JP"}).json()["number"] == "JP-2026-000001"
    assert post_entry(api, books).json()["number"] == "JU-2026-000002"


def test_token_authentication_posts_too(books, bookkeeper):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=bookkeeper).key}")
    assert post_entry(client, books).status_code == 201


@pytest.mark.parametrize(("role", "expected"), [
    ("manager", 201), ("bookkeeper", 201), ("supervisor", 403), ("member", 403),
])
def test_who_may_post(books, make_user, role, expected):
    response = post_entry(client_for(make_user(books, role)), books)
    assert response.status_code == expected
    assert entry_count(books) == (1 if expected == 201 else 0)


def test_outsider_and_anonymous_may_not_post(books, make_user, other_cooperative):
    assert post_entry(client_for(make_user(other_cooperative, "manager")), books).status_code == 404
    assert post_entry(APIClient(), books).status_code == 401
    assert entry_count(books) == 0


# --- idempotency -----------------------------------------------------------------------------

def test_missing_key_is_400_and_posts_nothing(api, books):
    response = post_entry(api, books, key=False)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["idempotency_key"][0]
    assert entry_count(books) == 0


def test_same_key_and_body_replays_the_first_response(api, books):
    first = post_entry(api, books, key="bkm-0012")
    again = post_entry(api, books, key="bkm-0012")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert entry_count(books) == 1


def test_same_key_other_body_is_409(api, books):
    assert post_entry(api, books, key="bkm-0012").status_code == 201
    other = {**ENTRY, "description": "Modal penyertaan Budi"}
    response = post_entry(api, books, other, key="bkm-0012")
    assert response.status_code == 409 and "idempotency_key" in response.json()
    assert entry_count(books) == 1


def test_keys_are_per_user(api, books, make_user):
    first = post_entry(api, books, key="same-key")
    second = post_entry(client_for(make_user(books, "manager")), books, key="same-key")
    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second
    assert first.json()["number"] != second.json()["number"]
    assert entry_count(books) == 2


def test_a_refused_posting_keeps_no_key_so_the_corrected_retry_works(api, books):
    unbalanced = {**ENTRY, "lines": [ENTRY["lines"][0], {**ENTRY["lines"][1], "credit": "145000.00"}]}
    refused = post_entry(api, books, unbalanced, key="bkm-0013")
    assert refused.status_code == 400 and list(refused.json()) == ["lines"]
    assert key_count(books) == 0 and entry_count(books) == 0
    fixed = post_entry(api, books, key="bkm-0013")
    assert fixed.status_code == 201 and entry_count(books) == 1


@pytest.mark.parametrize(("body", "field"), [
    ({**ENTRY, "lines": "1-101 150000"}, "lines"),
    ({**ENTRY, "lines": {"account": "1-101"}}, "lines"),
    ({**ENTRY, "lines": [1, 2]}, "lines"),
    ({**ENTRY, "lines": [None, None]}, "lines"),
    ({**ENTRY, "lines": []}, "lines"),
    ({**ENTRY, "lines": [ENTRY["lines"][0]]}, "lines"),
    ({**ENTRY, "lines": None}, "lines"),
    ({**ENTRY, "lines": [{**ENTRY["lines"][0], "debit": "abc"}, ENTRY["lines"][1]]}, "lines"),
    ({**ENTRY, "lines": [{**ENTRY["lines"][0], "debit": "150000.001"}, ENTRY["lines"][1]]}, "lines"),
    ({**ENTRY, "lines": [{**ENTRY["lines"][0], "debit": "-150000.00"}, ENTRY["lines"][1]]}, "lines"),
    ({**ENTRY, "lines": [{**ENTRY["lines"][0], "debit": "1e400"}, ENTRY["lines"][1]]}, "lines"),
    ({**ENTRY, "lines": [{**ENTRY["lines"][0], "debit": "NaN"}, ENTRY["lines"][1]]}, "lines"),
    ({**ENTRY, "lines": [{**ENTRY["lines"][0], "debit": "Infinity"}, ENTRY["lines"][1]]}, "lines"),
    ({**ENTRY, "lines": [{"account": "1-101", "debit": "99999999999999999999.00", "credit": "0"},
                         {"account": "3-103", "debit": "0", "credit": "99999999999999999999.00"}]}, "lines"),
    ({**ENTRY, "lines": [{"account": "1-101", "debit": 10 ** 30, "credit": 0},
                         {"account": "3-103", "debit": 0, "credit": 10 ** 30}]}, "lines"),
    ({**ENTRY, "lines": [{**ENTRY["lines"][0], "debit": None}, ENTRY["lines"][1]]}, "lines"),
    ({**ENTRY, "lines": [{**ENTRY["lines"][0], "account": None}, ENTRY["lines"][1]]}, "lines"),
    ({**ENTRY, "lines": [{**ENTRY["lines"][0], "account": "9-999"}, ENTRY["lines"][1]]}, "lines"),
    ({**ENTRY, "lines": [{**ENTRY["lines"][0], "account": "1"}, ENTRY["lines"][1]]}, "lines"),  # a header
    ({**ENTRY, "lines": [{**ENTRY["lines"][0], "account": ["1-101"]}, ENTRY["lines"][1]]}, "lines"),
    ({**ENTRY, "lines": [{"debit": "150000.00"}, ENTRY["lines"][1]]}, "lines"),
    ({**ENTRY, "lines": [{**ENTRY["lines"][0], "credit": "150000.00"}, ENTRY["lines"][1]]}, "lines"),  # both sides
    ({**ENTRY, "lines": [{**ENTRY["lines"][0], "debit": "0"}, ENTRY["lines"][1]]}, "lines"),
    ({**ENTRY, "lines": [{**ENTRY["lines"][0], "memo": "x" * 201}, ENTRY["lines"][1]]}, "lines"),
    ({**ENTRY, "lines": [ENTRY["lines"][0]] * 1001}, "lines"),
    ({k: v for k, v in ENTRY.items() if k != "lines"}, "lines"),
    ({k: v for k, v in ENTRY.items() if k != "date"}, "date"),
    ({**ENTRY, "date": None}, "date"),
    ({**ENTRY, "date": "02-03-2026"}, "date"),
    ({**ENTRY, "date": "2026-02-30"}, "date"),
    ({**ENTRY, "date": "9999-12-31"}, "date"),
    ({**ENTRY, "date": "0001-01-01"}, "date"),
    ({**ENTRY, "date": "2026-03-02T10:00:00"}, "date"),
    ({**ENTRY, "date": 20260302}, "date"),
    ({k: v for k, v in ENTRY.items() if k != "description"}, "description"),
    ({**ENTRY, "description": "   "}, "description"),
    ({**ENTRY, "description": None}, "description"),
    ({**ENTRY, "description": "x" * 301}, "description"),
    ({**ENTRY, "reference": "x" * 61}, "reference"),
    ({**ENTRY, "journal_type": "JT"}, "journal_type"),
    ({**ENTRY, "journal_type": "XX"}, "journal_type"),
    ([ENTRY], "non_field_errors"),
    ("entry", "non_field_errors"),
    (None, "lines"),  # no body at all
])
def test_bad_bodies_are_field_errors_never_500(api, books, body, field):
    response = post_entry(api, books, body)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors, errors
    assert all(isinstance(m, str) for messages in errors.values() for m in messages), errors
    assert entry_count(books) == 0 and key_count(books) == 0


def test_line_errors_name_the_line(api, books):
    body = {**ENTRY, "lines": [{**ENTRY["lines"][0], "debit": "abc"}, {**ENTRY["lines"][1], "credit": "1.234"}]}
    errors = post_entry(api, books, body, HTTP_ACCEPT_LANGUAGE="en").json()["lines"]
    assert errors[0].startswith("Line 1: debit:") and errors[1].startswith("Line 2: credit:")
    errors = post_entry(api, books, {**ENTRY, "lines": [{**ENTRY["lines"][0], "account": "9-999"}, ENTRY["lines"][1]]},
                        HTTP_ACCEPT_LANGUAGE="en").json()["lines"]
    assert any("9-999" in e for e in errors)


def test_malformed_json_and_other_media_types_are_refused(api, books):
    headers = {"Idempotency-Key": "k"}
    url = base(books) + "entries/"
    assert api.post(url, "{not json", content_type="application/json", headers=headers).status_code == 400
    assert api.post(url, '{"date": NaN}', content_type="application/json", headers=headers).status_code == 400
    assert "non_field_errors" in api.post(url, "null", content_type="application/json", headers=headers).json()
    assert "non_field_errors" in api.post(url, "12", content_type="application/json", headers=headers).json()
    assert api.post(url, {"date": "2026-03-02"}, headers=headers).status_code == 415  # multipart
    assert entry_count(books) == 0


def test_posting_into_a_closed_year_is_a_date_error(api, books, post, make_user):
    post(D(2025, 3, 1), [("1-101", 1000, 0), ("3-103", 0, 1000)])
    services.book_year_close(actor=make_user(books, "manager"), cooperative=books, year=2025, require_prepared=False)
    response = post_entry(api, books, {**ENTRY, "date": "2025-12-01"})
    assert response.status_code == 400 and "date" in response.json()


# --- list and detail -------------------------------------------------------------------------

def test_entry_list_is_paginated_and_filtered(api, books, post):
    for day in range(1, 4):
        post(D(2026, 1, day), [("1-101", 1000, 0), ("3-103", 0, 1000)], description=f"Setoran {day}", reference=f"R-{day}")
    response = api.get(base(books) + "entries/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["next"] is None
    assert [e["number"] for e in body["results"]] == ["JU-2026-000003", "JU-2026-000002", "JU-2026-000001"]
    assert "lines" not in body["results"][0]
    assert api.get(base(books) + "entries/", {"date_from": "2026-01-02", "date_to": "2026-01-02"}).json()["count"] == 1
    assert api.get(base(books) + "entries/", {"q": "R-3"}).json()["results"][0]["number"] == "JU-2026-000003"
    assert api.get(base(books) + "entries/", {"state": "draft"}).json()["count"] == 0
    assert api.get(base(books) + "entries/", {"state": "posted"}).json()["count"] == 3
    bad = api.get(base(books) + "entries/", {"date_from": "kemarin", "state": "lost"})
    assert bad.status_code == 400 and {"date_from", "state"} <= set(bad.json())


def test_entry_list_pages(api, books, post):
    for _ in range(51):
        post(D(2026, 1, 5), [("1-101", 1, 0), ("3-103", 0, 1)])
    first = api.get(base(books) + "entries/").json()
    assert first["count"] == 51 and len(first["results"]) == 50 and first["next"]
    assert len(api.get(first["next"]).json()["results"]) == 1


def test_entry_detail_and_404s(api, books, post, other_cooperative):
    entry = post(D(2026, 1, 5), [("1-101", 1000, 0), ("3-103", 0, 1000)])
    response = api.get(base(books) + f"entries/{entry.number}/")
    assert response.status_code == 200 and response.json()["number"] == entry.number
    assert len(response.json()["lines"]) == 2
    assert api.get(base(books) + "entries/JU-2026-999999/").status_code == 404
    # a number of another cooperative's entry means nothing here
    services.chart_apply_template(cooperative=other_cooperative)
    theirs = services.entry_post(actor=None, cooperative=other_cooperative, date=D(2026, 1, 6), description="x",
                                 lines=[{"account": "1-101", "debit": "5", "credit": "0"}, {"account": "3-103", "debit": "0", "credit": "5"}])
    assert theirs.number == "JU-2026-000001"
    assert api.get(base(books) + "entries/JU-2026-000001/").json()["lines"][0]["debit"] == "1000.00"
    assert api.get(base(books) + "entries/JU-2026-000002/").status_code == 404


# --- reversal --------------------------------------------------------------------------------

def reverse(client, cooperative, number, body=None, key=None):
    headers = {"Idempotency-Key": key or str(uuid.uuid4())} if key is not False else {}
    return client.post(base(cooperative) + f"entries/{number}/reverse/", body or {}, format="json", headers=headers)


def test_reverse_an_entry(api, books, post):
    entry = post(D(2026, 1, 5), [("1-101", 1000, 0), ("3-103", 0, 1000)], description="Setoran")
    response = reverse(api, books, entry.number, {"date": "2026-01-06", "description": "Salah catat"}, key="rev-1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "JU-2026-000002" and body["kind"] == "reversal" and body["reverses"] == entry.number
    assert body["date"] == "2026-01-06" and body["description"] == "Salah catat"
    assert [(l["account"], l["debit"], l["credit"]) for l in body["lines"]] == [
        ("1-101", "0.00", "1000.00"), ("3-103", "1000.00", "0.00")]
    assert api.get(base(books) + f"entries/{entry.number}/").json()["reversed_by"] == "JU-2026-000002"
    # replayed, not reversed twice; another key is refused by the books
    again = reverse(api, books, entry.number, {"date": "2026-01-06", "description": "Salah catat"}, key="rev-1")
    assert again.content == response.content and again["Idempotent-Replayed"] == "true"
    twice = reverse(api, books, entry.number, {"date": "2026-01-06", "description": "Salah catat"}, key="rev-2")
    assert twice.status_code == 400 and "non_field_errors" in twice.json()
    assert entry_count(books) == 2


def test_reverse_defaults_to_today_and_needs_a_key(api, books, post):
    entry = post(timezone.localdate() - timedelta(days=1), [("1-101", 1000, 0), ("3-103", 0, 1000)], description="Setoran")
    assert reverse(api, books, entry.number, key=False).status_code == 400
    response = reverse(api, books, entry.number)
    assert response.status_code == 201 and response.json()["date"] == timezone.localdate().isoformat()


def test_reverse_errors(api, books, post, make_user):
    entry = post(D(2026, 1, 5), [("1-101", 1000, 0), ("3-103", 0, 1000)])
    assert reverse(api, books, "JU-2026-999999").status_code == 404
    assert reverse(api, books, entry.number, {"date": "2026-01-04"}).json().keys() == {"date"}
    assert reverse(api, books, entry.number, {"date": "besok"}).json().keys() == {"date"}
    assert reverse(api, books, entry.number, {"description": "x" * 301}).json().keys() == {"description"}
    assert reverse(client_for(make_user(books, "supervisor")), books, entry.number).status_code == 403
    assert reverse(client_for(make_user(books, "manager")), books, entry.number, {"date": "2026-01-05"}).status_code == 201


# --- reports ---------------------------------------------------------------------------------

@pytest.fixture
def some_books(post):
    post(D(2026, 1, 5), [("1-101", "500000.00", 0), ("3-103", 0, "500000.00")])
    post(D(2026, 1, 10), [("1-101", "80000.50", 0), ("4-101", 0, "80000.50")])
    post(D(2026, 2, 1), [("1-101", 1000, 0), ("4-104", 0, 1000)])
    post(D(2026, 2, 3), [("5-102", "30000.00", 0), ("1-101", 0, "30000.00")])


def test_trial_balance(api, books, some_books):
    response = api.get(base(books) + "reports/trial-balance/", {"as_of": "2026-01-31"})
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2026-01-31" and body["balanced"] is True
    assert body["total_debit"] == body["total_credit"] == "580000.50"
    rows = {r["account"]: r for r in body["rows"]}
    assert rows["1-101"] == {"account": "1-101", "name": "Kas", "kind": "asset", "debit": "580000.50", "credit": "0.00"}
    assert rows["4-101"]["credit"] == "80000.50" and "5-102" not in rows


def test_balance_sheet(api, books, some_books):
    body = api.get(base(books) + "reports/balance-sheet/", {"as_of": "2026-02-28"}).json()
    assert body["as_of"] == "2026-02-28" and body["prior_as_of"] == "2025-12-31"
    assert body["assets"]["total"] == "551000.50" and body["assets"]["prior_total"] == "0.00"
    assert body["assets"]["rows"] == [{"account": "1-101", "name": "Kas", "amount": "551000.50", "prior_amount": "0.00"}]
    assert body["equity"]["total"] == "500000.00" and body["liabilities"]["rows"] == []
    assert body["current_shu"] == "51000.50" and body["total_liabilities_and_equity"] == "551000.50"
    assert body["balanced"] is True


def test_income_statement(api, books, some_books):
    body = api.get(base(books) + "reports/income-statement/", {"from": "2026-01-01", "to": "2026-12-31"}).json()
    assert body["date_from"] == "2026-01-01" and body["date_to"] == "2026-12-31"
    assert body["member_income"] == "80000.50" and body["non_member_income"] == "1000.00" and body["other_income"] == "0.00"
    assert body["total_income"] == "81000.50" and body["total_expense"] == "30000.00" and body["shu"] == "51000.50"
    assert {r["account"]: r["segment"] for r in body["income"]} == {"4-101": "member", "4-104": "non_member"}
    assert body["expense"] == [{"account": "5-102", "name": "Gaji karyawan", "segment": "", "amount": "30000.00"}]


@pytest.mark.parametrize(("path", "query", "fields"), [
    ("trial-balance", {}, {"as_of"}),
    ("trial-balance", {"as_of": "31-01-2026"}, {"as_of"}),
    ("trial-balance", {"as_of": "2026-02-30"}, {"as_of"}),
    ("trial-balance", {"as_of": "9999-12-31"}, {"as_of"}),
    ("balance-sheet", {}, {"as_of"}),
    ("balance-sheet", {"as_of": "0001-01-01"}, {"as_of"}),
    ("balance-sheet", {"as_of": ""}, {"as_of"}),
    ("income-statement", {}, {"from", "to"}),
    ("income-statement", {"from": "2026-01-01"}, {"to"}),
    ("income-statement", {"from": "2026-13-01", "to": "x"}, {"from", "to"}),
    ("income-statement", {"from": "2026-12-31", "to": "2026-01-01"}, {"to"}),
])
def test_report_dates_are_checked(api, books, path, query, fields):
    response = api.get(base(books) + f"reports/{path}/", query)
    assert response.status_code == 400
    assert set(response.json()) == fields


def test_supervisor_reads_reports_member_does_not(books, make_user, some_books):
    query = {"as_of": "2026-01-31"}
    assert client_for(make_user(books, "supervisor")).get(base(books) + "reports/trial-balance/", query).status_code == 200
    assert client_for(make_user(books, "member")).get(base(books) + "reports/trial-balance/", query).status_code == 403


# --- year close ------------------------------------------------------------------------------

def last_year(cooperative):
    return book_year_of(timezone.localdate(), cooperative.book_year_end_month) - 1


def test_manager_closes_a_prepared_year(books, bookkeeper, make_user, post):
    year = last_year(books)
    end = book_year_end(year, books.book_year_end_month)
    post(end - timedelta(days=10), [("1-101", 80000, 0), ("4-101", 0, 80000)])
    manager = client_for(make_user(books, "manager"))
    url = base(books) + f"years/{year}/close/"
    not_prepared = manager.post(url)
    assert not_prepared.status_code == 400 and "non_field_errors" in not_prepared.json()
    services.book_year_prepare(actor=bookkeeper, cooperative=books, year=year)
    assert client_for(bookkeeper).post(url).status_code == 403
    response = manager.post(url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["year"] == year and body["state"] == "closed" and body["closed_at"]
    assert body["closing_entry"] == f"JT-{year}-000001"
    assert body["end_date"] == end.isoformat()
    with scope(cooperative=books):
        assert BookYear.objects.get(year=year).is_closed
    again = manager.post(url)
    assert again.status_code == 400  # already closed


def test_year_close_with_a_key_replays(books, bookkeeper, make_user, post):
    year = last_year(books)
    post(book_year_end(year, books.book_year_end_month), [("1-101", 5, 0), ("4-101", 0, 5)])
    services.book_year_prepare(actor=bookkeeper, cooperative=books, year=year)
    manager = client_for(make_user(books, "manager"))
    url = base(books) + f"years/{year}/close/"
    first = manager.post(url, headers={"Idempotency-Key": "close-1"})
    again = manager.post(url, headers={"Idempotency-Key": "close-1"})
    assert first.status_code == again.status_code == 200 and again.content == first.content
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("year", ["1899", "3000", "99999999999999999999"])
def test_year_close_of_impossible_years_is_400(books, make_user, year):
    response = client_for(make_user(books, "manager")).post(base(books) + f"years/{year}/close/")
    assert response.status_code == 400 and "year" in response.json()


def test_year_close_without_postings_is_400(books, make_user):
    response = client_for(make_user(books, "manager")).post(base(books) + "years/2001/close/")
    assert response.status_code == 400


# --- OpenAPI ---------------------------------------------------------------------------------

def test_schema_documents_the_idempotency_key(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = schema["paths"]
    for path in ("/api/v1/c/{slug}/ledger/entries/", "/api/v1/c/{slug}/ledger/entries/{number}/reverse/"):
        operation = paths[path]["post"]
        [header] = [p for p in operation["parameters"] if p["in"] == "header"]
        assert header["name"] == "Idempotency-Key" and header["required"] is True
        assert {"201", "400", "401", "403", "404", "409"} <= set(operation["responses"])
    close = paths["/api/v1/c/{slug}/ledger/years/{year}/close/"]["post"]
    assert [(p["name"], p.get("required", False)) for p in close["parameters"] if p["in"] == "header"] == [("Idempotency-Key", False)]
    assert {"as_of"} == {p["name"] for p in paths["/api/v1/c/{slug}/ledger/reports/trial-balance/"]["get"]["parameters"] if p["in"] == "query"}
    assert {"from", "to"} <= {p["name"] for p in paths["/api/v1/c/{slug}/ledger/reports/income-statement/"]["get"]["parameters"]}


# --- concurrency (PostgreSQL) -----------------------------------------------------------------

@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_post_once(cooperative, make_user):
    services.chart_apply_template(cooperative=cooperative)
    user = make_user(cooperative, "bookkeeper")
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    results = []
    lock = threading.Lock()

    def send():
        try:
            client = client_for(user)
            barrier.wait(timeout=10)
            response = post_entry(client, cooperative, key="race-1")
            with lock:
                results.append(response)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == threads_count
    statuses = sorted(r.status_code for r in results)
    assert set(statuses) <= {201, 409}, statuses
    created = [r for r in results if r.status_code == 201]
    assert created and len({r.content for r in created}) == 1  # one entry, replayed to the others
    assert sum(1 for r in created if "Idempotent-Replayed" not in r) == 1
    with scopes_disabled():
        assert JournalEntry.objects.filter(cooperative=cooperative).count() == 1
        assert IdempotencyKey.objects.filter(cooperative=cooperative).count() == 1
        assert JournalEntry.objects.get(cooperative=cooperative).number == "JU-2026-000001"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_different_keys_all_post(cooperative, make_user):
    """The key table does not serialise unrelated postings into failures: gapless numbers."""
    services.chart_apply_template(cooperative=cooperative)
    user = make_user(cooperative, "bookkeeper")
    threads_count = 6
    barrier = threading.Barrier(threads_count)
    statuses = []

    def send(n):
        try:
            client = client_for(user)
            barrier.wait(timeout=10)
            statuses.append(post_entry(client, cooperative, key=f"race-{n}").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [201] * threads_count
    with scopes_disabled():
        numbers = sorted(JournalEntry.objects.filter(cooperative=cooperative).values_list("number", flat=True))
    assert numbers == [f"JU-2026-{n:06d}" for n in range(1, threads_count + 1)]


# --- query budgets ---------------------------------------------------------------------------

def test_lists_and_reports_cost_the_same_few_queries_whatever_the_rows(api, books, post, django_assert_max_num_queries):
    def cost(url, query=None):
        with CaptureQueriesContext(connection) as captured:
            assert api.get(url, query).status_code == 200
        return len(captured)

    urls = [(base(books) + "entries/", None), (base(books) + "accounts/", None),
            (base(books) + "reports/trial-balance/", {"as_of": "2026-02-15"})]
    post(D(2026, 1, 5), [("1-101", 1, 0), ("3-103", 0, 1)])
    [cost(url, query) for url, query in urls]  # warm up: the user's roles are cached after one request
    few = [cost(url, query) for url, query in urls]
    for day in range(1, 21):
        entry = post(D(2026, 1, day), [("1-101", 1, 0), ("3-104", 0, 1)])
    services.entry_reverse(actor=None, entry=entry, date=D(2026, 1, 25))
    assert [cost(url, query) for url, query in urls] == few
    with django_assert_max_num_queries(12):
        api.get(base(books) + f"entries/{entry.number}/")

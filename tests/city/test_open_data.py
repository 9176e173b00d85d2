"""Open data (issue 6, item 6): the public page and API, and the suppression of small cells —
primary (1-4 members or cooperatives) and secondary (no hidden cell can be worked out from the
totals and the other published cells)."""

import random
from decimal import Decimal

import pytest

from city import open_data
from city.open_data import FIELDS, Row, determined_cells, protect
from cooperatives.models import Kecamatan
from tests.city.figures_rows import cooperative_with_figures

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# --- the suppression itself (no database) ----------------------------------------------------------

def make_row(key, registered, active, men, women, money=1000):
    values = {name: 0 for name in FIELDS}
    values.update(
        registered=registered, active=active, inactive=registered - active, rat_held=active, rat_overdue=registered - active,
        members_men=men, members_women=women, members_total=men + women, distinct_persons=men + women,
        total_savings=Decimal(money), own_capital=Decimal(money), outside_capital=Decimal(2 * money),
        total_assets=Decimal(3 * money), business_volume=Decimal(4 * money), shu=Decimal(money) / 10,
    )
    return Row(key, key, values)


def total_of(rows):
    return Row(open_data.TOTAL, "Total", {name: sum(r.values[name] for r in rows) for name in FIELDS})


def test_primary_suppression_hides_small_counts_and_the_money_of_small_rows():
    small = make_row("small", registered=3, active=3, men=30, women=20)
    tiny_members = make_row("tiny", registered=8, active=8, men=2, women=1)
    rows = [small, tiny_members, make_row("a", 20, 15, 100, 90), make_row("b", 30, 20, 120, 130)]
    total = total_of(rows)
    protect({"kecamatan": rows}, total)
    assert {"registered", "active", "rat_held"} <= small.suppressed
    assert set(open_data.MONEY) <= small.suppressed and set(open_data.MONEY) <= tiny_members.suppressed
    assert {"members_men", "members_women", "members_total", "distinct_persons"} <= tiny_members.suppressed
    assert small.published()["registered"] is None and small.published()["total_savings"] is None
    assert rows[3].published()["registered"] == 30  # the largest row stays visible
    assert not total.suppressed  # the city's totals stay visible: their partners were hidden instead
    assert determined_cells({"kecamatan": rows}, total) == []


def test_zero_is_published():
    rows = [make_row("a", 10, 10, 40, 0), make_row("b", 12, 12, 50, 60)]
    total = total_of(rows)
    protect({"kecamatan": rows}, total)
    assert rows[0].published()["inactive"] == 0 and rows[0].published()["members_women"] == 0


def test_one_hidden_cell_in_a_column_takes_a_second_one_with_it():
    rows = [make_row("a", 20, 15, 100, 90), make_row("b", 4, 4, 60, 60), make_row("c", 30, 20, 120, 130)]
    total = total_of(rows)
    protect({"kecamatan": rows}, total)
    hidden_registered = [r.key for r in rows if "registered" in r.suppressed]
    # the partner is the smallest cell of at least 5: a (20)
    assert hidden_registered[:2] == ["a", "b"] and "registered" not in total.suppressed
    assert determined_cells({"kecamatan": rows}, total) == []


def test_a_row_relation_cannot_reveal_a_hidden_part():
    # inactive = 2 is hidden; registered and active are visible → active must go too
    rows = [make_row("a", 20, 18, 100, 90), make_row("b", 25, 10, 100, 100), make_row("c", 30, 20, 120, 130)]
    total = total_of(rows)
    protect({"kecamatan": rows}, total)
    a = rows[0]
    assert "inactive" in a.suppressed
    assert "active" in a.suppressed or "registered" in a.suppressed
    assert determined_cells({"kecamatan": rows}, total) == []


def test_two_tables_sharing_the_total_are_protected_together():
    kecamatan = [make_row("k1", 20, 15, 100, 90), make_row("k2", 3, 3, 60, 60), make_row("k3", 30, 20, 120, 130)]
    total = total_of(kecamatan)
    kind_a = make_row("konsumen", 2, 1, 20, 20)
    kind_b = Row("simpan_pinjam", "simpan_pinjam", {name: total.values[name] - kind_a.values[name] for name in FIELDS})
    protect({"kecamatan": kecamatan, "kind": [kind_a, kind_b]}, total)
    assert "registered" in kind_a.suppressed and "registered" in kind_b.suppressed
    assert determined_cells({"kecamatan": kecamatan, "kind": [kind_a, kind_b]}, total) == []


@pytest.mark.parametrize("seed", range(25))
def test_no_hidden_cell_can_be_worked_out_whatever_the_table(seed):
    rng = random.Random(seed)
    rows = []
    for i in range(rng.randint(2, 8)):
        registered = rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 15, 40])
        active = rng.randint(0, registered)
        rows.append(make_row(f"k{i}", registered, active, rng.choice([0, 1, 3, 7, 30, 200]), rng.choice([0, 2, 4, 9, 80]),
                             money=rng.randint(0, 10**9)))
    total = total_of(rows)
    kinds = [make_row("x", *(lambda r: (r, rng.randint(0, r)))(rng.randint(0, total.values["registered"])), 3, 4)]
    kinds.append(Row("y", "y", {name: total.values[name] - kinds[0].values[name] for name in FIELDS}))
    protect({"kecamatan": rows, "kind": kinds}, total)
    assert determined_cells({"kecamatan": rows, "kind": kinds}, total) == []
    for row in [*rows, *kinds, total]:
        for name in open_data.COOPERATIVE_COUNTS + open_data.MEMBER_COUNTS:
            value = row.values[name]
            if 0 < value < open_data.THRESHOLD:
                assert name in row.suppressed, (row.key, name, value)


def test_determined_cells_finds_a_cell_revealed_by_a_total():
    rows = [make_row("a", 20, 15, 100, 90), make_row("b", 3, 3, 60, 60)]
    total = total_of(rows)
    rows[1].suppressed.add("registered")
    assert (rows[1], "registered") in determined_cells({"kecamatan": rows}, total)


# --- the page and the API -------------------------------------------------------------------------

@pytest.fixture
def city(db):
    for i in range(6):
        cooperative_with_figures(kecamatan="Baros", name=f"KSP Baros {i}")
    for i in range(7):
        cooperative_with_figures(kecamatan="Cikole", name=f"KSP Cikole {i}", kind="konsumen" if i < 5 else "jasa")
    cooperative_with_figures(kecamatan="Citamiang", name="KSP Citamiang Satu", men=2, women=1, savings="777777.77")


def test_public_api_needs_no_login_and_suppresses_small_cells(client, city):
    response = client.get("/api/v1/public/indicators/", {"year": 2025})
    assert response.status_code == 200
    body = response.json()
    assert body["threshold"] == 5 and body["total"]["registered"] == 14
    rows = {row["label"]: row for row in body["by_kecamatan"]}
    citamiang = rows["Citamiang"]
    assert citamiang["key"] == Kecamatan.objects.get(name="Citamiang").code
    assert citamiang["registered"] is None and citamiang["total_savings"] is None and citamiang["members_total"] is None
    assert {"registered", "total_savings", "members_total"} <= set(citamiang["suppressed"])
    published_values = [row[name] for row in [body["total"], *body["by_kecamatan"], *body["by_kind"]] for name in open_data.MONEY]
    assert "777777.77" not in published_values  # Citamiang's one cooperative's savings
    # secondary: the total minus the published rows does not give Citamiang's count
    published = [row["registered"] for row in body["by_kecamatan"] if row["registered"] is not None]
    hidden = [row for row in body["by_kecamatan"] if row["registered"] is None and row["label"] != "Citamiang"]
    assert hidden, "a second kecamatan is hidden with Citamiang"
    assert body["total"]["registered"] - sum(published) != 1 or len(hidden) + 1 > 1
    kinds = {row["key"]: row for row in body["by_kind"]}
    # jasa (2) is hidden, and with it the smallest jenis of at least 5 (konsumen), so 14 − 7 reveals neither
    assert kinds["jasa"]["registered"] is None and kinds["konsumen"]["registered"] is None
    assert kinds["simpan_pinjam"]["registered"] == 7


def test_public_api_unknown_and_malformed_years(client, city):
    unknown = client.get("/api/v1/public/indicators/", {"year": 1990}, **EN)
    assert unknown.status_code == 200
    body = unknown.json()
    assert body["total"] is None and body["by_kecamatan"] == [] and body["by_kind"] == [] and "1990" in body["message"]
    assert client.get("/api/v1/public/indicators/", {"year": "dua ribu"}).status_code == 400
    assert client.get("/api/v1/public/indicators/").json()["year"] == 2025  # the last closed book year


def test_public_api_ignores_credentials_and_refuses_writes(client, city, make_user):
    client.force_login(make_user())
    assert client.get("/api/v1/public/indicators/").status_code == 200
    assert client.post("/api/v1/public/indicators/").status_code == 405


def test_public_page_shows_dashes_with_an_explanation(client, city):
    response = client.get("/data-terbuka/", {"year": 2025}, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="suppression-note"' in page and 'data-suppressed="registered"' in page and "—" in page
    assert "KSP Baros" not in page  # no cooperative is named: aggregates only
    assert "Rp 777.777,77" not in page


def test_public_page_unknown_and_malformed_years(client, city):
    unknown = client.get("/data-terbuka/", {"year": 1990}, **EN)
    assert unknown.status_code == 200 and 'id="open-data-message"' in unknown.content.decode()
    malformed = client.get("/data-terbuka/", {"year": "abc"}, **EN)
    assert malformed.status_code == 200 and "year" in malformed.context["form"].errors
    assert client.post("/data-terbuka/").status_code == 405


@pytest.mark.parametrize("path", ["/data-terbuka/?year=2025", "/api/v1/public/indicators/?year=2025"])
def test_open_data_costs_the_same_queries_at_1_and_40_cooperatives(client, db, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    cooperative_with_figures()
    one = count()
    for i in range(39):
        cooperative_with_figures(kecamatan=["Baros", "Cikole", "Citamiang"][i % 3], kind=["jasa", "konsumen"][i % 2])
    assert count() == one and one <= 12, one

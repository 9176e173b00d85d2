"""Page budgets (DESIGN.md §7): staff pages ≤ 12 queries, member pages ≤ 8, whatever the
number of rows. Each list is measured at 1 and at 50 rows and must cost the same."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MeetingFactory, CooperativeFactory, MemberFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db

STAFF_BUDGET = 12
MEMBER_BUDGET = 8
CITY_DASHBOARD_BUDGET = 15  # issue 6: the indicators, two breakdowns and the five-year trend


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("rows", [1, 50])
def test_member_list(client, make_user, cooperative, rows):
    MemberFactory.create_batch(rows, cooperative=cooperative)
    client.force_login(make_user(cooperative, "manager"))
    assert count_queries(client, f"/c/{cooperative.slug}/anggota/") <= STAFF_BUDGET


def test_member_list_cost_does_not_grow(client, make_user, cooperative):
    client.force_login(make_user(cooperative, "manager"))
    MemberFactory(cooperative=cooperative)
    one = count_queries(client, f"/c/{cooperative.slug}/anggota/")
    MemberFactory.create_batch(49, cooperative=cooperative)
    assert count_queries(client, f"/c/{cooperative.slug}/anggota/") == one


@pytest.mark.parametrize("rows", [1, 50])
def test_audit_list(client, make_user, cooperative, rows):
    from portal.audit import audit_record

    manager = make_user(cooperative, "manager")
    for i in range(rows):
        audit_record(actor=manager, action="test.event", cooperative=cooperative, changes={"i": [None, i]})
    client.force_login(manager)
    assert count_queries(client, f"/c/{cooperative.slug}/audit/") <= STAFF_BUDGET


@pytest.mark.parametrize("rows", [1, 50])
def test_roles_page(client, make_user, cooperative, rows):
    RoleAssignmentFactory.create_batch(rows, cooperative=cooperative, role="supervisor")
    client.force_login(make_user(cooperative, "manager"))
    assert count_queries(client, f"/c/{cooperative.slug}/peran/") <= STAFF_BUDGET


@pytest.mark.parametrize("rows", [1, 50])
def test_city_registry_and_home(client, make_user, rows):
    for coop in CooperativeFactory.create_batch(rows):
        MeetingFactory(cooperative=coop)
        MemberFactory(cooperative=coop)
    client.force_login(make_user(role="city_staff"))
    assert count_queries(client, "/kota/koperasi/") <= STAFF_BUDGET
    assert count_queries(client, "/kota/") <= CITY_DASHBOARD_BUDGET


@pytest.mark.parametrize("rows", [1, 50])
def test_my_cooperatives_for_a_member(client, rows):
    from tests.factories import UserFactory

    user = UserFactory()
    for coop in CooperativeFactory.create_batch(rows):
        MemberFactory(cooperative=coop, user=user)
    client.force_login(user)
    assert count_queries(client, "/saya/") <= MEMBER_BUDGET


def test_member_overview(client, make_user, cooperative):
    client.force_login(make_user(cooperative, "member"))
    assert count_queries(client, f"/c/{cooperative.slug}/") <= MEMBER_BUDGET

import pytest
from django_scopes import scope

from tests.factories import (
    CityRoleFactory, CooperativeFactory, MemberFactory, RoleAssignmentFactory, UserFactory,
)

PASSWORD = "rahasia-123"


@pytest.fixture(autouse=True)
def _no_city_refresh_left_over():
    """A test's transaction is rolled back, never committed, so refreshes of the city figures it
    scheduled stay pending on the (reused) connection; clear them so they cannot leak into the
    next test's commit callbacks."""
    from django.db import connections

    yield
    for connection in connections.all(initialized_only=True):
        pending = getattr(connection, "_city_figures_pending", None)
        if pending:
            pending.clear()


@pytest.fixture
def cooperative(db):
    return CooperativeFactory()


@pytest.fixture
def other_cooperative(db):
    return CooperativeFactory()


@pytest.fixture
def make_user(db):
    """make_user(cooperative, "manager") → a user with that role there; "member" links a
    member-register row; "outsider" has no role anywhere; city roles need no cooperative."""

    def make(cooperative=None, role="outsider", **fields):
        user = UserFactory(**fields)
        if role in ("manager", "bookkeeper", "supervisor"):
            RoleAssignmentFactory(cooperative=cooperative, user=user, role=role)
        elif role == "member":
            MemberFactory(cooperative=cooperative, user=user, full_name=user.full_name)
        elif role in ("city_staff", "city_admin"):
            CityRoleFactory(user=user, role=role)
        return user

    return make


@pytest.fixture
def login(client):
    def do_login(user):
        client.force_login(user)
        return client

    return do_login


@pytest.fixture
def in_scope():
    """`with in_scope(cooperative):` for direct ORM reads in tests."""
    return lambda cooperative: scope(cooperative=cooperative)

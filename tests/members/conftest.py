import datetime

import pytest

from ledger import services as ledger_services
from tests.factories import MemberFactory


@pytest.fixture
def ksp(cooperative):
    """A savings-and-loan cooperative with its chart (pokok Rp 100.000, wajib Rp 25.000)."""
    ledger_services.chart_apply_template(cooperative=cooperative)
    return cooperative


@pytest.fixture
def manager(ksp, make_user):
    return make_user(ksp, "manager")


@pytest.fixture
def member(ksp):
    return MemberFactory(cooperative=ksp, joined_on=datetime.date(2024, 1, 10))

import datetime
from decimal import Decimal

import pytest
from django_scopes import scope

from ledger import services
from ledger.models import Account


@pytest.fixture
def books(cooperative):
    """A savings-and-loan cooperative with its chart applied."""
    services.chart_apply_template(cooperative=cooperative)
    return cooperative


@pytest.fixture
def bookkeeper(books, make_user):
    return make_user(books, "bookkeeper")


@pytest.fixture
def post(books, bookkeeper):
    """post(date, [(code, debit, credit), …], description=…) → posted entry."""

    def do(day, lines, description="Transaksi", **kwargs):
        return services.entry_post(
            actor=bookkeeper, cooperative=books, date=day, description=description,
            lines=[{"account": code, "debit": str(d), "credit": str(c)} for code, d, c in lines],
            **kwargs,
        )

    return do


@pytest.fixture
def account(books):
    def get(code):
        with scope(cooperative=books):
            return Account.objects.get(code=code)

    return get


D = datetime.date

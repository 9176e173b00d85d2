import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from ledger import services as ledger
from ledger.verify import verify_books
from meetings import shu_services
from members import savings
from members.reconcile import savings_reconcile
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def year_with_shu(cooperative, make_user):
    """Book year 2024: two members with savings, income 3.000.000, expense 1.000.000 → SHU 2.000.000; closed."""
    ledger.chart_apply_template(cooperative=cooperative)
    cooperative.simpanan_pokok_amount = Decimal("500000")
    cooperative.save()
    manager = make_user(cooperative, "manager")
    a = MemberFactory(cooperative=cooperative, joined_on=D(2023, 1, 1))
    b = MemberFactory(cooperative=cooperative, joined_on=D(2023, 1, 1))
    savings.savings_deposit(actor=manager, member=a, savings_type="pokok", amount="500000", date=D(2024, 1, 5))
    savings.savings_deposit(actor=manager, member=b, savings_type="sukarela", amount="1", date=D(2024, 2, 5))
    savings.savings_deposit(actor=manager, member=b, savings_type="wajib", amount="9500000", date=D(2024, 2, 5),
                            kind="opening", counter_account=None)
    ledger.entry_post(actor=manager, cooperative=cooperative, date=D(2024, 6, 1), description="Jasa pinjaman",
                      lines=[{"account": "1-101", "debit": "3000000"}, {"account": "4-101", "credit": "3000000"}])
    ledger.entry_post(actor=manager, cooperative=cooperative, date=D(2024, 7, 1), description="Gaji",
                      lines=[{"account": "5-102", "debit": "1000000"}, {"account": "1-101", "credit": "1000000"}])
    ledger.book_year_close(actor=manager, cooperative=cooperative, year=2024, require_prepared=False)
    shu_services.transaction_volume_set(actor=manager, cooperative=cooperative, book_year=2024,
                                        volumes={a: Decimal("1000000"), b: Decimal("14000000")})
    return cooperative, manager, a, b


def test_the_worked_example_through_the_books(year_with_shu):
    cooperative, manager, a, b = year_with_shu
    distribution = shu_services.shu_prepare(actor=manager, cooperative=cooperative, book_year=2024,
                                            reserve_percent=40, jasa_modal_percent=20, jasa_usaha_percent=30,
                                            pengurus_percent=2.5, karyawan_percent=2.5, pendidikan_percent=2.5, sosial_percent=2.5)
    assert distribution.shu_total == Decimal("2000000")
    with scope(cooperative=cooperative):
        share = distribution.shares.get(member=a)
    assert (share.jasa_modal, share.jasa_usaha, share.total) == (Decimal("20000"), Decimal("40000"), Decimal("60000"))
    shu_services.shu_approve(actor=manager, distribution=distribution)
    distribution = shu_services.shu_post(actor=manager, distribution=distribution, date=D(2025, 3, 20))
    with scope(cooperative=cooperative):
        lines = {(l.account.code, l.debit, l.credit) for l in distribution.journal_entry.lines.select_related("account")}
    assert ("3-107", Decimal("2000000"), 0) in lines and ("2-108", 0, Decimal("1000000")) in lines
    assert ("3-105", 0, Decimal("800000")) in lines and ("2-103", 0, Decimal("50000")) in lines
    assert shu_services.shu_credit_to_savings(actor=manager, distribution=distribution, date=D(2025, 3, 21)) == 2
    assert savings_reconcile(cooperative=cooperative) == [] and verify_books(cooperative=cooperative) == []


def test_percentages_must_total_100(year_with_shu):
    cooperative, manager, *_ = year_with_shu
    with pytest.raises(ValidationError) as err:
        shu_services.shu_prepare(actor=manager, cooperative=cooperative, book_year=2024, reserve_percent=50)
    assert "100" in str(err.value)


def test_no_shu_on_an_open_year(year_with_shu):
    cooperative, manager, *_ = year_with_shu
    with pytest.raises(ValidationError) as err:
        shu_services.shu_prepare(actor=manager, cooperative=cooperative, book_year=2025)
    assert "book_year" in err.value.message_dict


def test_rounding_remainder_goes_to_the_reserve_explicitly(year_with_shu):
    cooperative, manager, a, b = year_with_shu
    shu_services.transaction_volume_set(actor=manager, cooperative=cooperative, book_year=2024, volumes={a: Decimal("1"), b: Decimal("2")})
    distribution = shu_services.shu_prepare(actor=manager, cooperative=cooperative, book_year=2024)
    assert distribution.remainder > 0
    shu_services.shu_approve(actor=manager, distribution=distribution)
    distribution = shu_services.shu_post(actor=manager, distribution=distribution, date=D(2025, 3, 20))
    with scope(cooperative=cooperative):
        entry = distribution.journal_entry
        assert sum(l.credit for l in entry.lines.all()) == Decimal("2000000")
        assert entry.lines.filter(account__code="3-105", credit=distribution.remainder).exists()

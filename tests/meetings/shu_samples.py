"""Books with an SHU to share, for the SHU pages', the API's and the isolation suite's tests.

Book year 2024: members with pokok/wajib savings, income 3.000.000 and expense 1.000.000 →
SHU 2.000.000, the year closed. DOMAIN.md's worked example: a member with savings 500.000 of
10.000.000 and transactions 1.000.000 of 15.000.000, jasa modal 20 %, jasa usaha 30 % →
20.000 + 40.000 = 60.000."""

import datetime
from decimal import Decimal

from django_scopes import scope

from ledger import services as ledger
from meetings import shu_services
from members import savings
from tests.factories import MemberFactory

YEAR = 2024
D = datetime.date
WORKED_EXAMPLE = {"reserve_percent": 40, "jasa_modal_percent": 20, "jasa_usaha_percent": 30, "pengurus_percent": "2.5",
                  "karyawan_percent": "2.5", "pendidikan_percent": "2.5", "sosial_percent": "2.5"}


def closed_year(cooperative, *, actor=None, extra_members=0, user=None):
    """(a, b): a has savings 500.000 and volume 1.000.000 (linked to `user` if given), b has
    9.500.000 and 14.000.000; `extra_members` more with small savings and no volume."""
    with scope(cooperative=cooperative):
        from ledger.models import Account

        has_chart = Account.objects.exists()
    if not has_chart:
        ledger.chart_apply_template(cooperative=cooperative)
    a = MemberFactory(cooperative=cooperative, joined_on=D(2023, 1, 1), **({"user": user} if user else {}))
    b = MemberFactory(cooperative=cooperative, joined_on=D(2023, 1, 1))
    savings.savings_deposit(actor=actor, member=a, savings_type="pokok", amount=cooperative.simpanan_pokok_amount,
                            date=D(2024, 1, 5), kind="opening", counter_account=None)
    savings.savings_deposit(actor=actor, member=a, savings_type="wajib", amount=Decimal("500000") - cooperative.simpanan_pokok_amount,
                            date=D(2024, 1, 5), kind="opening", counter_account=None)
    savings.savings_deposit(actor=actor, member=b, savings_type="wajib", amount="9500000", date=D(2024, 2, 5),
                            kind="opening", counter_account=None)
    for _i in range(extra_members):
        m = MemberFactory(cooperative=cooperative, joined_on=D(2023, 1, 1))
        savings.savings_deposit(actor=actor, member=m, savings_type="wajib", amount="10000", date=D(2024, 3, 5),
                                kind="opening", counter_account=None)
    ledger.entry_post(actor=actor, cooperative=cooperative, date=D(2024, 6, 1), description="Jasa pinjaman",
                      lines=[{"account": "1-101", "debit": "3000000"}, {"account": "4-101", "credit": "3000000"}])
    ledger.entry_post(actor=actor, cooperative=cooperative, date=D(2024, 7, 1), description="Gaji",
                      lines=[{"account": "5-102", "debit": "1000000"}, {"account": "1-101", "credit": "1000000"}])
    ledger.book_year_close(actor=actor, cooperative=cooperative, year=YEAR, require_prepared=False)
    shu_services.transaction_volume_set(actor=actor, cooperative=cooperative, book_year=YEAR,
                                        volumes={a: Decimal("1000000"), b: Decimal("14000000")})
    return a, b


def prepared(cooperative, *, actor=None, **kwargs):
    closed_year(cooperative, actor=actor, **kwargs)
    return shu_services.shu_prepare(actor=actor, cooperative=cooperative, book_year=YEAR, **WORKED_EXAMPLE)


def approved(cooperative, *, actor=None, **kwargs):
    return shu_services.shu_approve(actor=actor, distribution=prepared(cooperative, actor=actor, **kwargs))


def posted(cooperative, *, actor=None, **kwargs):
    return shu_services.shu_post(actor=actor, distribution=approved(cooperative, actor=actor, **kwargs), date=D(2025, 3, 20))

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_scopes import scope

from ledger import services
from ledger.models import AccountBalance
from ledger.verify import verify_books

pytestmark = pytest.mark.django_db
D = datetime.date


def test_whole_books_pass(post, books, bookkeeper, make_user):
    post(D(2025, 1, 2), [("1-101", 1000, 0), ("3-103", 0, 1000)])
    e = post(D(2025, 2, 2), [("1-101", 500, 0), ("4-101", 0, 500)])
    services.entry_reverse(actor=bookkeeper, entry=e, date=D(2025, 3, 1))
    post(D(2025, 4, 2), [("5-102", 200, 0), ("1-101", 0, 200)])
    services.book_year_close(actor=make_user(books, "manager"), cooperative=books, year=2025, require_prepared=False)
    assert verify_books(cooperative=books) == []
    call_command("ledger_verify", "--cooperative", books.slug)


def test_a_tampered_rollup_is_reported_and_the_command_fails(post, books):
    post(D(2025, 1, 2), [("1-101", 1000, 0), ("3-103", 0, 1000)])
    with scope(cooperative=books):
        AccountBalance.objects.filter(account__code="1-101").update(debit_total=999)
    problems = verify_books(cooperative=books)
    assert len(problems) == 1 and "rollup" in problems[0]
    with pytest.raises(CommandError):
        call_command("ledger_verify")


def test_unknown_cooperative_is_an_error(db):
    with pytest.raises(CommandError):
        call_command("ledger_verify", "--cooperative", "tidak-ada")

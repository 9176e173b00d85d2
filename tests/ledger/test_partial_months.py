"""account_totals sums the lines of partial months without joining each line to its entry: all
lines in the range minus those of drafts and closing entries (ledger/selectors.py). Drafts and
closing entries inside a partial month must still be left out exactly as the recomputation does."""

import datetime

import pytest

from ledger import selectors, services

pytestmark = pytest.mark.django_db
D = datetime.date


def test_drafts_and_closing_entries_in_partial_months_are_left_out(post, books, bookkeeper, make_user):
    post(D(2024, 12, 10), [("1-101", 300_000, 0), ("4-101", 0, 300_000)])
    post(D(2024, 12, 20), [("5-105", 40_000, 0), ("1-101", 0, 40_000)])
    post(D(2025, 1, 5), [("1-101", 25_000, 0), ("4-901", 0, 25_000)])
    for day in (D(2024, 12, 18), D(2024, 12, 31), D(2025, 1, 6)):
        services.entry_save_draft(actor=bookkeeper, cooperative=books, date=day, description="Draf",
                                  lines=[{"account": "1-101", "debit": "777000"}, {"account": "4-101", "credit": "777000"}])
    services.book_year_close(actor=make_user(books, "manager"), cooperative=books, year=2024, require_prepared=False)

    ranges = [(None, D(2024, 12, 25)), (D(2024, 12, 15), D(2025, 1, 10)), (D(2024, 12, 31), D(2024, 12, 31)),
              (None, D(2025, 1, 31)), (D(2025, 1, 1), D(2025, 1, 6))]
    for since, as_of in ranges:
        for include_closing in (True, False):
            kwargs = {"cooperative": books, "as_of": as_of, "since": since, "include_closing": include_closing}
            got = {k: v for k, v in selectors.account_totals(**kwargs).items() if v != [0, 0]}
            assert got == dict(selectors.account_totals_from_lines(**kwargs)), (since, as_of, include_closing)

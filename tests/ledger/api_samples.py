"""Fresh objects for the ledger API's entries in tests/test_tenant_isolation.py SAMPLES (each
call builds its own, so a POST that succeeds never meets an object used before)."""

from datetime import timedelta

from django.utils import timezone

from cooperatives.book_years import book_year_end, book_year_of
from ledger import services

IDEMPOTENCY = {"Idempotency-Key": "isolation-suite-0001"}

AS_OF = {"as_of": "2026-01-31"}
PERIOD = {"from": "2026-01-01", "to": "2026-12-31"}


def books(ctx) -> dict:
    """The cooperative's chart, so bodies can name accounts by code (no URL kwargs)."""
    services.chart_apply_template(cooperative=ctx.cooperative)
    return {}


def _post(ctx, day, debit_code="1-101", credit_code="3-103", amount="150000.00"):
    books(ctx)
    return services.entry_post(
        actor=None, cooperative=ctx.cooperative, date=day, description="Modal penyertaan",
        lines=[{"account": debit_code, "debit": amount, "credit": "0"},
               {"account": credit_code, "debit": "0", "credit": amount}],
    )


def posted_entry(ctx) -> dict:
    return {"number": _post(ctx, timezone.localdate() - timedelta(days=1)).number}


def prepared_year(ctx) -> dict:
    """A book year that has ended, with income in it, prepared by the bookkeeper."""
    end_month = ctx.cooperative.book_year_end_month
    year = book_year_of(timezone.localdate(), end_month) - 1
    day = book_year_end(year, end_month) - timedelta(days=30)
    _post(ctx, day, "1-101", "4-101", "80000.00")
    services.book_year_prepare(actor=None, cooperative=ctx.cooperative, year=year)
    return {"year": year}

"""Helpers for city tests that need known figures: write `CooperativeYearFigures` rows directly
(what city/figures.py would have computed), so the expected aggregates are plain arithmetic."""

import datetime
from decimal import Decimal

from django.utils import timezone

from city.models import CooperativeYearFigures
from cooperatives.models import Kelurahan
from tests.factories import CooperativeFactory


def kelurahan_in(kecamatan_name):
    return Kelurahan.objects.filter(kecamatan__name=kecamatan_name).order_by("code").first()


def cooperative_with_figures(*, kecamatan="Baros", kind="simpan_pinjam", year=2025, men=10, women=10, savings="1000000.00",
                             assets="5000000.00", own="2000000.00", outside="3000000.00", volume="4000000.00", shu="500000.00",
                             rat_held=True, last_rat_year=None, **cooperative_fields):
    kelurahan = kelurahan_in(kecamatan)
    cooperative = CooperativeFactory(kind=kind, kelurahan=kelurahan, kecamatan=kelurahan.kecamatan, **cooperative_fields)
    # update_or_create: with real commits (browser tests) the figures engine has already written
    # the new cooperative's (empty) rows
    CooperativeYearFigures.objects.update_or_create(cooperative=cooperative, book_year=year, defaults=dict(
        year_end=datetime.date(year, 12, 31),
        members_men=men, members_women=women, members_total=men + women, managers=1,
        total_savings=Decimal(savings), total_assets=Decimal(assets), own_capital=Decimal(own),
        outside_capital=Decimal(outside), business_volume=Decimal(volume), shu=Decimal(shu),
        rat_held=rat_held, rat_held_on=datetime.date(year + 1, 3, 20) if rat_held else None,
        rat_deadline=datetime.date(year + 1, 6, 30),
        last_rat_year=year if rat_held else last_rat_year, years_without_rat=0 if rat_held else 1,
        refreshed_at=timezone.now(),
    ))
    return cooperative

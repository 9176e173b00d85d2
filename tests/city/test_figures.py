"""city/figures.py: the per-cooperative, per-year figures kept by the services after each commit,
and the rebuild from scratch that must give the same rows."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from city import figures
from city.models import CooperativeYearFigures, SharedPerson
from ledger import services as ledger
from meetings import services as meetings
from meetings.models import Meeting
from members import savings, services as members
from members.models import Member
from members.nik import nik_hash
from tests.factories import CooperativeFactory, MemberFactory, next_nik

pytestmark = pytest.mark.django_db
D = datetime.date
FIELDS = [f.name for f in CooperativeYearFigures._meta.fields if f.name not in ("id", "refreshed_at")]


def snapshot(cooperatives):
    rows = CooperativeYearFigures.objects.filter(cooperative__in=cooperatives).order_by("cooperative_id", "book_year")
    return [tuple(getattr(r, f if f != "cooperative" else "cooperative_id") for f in FIELDS) for r in rows]


def shared_snapshot():
    return sorted(SharedPerson.objects.values_list("nik_hash", "cooperative_id", "first_year", "until_year"))


def by_year(cooperative):
    return {r.book_year: r for r in CooperativeYearFigures.objects.filter(cooperative=cooperative)}


@pytest.fixture
def refreshes(monkeypatch):
    """Counts the refreshes run after commits, per cooperative id."""
    calls = []
    original = figures.refresh_cooperative_figures

    def counting(cooperative, *args, **kwargs):
        calls.append(getattr(cooperative, "pk", cooperative))
        return original(cooperative, *args, **kwargs)

    monkeypatch.setattr(figures, "refresh_cooperative_figures", counting)
    return calls


def test_nik_hash_is_keyed_and_kept_on_every_save(cooperative, settings):
    member = MemberFactory(cooperative=cooperative)
    assert member.nik_hash == nik_hash(member.nik_ktp) and len(member.nik_hash) == 64
    assert member.nik_ktp not in member.nik_hash and nik_hash("") == ""
    other = next_nik()
    member.nik_ktp = other
    with scope(cooperative=cooperative):
        member.save(update_fields=["nik_ktp"])
        assert Member.objects.get(pk=member.pk).nik_hash == nik_hash(other)
    before = nik_hash(other)
    settings.NIK_HASH_KEY = "another-key"
    assert nik_hash(other) != before


def test_rebuild_equals_incremental_after_a_realistic_sequence(make_user, django_capture_on_commit_callbacks, refreshes):
    today = timezone.localdate()
    last = today.year - 1
    with django_capture_on_commit_callbacks(execute=True):
        coop = CooperativeFactory(founded_on=D(last - 2, 5, 1))
        other = CooperativeFactory(founded_on=D(last - 1, 5, 1))
        ledger.chart_apply_template(cooperative=coop)
        manager = make_user(coop, "manager")
        shared_nik = next_nik("P")
        siti = members.member_admit_with_pokok(actor=manager, cooperative=coop, full_name="Siti Aminah", gender="P",
                                               joined_on=D(last, 2, 1), nik_ktp=shared_nik, pay_pokok=True)
        budi = members.member_admit_with_pokok(actor=manager, cooperative=coop, full_name="Budi Santoso", gender="L",
                                               joined_on=D(last, 2, 1), nik_ktp=next_nik(), pay_pokok=True)
        dewi = members.member_admit(actor=manager, cooperative=coop, full_name="Dewi", gender="P", joined_on=D(last - 1, 7, 1))
        # the same person in a second cooperative (bulk-written, like the seed), found by her NIK hash
        MemberFactory(cooperative=other, nik_ktp=shared_nik, gender="P", joined_on=D(last - 1, 6, 1))
        savings.wajib_collect(actor=manager, cooperative=coop, members=[siti, budi, dewi], period=D(last, 3, 1), date=D(last, 3, 10))
        savings.savings_deposit(actor=manager, member=budi, savings_type="sukarela", amount=Decimal("500000"), date=D(last, 4, 2))
        savings.savings_withdraw(actor=manager, member=budi, savings_type="sukarela", amount=Decimal("200000"), date=D(last, 5, 2))
        ledger.entry_post(actor=manager, cooperative=coop, date=D(last, 6, 1), description="Pinjaman",
                          lines=[{"account": "1-103", "debit": "300000"}, {"account": "1-101", "credit": "300000"}])
        ledger.entry_post(actor=manager, cooperative=coop, date=D(last, 9, 1), description="Jasa pinjaman",
                          lines=[{"account": "1-101", "debit": "90000"}, {"account": "4-101", "credit": "90000"}])
        wrong = ledger.entry_post(actor=manager, cooperative=coop, date=D(last, 10, 1), description="Gaji",
                                  lines=[{"account": "5-102", "debit": "40000"}, {"account": "1-101", "credit": "40000"}])
        ledger.entry_reverse(actor=manager, entry=wrong, date=D(last, 10, 2))
        ledger.entry_post(actor=manager, cooperative=coop, date=D(last, 10, 3), description="Gaji",
                          lines=[{"account": "5-102", "debit": "30000"}, {"account": "1-101", "credit": "30000"}])
        ledger.book_year_close(actor=manager, cooperative=coop, year=last, require_prepared=False)
        # the year running: a member leaves (refund posted), one more is admitted, gender corrected
        savings.member_leave(actor=manager, member=dewi, reason="resignation", date=today)
        late = members.member_admit(actor=manager, cooperative=coop, full_name="Eko", gender="P", joined_on=today, nik_ktp=next_nik())
        members.member_update(actor=manager, member=late, gender="L")
        ledger.entry_post(actor=manager, cooperative=coop, date=today, description="Jasa",
                          lines=[{"account": "1-101", "debit": "10000"}, {"account": "4-101", "credit": "10000"}])
        # the RAT of the closed year, held and reported
        meeting = meetings.meeting_schedule(actor=manager, cooperative=coop, book_year=last, date=today, venue="Aula")
        meetings.meeting_mark_held(actor=manager, meeting=meeting)
        with scope(cooperative=coop):
            Meeting.objects.filter(pk=meeting.pk).update(chair_name="Ketua", secretary_name="Sekretaris")
        meetings.minutes_publish(actor=manager, meeting=meeting)
        meetings.rat_report_submit(actor=manager, meeting=meeting, total_assets=Decimal("1"), own_capital=Decimal("1"),
                                   outside_capital=Decimal("0"), business_volume=Decimal("1"), shu=Decimal("1"))

    rows = by_year(coop)
    closed, running = rows[last], rows[today.year]
    assert sorted(rows) == list(range(last - 2, today.year + 1))
    assert (closed.members_men, closed.members_women, closed.members_total) == (1, 2, 3)
    assert (running.members_men, running.members_women, running.members_total) == (2, 1, 3)  # Dewi left, Eko came
    assert closed.managers == 1
    # pokok 2×100k + wajib 3×25k + sukarela 300k; SHU 90k − 30k (the reversed 40k cancels out)
    assert closed.total_savings == Decimal("575000")
    assert closed.business_volume == Decimal("90000") and closed.shu == Decimal("60000")
    assert closed.total_assets == Decimal("635000")
    assert closed.own_capital == Decimal("275000") + Decimal("60000") and closed.outside_capital == Decimal("300000")
    assert closed.total_assets == closed.own_capital + closed.outside_capital
    assert closed.rat_held and closed.rat_held_on == today and closed.rat_reported_on == today
    assert closed.last_rat_year == last and rows[last - 1].years_without_rat == 2
    assert running.business_volume == Decimal("10000") and running.total_savings == Decimal("575000") - Decimal("25000")  # Dewi's wajib refunded
    assert len(shared_snapshot()) == 2  # Siti in both cooperatives

    incremental, incremental_shared = snapshot([coop, other]), shared_snapshot()
    CooperativeYearFigures.objects.all().delete()
    SharedPerson.objects.all().delete()
    call_command("city_rebuild_figures", verbosity=0)
    assert snapshot([coop, other]) == incremental
    assert shared_snapshot() == incremental_shared


def test_one_refresh_per_cooperative_per_transaction(ksp_with_members, django_capture_on_commit_callbacks, refreshes):
    coop, manager, people = ksp_with_members
    period = D(timezone.localdate().year, 1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        savings.wajib_collect(actor=manager, cooperative=coop, members=people, period=period, date=timezone.localdate())
    assert refreshes == [coop.pk]
    refreshes.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            for person in people:
                savings.savings_deposit(actor=manager, member=person, savings_type="sukarela", amount="1000", date=timezone.localdate())
            members.member_admit(actor=manager, cooperative=coop, full_name="Baru", gender="L", joined_on=timezone.localdate())
    assert refreshes == [coop.pk]
    assert by_year(coop)[timezone.localdate().year].members_total == len(people) + 1


def test_a_rolled_back_transaction_refreshes_nothing(ksp_with_members, django_capture_on_commit_callbacks, refreshes):
    coop, manager, people = ksp_with_members
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                members.member_admit(actor=manager, cooperative=coop, full_name="Batal", gender="L", joined_on=timezone.localdate())
                raise RuntimeError
    assert refreshes == []


def test_refresh_of_one_part_keeps_the_others(ksp_with_members):
    coop, manager, people = ksp_with_members
    figures.refresh_cooperative_figures(coop)
    year = timezone.localdate().year
    before = by_year(coop)[year]
    MemberFactory(cooperative=coop)  # written without the service: not refreshed
    figures.refresh_cooperative_figures(coop, parts={figures.LEDGER})
    assert by_year(coop)[year].members_total == before.members_total
    figures.refresh_cooperative_figures(coop, parts={figures.MEMBERS})
    assert by_year(coop)[year].members_total == before.members_total + 1


def test_rebuild_command_for_one_cooperative_and_year(ksp_with_members, other_cooperative):
    coop, manager, people = ksp_with_members
    year = timezone.localdate().year
    call_command("city_rebuild_figures", "--cooperative", coop.slug, "--year", str(year), verbosity=0)
    assert list(CooperativeYearFigures.objects.values_list("cooperative_id", "book_year")) == [(coop.pk, year)]
    call_command("city_rebuild_figures", "--cooperative", other_cooperative.slug, verbosity=0)
    assert set(CooperativeYearFigures.objects.values_list("cooperative_id", flat=True)) == {coop.pk, other_cooperative.pk}


def test_a_new_cooperative_and_a_changed_rat_deadline_refresh_its_rows(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        coop = CooperativeFactory(founded_on=D(2024, 1, 1))
    assert by_year(coop)[2025].rat_deadline == D(2026, 6, 30)
    with django_capture_on_commit_callbacks(execute=True):
        coop.rat_deadline_months = 3
        coop.save()
    assert by_year(coop)[2025].rat_deadline == D(2026, 3, 31)


@pytest.fixture
def ksp_with_members(cooperative, make_user):
    ledger.chart_apply_template(cooperative=cooperative)
    manager = make_user(cooperative, "manager")
    people = [MemberFactory(cooperative=cooperative, joined_on=D(2024, 1, 10)) for _ in range(3)]
    return cooperative, manager, people

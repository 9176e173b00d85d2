"""`manage.py seed_demo`: the demo city of Kota Sukabumi (docs/DEMO_DATA.md)."""

import json
from collections import defaultdict
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from city.selectors import default_year, indicators
from cooperatives.book_years import last_closed_book_year
from cooperatives.models import CityRole, Cooperative, CooperativeKind, Counter, RoleAssignment
from meetings.models import Meeting
from members.models import Member, MemberStatus
from members.services import MEMBER_NUMBER_COUNTER, member_admit
from members.validators import nik_birth_date, validate_nik_ktp
from portal.demo.context import SeedContext, SeedOptions
from portal.demo.cooperatives import STAFF_COOPERATIVE, allocate_kinds, cooperative_names, plan_cooperatives
from portal.demo.people import build_members
from portal.demo.regions import load_regions
from users.models import User
from users.phone import normalize_phone

ROLES = {"member", "manager", "bookkeeper", "supervisor", "city_staff", "city_admin"}
MODELS = (Cooperative, Meeting, Member, Counter, User, RoleAssignment, CityRole)


def seed(tmp_path, *args):
    """The city without journal entries (charts only): the books are tested in test_seed_books.py."""
    out = StringIO()
    call_command("seed_demo", "--members-per-cooperative", "3", "--logins-file", str(tmp_path / "logins.json"), "--without-books",
                 *args, stdout=out)
    return out.getvalue()


def counts():
    with scopes_disabled():
        return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def seeded(db, tmp_path):
    seed(tmp_path)
    return json.loads((tmp_path / "logins.json").read_text())


def test_default_run_gives_the_citys_numbers(seeded):
    # from the city figures the seed leaves built (city/figures.py), for the default year
    built = indicators(default_year())
    assert (built.registered, built.active, built.rat_held) == (332, 200, 70)
    year_end = date(default_year(), 12, 31)
    with scopes_disabled():
        on_register = Member.objects.filter(joined_on__lte=year_end).exclude(left_on__lte=year_end).count()
    assert built.members_total == on_register > 0
    with scopes_disabled():
        kinds = defaultdict(int)
        for coop in Cooperative.objects.select_related("kelurahan"):
            kinds[coop.kind] += 1
            assert coop.kelurahan.kecamatan_id == coop.kecamatan_id
            assert coop.book_year_end_month == 12
            assert coop.legal_entity_number
            assert coop.founded_on <= timezone.localdate()
            assert coop.address.startswith(("Jl.", "Jalan", "Gg.", "Gang"))
    assert dict(kinds) == allocate_kinds(332)
    assert kinds[CooperativeKind.KONSUMEN] == 212 and kinds[CooperativeKind.SIMPAN_PINJAM] == 43


def test_nik_koperasi_only_for_active_cooperatives(seeded):
    today = timezone.localdate()
    last = last_closed_book_year(today, 12)
    with scopes_disabled():
        active = set(
            Meeting.objects.filter(book_year__gte=last - 2, book_year__lte=last, held_on__lte=today)
            .values_list("cooperative_id", flat=True)
        )
        for pk, nik in Cooperative.objects.values_list("pk", "nik_koperasi"):
            if pk in active:
                assert len(nik) == 16 and nik.isdigit()
            else:
                assert nik == ""


def test_rat_history_is_plausible(seeded):
    today = timezone.localdate()
    with scopes_disabled():
        for meeting in Meeting.objects.select_related("cooperative"):
            year_end = date(meeting.book_year, 12, 31)
            assert year_end < meeting.held_on <= today
            assert meeting.source == Meeting.Source.RECORDED
            assert meeting.reported_on is None or meeting.held_on <= meeting.reported_on <= today
            assert meeting.cooperative.founded_on <= year_end
        assert Meeting.objects.filter(reported_on__isnull=True).exists()


def test_running_twice_changes_no_counts(seeded, tmp_path):
    before = counts()
    with scopes_disabled():
        counters_before = dict(Counter.objects.values_list("cooperative_id", "value"))
    out = seed(tmp_path)
    assert "creating 0" in out
    assert counts() == before
    with scopes_disabled():
        assert dict(Counter.objects.values_list("cooperative_id", "value")) == counters_before
    assert indicators(default_year()).registered == 332


def test_if_empty_skips_seeding_but_rewrites_the_logins_file(seeded, tmp_path):
    before = counts()
    (tmp_path / "logins.json").unlink()
    out = seed(tmp_path, "--if-empty")
    assert "not seeded" in out
    assert counts() == before
    assert set(json.loads((tmp_path / "logins.json").read_text())) == ROLES


def test_if_empty_seeds_an_empty_database(db, tmp_path):
    seed(tmp_path, "--if-empty", "--cooperatives", "12")
    assert Cooperative.objects.count() == 12
    assert (tmp_path / "logins.json").exists()


def _user_for(entry):
    login = entry["login"]
    if "@" in login:
        return User.objects.get(email=login)
    return User.objects.get(phone=normalize_phone(login))


def test_logins_file_has_every_role_and_the_passwords_work(seeded):
    assert set(seeded) == ROLES
    for role, entry in seeded.items():
        user = _user_for(entry)
        assert user.check_password(entry["password"]), role
        assert user.full_name == entry["name"]
        assert len(entry["password"]) >= 8 and not entry["password"].isdigit()
    assert seeded["member"]["login"].startswith("08")  # members log in by phone


def test_staff_have_their_roles_in_the_named_cooperative(seeded):
    coop = Cooperative.objects.get(slug=seeded["manager"]["cooperative"])
    assert coop.slug == STAFF_COOPERATIVE.slug and coop.kind == CooperativeKind.SIMPAN_PINJAM
    for role in ("manager", "bookkeeper", "supervisor"):
        assert seeded[role]["cooperative"] == coop.slug
        user = _user_for(seeded[role])
        with scope(cooperative=coop):
            assert RoleAssignment.objects.filter(cooperative=coop, user=user, role=role).exists()
    for role in ("city_staff", "city_admin"):
        assert seeded[role]["cooperative"] is None
        assert CityRole.objects.filter(user=_user_for(seeded[role]), role=role).exists()
    # the staff cooperative is active and held the last closed year's RAT
    with scope(cooperative=coop):
        assert Meeting.objects.filter(cooperative=coop, book_year=last_closed_book_year(timezone.localdate(), 12)).exists()


def test_member_has_two_memberships_one_in_the_staff_cooperative(seeded):
    user = _user_for(seeded["member"])
    with scopes_disabled():
        memberships = list(Member.objects.filter(user=user, status=MemberStatus.ACTIVE).select_related("cooperative"))
    assert len(memberships) == 2
    slugs = {m.cooperative.slug for m in memberships}
    assert seeded["member"]["cooperative"] in slugs and STAFF_COOPERATIVE.slug in slugs
    assert set(seeded["member"]["cooperatives"]) == slugs
    for m in memberships:
        assert m.phone == user.phone and m.full_name == user.full_name
        validate_nik_ktp(m.nik_ktp)


def test_members_are_valid(seeded):
    today = timezone.localdate()
    with scopes_disabled():
        founded = dict(Cooperative.objects.values_list("pk", "founded_on"))
        niks = defaultdict(set)
        members = list(Member.objects.all())
        assert len(members) == 332 * 3 + 2
        for m in members:
            assert validate_nik_ktp(m.nik_ktp) == m.nik_ktp
            assert m.nik_ktp[:4] == "3272"
            assert nik_birth_date(m.nik_ktp)[1] == m.gender  # women's day of birth is +40
            assert m.nik_ktp not in niks[m.cooperative_id]
            niks[m.cooperative_id].add(m.nik_ktp)
            if m.phone:
                assert m.phone.startswith("+628") and normalize_phone(m.phone) == m.phone
            assert founded[m.cooperative_id] <= m.joined_on <= today
            assert (m.status == MemberStatus.LEFT) == (m.left_on is not None)
            if m.left_on:
                assert m.joined_on <= m.left_on <= today
            assert len(m.number) == 5 and m.number.isdigit()


def test_counter_equals_the_highest_member_number(seeded):
    with scopes_disabled():
        highest = {
            row["cooperative_id"]: int(row["top"])
            for row in Member.objects.values("cooperative_id").annotate(top=Max("number")).order_by()
        }
        counters = dict(Counter.objects.filter(name=MEMBER_NUMBER_COUNTER).values_list("cooperative_id", "value"))
    assert counters == highest


def test_member_admit_continues_the_sequence(seeded):
    coop = Cooperative.objects.get(slug=STAFF_COOPERATIVE.slug)
    manager = _user_for(seeded["manager"])
    with scope(cooperative=coop):
        last = Counter.objects.get(cooperative=coop, name=MEMBER_NUMBER_COUNTER).value
    member = member_admit(actor=manager, cooperative=coop, full_name="Ujang Sutisna", gender="L", joined_on=timezone.localdate())
    assert member.number == f"{last + 1:05d}"


def test_numbers_scale_with_n(db, tmp_path):
    seed(tmp_path, "--cooperatives", "40")
    built = indicators(default_year())
    assert (built.registered, built.active, built.rat_held) == (40, round(40 * 200 / 332), round(40 * 70 / 332))


def test_generation_is_deterministic(db):
    today = timezone.localdate()
    regions = load_regions()
    first = cooperative_names(options=SeedOptions(), today=today, regions=regions)
    assert first == cooperative_names(options=SeedOptions(), today=today, regions=regions)
    assert first != cooperative_names(options=SeedOptions(seed=7), today=today, regions=regions)
    assert len(first) == 332 and len(set(first)) == 332
    slugs = [p.slug for p in plan_cooperatives(options=SeedOptions(), today=today, regions=regions)]
    assert len(set(slugs)) == 332 and slugs[0] == STAFF_COOPERATIVE.slug


def test_database_matches_the_pure_generators(seeded):
    today = timezone.localdate()
    options = SeedOptions(members_per_cooperative=3)
    ctx = SeedContext(options=options, today=today, regions=load_regions())
    assert list(Cooperative.objects.order_by("pk").values_list("name", flat=True)) == cooperative_names(
        options=options, today=today, regions=ctx.regions
    )
    coop = Cooperative.objects.get(slug=STAFF_COOPERATIVE.slug)
    expected = build_members(
        ctx.rng("members", coop.slug), cooperative=coop, count=3, founded_on=coop.founded_on, today=today,
        districts=sorted({r.nik_district for r in ctx.regions}),
    )
    with scope(cooperative=coop):
        stored = list(Member.objects.filter(cooperative=coop, user__isnull=True).order_by("number"))
    assert [(m.number, m.full_name, m.nik_ktp, m.phone) for m in stored] == [
        (m.number, m.full_name, m.nik_ktp, m.phone) for m in expected
    ]

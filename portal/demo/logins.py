"""Demo logins: one user per role, their roles and memberships, and var/demo_logins.json.

Passwords are fixed and documented (docs/DEMO_DATA.md): demo data, never production. An existing
demo user is reused as it is (the seed never changes a password someone set)."""

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from django_scopes import scope, scopes_disabled

from cooperatives.models import CityRole, Cooperative, Counter, RoleAssignment
from cooperatives.services import counter_next
from members.models import Gender, Member, MemberStatus
from members.services import MEMBER_NUMBER_COUNTER, format_member_number
from users.models import User
from users.phone import normalize_phone

from . import people
from .context import SeedContext
from .cooperatives import SECOND_COOPERATIVE, STAFF_COOPERATIVE


@dataclass(frozen=True)
class DemoLogin:
    key: str  # the role in demo_logins.json
    role: str  # member, manager, bookkeeper, supervisor, city_staff, city_admin
    full_name: str
    phone: str  # as people type it
    email: str
    password: str
    title: str = ""
    login_by_email: bool = False


DEMO_LOGINS = (
    DemoLogin("member", "member", "Rina Marlina", "081210000001", "", "demo-member-2026"),
    DemoLogin("manager", "manager", "Asep Saepudin", "081210000002", "", "demo-manager-2026", title="Ketua"),
    DemoLogin("bookkeeper", "bookkeeper", "Neng Yuliani", "081210000003", "", "demo-bookkeeper-2026", title="Juru Buku"),
    DemoLogin("supervisor", "supervisor", "Dadang Suherman", "081210000004", "", "demo-supervisor-2026", title="Ketua Pengawas"),
    DemoLogin("city_staff", "city_staff", "Iwan Setiawan", "081210000007", "staf.dinas@example.org", "demo-city-staff-2026", login_by_email=True),
    DemoLogin("city_admin", "city_admin", "Ratna Komalasari", "081210000008", "admin.dinas@example.org", "demo-city-admin-2026", login_by_email=True),
)
# More pengurus of the staff cooperative (not in demo_logins.json; documented in docs/DEMO_DATA.md).
EXTRA_STAFF = (
    DemoLogin("manager_secretary", "manager", "Yayan Sopandi", "081210000005", "", "demo-manager-2026", title="Sekretaris"),
    DemoLogin("manager_treasurer", "manager", "Lilis Kurniasih", "081210000006", "", "demo-manager-2026", title="Bendahara"),
)
STAFF_ROLES = ("manager", "bookkeeper", "supervisor")
CITY_ROLES = ("city_staff", "city_admin")
MEMBER_COOPERATIVES = (STAFF_COOPERATIVE, SECOND_COOPERATIVE)

people.RESERVED_PHONES.update(normalize_phone(d.phone) for d in DEMO_LOGINS + EXTRA_STAFF)


def default_logins_file() -> Path:
    return Path(settings.VAR_DIR) / "demo_logins.json"


def _find_user(demo: DemoLogin):
    condition = Q(phone=normalize_phone(demo.phone)) if demo.phone else Q(pk__in=[])
    if demo.email:
        condition |= Q(email=demo.email)
    return User.objects.filter(condition).order_by("pk").first()


def _get_or_create_user(ctx: SeedContext, demo: DemoLogin) -> User:
    user = _find_user(demo)
    if user is None:
        user = User.objects.create_user(
            phone=demo.phone or None, email=demo.email or None, password=demo.password, full_name=demo.full_name
        )
        ctx.count("users")
    return user


DEMO_MEMBER = DEMO_LOGINS[0]
DEMO_MEMBER_BORN = date(1988, 5, 17)  # the same person in both registers: the same NIK where possible


def _demo_member_line(ctx: SeedContext, cooperative: Cooperative, taken: set[str], number: str) -> Member:
    """The demo member's register line in one of her cooperatives (not saved): joined two to six
    years ago (not before the founding), active, her phone, no login linked yet."""
    rng = ctx.rng("demo-member", cooperative.slug)
    founded = cooperative.founded_on or ctx.today
    joined_on = max(founded, ctx.today - timedelta(days=rng.randint(2 * 365, 6 * 365)))
    nik = people.nik_ktp(random.Random(f"{ctx.options.seed}:demo-member-nik"), district="05", born=DEMO_MEMBER_BORN,
                         gender=Gender.FEMALE, taken=set())
    if nik in taken:
        nik = people.nik_ktp(rng, district="05", born=DEMO_MEMBER_BORN, gender=Gender.FEMALE, taken=taken)
    return Member(
        cooperative_id=cooperative.pk, number=number, full_name=DEMO_MEMBER.full_name, gender=Gender.FEMALE, nik_ktp=nik,
        phone=normalize_phone(DEMO_MEMBER.phone), joined_on=joined_on, status=MemberStatus.ACTIVE,
    )


def seed_batch(ctx: SeedContext, batch) -> None:
    """The demo member's register lines in her two cooperatives, when they are created in this
    run: written with the generated register (the next number, the counter moved on) so the books
    step gives her three years of savings like everyone else. The final step links her login."""
    slugs = {c.slug for c in MEMBER_COOPERATIVES}
    for item in batch:
        coop = item.cooperative
        if coop.slug not in slugs:
            continue
        sequence = len(item.members) + 1
        taken = {m.nik_ktp for m in item.members}
        line = _demo_member_line(ctx, coop, taken, format_member_number(coop, sequence))
        line.save(force_insert=True)
        Counter.objects.filter(cooperative_id=coop.pk, name=MEMBER_NUMBER_COUNTER).update(value=sequence)
        item.members.append(line)
        ctx.count("members")


def _admit_demo_member(ctx: SeedContext, user: User, cooperative: Cooperative) -> None:
    """Link the demo member's login to her register line (written by `seed_batch`); a cooperative
    seeded before that step existed gets a line numbered by the cooperative's counter like
    member_admit (and no savings history)."""
    with scope(cooperative=cooperative):
        if Member.objects.filter(cooperative=cooperative, user=user).exists():
            return
        line = Member.objects.filter(cooperative=cooperative, user__isnull=True, phone=normalize_phone(DEMO_MEMBER.phone),
                                     status=MemberStatus.ACTIVE).order_by("pk").first()
        if line is not None:
            Member.objects.filter(pk=line.pk).update(user=user)
            return
        taken = set(Member.objects.filter(cooperative=cooperative).exclude(nik_ktp="").values_list("nik_ktp", flat=True))
        number = counter_next(cooperative=cooperative, name=MEMBER_NUMBER_COUNTER)
        line = _demo_member_line(ctx, cooperative, taken, format_member_number(cooperative, number))
        line.full_name, line.phone, line.user = user.full_name, user.phone or "", user
        line.save(force_insert=True)
        ctx.count("members")


@transaction.atomic
def seed_demo_users(ctx: SeedContext) -> None:
    cooperatives = {c.slug: c for c in Cooperative.objects.filter(slug__in=[c.slug for c in MEMBER_COOPERATIVES])}
    staff_cooperative = cooperatives.get(STAFF_COOPERATIVE.slug)
    if staff_cooperative is None:
        ctx.write(f"Demo cooperative {STAFF_COOPERATIVE.slug} does not exist: demo logins not created.")
        return
    for demo in DEMO_LOGINS + EXTRA_STAFF:
        user = _get_or_create_user(ctx, demo)
        if demo.role in STAFF_ROLES:
            with scope(cooperative=staff_cooperative):
                _ra, created = RoleAssignment.objects.get_or_create(
                    cooperative=staff_cooperative, user=user, role=demo.role, defaults={"title": demo.title}
                )
            ctx.count("role_assignments", int(created))
        elif demo.role in CITY_ROLES:
            _cr, created = CityRole.objects.get_or_create(user=user, role=demo.role)
            ctx.count("city_roles", int(created))
        elif demo.role == "member":
            for demo_cooperative in MEMBER_COOPERATIVES:
                if demo_cooperative.slug in cooperatives:
                    _admit_demo_member(ctx, user, cooperatives[demo_cooperative.slug])


def logins() -> dict:
    """{role: {login, password, cooperative, name}} for the demo users that exist."""
    result = {}
    with scopes_disabled():
        for demo in DEMO_LOGINS:
            user = _find_user(demo)
            if user is None:
                continue
            if demo.role == "member":
                slugs = list(
                    Member.objects.filter(user=user, status=MemberStatus.ACTIVE)
                    .order_by("cooperative_id").values_list("cooperative__slug", flat=True)
                )
                slugs.sort(key=lambda s: (s != STAFF_COOPERATIVE.slug, s))
            elif demo.role in STAFF_ROLES:
                slugs = list(
                    RoleAssignment.objects.filter(user=user, role=demo.role)
                    .order_by("cooperative_id").values_list("cooperative__slug", flat=True)
                )
            else:
                slugs = []
            entry = {
                "login": user.email if demo.login_by_email and user.email else demo.phone,
                "password": demo.password,
                "cooperative": slugs[0] if slugs else None,
                "name": user.full_name,
            }
            if demo.role == "member":
                entry["cooperatives"] = slugs
            result[demo.key] = entry
    return result


def write_logins_file(path: Path | None = None) -> tuple[Path, dict]:
    """(Re)write the logins file when the demo users exist; returns (path, what was written)."""
    path = Path(path or default_logins_file())
    data = logins()
    if data:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(path)
    return path, data


def format_logins(data: dict) -> list[str]:
    lines = []
    for role, entry in data.items():
        lines.append(f"  {role:<11} {entry['login']:<25} {entry['password']:<22} {entry['cooperative'] or ''}")
    return lines

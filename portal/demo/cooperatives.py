"""The city's registry: which cooperatives exist, of what kind, where, since when, with which
AD/ART settings and which RAT history (a pure plan), and the rows made from it."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from faker import Faker

from cooperatives.book_years import last_closed_book_year
from cooperatives.models import Cooperative, CooperativeKind

from .context import BOOK_YEAR_END_MONTH, SeedContext, SeedOptions
from .names import FIXED_NAMES, cooperative_slug, unique_cooperative_name
from .regions import Region

# Nationally (Kemenkop): konsumen 64 %, produsen 18 %, simpan pinjam 13 %, jasa 3 %, pemasaran 2 %.
KIND_SHARES = (
    (CooperativeKind.KONSUMEN.value, 64),
    (CooperativeKind.PRODUSEN.value, 18),
    (CooperativeKind.SIMPAN_PINJAM.value, 13),
    (CooperativeKind.JASA.value, 3),
    (CooperativeKind.PEMASARAN.value, 2),
)

RAT_LAST_YEAR, ACTIVE, INACTIVE = "rat_last_year", "active", "inactive"


@dataclass(frozen=True)
class DemoCooperative:
    name: str
    slug: str
    kind: str
    kelurahan: str


# The two cooperatives the demo logins work in. Always planned first, active, with a RAT for the
# last closed book year (when N allows it), so the demo looks the same whatever N is.
STAFF_COOPERATIVE = DemoCooperative(
    "Koperasi Simpan Pinjam Mekar Sejahtera", "ksp-mekar-sejahtera", CooperativeKind.SIMPAN_PINJAM.value, "Cikole"
)
SECOND_COOPERATIVE = DemoCooperative(
    "Koperasi Konsumen Karyawan RSUD R. Syamsudin, S.H.", "kopkar-rsud-r-syamsudin-sh", CooperativeKind.KONSUMEN.value, "Nyomplong"
)
DEMO_COOPERATIVES = (STAFF_COOPERATIVE, SECOND_COOPERATIVE)

SUKABUMI_STREETS = (
    "Jl. Jenderal Sudirman", "Jl. Ahmad Yani", "Jl. Siliwangi", "Jl. Suryakencana", "Jl. Bhayangkara",
    "Jl. R.E. Martadinata", "Jl. Pelabuhan II", "Jl. Otto Iskandardinata", "Jl. Veteran", "Jl. Perintis Kemerdekaan",
    "Jl. Selabintana", "Jl. Arif Rahman Hakim", "Jl. Pramuka", "Jl. Brawijaya", "Jl. Sriwidari", "Jl. Lio Balandongan",
    "Jl. Gunung Parang", "Jl. Kabandungan", "Jl. Nyomplong", "Jl. Pembangunan", "Jl. Merdeka", "Jl. Garuda",
    "Jl. Tipar Gede", "Jl. Cikole", "Jl. Rumah Sakit", "Jl. Stasiun Barat", "Jl. Zainal Zakse", "Jl. Degung",
    "Jl. Pasundan", "Jl. Kapten Harun Kabir", "Jl. Cemerlang", "Jl. Baros", "Jl. Cipanengah", "Jl. Sukaraja",
)


@dataclass(frozen=True)
class CooperativePlan:
    index: int
    name: str
    slug: str
    kind: str
    region: Region
    address: str
    founded_on: date
    registered_on: date
    legal_entity_number: str
    nik_koperasi: str
    quorum_fraction: Decimal
    quorum_more_than: bool
    rat_deadline_months: int
    invitation_notice_days: int
    simpanan_pokok_amount: Decimal
    simpanan_wajib_monthly_amount: Decimal
    category: str  # rat_last_year / active / inactive
    rat_years: tuple[int, ...]  # book years with a recorded RAT, ascending

    def to_model(self) -> Cooperative:
        return Cooperative(
            name=self.name, slug=self.slug, kind=self.kind, kecamatan_id=self.region.kecamatan_id,
            kelurahan_id=self.region.kelurahan_id, address=self.address, founded_on=self.founded_on,
            registered_on=self.registered_on, legal_entity_number=self.legal_entity_number,
            nik_koperasi=self.nik_koperasi, book_year_end_month=BOOK_YEAR_END_MONTH,
            quorum_fraction=self.quorum_fraction, quorum_more_than=self.quorum_more_than,
            rat_deadline_months=self.rat_deadline_months, invitation_notice_days=self.invitation_notice_days,
            simpanan_pokok_amount=self.simpanan_pokok_amount,
            simpanan_wajib_monthly_amount=self.simpanan_wajib_monthly_amount,
        )


def allocate_kinds(n: int) -> dict[str, int]:
    """Exact counts per kind for n cooperatives (largest remainder on the national shares)."""
    total = sum(share for _kind, share in KIND_SHARES)
    exact = {kind: n * share / total for kind, share in KIND_SHARES}
    counts = {kind: int(value) for kind, value in exact.items()}
    by_remainder = sorted(KIND_SHARES, key=lambda ks: (-(exact[ks[0]] - counts[ks[0]]), -ks[1]))
    for kind, _share in by_remainder[: n - sum(counts.values())]:
        counts[kind] += 1
    return counts


def _categories(n: int, options: SeedOptions, rng: random.Random, forced: int) -> list[str]:
    """Exactly `active` active cooperatives of which `rat` held the last closed year's RAT.

    The first `forced` (demo) cooperatives get the best category still available, and are active
    even when the scaled count is smaller (N ≤ 2)."""
    n_active, n_rat = options.target_counts()
    pool = [RAT_LAST_YEAR] * n_rat + [ACTIVE] * (n_active - n_rat) + [INACTIVE] * (n - n_active)
    head, rest = pool[:forced], pool[forced:]
    rng.shuffle(rest)
    # the demo logins' cooperatives always keep books, even when N is too small for that
    head = [ACTIVE if category == INACTIVE else category for category in head]
    return head + rest


def _rat_years(rng: random.Random, category: str, last_closed: int, *, rich: bool = False) -> tuple[int, ...]:
    if category == RAT_LAST_YEAR:
        last = last_closed
    elif category == ACTIVE:
        last = last_closed - 1 if rng.random() < 0.65 else last_closed - 2
    elif rng.random() < 0.55:  # inactive, but held RATs once
        last = last_closed - rng.randint(3, 8)
    else:
        return ()
    if rich:
        return tuple(range(last - 5, last + 1))
    back = rng.randint(0, 6)
    years = [y for y in range(last - back, last) if rng.random() < 0.85]
    return tuple(years + [last])


def _random_day(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _legal_entity_number(rng: random.Random, year: int, taken: set[str]) -> str:
    while True:
        if year >= 2018:  # AHU online (Kemenkumham) since 2018
            number = f"AHU-{rng.randint(1, 40000):07d}.AH.01.26.TAHUN {year}"
        else:  # older notation of the cooperative office
            number = f"{rng.randint(1, 999)}/BH/XIII.4/{year}"
        if number not in taken:
            taken.add(number)
            return number


def _nik_koperasi(rng: random.Random, region: Region, taken: set[str]) -> str:
    while True:
        number = f"3272{region.nik_district}{rng.randint(0, 9_999_999_999):010d}"
        if number not in taken:
            taken.add(number)
            return number


def _address(rng: random.Random, fake: Faker, region: Region) -> str:
    roll = rng.random()
    if roll < 0.65:
        street = rng.choice(SUKABUMI_STREETS)
    elif roll < 0.85:
        street = f"Jl. Raya {region.kelurahan_name}"
    else:
        street = fake.street_name()
    address = f"{street} No. {rng.randint(1, 250)}"
    if rng.random() < 0.3:
        address += f", RT {rng.randint(1, 12):02d}/RW {rng.randint(1, 15):02d}"
    return address


def plan_cooperatives(*, options: SeedOptions, today: date, regions: list[Region]) -> list[CooperativePlan]:
    """The whole registry as data, deterministic for (N, seed, today). Pure: no database."""
    n = options.cooperatives
    rng = random.Random(f"{options.seed}:cooperatives")
    fake = Faker("id_ID")
    fake.seed_instance(options.seed)
    last_closed = last_closed_book_year(today, BOOK_YEAR_END_MONTH)

    demo = list(DEMO_COOPERATIVES[:n])
    counts = allocate_kinds(n)
    for d in demo:
        counts[d.kind] = counts.get(d.kind, 0) - 1
    kinds = [d.kind for d in demo]
    rest = [kind for kind, _share in KIND_SHARES for _ in range(max(counts[kind], 0))]
    rng.shuffle(rest)
    kinds += rest[: n - len(kinds)]
    categories = _categories(n, options, rng, forced=len(demo))

    by_kelurahan = {r.kelurahan_name: r for r in regions}
    taken_names = {d.name.lower() for d in demo}
    taken_slugs = {d.slug for d in demo}
    fixed = {kind: list(names) for kind, names in FIXED_NAMES.items()}
    taken_legal, taken_nik = set(), set()
    plans = []
    for index, (kind, category) in enumerate(zip(kinds, categories)):
        region = rng.choice(regions)
        if index < len(demo):
            region = by_kelurahan.get(demo[index].kelurahan, region)
            name, slug = demo[index].name, demo[index].slug
        else:
            name = None
            while fixed.get(kind):
                candidate = fixed[kind].pop(0)
                if candidate.lower() not in taken_names:
                    name = candidate
                    taken_names.add(name.lower())
                    break
            if name is None:
                name = unique_cooperative_name(rng, kind, region.kelurahan_name, region.kecamatan_name, taken_names)
            slug = cooperative_slug(name, taken_slugs)

        years = _rat_years(rng, category, last_closed, rich=index == 0)
        if years:
            founded_year = rng.randint(max(1976, years[0] - 25), years[0])
            latest = date(founded_year, 9, 30)
        else:
            # founded by the last closed book year, so the city counts every cooperative for it
            # (the same draw as before, clamped: the other plans stay as they were)
            founded_year = min(rng.randint(1978, today.year), last_closed)
            latest = today - timedelta(days=60)
        founded_on = _random_day(rng, date(founded_year, 1, 1), min(latest, date(founded_year, 12, 31)))
        registered_on = min(founded_on + timedelta(days=rng.randint(7, 120)), today)

        quorum = rng.random()
        plans.append(
            CooperativePlan(
                index=index, name=name, slug=slug, kind=kind, region=region,
                address=_address(rng, fake, region),
                founded_on=founded_on, registered_on=registered_on,
                legal_entity_number=_legal_entity_number(rng, founded_on.year, taken_legal),
                # NIK Koperasi is issued only to active cooperatives (that hold their RAT).
                nik_koperasi=_nik_koperasi(rng, region, taken_nik) if category != INACTIVE else "",
                quorum_fraction=Decimal("0.5000") if quorum < 0.85 else Decimal("0.2000"),
                quorum_more_than=quorum < 0.85,
                rat_deadline_months=6 if rng.random() < 0.75 else rng.randint(3, 5),
                invitation_notice_days=14 if rng.random() < 0.75 else 7,
                simpanan_pokok_amount=Decimal(rng.choice((50, 75, 100, 100, 100, 150, 200, 250)) * 1000),
                simpanan_wajib_monthly_amount=Decimal(rng.choice((10, 15, 20, 25, 25, 25, 30, 50)) * 1000),
                category=category, rat_years=years,
            )
        )
    return plans


def cooperative_names(*, options: SeedOptions, today: date, regions: list[Region]) -> list[str]:
    """The names the seed gives, in order (what the determinism test compares)."""
    return [p.name for p in plan_cooperatives(options=options, today=today, regions=regions)]


def create_cooperatives(ctx: SeedContext, plans: list[CooperativePlan]) -> list[Cooperative]:
    """Insert the planned cooperatives (none of which exists yet); returns them with primary keys."""
    rows = Cooperative.objects.bulk_create([p.to_model() for p in plans], batch_size=500)
    if any(row.pk is None for row in rows):  # a backend that cannot return ids from a bulk insert
        ids = dict(Cooperative.objects.filter(slug__in=[p.slug for p in plans]).values_list("slug", "pk"))
        for row in rows:
            row.pk = row.id = ids[row.slug]
    ctx.count("cooperatives", len(rows))
    return rows

"""Member registers (members.Member) and their number counters for newly seeded cooperatives.

Bulk rows, not `member_admit`: the service (audit event, counter row lock per member) is far too
slow for a million members, so this step keeps the model's rules itself: numbers are the
cooperative's own gapless sequence (`format_member_number`) and its Counter row is set to the last
one, so `member_admit` continues without collision; NIK KTP valid and unique per cooperative;
phones E.164; joined after the founding and not in the future; left ⇔ left_on set.
"""

import random
from datetime import date, timedelta

from cooperatives.models import Counter
from members.models import Gender, Member, MemberStatus
from members.nik import nik_hash
from members.services import MEMBER_NUMBER_COUNTER, format_member_number

from .context import SeedContext
from .names import NamePools, name_pools, person_name

# Mobile prefixes of the Indonesian operators (Telkomsel, Indosat, XL, Axis, Tri, Smartfren).
MOBILE_PREFIXES = (
    "811", "812", "813", "821", "822", "823", "851", "852", "853", "814", "815", "816", "855", "856", "857",
    "858", "817", "818", "819", "859", "877", "878", "831", "832", "833", "838", "881", "882", "883", "884",
    "885", "886", "887", "888", "889", "895", "896", "897", "898", "899",
)
# Numbers of the demo logins: never handed to a generated member.
RESERVED_PHONES: set[str] = set()

EARLIEST_BIRTH = date(1940, 1, 1)
SHARE_WITH_PHONE = 0.9
SHARE_LEFT = 0.05
FOUNDERS = 9  # UU 25/1992: a primary cooperative has at least 9 founders


def mobile_phone(rng: random.Random) -> str:
    """An Indonesian mobile number in E.164 (+628…), 11 or 12 digits in national form."""
    while True:
        digits = 8 if rng.random() < 0.8 else 7
        phone = f"+62{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10 ** digits):0{digits}d}"
        if phone not in RESERVED_PHONES:
            return phone


def nik_ktp(rng: random.Random, *, district: str, born: date, gender: str, taken: set[str]) -> str:
    """A NIK KTP of Kota Sukabumi (32 72 district), date of birth with women's day +40, a serial
    1–9999; unique within `taken` (one cooperative), which it extends."""
    day = born.day + (40 if gender == Gender.FEMALE else 0)
    prefix = f"3272{district}{day:02d}{born.month:02d}{born.year % 100:02d}"
    while True:
        nik = f"{prefix}{rng.randint(1, 9999):04d}"
        if nik not in taken:
            taken.add(nik)
            return nik


def birth_date(rng: random.Random, joined_on: date) -> date:
    """Aged 17–65 when joining, born no earlier than 1940."""
    born = joined_on - timedelta(days=rng.randint(17 * 366, 65 * 365))
    if born < EARLIEST_BIRTH:
        born = EARLIEST_BIRTH + timedelta(days=rng.randint(0, 3650))
    return min(born, joined_on - timedelta(days=17 * 366))


def join_dates(rng: random.Random, count: int, founded_on: date, today: date) -> list[date]:
    """The founders join on the founding day; the others after it, never in the future."""
    founded_on = min(founded_on, today)
    span = (today - founded_on).days
    founders = min(FOUNDERS, count)
    later = sorted(founded_on + timedelta(days=rng.randint(1, span) if span else 0) for _ in range(count - founders))
    return [founded_on] * founders + later


def build_members(rng: random.Random, *, cooperative, count: int, founded_on: date, today: date,
                  districts: list[str], pools: NamePools | None = None, taken_nik: set[str] | None = None,
                  first_number: int = 1) -> list[Member]:
    """`count` register lines numbered from `first_number`, in joining order."""
    pools = pools or name_pools()
    taken_nik = set() if taken_nik is None else taken_nik
    members = []
    for offset, joined_on in enumerate(join_dates(rng, count, founded_on, today)):
        gender = Gender.FEMALE if rng.random() < 0.5 else Gender.MALE
        born = birth_date(rng, joined_on)
        left_on = None
        if rng.random() < SHARE_LEFT:
            left_on = min(joined_on + timedelta(days=rng.randint(30, 3650)), today)
        members.append(
            Member(
                cooperative_id=cooperative.pk,
                number=format_member_number(cooperative, first_number + offset),
                full_name=person_name(rng, gender, pools),
                gender=gender,
                nik_ktp=nik_ktp(rng, district=rng.choice(districts), born=born, gender=gender, taken=taken_nik),
                phone=mobile_phone(rng) if rng.random() < SHARE_WITH_PHONE else "",
                joined_on=joined_on,
                status=MemberStatus.LEFT if left_on else MemberStatus.ACTIVE,
                left_on=left_on,
            )
        )
    for member in members:  # bulk_create skips Member.save(), which keeps the hash otherwise
        member.nik_hash = nik_hash(member.nik_ktp)
    return members


def seed_batch(ctx: SeedContext, batch) -> None:
    count = ctx.options.members_per_cooperative
    districts = sorted({r.nik_district for r in ctx.regions})
    pools = name_pools()
    members, counters = [], []
    for item in batch:
        rng = ctx.rng("members", item.plan.slug)
        item.members = build_members(
            rng, cooperative=item.cooperative, count=count, founded_on=item.plan.founded_on,
            today=ctx.today, districts=districts, pools=pools,
        )
        members.extend(item.members)
        counters.append(Counter(cooperative_id=item.cooperative.pk, name=MEMBER_NUMBER_COUNTER, value=count))
    Member.objects.bulk_create(members, batch_size=2000)
    Counter.objects.bulk_create(counters, batch_size=2000)
    ctx.count("members", len(members))

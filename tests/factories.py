"""factory-boy factories for the portal's models. Tenant rows are created with scopes disabled
so tests can build data for several cooperatives at once."""

import datetime
import importlib
import itertools

from django.apps import apps as django_apps

import factory
from django_scopes import scopes_disabled

from cooperatives.models import CityRole, Cooperative, CooperativeKind, Kelurahan, RoleAssignment
from meetings.models import Meeting
from members.models import Gender, Member
from users.models import User

_phone_numbers = itertools.count(10000000)
_nik_serials = itertools.count(1)


def ensure_regions():
    """Put back the kecamatan and kelurahan that migration cooperatives 0003 loads.

    Every transactional test ends by emptying every table, data loaded by migrations included,
    so a later test would find no region. The migration's loader is idempotent.
    (`serialized_rollback` is no substitute: its restore collides with the content types a
    flush recreates.)
    """
    if not Kelurahan.objects.exists():
        importlib.import_module("cooperatives.migrations.0003_kota_sukabumi_regions").load(django_apps, None)


def next_phone():
    return f"+62812{next(_phone_numbers):08d}"


def next_nik(gender="L"):
    """A valid NIK KTP: Kota Sukabumi (32 72), kecamatan 01, born 15 Aug 1985."""
    day = 15 + (40 if gender == "P" else 0)
    return f"327201{day:02d}0885{next(_nik_serials) % 9999 + 1:04d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    full_name = factory.Faker("name", locale="id_ID")
    phone = factory.LazyFunction(next_phone)
    email = factory.Sequence(lambda n: f"user{n}@example.id")
    password = factory.PostGenerationMethodCall("set_password", "rahasia-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CooperativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cooperative

    name = factory.Sequence(lambda n: f"Koperasi Uji {n}")
    slug = factory.Sequence(lambda n: f"koperasi-uji-{n}")
    kind = CooperativeKind.SIMPAN_PINJAM
    kelurahan = factory.LazyFunction(lambda: (ensure_regions(), Kelurahan.objects.order_by("code").first())[1])
    kecamatan = factory.LazyAttribute(lambda o: o.kelurahan.kecamatan)
    legal_entity_number = factory.Sequence(lambda n: f"{n}/BH/XIII.4/2010")
    founded_on = datetime.date(2010, 1, 15)


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class RoleAssignmentFactory(TenantFactory):
    class Meta:
        model = RoleAssignment

    cooperative = factory.SubFactory(CooperativeFactory)
    user = factory.SubFactory(UserFactory)
    role = "manager"


class CityRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityRole

    user = factory.SubFactory(UserFactory)
    role = "city_staff"


class MemberFactory(TenantFactory):
    class Meta:
        model = Member

    cooperative = factory.SubFactory(CooperativeFactory)
    number = factory.Sequence(lambda n: f"{n + 1:05d}")
    full_name = factory.Faker("name", locale="id_ID")
    gender = Gender.MALE
    nik_ktp = factory.LazyAttribute(lambda o: next_nik(o.gender))
    phone = factory.LazyFunction(next_phone)
    joined_on = datetime.date(2020, 3, 1)


class MeetingFactory(TenantFactory):
    class Meta:
        model = Meeting

    cooperative = factory.SubFactory(CooperativeFactory)
    book_year = 2025
    kind = "rat"
    held_on = factory.LazyAttribute(lambda o: datetime.date(o.book_year + 1, 3, 20))
    date = factory.LazyAttribute(lambda o: o.held_on)
    status = "held"

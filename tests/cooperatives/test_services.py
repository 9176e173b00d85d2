import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from cooperatives import access, services
from cooperatives.models import Kelurahan, RoleAssignment
from portal.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def events(cooperative, action):
    with scope(cooperative=cooperative):
        return list(AuditEvent.objects.filter(action=action))


def test_role_assign_and_revoke_are_audited(cooperative, make_user):
    manager = make_user(cooperative, "manager")
    person = UserFactory()
    assignment = services.role_assign(actor=manager, cooperative=cooperative, user=person, role="bookkeeper", title="Juru buku")
    assert access.roles_in(person, cooperative) == {"bookkeeper"}
    [event] = events(cooperative, "role.assign")
    assert event.actor == manager and event.changes["role"] == [None, "bookkeeper"]

    services.role_revoke(actor=manager, assignment=assignment)
    access.forget_cached_roles(person)
    assert access.roles_in(person, cooperative) == frozenset()
    assert len(events(cooperative, "role.revoke")) == 1


def test_same_role_twice_is_refused(cooperative, make_user):
    manager = make_user(cooperative, "manager")
    person = UserFactory()
    services.role_assign(actor=manager, cooperative=cooperative, user=person, role="supervisor")
    with pytest.raises(ValidationError) as err:
        services.role_assign(actor=manager, cooperative=cooperative, user=person, role="supervisor")
    assert "role" in err.value.error_dict


def test_the_last_manager_cannot_be_removed(cooperative, make_user):
    manager = make_user(cooperative, "manager")
    with scope(cooperative=cooperative):
        assignment = RoleAssignment.objects.get(user=manager)
    with pytest.raises(ValidationError):
        services.role_revoke(actor=manager, assignment=assignment)
    with scope(cooperative=cooperative):
        assert RoleAssignment.objects.filter(user=manager).exists()
    assert events(cooperative, "role.revoke") == []  # nothing half-written


def test_profile_update_records_before_and_after(cooperative, make_user):
    manager = make_user(cooperative, "manager")
    services.cooperative_profile_update(actor=manager, cooperative=cooperative, nik_koperasi="3272010000000001", rat_deadline_months=4)
    [event] = events(cooperative, "cooperative.update")
    assert event.changes["rat_deadline_months"] == [6, 4]
    assert event.changes["nik_koperasi"] == ["", "3272010000000001"]


def test_profile_refuses_kelurahan_outside_kecamatan(cooperative, make_user):
    manager = make_user(cooperative, "manager")
    elsewhere = Kelurahan.objects.exclude(kecamatan=cooperative.kecamatan).first()
    with pytest.raises(ValidationError) as err:
        services.cooperative_profile_update(actor=manager, cooperative=cooperative, kelurahan=elsewhere)
    assert "kelurahan" in err.value.error_dict


def test_counter_is_gapless_and_per_cooperative(cooperative, other_cooperative):
    from django.db import transaction

    with transaction.atomic():
        assert [services.counter_next(cooperative=cooperative, name="x") for _ in range(3)] == [1, 2, 3]
        assert services.counter_next(cooperative=other_cooperative, name="x") == 1
    try:
        with transaction.atomic():
            services.counter_next(cooperative=cooperative, name="x")
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    with transaction.atomic():
        assert services.counter_next(cooperative=cooperative, name="x") == 4  # the rolled-back 4 came back


@pytest.mark.django_db(transaction=True)
def test_counter_refuses_to_run_outside_a_transaction(cooperative):
    with pytest.raises(RuntimeError):
        services.counter_next(cooperative=cooperative, name="x")


def test_cooperative_create_with_first_manager(make_user):
    admin = make_user(role="city_admin")
    manager = UserFactory()
    kelurahan = Kelurahan.objects.get(name="Cikole")
    coop = services.cooperative_create(
        actor=admin, first_manager=manager, name="Koperasi Baru", slug="koperasi-baru", kind="jasa",
        kecamatan=kelurahan.kecamatan, kelurahan=kelurahan,
    )
    assert access.roles_in(manager, coop) == {"manager"}
    with scopes_disabled():
        assert AuditEvent.objects.filter(cooperative=coop, action="cooperative.create").count() == 1

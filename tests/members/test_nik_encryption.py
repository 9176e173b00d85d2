"""NIK KTP is encrypted at rest (portal/crypto.py) and found by its keyed hash (members/nik.py):
what is on disk, uniqueness per cooperative, search, the data migration and key rotation."""

import base64
import datetime
import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from members import services
from members.models import Member
from members.nik import nik_hash
from portal import crypto
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
NIK = "3272015508850001"
NEW_KEY = base64.urlsafe_b64encode(b"n" * 32).decode()
migration = importlib.import_module("members.migrations.0005_member_nik_encrypted_deletion_request")


def stored(member_pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nik_ktp FROM members_member WHERE id = %s", [member_pk])
        return cursor.fetchone()[0]


def test_the_nik_is_encrypted_on_disk_and_plain_in_python(cooperative):
    member = MemberFactory(cooperative=cooperative, nik_ktp=NIK)
    on_disk = stored(member.pk)
    assert on_disk.startswith(f"enc1:{crypto.current_key_id()}:") and NIK not in on_disk
    with scope(cooperative=cooperative):
        again = Member.objects.get(pk=member.pk)
        assert again.nik_ktp == NIK and again.nik_ktp_masked == "3272********0001"
        assert again.nik_hash == nik_hash(NIK)
        assert list(Member.objects.filter(pk=member.pk).values_list("nik_ktp", flat=True)) == [NIK]


def test_an_empty_nik_stays_empty(cooperative):
    member = MemberFactory(cooperative=cooperative, nik_ktp="")
    assert stored(member.pk) == "" and member.nik_hash == ""
    with scope(cooperative=cooperative):
        assert Member.objects.filter(nik_ktp="").filter(pk=member.pk).exists()
        assert not Member.objects.exclude(nik_ktp="").filter(pk=member.pk).exists()


@pytest.mark.parametrize("lookup", ["nik_ktp", "nik_ktp__startswith", "nik_ktp__icontains"])
def test_the_database_cannot_be_asked_for_a_nik(cooperative, lookup):
    with scope(cooperative=cooperative), pytest.raises(FieldError):
        list(Member.objects.filter(**{lookup: NIK}))


def test_one_nik_per_cooperative_by_its_hash(cooperative, other_cooperative):
    MemberFactory(cooperative=cooperative, nik_ktp=NIK)
    with pytest.raises(ValidationError) as refused:
        services.member_admit(actor=None, cooperative=cooperative, full_name="Kembar", gender="P",
                              joined_on=datetime.date(2024, 1, 1), nik_ktp=NIK)
    assert "nik_ktp" in refused.value.error_dict
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        MemberFactory(cooperative=cooperative, nik_ktp=NIK)
    MemberFactory(cooperative=other_cooperative, nik_ktp=NIK)  # another cooperative may hold the same person


def test_changing_the_nik_rehashes_it(cooperative):
    member = MemberFactory(cooperative=cooperative, nik_ktp=NIK)
    services.member_update(actor=None, member=member, nik_ktp="3272014508850002")
    with scope(cooperative=cooperative):
        member = Member.objects.get(pk=member.pk)
    assert member.nik_ktp == "3272014508850002" and member.nik_hash == nik_hash("3272014508850002")


def test_search_by_a_whole_nik_finds_the_member(client, cooperative, make_user):
    member = MemberFactory(cooperative=cooperative, nik_ktp=NIK, full_name="Siti Aminah")
    MemberFactory(cooperative=cooperative, full_name="Budi")
    client.force_login(make_user(cooperative, "manager"))
    page = client.get(reverse("members:list", kwargs={"slug": cooperative.slug}), {"q": NIK}).content.decode()
    assert f"/anggota/{member.number}/" in page and "Budi" not in page
    api = client.get(f"/api/v1/c/{cooperative.slug}/members/", {"q": NIK}).json()
    assert [row["number"] for row in api["results"]] == [member.number]
    # a part of a NIK finds nothing (it is not stored in a searchable form)
    api = client.get(f"/api/v1/c/{cooperative.slug}/members/", {"q": NIK[:8]}).json()
    assert member.number not in [row["number"] for row in api["results"]]


def test_managers_see_the_full_nik_others_masked(client, cooperative, make_user):
    member = MemberFactory(cooperative=cooperative, nik_ktp=NIK)
    url = f"/api/v1/c/{cooperative.slug}/members/{member.number}/"
    client.force_login(make_user(cooperative, "manager"))
    assert client.get(url).json()["nik_ktp"] == NIK
    client.force_login(make_user(cooperative, "bookkeeper"))
    assert client.get(url).json()["nik_ktp"] == "3272********0001"


def test_the_data_migration_encrypts_plain_niks_and_reverses(cooperative):
    member = MemberFactory(cooperative=cooperative, nik_ktp=NIK)
    empty = MemberFactory(cooperative=cooperative, nik_ktp="")
    with connection.cursor() as cursor:  # as before the migration: plain text on disk
        cursor.execute("UPDATE members_member SET nik_ktp = %s WHERE id = %s", [NIK, member.pk])
    editor = SimpleNamespace(connection=connection)  # what RunPython's functions use of the schema editor
    migration.encrypt_existing(django_apps, editor)
    assert crypto.is_encrypted(stored(member.pk)) and stored(empty.pk) == ""
    with scope(cooperative=cooperative):
        assert Member.objects.get(pk=member.pk).nik_ktp == NIK
    encrypted = stored(member.pk)
    migration.encrypt_existing(django_apps, editor)  # running it twice changes nothing
    assert stored(member.pk) == encrypted
    migration.decrypt_existing(django_apps, editor)
    assert stored(member.pk) == NIK


def test_key_rotation(cooperative, settings):
    member = MemberFactory(cooperative=cooperative, nik_ktp=NIK)
    old_kid = crypto.current_key_id()
    settings.PORTAL_FIELD_ENCRYPTION_KEYS = [NEW_KEY, *settings.PORTAL_FIELD_ENCRYPTION_KEYS]
    new_kid = crypto.current_key_id()
    assert new_kid != old_kid and stored(member.pk).split(":")[1] == old_kid
    call_command("field_encryption_rotate", "--dry-run", stdout=io.StringIO())
    assert stored(member.pk).split(":")[1] == old_kid
    call_command("field_encryption_rotate", stdout=io.StringIO())
    assert stored(member.pk).split(":")[1] == new_kid
    settings.PORTAL_FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key can go now
    with scopes_disabled():
        assert Member.objects.get(pk=member.pk).nik_ktp == NIK


def test_reading_with_a_missing_key_fails_loudly(cooperative, settings):
    member = MemberFactory(cooperative=cooperative, nik_ktp=NIK)
    settings.PORTAL_FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    with scopes_disabled(), pytest.raises(crypto.DecryptionError):
        Member.objects.get(pk=member.pk)

import datetime

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from members import services
from members.models import Member
from members.validators import mask_nik, validate_nik_ktp
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db

VALID_NIK = "3272015508850001"  # Kota Sukabumi, woman born 15 Aug 1985


@pytest.mark.parametrize("nik", [VALID_NIK, "3272011508850002"])
def test_valid_nik(nik):
    assert validate_nik_ktp(nik) == nik


@pytest.mark.parametrize(
    "nik",
    ["123", "32720155088500012", "327201550885000A", "9972015508850001", "3272013213850001", "3272011515850001", "3272011508850000"],
)
def test_invalid_nik(nik):
    with pytest.raises(ValidationError):
        validate_nik_ktp(nik)


def test_mask_nik():
    assert mask_nik(VALID_NIK) == "3272********0001"


def admit(cooperative, actor, **overrides):
    fields = {"full_name": "Siti  Aminah ", "gender": "P", "joined_on": datetime.date(2024, 1, 5), "nik_ktp": VALID_NIK, "phone": "0812-3456-7890"}
    fields.update(overrides)
    return services.member_admit(actor=actor, cooperative=cooperative, **fields)


def test_admit_numbers_members_in_sequence_and_audits(cooperative, make_user):
    manager = make_user(cooperative, "manager")
    first = admit(cooperative, manager)
    second = admit(cooperative, manager, nik_ktp="", phone="")
    assert (first.number, second.number) == ("00001", "00002")
    assert first.full_name == "Siti Aminah" and first.phone == "+6281234567890"
    with scope(cooperative=cooperative):
        event = AuditEvent.objects.get(action="member.admit", object_id=str(first.pk))
    assert event.changes["nik_ktp"] == [None, "3272********0001"]  # the audit trail keeps no full NIK


def test_duplicate_nik_is_refused_and_nothing_written(cooperative, make_user):
    manager = make_user(cooperative, "manager")
    admit(cooperative, manager)
    with pytest.raises(ValidationError) as err:
        admit(cooperative, manager, full_name="Orang Lain")
    assert "nik_ktp" in err.value.error_dict
    with scope(cooperative=cooperative):
        assert Member.objects.count() == 1
    # the number was not used up
    assert admit(cooperative, manager, nik_ktp="").number == "00002"


def test_same_nik_in_another_cooperative_is_fine(cooperative, other_cooperative, make_user):
    admit(cooperative, make_user(cooperative, "manager"))
    admit(other_cooperative, make_user(other_cooperative, "manager"))


def test_bad_fields_give_one_message_each(cooperative, make_user):
    with pytest.raises(ValidationError) as err:
        admit(cooperative, make_user(cooperative, "manager"), full_name=" ", nik_ktp="123", phone="12", joined_on=datetime.date(2999, 1, 1))
    assert set(err.value.error_dict) == {"full_name", "nik_ktp", "phone", "joined_on"}


def test_update_records_changes(cooperative, make_user):
    manager = make_user(cooperative, "manager")
    member = admit(cooperative, manager)
    services.member_update(actor=manager, member=member, full_name="Siti Aminah Rahayu", phone="+62 813 1111 2222")
    with scope(cooperative=cooperative):
        event = AuditEvent.objects.get(action="member.update")
        member.refresh_from_db()
    assert member.phone == "+6281311112222"
    assert event.changes["full_name"] == ["Siti Aminah", "Siti Aminah Rahayu"]


def test_member_pages_add_and_edit(client, cooperative, make_user):
    client.force_login(make_user(cooperative, "manager"))
    url = f"/c/{cooperative.slug}/anggota/baru/"
    bad = client.post(url, {"full_name": "Budi", "gender": "L", "joined_on": "2024-01-05", "nik_ktp": "123", "phone": ""})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    ok = client.post(url, {"full_name": "Budi", "gender": "L", "joined_on": "2024-01-05", "nik_ktp": "", "phone": "081299998888", "consent": "on"})
    assert ok.status_code == 302
    with scope(cooperative=cooperative):
        member = Member.objects.get(full_name="Budi")
    edit = client.post(f"/c/{cooperative.slug}/anggota/{member.number}/ubah/", {"full_name": "Budi Santoso", "gender": "L", "joined_on": "2024-01-05", "nik_ktp": "", "phone": "081299998888"})
    assert edit.status_code == 302
    with scope(cooperative=cooperative):
        member.refresh_from_db()
    assert member.full_name == "Budi Santoso"


def test_nik_is_masked_for_supervisors_full_for_managers(client, cooperative, make_user):
    from tests.factories import MemberFactory

    member = MemberFactory(cooperative=cooperative, nik_ktp=VALID_NIK)
    client.force_login(make_user(cooperative, "supervisor"))
    page = client.get(f"/c/{cooperative.slug}/anggota/{member.number}/").content.decode()
    assert VALID_NIK not in page and "3272********0001" in page
    client.force_login(make_user(cooperative, "manager"))
    assert VALID_NIK in client.get(f"/c/{cooperative.slug}/anggota/{member.number}/").content.decode()


def test_member_list_search_and_htmx_partial(client, cooperative, make_user):
    from tests.factories import MemberFactory

    MemberFactory(cooperative=cooperative, full_name="Asep Sunandar", phone="+6281211112222")
    MemberFactory(cooperative=cooperative, full_name="Dewi Lestari")
    client.force_login(make_user(cooperative, "bookkeeper"))
    url = f"/c/{cooperative.slug}/anggota/"
    page = client.get(url, {"q": "asep"}).content.decode()
    assert "Asep Sunandar" in page and "Dewi Lestari" not in page
    assert "Asep Sunandar" in client.get(url, {"q": "0812-1111"}).content.decode()
    partial = client.get(url, {"q": "dewi"}, headers={"HX-Request": "true", "HX-Target": "member-results"}).content.decode()
    assert "Dewi Lestari" in partial and "<html" not in partial


def test_admit_records_consent_and_details_and_uses_the_number_format(cooperative, make_user):
    from cooperatives.models import Kelurahan

    cooperative.member_number_format = "A-{year}-{seq:04d}"
    cooperative.save()
    manager = make_user(cooperative, "manager")
    kelurahan = Kelurahan.objects.get(name="Cikole")
    member = services.member_admit(
        actor=manager, cooperative=cooperative, full_name="Rina", gender="P", joined_on=datetime.date(2025, 2, 1),
        place_of_birth="Sukabumi", date_of_birth=datetime.date(1990, 5, 17), occupation="Guru", address="Jl. Ahmad Yani 1",
        kelurahan=kelurahan,
    )
    assert member.number == "A-2025-0001"
    assert member.consent_version == services.CONSENT_VERSION and member.consent_at is not None
    assert member.kelurahan == kelurahan and member.occupation == "Guru"


def test_admit_without_consent_is_refused(cooperative, make_user):
    with pytest.raises(ValidationError) as err:
        services.member_admit(actor=make_user(cooperative, "manager"), cooperative=cooperative, full_name="X", gender="L",
                              joined_on=datetime.date(2025, 1, 1), consent=False)
    assert "consent" in err.value.error_dict


def test_imported_numbers_are_kept_and_never_collide(cooperative, make_user):
    manager = make_user(cooperative, "manager")
    services.member_admit(actor=manager, cooperative=cooperative, full_name="Lama", gender="L", joined_on=datetime.date(2020, 1, 1), number="00001")
    fresh = services.member_admit(actor=manager, cooperative=cooperative, full_name="Baru", gender="L", joined_on=datetime.date(2025, 1, 1))
    assert fresh.number == "00002"
    with pytest.raises(ValidationError):
        services.member_admit(actor=manager, cooperative=cooperative, full_name="Dobel", gender="L", joined_on=datetime.date(2025, 1, 1), number="00002")


def test_bad_member_number_format_is_refused(cooperative):
    from django.core.exceptions import ValidationError as DjangoValidationError

    for bad in ["{nomor}", "no-seq", "{seq}/{year}"]:
        cooperative.member_number_format = bad
        with pytest.raises(DjangoValidationError):
            cooperative.full_clean()

"""The registry (issue 6, item 4): the city admin registers a cooperative (chart of accounts and an
invitation for its first manager, no temporary password), edits its legal data and AD/ART
settings, marks it dissolved or merged. City staff read but never write."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from cooperatives import access, services
from cooperatives.models import Cooperative, Kecamatan, Kelurahan, RoleAssignment, RoleInvitation
from ledger.models import Account
from portal.models import AuditEvent
from tests.factories import CooperativeFactory
from users.models import User

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PASSWORD = "Sukabumi-Maju-2026"


def audit_actions(cooperative=None):
    events = AuditEvent.objects.with_scopes_disabled()
    if cooperative is not None:
        events = events.filter(cooperative=cooperative)
    return list(events.order_by("pk").values_list("action", flat=True))


def registration(**overrides):
    kelurahan = Kelurahan.objects.get(name="Nyomplong")
    data = {
        "name": "Koperasi Jasa Nyomplong Maju", "slug": "", "legal_entity_number": "AHU-0001234.AH.01.26.TAHUN 2024",
        "nik_koperasi": "3272030010001", "kind": "jasa", "kecamatan": kelurahan.kecamatan_id, "kelurahan": kelurahan.pk,
        "address": "Jl. Nyomplong No. 5", "founded_on": "2024-02-01", "registered_on": "2024-03-01",
        "book_year_end_month": "12", "quorum_fraction": "0.5", "quorum_more_than": "on", "rat_deadline_months": "6",
        "invitation_notice_days": "14", "simpanan_pokok_amount": "100000", "simpanan_wajib_monthly_amount": "25000",
        "manager_name": "Dadang Suhendar", "manager_phone": "0857 1234 5678", "manager_email": "",
    }
    data.update(overrides)
    return data


def cooperative_form(cooperative, **overrides):
    data = {
        "name": cooperative.name, "legal_entity_number": cooperative.legal_entity_number, "nik_koperasi": cooperative.nik_koperasi,
        "kind": cooperative.kind, "kecamatan": cooperative.kecamatan_id, "kelurahan": cooperative.kelurahan_id,
        "address": cooperative.address, "founded_on": "2010-01-15", "registered_on": "",
        "book_year_end_month": "12", "quorum_fraction": "0.5", "quorum_more_than": "on", "rat_deadline_months": "6",
        "invitation_notice_days": "14", "simpanan_pokok_amount": "100000", "simpanan_wajib_monthly_amount": "25000",
    }
    data.update(overrides)
    return data


# --- permissions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["anonymous", "city_staff", "manager", "member", "outsider"])
def test_only_the_city_admin_opens_or_posts_the_registry_forms(client, make_user, who):
    cooperative = CooperativeFactory()
    if who != "anonymous":
        client.force_login(make_user(cooperative if who in ("manager", "member") else None, who))
    paths = ["/kota/koperasi/baru/", f"/kota/koperasi/{cooperative.slug}/ubah/", f"/kota/koperasi/{cooperative.slug}/status/",
             f"/kota/koperasi/{cooperative.slug}/pengurus-pertama/"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == (302 if who == "anonymous" else 403), path
    before = Cooperative.objects.count()
    assert client.post("/kota/koperasi/baru/", registration()).status_code in (302, 403)
    client.post(f"/kota/koperasi/{cooperative.slug}/ubah/", cooperative_form(cooperative, name="Diubah"))
    client.post(f"/kota/koperasi/{cooperative.slug}/status/", {"status": "dissolved", "on": "2026-01-01", "reason": "x"})
    client.post(f"/kota/koperasi/{cooperative.slug}/pengurus-pertama/", {"manager_name": "A B", "manager_phone": "085712345678"})
    cooperative.refresh_from_db()
    assert Cooperative.objects.count() == before and cooperative.name != "Diubah" and cooperative.registry_status == "registered"
    with scopes_disabled():
        assert not RoleInvitation.objects.exists()


def test_city_staff_read_the_registry_but_see_no_write_links(client, make_user):
    from city.figures import rebuild_figures

    cooperative = CooperativeFactory()
    rebuild_figures()
    client.force_login(make_user(role="city_staff"))
    page = client.get("/kota/koperasi/")
    assert page.status_code == 200 and cooperative.name in page.content.decode()
    assert "/kota/koperasi/baru/" not in page.content.decode()


def test_city_admin_opens_every_registry_form(client, make_user):
    cooperative = CooperativeFactory()
    client.force_login(make_user(role="city_admin"))
    for path in ["/kota/koperasi/baru/", f"/kota/koperasi/{cooperative.slug}/ubah/", f"/kota/koperasi/{cooperative.slug}/status/",
                 f"/kota/koperasi/{cooperative.slug}/pengurus-pertama/"]:
        assert client.get(path).status_code == 200, path
    assert client.get("/kota/koperasi/tidak-ada/ubah/").status_code == 404


# --- registering ---------------------------------------------------------------------------------

def test_registering_creates_the_chart_and_invites_the_first_manager(client, make_user):
    admin = make_user(role="city_admin")
    client.force_login(admin)
    users_before = User.objects.count()
    response = client.post("/kota/koperasi/baru/", registration(), **EN)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    cooperative = Cooperative.objects.get(slug="koperasi-jasa-nyomplong-maju")
    assert cooperative.registered_on == datetime.date(2024, 3, 1) and cooperative.registry_status == "registered"
    with scope(cooperative=cooperative):
        assert Account.objects.count() > 10  # the chart of accounts of its jenis
        invitation = RoleInvitation.objects.get()
        assert not RoleAssignment.objects.exists()  # nobody is manager until the invitation is accepted
    assert User.objects.count() == users_before  # no login, no temporary password
    body = response.content.decode()
    assert "Temporary password" not in body and 'id="invitation-link"' in body and "https://wa.me/6285712345678?text=" in body
    assert invitation.phone == "+6285712345678" and invitation.role == "manager" and invitation.created_by == admin
    assert audit_actions(cooperative)[:1] == ["cooperative.create"] and "role_invitation.create" in audit_actions(cooperative)
    # the link in the answer is the one that works
    link = body.split('id="invitation-link">')[1].split("<")[0]
    path = link.split("testserver", 1)[1]
    client.logout()
    accepted = client.post(path, {"phone": "085712345678", "password1": PASSWORD, "password2": PASSWORD})
    assert accepted.status_code == 302
    manager = User.objects.get(phone="+6285712345678")
    assert access.roles_in(manager, cooperative) == {"manager"}


def test_registration_errors_are_per_field_and_write_nothing(client, make_user):
    client.force_login(make_user(role="city_admin"))
    CooperativeFactory(slug="sudah-ada")
    wrong_kelurahan = Kelurahan.objects.exclude(kecamatan__name="Baros").first()
    response = client.post("/kota/koperasi/baru/", registration(
        slug="sudah-ada", kecamatan=Kecamatan.objects.get(name="Baros").pk, kelurahan=wrong_kelurahan.pk,
        manager_phone="123", quorum_fraction="2", book_year_end_month="13", simpanan_pokok_amount="-5", founded_on="kemarin",
    ), **EN)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"slug", "kelurahan", "manager_phone", "quorum_fraction", "book_year_end_month", "simpanan_pokok_amount", "founded_on"} <= set(errors)
    assert not Cooperative.objects.filter(name="Koperasi Jasa Nyomplong Maju").exists()
    with scopes_disabled():
        assert not RoleInvitation.objects.exists()


@pytest.mark.parametrize("overrides", [{"slug": "unduh"}, {"slug": "", "name": "Baru"}])
def test_an_address_taken_by_a_city_page_is_refused(client, make_user, overrides):
    """/kota/koperasi/baru/ and /kota/koperasi/unduh/… are pages: a cooperative with that slug
    could never reach its profile."""
    client.force_login(make_user(role="city_admin"))
    response = client.post("/kota/koperasi/baru/", registration(**overrides), **EN)
    assert response.status_code == 400 and "slug" in response.context["form"].errors
    assert not Cooperative.objects.filter(slug__in=["unduh", "baru"]).exists()


def test_the_registration_service_reports_every_field_and_rolls_back(make_user):
    admin = make_user(role="city_admin")
    kelurahan = Kelurahan.objects.get(name="Nyomplong")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.cooperative_register(actor=admin, manager_name="", manager_phone="12", name="", slug="ok-slug", kind="nope",
                                      kecamatan=kelurahan.kecamatan, kelurahan=kelurahan)
    assert {"manager_name", "manager_phone", "name", "kind"} <= set(caught.value.message_dict)
    assert not Cooperative.objects.filter(slug="ok-slug").exists()


def test_a_new_invitation_for_the_first_manager_replaces_the_lost_one(client, make_user):
    admin = make_user(role="city_admin")
    client.force_login(admin)
    client.post("/kota/koperasi/baru/", registration())
    cooperative = Cooperative.objects.get(slug="koperasi-jasa-nyomplong-maju")
    page = client.get(f"/kota/koperasi/{cooperative.slug}/pengurus-pertama/")
    assert page.status_code == 200 and 'value="Dadang Suhendar"' in page.content.decode()  # prefilled from the last one
    response = client.post(f"/kota/koperasi/{cooperative.slug}/pengurus-pertama/",
                           {"manager_name": "Euis Rahmawati", "manager_phone": "0813 2222 3333"})
    assert response.status_code == 200 and 'id="invitation-link"' in response.content.decode()
    with scope(cooperative=cooperative):
        invitations = list(RoleInvitation.objects.order_by("pk"))
    assert [i.revoked_at is not None for i in invitations] == [True, False] and invitations[1].full_name == "Euis Rahmawati"
    revoke = client.post(f"/kota/koperasi/{cooperative.slug}/pengurus-pertama/{invitations[1].pk}/cabut/")
    assert revoke.status_code == 302
    with scope(cooperative=cooperative):
        assert RoleInvitation.objects.filter(revoked_at__isnull=True).count() == 0
    bad = client.post(f"/kota/koperasi/{cooperative.slug}/pengurus-pertama/", {"manager_name": "", "manager_phone": "1"})
    assert bad.status_code == 400 and {"manager_name", "manager_phone"} <= set(bad.context["form"].errors)


# --- editing legal data ---------------------------------------------------------------------------

def test_city_admin_edits_legal_data_and_ad_art_settings_audited(client, make_user):
    cooperative = CooperativeFactory(name="KSP Lama")
    client.force_login(make_user(role="city_admin"))
    response = client.post(f"/kota/koperasi/{cooperative.slug}/ubah/", cooperative_form(
        cooperative, name="KSP Baru", nik_koperasi="3272010020002", registered_on="2011-05-02", rat_deadline_months="4"))
    assert response.status_code == 302
    cooperative.refresh_from_db()
    assert (cooperative.name, cooperative.nik_koperasi, cooperative.registered_on, cooperative.rat_deadline_months) == (
        "KSP Baru", "3272010020002", datetime.date(2011, 5, 2), 4)
    event = AuditEvent.objects.with_scopes_disabled().get(action="cooperative.registry_update")
    assert event.changes["name"] == ["KSP Lama", "KSP Baru"] and event.changes["rat_deadline_months"] == [6, 4]
    assert "slug" not in event.changes


def test_edit_errors_are_per_field_and_change_nothing(client, make_user):
    cooperative = CooperativeFactory(name="KSP Tetap")
    client.force_login(make_user(role="city_admin"))
    wrong = Kelurahan.objects.exclude(kecamatan=cooperative.kecamatan).first()
    response = client.post(f"/kota/koperasi/{cooperative.slug}/ubah/", cooperative_form(
        cooperative, name="", kelurahan=wrong.pk, quorum_fraction="0", rat_deadline_months="abc"), **EN)
    assert response.status_code == 400
    assert {"name", "kelurahan", "quorum_fraction", "rat_deadline_months"} <= set(response.context["form"].errors)
    cooperative.refresh_from_db()
    assert cooperative.name == "KSP Tetap" and "cooperative.registry_update" not in audit_actions()


def test_the_registry_update_service_refuses_fields_it_does_not_edit(make_user):
    cooperative = CooperativeFactory()
    with pytest.raises(ValueError):
        services.cooperative_registry_update(actor=make_user(role="city_admin"), cooperative=cooperative, slug="lain")


# --- dissolution and merger ---------------------------------------------------------------------

def test_city_admin_marks_a_cooperative_dissolved_with_date_and_reason(client, make_user):
    cooperative = CooperativeFactory()
    client.force_login(make_user(role="city_admin"))
    response = client.post(f"/kota/koperasi/{cooperative.slug}/status/", {
        "status": "dissolved", "on": "2026-06-30", "reason": "Keputusan RAT pembubaran 30 Juni 2026"})
    assert response.status_code == 302
    cooperative.refresh_from_db()
    assert (cooperative.registry_status, cooperative.registry_status_on, cooperative.merged_into) == (
        "dissolved", datetime.date(2026, 6, 30), None)
    assert cooperative.registry_status_reason == "Keputusan RAT pembubaran 30 Juni 2026"
    event = AuditEvent.objects.with_scopes_disabled().get(action="cooperative.dissolve")
    assert event.changes["registry_status"] == ["registered", "dissolved"] and event.cooperative == cooperative
    assert Cooperative.objects.filter(pk=cooperative.pk).exists()  # kept for history
    page = client.get(f"/kota/koperasi/{cooperative.slug}/status/")
    assert 'id="registry-status-current"' in page.content.decode()


def test_city_admin_marks_a_merger_into_a_registered_cooperative(client, make_user):
    merged, continuing = CooperativeFactory(), CooperativeFactory()
    client.force_login(make_user(role="city_admin"))
    form = client.get(f"/kota/koperasi/{merged.slug}/status/").context["form"]
    assert merged not in form.fields["merged_into"].queryset and continuing in form.fields["merged_into"].queryset
    missing = client.post(f"/kota/koperasi/{merged.slug}/status/", {"status": "merged", "on": "2026-01-31", "reason": "Akta merger"}, **EN)
    assert missing.status_code == 400 and "merged_into" in missing.context["form"].errors
    response = client.post(f"/kota/koperasi/{merged.slug}/status/", {
        "status": "merged", "on": "2026-01-31", "merged_into": continuing.pk, "reason": "Akta penggabungan no. 12"})
    assert response.status_code == 302
    merged.refresh_from_db()
    assert (merged.registry_status, merged.merged_into) == ("merged", continuing)
    assert "cooperative.merge" in audit_actions(merged)


def test_status_errors_are_per_field_and_write_nothing(client, make_user):
    cooperative = CooperativeFactory(founded_on=datetime.date(2015, 1, 1))
    client.force_login(make_user(role="city_admin"))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(f"/kota/koperasi/{cooperative.slug}/status/", {"status": "dissolved", "on": tomorrow.isoformat(), "reason": " "}, **EN)
    assert response.status_code == 400 and {"on", "reason"} <= set(response.context["form"].errors)
    response = client.post(f"/kota/koperasi/{cooperative.slug}/status/", {"status": "bubar", "on": "2014-12-31", "reason": "x"}, **EN)
    assert response.status_code == 400 and "status" in response.context["form"].errors
    admin = make_user(role="city_admin")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.cooperative_dissolve(actor=admin, cooperative=cooperative, on=datetime.date(2014, 12, 31), reason="x")
    assert "on" in caught.value.message_dict
    cooperative.refresh_from_db()
    assert cooperative.registry_status == "registered" and not [a for a in audit_actions() if a.startswith("cooperative.")]


def test_a_cooperative_is_dissolved_or_merged_once_and_never_into_a_gone_or_itself(make_user):
    admin = make_user(role="city_admin")
    gone, other, third = CooperativeFactory(), CooperativeFactory(), CooperativeFactory()
    services.cooperative_dissolve(actor=admin, cooperative=gone, on=datetime.date(2026, 1, 1), reason="Keputusan RAT")
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            services.cooperative_dissolve(actor=admin, cooperative=gone, on=datetime.date(2026, 2, 1), reason="lagi")
        assert "status" in caught.value.message_dict
        with pytest.raises(ValidationError) as caught:
            services.cooperative_merge(actor=admin, cooperative=other, into=gone, on=datetime.date(2026, 2, 1), reason="x")
        assert "merged_into" in caught.value.message_dict
        with pytest.raises(ValidationError) as caught:
            services.cooperative_merge(actor=admin, cooperative=other, into=other, on=datetime.date(2026, 2, 1), reason="x")
        assert "merged_into" in caught.value.message_dict
    services.cooperative_merge(actor=admin, cooperative=other, into=third, on=datetime.date(2026, 2, 1), reason="Akta")
    other.refresh_from_db()
    assert other.registry_status == "merged" and other.merged_into == third


def test_status_messages_name_their_fields_in_either_language(make_user):
    cooperative = CooperativeFactory()
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        services.cooperative_dissolve(actor=make_user(role="city_admin"), cooperative=cooperative, on=None, reason="")
    with translation.override("en"), pytest.raises(ValidationError) as english:
        services.cooperative_dissolve(actor=make_user(role="city_admin"), cooperative=cooperative, on=None, reason="")
    assert set(caught.value.message_dict) == set(english.value.message_dict) == {"on", "reason"}


def test_dissolving_revokes_the_open_invitations_and_allows_no_new_one(client, make_user):
    from cooperatives import invitations

    admin = make_user(role="city_admin")
    cooperative = CooperativeFactory()
    new = invitations.role_invitation_create(actor=admin, cooperative=cooperative, full_name="Calon Ketua", phone="085612341234")
    services.cooperative_dissolve(actor=admin, cooperative=cooperative, on=datetime.date(2026, 1, 5), reason="Keputusan RAT")
    with scope(cooperative=cooperative):
        assert RoleInvitation.objects.get().revoked_at is not None
    assert client.get(f"/undangan/pengurus/{new.token}/").status_code == 410
    cooperative.refresh_from_db()
    with pytest.raises(ValidationError):
        invitations.role_invitation_create(actor=admin, cooperative=cooperative, full_name="Lain", phone="085612349999")
    client.force_login(admin)
    response = client.post(f"/kota/koperasi/{cooperative.slug}/pengurus-pertama/", {"manager_name": "Lain", "manager_phone": "085612349999"})
    assert response.status_code == 400
    with scope(cooperative=cooperative):
        assert RoleInvitation.objects.count() == 1


def test_the_profile_links_the_registry_actions_for_the_city_admin_only(client, make_user):
    from city.figures import rebuild_figures

    cooperative = CooperativeFactory()
    rebuild_figures()
    client.force_login(make_user(role="city_admin"))
    page = client.get(f"/kota/koperasi/{cooperative.slug}/").content.decode()
    for path in ("ubah/", "status/", "pengurus-pertama/"):
        assert f'href="/kota/koperasi/{cooperative.slug}/{path}"' in page, path
    client.force_login(make_user(role="city_staff"))
    page = client.get(f"/kota/koperasi/{cooperative.slug}/").content.decode()
    assert f"/kota/koperasi/{cooperative.slug}/pengurus-pertama/" not in page and f"/kota/koperasi/{cooperative.slug}/ubah/" not in page


def test_a_mistaken_dissolution_or_merger_is_taken_back_with_a_reason(client, make_user):
    admin = make_user(role="city_admin")
    merged, continuing = CooperativeFactory(), CooperativeFactory()
    services.cooperative_merge(actor=admin, cooperative=merged, into=continuing, on=datetime.date(2026, 3, 1), reason="Akta")
    client.force_login(admin)
    form = client.get(f"/kota/koperasi/{merged.slug}/status/").context["form"]
    assert [value for value, _label in form.fields["status"].choices] == ["registered"] and "merged_into" not in form.fields
    refused = client.post(f"/kota/koperasi/{merged.slug}/status/", {"status": "registered", "reason": ""}, **EN)
    assert refused.status_code == 400 and "reason" in refused.context["form"].errors
    response = client.post(f"/kota/koperasi/{merged.slug}/status/", {"status": "registered", "reason": "Salah pilih koperasi"})
    assert response.status_code == 302
    merged.refresh_from_db()
    assert (merged.registry_status, merged.registry_status_on, merged.merged_into) == ("registered", None, None)
    event = AuditEvent.objects.with_scopes_disabled().get(action="cooperative.reinstate")
    assert event.changes["registry_status"] == ["merged", "registered"] and event.changes["merged_into"][1] is None
    # a registered cooperative has nothing to take back; the form offers dissolution and merger again
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.cooperative_reinstate(actor=admin, cooperative=merged, reason="x")
    assert "status" in caught.value.message_dict
    response = client.post(f"/kota/koperasi/{merged.slug}/status/", {"status": "registered", "reason": "x"}, **EN)
    assert response.status_code == 400 and "status" in response.context["form"].errors

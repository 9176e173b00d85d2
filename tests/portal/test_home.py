"""After login each person lands where their roles say."""

import datetime

import pytest

from tests.factories import CooperativeFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_home_goes_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/akun/login/")


def test_member_of_two_cooperatives_lands_on_my_cooperatives(client, make_user):
    a, b = CooperativeFactory(name="KSP Mekar"), CooperativeFactory(name="Kopkar Sehat")
    user = make_user(a, "member")
    MemberFactory(cooperative=b, user=user)
    client.force_login(user)
    assert client.get("/")["Location"] == "/saya/"
    page = client.get("/saya/").content.decode()
    assert "KSP Mekar" in page and "Kopkar Sehat" in page
    assert f"/c/{a.slug}/" in page and f"/c/{b.slug}/" in page


def test_staff_of_one_cooperative_lands_on_its_overview(client, make_user, cooperative):
    client.force_login(make_user(cooperative, "bookkeeper"))
    assert client.get("/")["Location"] == f"/c/{cooperative.slug}/"


def test_city_staff_land_on_the_city_page(client, make_user):
    client.force_login(make_user(role="city_staff"))
    assert client.get("/")["Location"] == "/kota/"
    assert client.get("/kota/").status_code == 200


def test_person_with_several_roles_can_switch(client, make_user, cooperative, other_cooperative):
    user = make_user(cooperative, "manager")
    MemberFactory(cooperative=other_cooperative, user=user)
    client.force_login(user)
    assert client.get("/")["Location"] == "/saya/"
    page = client.get("/saya/").content.decode()
    assert f"/c/{cooperative.slug}/" in page and f"/c/{other_cooperative.slug}/" in page
    overview = client.get(f"/c/{cooperative.slug}/").content.decode()
    assert 'href="/saya/"' in overview  # the switcher


def test_staff_overview_shows_legal_data_and_member_count(client, make_user, cooperative):
    MemberFactory.create_batch(3, cooperative=cooperative)
    client.force_login(make_user(cooperative, "supervisor"))
    page = client.get(f"/c/{cooperative.slug}/").content.decode()
    assert cooperative.name in page
    assert cooperative.legal_entity_number in page
    assert '<span class="stat-value">3</span>' in page


def test_member_overview_shows_own_membership_not_the_register(client, make_user, cooperative):
    MemberFactory.create_batch(3, cooperative=cooperative)
    user = make_user(cooperative, "member")
    client.force_login(user)
    page = client.get(f"/c/{cooperative.slug}/").content.decode()
    assert "stat-value" not in page
    assert f"/c/{cooperative.slug}/anggota/" not in page


def test_left_member_loses_access(client, cooperative):
    user = UserFactory()
    MemberFactory(cooperative=cooperative, user=user, status="left", left_on=datetime.date(2024, 1, 1))
    client.force_login(user)
    assert client.get(f"/c/{cooperative.slug}/").status_code == 404


def test_city_staff_get_no_cooperative_pages(client, make_user, cooperative):
    client.force_login(make_user(role="city_staff"))
    assert client.get(f"/c/{cooperative.slug}/").status_code == 404
    assert client.get(f"/c/{cooperative.slug}/anggota/").status_code == 404


def test_cooperative_staff_get_403_on_the_city_page(client, make_user, cooperative):
    client.force_login(make_user(cooperative, "manager"))
    assert client.get("/kota/").status_code == 403


def test_language_switch_to_english(client, make_user, cooperative):
    client.force_login(make_user(cooperative, "manager"))
    response = client.post("/i18n/setlang/", {"language": "en", "next": f"/c/{cooperative.slug}/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get(f"/c/{cooperative.slug}/").content.decode()


def test_error_pages_are_in_the_portal_layout(client, make_user, cooperative):
    client.force_login(make_user(cooperative, "member"))
    forbidden = client.get(f"/c/{cooperative.slug}/anggota/")
    assert forbidden.status_code == 403 and '<main id="main"' in forbidden.content.decode()
    missing = client.get("/tidak-ada/")
    assert missing.status_code == 404 and '<main id="main"' in missing.content.decode()

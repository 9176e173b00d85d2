import pytest

pytestmark = pytest.mark.django_db


def test_login_page_renders_in_indonesian_layout(client):
    response = client.get("/akun/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert '<main id="main"' in html


def test_manager_pages_render(make_user, cooperative, login):
    manager = make_user(cooperative, "manager")
    client = login(manager)
    for url in [f"/c/{cooperative.slug}/", f"/c/{cooperative.slug}/anggota/", f"/c/{cooperative.slug}/anggota/baru/",
                f"/c/{cooperative.slug}/peran/", f"/c/{cooperative.slug}/audit/", f"/c/{cooperative.slug}/profil/ubah/"]:
        assert client.get(url).status_code == 200, url

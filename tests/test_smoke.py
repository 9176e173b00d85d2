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


def test_pages_send_a_csp_and_carry_no_inline_script_or_style(make_user, cooperative, login):
    import re

    client = login(make_user(cooperative, "manager"))
    for url in ["/akun/login/", f"/c/{cooperative.slug}/", f"/c/{cooperative.slug}/anggota/"]:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        # the nonce appears only on pages that use one; none of ours needs inline code
        assert "script-src 'self'" in csp and "default-src 'self'" in csp and "unsafe-inline" not in csp
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert "<style" not in html and " style=" not in html, url
        assert "cdn" not in html.lower()

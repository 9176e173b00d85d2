import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_me_requires_login(api):
    assert api.get("/api/v1/me/").status_code in (401, 403)


def test_me_lists_roles_per_cooperative(api, make_user, cooperative, other_cooperative):
    user = make_user(cooperative, "manager")
    MemberFactory(cooperative=other_cooperative, user=user)
    api.force_authenticate(user)
    data = api.get("/api/v1/me/").json()
    assert data["phone"] == user.phone and data["city_roles"] == []
    roles = {c["slug"]: c["roles"] for c in data["cooperatives"]}
    assert roles == {cooperative.slug: ["manager"], other_cooperative.slug: ["member"]}


def test_token_authentication_reaches_the_tenant_api(make_user, cooperative):
    user = make_user(cooperative, "bookkeeper")
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get(f"/api/v1/c/{cooperative.slug}/")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == cooperative.slug
    assert body["simpanan_pokok_amount"] == "100000.00"  # money as decimal strings
    assert body["kecamatan"] == cooperative.kecamatan.name


def test_bad_token_is_401(cooperative):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token salah")
    assert client.get(f"/api/v1/c/{cooperative.slug}/").status_code == 401


def test_outsider_and_unknown_slug_look_the_same(api, make_user, cooperative, other_cooperative):
    api.force_authenticate(make_user(other_cooperative, "manager"))
    a = api.get(f"/api/v1/c/{cooperative.slug}/")
    b = api.get("/api/v1/c/tidak-ada/")
    assert a.status_code == b.status_code == 404
    assert a.json() == b.json()


def test_writes_are_refused_on_read_only_endpoint(api, make_user, cooperative):
    api.force_authenticate(make_user(cooperative, "manager"))
    assert api.post(f"/api/v1/c/{cooperative.slug}/", {}, format="json").status_code == 405


def test_schema_and_offline_docs(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/me/" in text and "/api/v1/c/{slug}/" in text
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()  # the sidecar serves it


def test_docs_page_has_no_inline_code_without_nonce(client):
    response = client.get("/api/docs/")
    csp = response["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert f'<style nonce="{nonce}">' in html
    assert "<script>" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()

"""Errors under /api/ are JSON even where no DRF view answers (docs/API.md: never an HTML page)."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_api_url_that_matches_no_pattern_is_a_json_404(client, make_user, cooperative):
    client.force_login(make_user(cooperative, "manager"))
    for path in (f"/api/v1/c/{cooperative.slug}/meetings/not-a-number/", "/api/v1/nothing-here/"):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) == {"detail"}


def test_pages_keep_their_html_404(client, make_user, cooperative):
    client.force_login(make_user(cooperative, "manager"))
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")

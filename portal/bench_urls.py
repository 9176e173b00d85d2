"""URLs of the load benchmark's settings (portal.settings.bench) only: the portal's own URLs
plus `/bench/bare/`, a bare Django view — it runs the whole middleware stack and returns two
bytes without touching the database — that bench/load.py measures the member home against on
the same server. Not in production URLs (portal.urls)."""

from django.http import HttpResponse
from django.urls import path

from .urls import handler403, handler404, handler500, urlpatterns as portal_urlpatterns  # noqa: F401


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *portal_urlpatterns]

import re

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from django_scopes import scope

from . import access
from .models import Cooperative

TENANT_PATH = re.compile(r"^/(?P<api>api/v1/)?c/(?P<slug>[-\w]+)/")


class CooperativeTenantMiddleware:
    """Resolves /c/<slug>/… and /api/v1/c/<slug>/… to a cooperative and scopes the response.

    Pages: anonymous → login; no role in this cooperative → 404 (its existence does not leak).
    API: DRF authenticates later (tokens), so the permission class answers 401/404/403; an
    unknown slug is scoped to nothing so no view can read anything.
    The whole response, template rendering included, runs inside `scope(cooperative=…)`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = TENANT_PATH.match(request.path_info)
        request.cooperative = None
        if match is None:
            return self.get_response(request)

        is_api = bool(match.group("api"))
        cooperative = Cooperative.objects.select_related("kecamatan", "kelurahan").filter(slug=match.group("slug")).first()
        if not is_api:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if cooperative is None or not access.roles_in(request.user, cooperative):
                raise Http404
        request.cooperative = cooperative
        # An empty list scopes every query to no cooperative at all: fail closed.
        with scope(cooperative=cooperative if cooperative is not None else []):
            return self.get_response(request)

"""API plumbing shared by every app: the tenant permission class and the error format."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, permissions, serializers
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from cooperatives import access


class CooperativeRolePermission(permissions.BasePermission):
    """401/403 for anonymous, 404 for a user with no role in the cooperative (or an unknown
    slug), 403 for a wrong role. Views set `allowed_roles` (reads) and optionally
    `write_roles` (unsafe methods)."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        cooperative = getattr(request._request, "cooperative", None)
        roles = access.roles_in(request.user, cooperative)
        if not roles:
            raise exceptions.NotFound()
        allowed = view.allowed_roles
        if request.method not in permissions.SAFE_METHODS:
            allowed = getattr(view, "write_roles", allowed)
        return bool(roles & allowed)


class DetailErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


# The error answers of the schema (docs/API.md "Errors"), for views' extend_schema(responses=…).
UNAUTHENTICATED = OpenApiResponse(DetailErrorSerializer, description="Not logged in: no session and no valid token.")
NOT_FOUND = OpenApiResponse(DetailErrorSerializer, description="No such cooperative for you, or no such object in it.")
PAGE_NOT_FOUND = OpenApiResponse(DetailErrorSerializer, description="No such page of the list (`page` past the last one).")


# Django names errors of no single field "__all__"; the API calls them "non_field_errors".
NON_FIELD_KEYS = {NON_FIELD_ERRORS: api_settings.NON_FIELD_ERRORS_KEY}


def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError as a field-by-field 400 (never a 500)."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {NON_FIELD_KEYS.get(field, field): [str(m) for e in errors for m in e.messages]
                      for field, errors in exc.error_dict.items()}
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)

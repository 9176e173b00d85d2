"""The API side of login security (users/security.py).

- Token requests of a user who must use MFA (PORTAL_MFA_REQUIRED_ROLES) and has not set it up are
  refused with 403 and code "mfa_required" (session requests are refused by the middleware).
- `RecentLoginForSessions`: a sensitive API action sent with the browser session needs a login or
  re-authentication within ACCOUNT_REAUTHENTICATION_TIMEOUT, like the page; a token request does
  not (docs/SECURITY.md, "Logins": a token is a credential issued to a program, which cannot
  answer a password prompt; revoking the token is how it is stopped).
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from rest_framework import exceptions, permissions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from . import security


class MFARequired(exceptions.PermissionDenied):
    default_code = security.MFA_CODE


class ReauthenticationRequired(exceptions.PermissionDenied):
    default_code = security.REAUTH_CODE


class PortalTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing users whose role requires MFA they have not set up."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if security.needs_mfa_setup(user):
            raise MFARequired({"detail": security.mfa_required_message(), "code": security.MFA_CODE})
        return user, token


class RecentLoginForSessions(permissions.BasePermission):
    """Sensitive actions through the session need a recent login; see the module docstring."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            return True
        if security.recently_authenticated(request._request):
            return True
        raise ReauthenticationRequired({
            "detail": _("Confirm your password first: your last login is older than %(minutes)s minutes. "
                        "Open %(url)s, then send the request again.") % {
                "minutes": security.reauthentication_seconds() // 60, "url": reverse("account_reauthenticate")},
            "code": security.REAUTH_CODE,
        })

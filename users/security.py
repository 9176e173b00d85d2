"""Login security (issue 7, item 1): MFA required for some roles, idle expiry of staff
sessions, and asking for the password again before a sensitive action.

- `PORTAL_MFA_REQUIRED_ROLES`: a user holding one of these roles (cooperative roles manager,
  bookkeeper, supervisor, member; city roles city_staff, city_admin) and no authenticator app is
  sent to set one up before any other page; the API answers them 403 (code "mfa_required").
- `PORTAL_STAFF_SESSION_IDLE_SECONDS`: a session of a staff role (any cooperative role but member,
  a city role, or the admin site) that saw no request for this long is logged out.
- `ACCOUNT_REAUTHENTICATION_TIMEOUT`: a sensitive action (`@sensitive_action`) asks for the password
  (or, with MFA, an authenticator code) when the last login or re-authentication is older.
"""

import secrets
import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from cooperatives import access

LOGIN_AT = "portal_login_at"
LAST_ACTIVITY = "portal_last_activity"
MFA_CHECKED_AT = "portal_mfa_checked_at"
STASH = "portal_reauth_stash"
CONTINUE_PARAM = "lanjut"  # ?lanjut=<one-time token>: the POST that waited for the password
# The idle clock is written to the session at most once a minute: a page view does not cost a
# session write (and a query) on every request. A passed MFA check is trusted as long (the roles
# and the authenticator are read again once a minute, not on every page).
ACTIVITY_WRITE_EVERY = 60
# A POST waiting for the password is replayed only within this time after it was sent.
STASH_MAX_AGE = 10 * 60
MFA_CODE = "mfa_required"
REAUTH_CODE = "reauthentication_required"


# --- settings ----------------------------------------------------------------------------------

def mfa_required_roles() -> frozenset[str]:
    return frozenset(r for r in getattr(settings, "PORTAL_MFA_REQUIRED_ROLES", ()) if r)


def staff_idle_seconds() -> int:
    return int(getattr(settings, "PORTAL_STAFF_SESSION_IDLE_SECONDS", 30 * 60))


def reauthentication_seconds() -> int:
    return int(getattr(settings, "ACCOUNT_REAUTHENTICATION_TIMEOUT", 15 * 60))


# --- who is who -------------------------------------------------------------------------------

def all_roles(user) -> frozenset[str]:
    """Every role the user holds anywhere: cooperative roles (any cooperative) and city roles."""
    roles = set(access.city_roles(user))
    for coop_roles in access._all_roles(user).values():
        roles |= coop_roles
    return frozenset(roles)


def is_staff_user(user) -> bool:
    """Staff for the idle timeout: any cooperative role but member, any city role, the admin site."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(all_roles(user) - {access.MEMBER})


def has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_mfa_setup(user) -> bool:
    """True for a user who holds a role in PORTAL_MFA_REQUIRED_ROLES and has no authenticator app."""
    required = mfa_required_roles()
    if not required or not getattr(user, "is_authenticated", False):
        return False
    if not (all_roles(user) & required):
        return False
    return not has_mfa(user)


def mfa_required_message() -> str:
    return _("Your role requires two-factor authentication. Set up an authenticator app at %(url)s "
             "before using the portal or its API.") % {"url": reverse("mfa_activate_totp")}


# --- when did this person last prove who they are -------------------------------------------------

@receiver(user_logged_in, dispatch_uid="portal_login_stamps")
def _stamp_login(sender, request, user, **kwargs):
    """Every login (the login form, MFA, a test client's force_login) starts both clocks."""
    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session[LOGIN_AT] = now
        session[LAST_ACTIVITY] = now


def last_authenticated_at(request) -> float | None:
    """The time of the last login or re-authentication (password or MFA) in this session."""
    from allauth.account.internal.flows.login import get_authentication_records

    session = getattr(request, "session", None)
    if session is None or not request.user.is_authenticated:
        return None
    times = [session.get(LOGIN_AT)]
    times += [record.get("at") for record in get_authentication_records(request, request.user)]
    times = [t for t in times if isinstance(t, (int, float))]
    return max(times) if times else None


def recently_authenticated(request) -> bool:
    at = last_authenticated_at(request)
    return at is not None and time.time() - at < reauthentication_seconds()


# --- sensitive actions ---------------------------------------------------------------------------

def _reauthenticate_url(next_url: str) -> str:
    return reverse("account_reauthenticate") + "?" + urlencode({"next": next_url})


def _ask_for_password(request) -> HttpResponse:
    """Send the person to confirm their password, then back. A POST is kept in the session and
    replayed when they come back through ?lanjut=<token> (nothing they typed is lost)."""
    if request.method == "POST":
        token = secrets.token_urlsafe(16)
        request.session[STASH] = {
            "token": token, "path": request.path, "user": request.user.pk, "at": time.time(),
            "get": request.GET.urlencode(), "post": request.POST.urlencode(),
        }
        query = request.GET.copy()
        query[CONTINUE_PARAM] = token
        next_url = f"{request.path}?{query.urlencode()}"
    else:
        next_url = request.get_full_path()
    url = _reauthenticate_url(next_url)
    messages.info(request, _("For your security, confirm your password to continue."))
    if getattr(request, "htmx", False):
        # htmx would swap the password page into a fragment: make the browser go there instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _resume_stashed_post(request) -> HttpResponse | None:
    """Turn the continuation GET back into the POST that waited for the password. Returns a
    response when the continuation cannot be used (stale, foreign or replayed token)."""
    token = request.GET.get(CONTINUE_PARAM, "")
    stash = request.session.get(STASH)
    valid = (
        isinstance(stash, dict) and token and secrets.compare_digest(str(stash.get("token", "")), token)
        and stash.get("path") == request.path and stash.get("user") == request.user.pk
        and time.time() - float(stash.get("at", 0)) < STASH_MAX_AGE
        and (last_authenticated_at(request) or 0) > float(stash.get("at", 0))
    )
    if not valid:
        query = request.GET.copy()
        query.pop(CONTINUE_PARAM, None)
        return HttpResponseRedirect(request.path + (f"?{query.urlencode()}" if query else ""))
    del request.session[STASH]
    request.method = "POST"
    request.META["REQUEST_METHOD"] = "POST"
    request.GET = QueryDict(stash["get"])
    request.POST = QueryDict(stash["post"])
    return None


def sensitive_action(view=None, *, on_get=False):
    """Marks a page view whose action needs a recent login (ACCOUNT_REAUTHENTICATION_TIMEOUT).

    POST (and, with on_get=True, GET — for downloads) from a login older than that goes to
    allauth's re-authentication page (password, or an authenticator code when MFA is on) and
    comes back: a GET to the same URL, a POST replayed with what was typed. Put it above
    require_POST (which would refuse the continuation GET); below the role decorator, a wrong role
    gets its 403 before any password prompt. The tenant middleware has run either way.
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.method == "GET" and CONTINUE_PARAM in request.GET:
                refused = _resume_stashed_post(request)
                if refused is not None:
                    return refused
            guarded = request.method not in ("GET", "HEAD", "OPTIONS") or on_get
            if guarded and not recently_authenticated(request):
                return _ask_for_password(request)
            return view_func(request, *args, **kwargs)

        wrapper.sensitive_action = True
        return wrapper

    if view is not None:
        return decorator(view)
    return decorator


# --- middleware ----------------------------------------------------------------------------------

def _exempt_from_mfa_setup(path: str) -> bool:
    prefixes = (
        reverse("mfa_index"),  # /akun/2fa/…: set up TOTP, recovery codes, MFA re-authentication
        reverse("account_logout"),
        reverse("account_reauthenticate"),  # allauth asks for it before activating TOTP
        reverse("set_language"),
        settings.STATIC_URL,
    )
    return path.startswith(prefixes)


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


class LoginSecurityMiddleware:
    """Idle expiry of staff sessions, then the MFA requirement. After authentication and
    messages, before the tenant middleware (which then sees an anonymous user and asks for a login)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            response = self._idle_expiry(request, user, now)
            if response is None and request.user.is_authenticated:
                response = self._mfa_requirement(request, now)
            if response is not None:
                return response
            last = request.session.get(LAST_ACTIVITY)
            if request.user.is_authenticated and (not isinstance(last, (int, float)) or now - last >= ACTIVITY_WRITE_EVERY):
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)

    def _mfa_requirement(self, request, now):
        if not mfa_required_roles():
            return None
        session = request.session
        checked = session.get(MFA_CHECKED_AT)
        if isinstance(checked, (int, float)) and 0 <= now - checked < ACTIVITY_WRITE_EVERY:
            return None
        if not needs_mfa_setup(request.user):
            session[MFA_CHECKED_AT] = now
            session[LAST_ACTIVITY] = now  # one session write for both clocks
            return None
        if _is_api(request.path_info):
            return JsonResponse({"detail": mfa_required_message(), "code": MFA_CODE}, status=403)
        if _exempt_from_mfa_setup(request.path_info):
            return None
        messages.warning(request, _("Your role requires two-factor authentication: set up an authenticator app to continue."))
        url = reverse("mfa_activate_totp")
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)

    def _idle_expiry(self, request, user, now):
        session = request.session
        last = session.get(LAST_ACTIVITY)
        idle = staff_idle_seconds()
        if isinstance(last, (int, float)) and idle > 0 and now - last > idle and is_staff_user(user):
            full_path = request.get_full_path()
            logout(request)
            if _is_api(request.path_info):
                return None  # the API answers an anonymous request itself (401/403)
            messages.info(request, _("You were logged out after %(minutes)s minutes without activity. Log in again to continue.")
                          % {"minutes": idle // 60})
            login_url = reverse(settings.LOGIN_URL) + "?" + urlencode({"next": full_path})
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = login_url
                return response
            return HttpResponseRedirect(login_url)
        return None

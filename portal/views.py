from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import defaults

from cooperatives import access
from members.selectors import member_counts, membership_of_user, memberships_of_user

from .selectors import cooperative_profile_rows


def home(request):
    """Where a person lands after login: the space that fits their roles."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    spaces = access.spaces_for(request.user)
    staff = [s for s in spaces if s.kind == "cooperative" and s.is_staff_space]
    members = [s for s in spaces if s.kind == "cooperative" and access.MEMBER in s.roles]
    city = [s for s in spaces if s.kind == "city"]
    if len(spaces) == 1 and (staff or city):
        return redirect(spaces[0].url)
    if not members and len(staff) == 1 and not city:
        return redirect(staff[0].url)
    return redirect("my_spaces")


@login_required
def my_spaces(request):
    """"Koperasi saya": each cooperative the person belongs to, plus any other space they work in."""
    spaces = access.spaces_for(request.user)
    memberships = memberships_of_user(request.user)
    work_spaces = [s for s in spaces if s.kind == "city" or s.is_staff_space]
    from members.deletion import recently_answered

    return render(request, "portal/my_spaces.html", {"memberships": memberships, "work_spaces": work_spaces,
                                                     "answered_requests": recently_answered(request.user)})


@access.cooperative_view(roles=access.ALL_COOPERATIVE_ROLES)
def cooperative_overview(request, slug):
    cooperative = request.cooperative
    roles = access.roles_in(request.user, cooperative)
    context = {"cooperative": cooperative, "profile_rows": cooperative_profile_rows(cooperative)}
    if roles & access.STAFF_ROLES:
        context["counts"] = member_counts(cooperative=cooperative)
    if access.MEMBER in roles:
        context["membership"] = membership_of_user(cooperative=cooperative, user=request.user)
    return render(request, "portal/cooperative_overview.html", context)


def _is_api(request):
    return request.path_info.startswith("/api/")


def _api_error(message, status):
    """Errors under /api/ that no DRF view answered (a URL that matches no pattern, e.g. a
    non-numeric id; a request Django refuses before any view) are JSON like the API's own
    (docs/API.md: never an HTML page)."""
    return JsonResponse({"detail": message}, status=status)


def error_400(request, exception=None):
    if _is_api(request):
        return _api_error(_("Bad request."), 400)
    return defaults.bad_request(request, exception)


def error_403(request, exception=None):
    if _is_api(request):
        return _api_error(_("You do not have permission to perform this action."), 403)
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    if _is_api(request):
        return _api_error(_("Not found."), 404)
    return render(request, "404.html", status=404)


def error_500(request):
    if _is_api(request):
        return _api_error(_("Server error."), 500)
    return render(request, "500.html", status=500)

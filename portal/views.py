from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

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
    return render(request, "portal/my_spaces.html", {"memberships": memberships, "work_spaces": work_spaces})


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


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)

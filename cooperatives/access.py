"""The one place that decides who may do what in which cooperative (DESIGN.md §5.5).

Page views (through `cooperative_view`) and API permission classes both call it.

Reading a user's *own* role assignments and memberships across cooperatives is the one
cross-cooperative read outside city/ and commands: it is filtered by the user, so it can
only ever reveal that user's own spaces.
"""

from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.urls import reverse

from django_scopes import scopes_disabled

from .models import CityRole, CityRoleKind, Cooperative, CooperativeRole, RoleAssignment

MANAGER = CooperativeRole.MANAGER.value
BOOKKEEPER = CooperativeRole.BOOKKEEPER.value
SUPERVISOR = CooperativeRole.SUPERVISOR.value
MEMBER = "member"
CITY_STAFF = CityRoleKind.STAFF.value
CITY_ADMIN = CityRoleKind.ADMIN.value

STAFF_ROLES = frozenset({MANAGER, BOOKKEEPER, SUPERVISOR})
ALL_COOPERATIVE_ROLES = STAFF_ROLES | {MEMBER}
CITY_ROLES = frozenset({CITY_STAFF, CITY_ADMIN})

ROLE_LABELS = {
    MANAGER: CooperativeRole.MANAGER.label,
    BOOKKEEPER: CooperativeRole.BOOKKEEPER.label,
    SUPERVISOR: CooperativeRole.SUPERVISOR.label,
    CITY_STAFF: CityRoleKind.STAFF.label,
    CITY_ADMIN: CityRoleKind.ADMIN.label,
}


# Apps further up the import chain (members) register where their roles come from, so that
# this module never imports them: see members.apps.
_role_sources = []


def register_role_source(source):
    """`source(user)` yields (cooperative_id, role) pairs; called with scopes disabled. A source
    that returns a QuerySet of such pairs (`values_list`, no ordering) is read in the same query
    as the role assignments (UNION ALL): one query per request for every role, whatever the
    number of sources — the member pages' budget counts it."""
    if source not in _role_sources:
        _role_sources.append(source)


def _all_roles(user) -> dict[int, frozenset[str]]:
    """{cooperative_id: roles} for this user, computed once per request (cached on the user)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_portal_cooperative_roles", None)
    if cached is not None:
        return cached
    roles: dict[int, set[str]] = {}
    with scopes_disabled():
        rows = RoleAssignment.objects.filter(user=user).order_by().values_list("cooperative_id", "role")
        pairs = []
        for source in _role_sources:
            found = source(user)
            if isinstance(found, QuerySet):
                rows = rows.union(found, all=True)
            else:
                pairs.extend(found)
        for coop_id, role in [*rows, *pairs]:
            roles.setdefault(coop_id, set()).add(role)
    result = {k: frozenset(v) for k, v in roles.items()}
    user._portal_cooperative_roles = result
    return result


def forget_cached_roles(user):
    if hasattr(user, "_portal_cooperative_roles"):
        del user._portal_cooperative_roles
    if hasattr(user, "_portal_city_roles"):
        del user._portal_city_roles


def roles_in(user, cooperative) -> frozenset[str]:
    """The user's roles in one cooperative: a subset of manager, bookkeeper, supervisor, member."""
    if cooperative is None:
        return frozenset()
    return _all_roles(user).get(cooperative.pk, frozenset())


def city_roles(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_portal_city_roles", None)
    if cached is None:
        cached = frozenset(CityRole.objects.filter(user=user).values_list("role", flat=True))
        user._portal_city_roles = cached
    return cached


def is_city_user(user) -> bool:
    return bool(city_roles(user))


def is_city_admin(user) -> bool:
    return CITY_ADMIN in city_roles(user)


@dataclass(frozen=True)
class Space:
    """A place the user can work in: one cooperative (as member and/or staff) or the city."""

    kind: str  # "cooperative" or "city"
    label: str
    url: str
    roles: frozenset
    cooperative: Cooperative | None = None

    @property
    def is_staff_space(self):
        return bool(self.roles & STAFF_ROLES)

    @property
    def role_labels(self):
        labels = [str(ROLE_LABELS[r]) for r in sorted(self.roles) if r in ROLE_LABELS]
        return labels


def spaces_for(user) -> list[Space]:
    """Every space of the user, staff spaces first, then memberships, then the city."""
    roles = _all_roles(user)
    spaces = []
    if roles:
        for coop in Cooperative.objects.filter(pk__in=roles.keys()).order_by("name"):
            spaces.append(
                Space("cooperative", coop.name, reverse("coop:overview", args=[coop.slug]), roles[coop.pk], coop)
            )
    spaces.sort(key=lambda s: (not s.is_staff_space, s.label))
    if city_roles(user):
        from django.utils.translation import gettext as _

        spaces.append(Space("city", _("City office"), reverse("city:home"), city_roles(user)))
    return spaces


def cooperative_view(*, roles):
    """Marks a page view under /c/<slug>/ with the roles allowed to open it.

    The tenant middleware has already answered 404 to users without any role here; this
    answers 403 to a user whose roles do not include one of `roles`. The roles are kept on
    the view so the isolation suite can check every URL against them.
    """
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            cooperative = getattr(request, "cooperative", None)
            if cooperative is None:  # the middleware did not run: refuse, never fall open
                raise PermissionDenied
            if not (roles_in(request.user, cooperative) & allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed
        return wrapper

    return decorator


def city_view(*, roles=CITY_ROLES):
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not (city_roles(request.user) & allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed
        return wrapper

    return decorator

from django.utils.functional import SimpleLazyObject

from cooperatives import access


def navigation(request):
    """The user's spaces (for the switcher) and roles in the current cooperative, lazily."""
    user = getattr(request, "user", None)
    cooperative = getattr(request, "cooperative", None)
    return {
        "spaces": SimpleLazyObject(lambda: access.spaces_for(user)) if user and user.is_authenticated else [],
        "current_cooperative": cooperative,
        "is_city_user": SimpleLazyObject(lambda: access.is_city_user(user)) if user and user.is_authenticated else False,
        "current_roles": SimpleLazyObject(lambda: access.roles_in(user, cooperative)) if cooperative else frozenset(),
    }

"""System checks of the login security settings (users/security.py)."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def mfa_required_roles_are_known(app_configs, **kwargs):
    from cooperatives import access

    known = access.ALL_COOPERATIVE_ROLES | access.CITY_ROLES
    unknown = sorted(set(getattr(settings, "PORTAL_MFA_REQUIRED_ROLES", ())) - known)
    if unknown:
        return [Error(
            f"PORTAL_MFA_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
            hint=f"Use some of: {', '.join(sorted(known))}.", id="users.E001",
        )]
    return []

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts come from the registry (city admin), managers and member invitations;
        # nobody signs up on their own.
        return False

    def is_reauthentication_required(self, *, app, **kwargs):
        """allauth's own sensitive pages (turning MFA on or off, recovery codes) follow the portal's
        rule: a login or re-authentication within ACCOUNT_REAUTHENTICATION_TIMEOUT is recent enough
        (allauth alone counts only re-authentications, so it would ask right after the login)."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        from .security import recently_authenticated

        request = getattr(context, "request", None)
        return not (request is not None and recently_authenticated(request))

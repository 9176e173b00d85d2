from allauth.account.adapter import DefaultAccountAdapter


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts come from the registry (city admin), managers and member invitations;
        # nobody signs up on their own.
        return False

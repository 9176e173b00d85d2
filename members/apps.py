from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from cooperatives import access

        from .selectors import active_memberships_of_user

        access.register_role_source(active_memberships_of_user)

        from django.utils.translation import gettext_lazy as _

        from ledger.services import register_controlled_purposes

        from .models import CONTROL_ACCOUNT_PURPOSE

        register_controlled_purposes({purpose: _("Savings") for purpose in CONTROL_ACCOUNT_PURPOSE.values()})

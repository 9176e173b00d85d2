from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "users"
    verbose_name = _("Users")

    def ready(self):
        # The login stamps (user_logged_in) and the settings check register on import.
        from . import checks, security  # noqa: F401

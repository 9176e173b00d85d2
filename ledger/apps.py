from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Ledger")

    def ready(self):
        from cooperatives.services import register_setup_step

        from .services import chart_apply_template

        register_setup_step(chart_apply_template)

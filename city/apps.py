from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CityConfig(AppConfig):
    name = "city"
    verbose_name = _("City")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from cooperatives.models import Cooperative, RoleAssignment

        from . import figures

        # Every path that creates or changes a cooperative (registration, profile and AD/ART
        # settings, registry status) or its managers refreshes its figures after the commit:
        # a new cooperative is counted at once, a changed year end or RAT deadline is applied.
        post_save.connect(figures.on_cooperative_saved, sender=Cooperative, dispatch_uid="city_figures_cooperative")
        post_save.connect(figures.on_role_changed, sender=RoleAssignment, dispatch_uid="city_figures_role_saved")
        post_delete.connect(figures.on_role_changed, sender=RoleAssignment, dispatch_uid="city_figures_role_deleted")

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from django_scopes import ScopedManager


class AuditEvent(models.Model):
    """Who did what, when, to which object, with before/after values (DESIGN.md §10).

    `cooperative` is empty only for city-level events (the registry, city roles); those are
    read with scopes disabled by city code alone.
    """

    cooperative = models.ForeignKey(
        "cooperatives.Cooperative", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("cooperative"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = ScopedManager(cooperative="cooperative")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["cooperative", "-at"], name="audit_coop_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

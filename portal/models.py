from django.conf import settings
from django.db import models
from django.utils import timezone
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


class IdempotencyKey(models.Model):
    """A request that moved money under an `Idempotency-Key` header, kept for replay
    (DESIGN.md §8; see portal.idempotency). Written in the same transaction as the work it
    guards, so the key and its effect commit or roll back together."""

    cooperative = models.ForeignKey(
        "cooperatives.Cooperative", on_delete=models.CASCADE, related_name="+", verbose_name=_("cooperative"),
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    key = models.CharField(_("key"), max_length=255)
    endpoint = models.CharField(_("endpoint"), max_length=255)
    request_hash = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    # the JSON text as first sent (text, not jsonb: a replay keeps the key order byte for byte)
    response_body = models.TextField(_("response"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    objects = ScopedManager(cooperative="cooperative")

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "user", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self):
        return f"{self.key} {self.endpoint} → {self.status_code}"

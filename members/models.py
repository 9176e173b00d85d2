from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperatives.models import TenantModel

from .validators import mask_nik


class Gender(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")


class Member(TenantModel):
    """A line of the member register (buku daftar anggota)."""

    number = models.CharField(_("member number"), max_length=32)
    full_name = models.CharField(_("full name"), max_length=150)
    nik_ktp = models.CharField(_("NIK KTP"), max_length=16, blank=True)
    phone = models.CharField(_("phone number"), max_length=16, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    joined_on = models.DateField(_("date joined"))
    status = models.CharField(_("status"), max_length=10, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    left_on = models.DateField(_("date left"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships",
        verbose_name=_("login"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "number"], name="member_unique_number"),
            models.UniqueConstraint(
                fields=["cooperative", "nik_ktp"], condition=~Q(nik_ktp=""), name="member_unique_nik_ktp"
            ),
            models.UniqueConstraint(
                fields=["cooperative", "user"], condition=Q(user__isnull=False), name="member_unique_user"
            ),
            models.CheckConstraint(
                condition=Q(status="active", left_on__isnull=True) | Q(status="left", left_on__isnull=False),
                name="member_left_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["cooperative", "status"], name="member_coop_status"),
            models.Index(fields=["cooperative", "full_name"], name="member_coop_name"),
        ]

    def __str__(self):
        return f"{self.number} {self.full_name}"

    @property
    def nik_ktp_masked(self):
        return mask_nik(self.nik_ktp)

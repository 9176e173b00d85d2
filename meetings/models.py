from django.db import models
from django.utils.translation import gettext_lazy as _

from cooperatives.models import TenantModel


class AnnualMeeting(TenantModel):
    """The RAT (rapat anggota tahunan) that approved a book year.

    For now this is the minimal history the city's indicators need (held on, reported on).
    The RAT issue grows this same table (agenda, attendance, quorum, minutes) by adding
    columns in later migrations; rows recorded now stay valid as "held, papers not in the
    portal" (source = "recorded").
    """

    class Source(models.TextChoices):
        RECORDED = "recorded", _("Recorded afterwards")
        PORTAL = "portal", _("Held in the portal")

    book_year = models.PositiveSmallIntegerField(_("book year"))
    held_on = models.DateField(_("held on"))
    reported_on = models.DateField(_("reported to the city on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.RECORDED)

    class Meta:
        ordering = ["-book_year"]
        verbose_name = _("annual members' meeting (RAT)")
        verbose_name_plural = _("annual members' meetings (RAT)")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "book_year"], name="annual_meeting_unique_year"),
        ]
        indexes = [models.Index(fields=["book_year", "cooperative"], name="annual_meeting_year")]

    def __str__(self):
        return f"RAT {self.book_year}"

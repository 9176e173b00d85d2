"""Per-cooperative, per-book-year figures: the only source of the city's indicators.

Maintained by city/figures.py (refreshed after each commit that changes a cooperative's books,
register, savings, meetings or registry status; rebuilt by `manage.py city_rebuild_figures`).
Counts and statutory amounts only: no member's name, NIK, phone or balance, ever."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Cooperative

MONEY = {"max_digits": 18, "decimal_places": 2, "default": 0}


class CooperativeYearFigures(models.Model):
    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="year_figures", verbose_name=_("cooperative"))
    book_year = models.PositiveSmallIntegerField(_("book year"))
    # the book year's last day (each cooperative has its own year-end month); members are
    # counted on the register at this day, or today for the book year still running
    year_end = models.DateField(_("book year ends"))
    members_men = models.PositiveIntegerField(_("members (men)"), default=0)
    members_women = models.PositiveIntegerField(_("members (women)"), default=0)
    members_total = models.PositiveIntegerField(_("members"), default=0)
    managers = models.PositiveIntegerField(_("managers (pengurus)"), default=0)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)  # not tracked yet
    total_savings = models.DecimalField(_("total savings"), **MONEY)
    total_assets = models.DecimalField(_("total assets"), **MONEY)
    own_capital = models.DecimalField(_("own capital"), **MONEY)
    outside_capital = models.DecimalField(_("outside capital"), **MONEY)
    business_volume = models.DecimalField(_("business volume"), **MONEY)
    shu = models.DecimalField(_("SHU"), **MONEY)
    rat_held = models.BooleanField(_("RAT held"), default=False)
    rat_held_on = models.DateField(_("RAT held on"), null=True, blank=True)
    rat_reported_on = models.DateField(_("RAT reported on"), null=True, blank=True)
    # derived at refresh so the selectors need no per-cooperative subqueries:
    rat_deadline = models.DateField(_("RAT deadline"))  # year end + the AD/ART's months
    last_rat_year = models.PositiveSmallIntegerField(_("latest book year with a RAT"), null=True, blank=True)  # ≤ book_year
    years_without_rat = models.PositiveSmallIntegerField(_("book years in a row without RAT"), default=0)  # ending with book_year
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("cooperative year figures")
        verbose_name_plural = _("cooperative year figures")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "book_year"], name="cooperative_year_figures_unique"),
        ]
        indexes = [models.Index(fields=["book_year", "cooperative"], name="city_figures_year")]

    def __str__(self):
        return f"{self.cooperative_id}/{self.book_year}"


class SharedPerson(models.Model):
    """A membership of a person (by NIK hash) who is, or was, a member of more than one
    cooperative: the only rows needed to count distinct persons across cooperatives
    (distinct = Σ members − (shared memberships − distinct shared hashes)). Kept by
    city/figures.py for the hashes of the cooperative being refreshed; small next to the
    register. `first_year`/`until_year`: the book years (of that cooperative) on whose last
    day the person is on its register, first_year ≤ Y < until_year (until_year null: still a
    member)."""

    nik_hash = models.CharField(max_length=64)
    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    first_year = models.PositiveSmallIntegerField()
    until_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["nik_hash"], name="city_shared_person_hash"),
            models.Index(fields=["cooperative"], name="city_shared_person_coop"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(until_year__isnull=True) | Q(until_year__gte=models.F("first_year")),
                                   name="city_shared_person_years_ordered"),
        ]

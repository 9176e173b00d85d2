from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from django_scopes import ScopedManager


class Kecamatan(models.Model):
    """A district of the city. Global reference data, loaded by a migration."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self):
        return self.name


class Kelurahan(models.Model):
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="kelurahan", verbose_name=_("kecamatan"))
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["kecamatan__name", "name"]
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")
        constraints = [models.UniqueConstraint(fields=["kecamatan", "name"], name="kelurahan_unique_name_per_kecamatan")]

    def __str__(self):
        return self.name


class CooperativeKind(models.TextChoices):
    SIMPAN_PINJAM = "simpan_pinjam", _("Savings and loan (simpan pinjam)")
    KONSUMEN = "konsumen", _("Consumer (konsumen)")
    PRODUSEN = "produsen", _("Producer (produsen)")
    PEMASARAN = "pemasaran", _("Marketing (pemasaran)")
    JASA = "jasa", _("Service (jasa)")


class RegistryStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    DISSOLVED = "dissolved", _("Dissolved")
    MERGED = "merged", _("Merged")


class Cooperative(models.Model):
    """The tenant. Every cooperative-owned row points here through its own `cooperative` key."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address in the portal"), max_length=80, unique=True)
    legal_entity_number = models.CharField(_("legal entity number (nomor badan hukum)"), max_length=100, blank=True)
    nik_koperasi = models.CharField(_("NIK Koperasi"), max_length=32, blank=True)
    kind = models.CharField(_("kind (jenis)"), max_length=20, choices=CooperativeKind.choices)
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, verbose_name=_("kecamatan"))
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.PROTECT, verbose_name=_("kelurahan"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    book_year_end_month = models.PositiveSmallIntegerField(
        _("book year ends in month"), default=12, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("The book year ends on the last day of this month (12 = December)."),
    )
    # AD/ART settings: each cooperative's own rules, never constants in code.
    quorum_fraction = models.DecimalField(
        _("quorum (fraction of members)"), max_digits=5, decimal_places=4, default=Decimal("0.5000"),
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("1"))],
        help_text=_("0.5 with 'more than' = more than half of the members must be present."),
    )
    quorum_more_than = models.BooleanField(
        _("quorum needs more than the fraction"), default=True,
        help_text=_("Checked: present > fraction × members. Unchecked: present ≥ fraction × members."),
    )
    rat_deadline_months = models.PositiveSmallIntegerField(
        _("RAT deadline (months after year end)"), default=6, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    invitation_notice_days = models.PositiveSmallIntegerField(
        _("invitation notice (days before the meeting)"), default=14, validators=[MaxValueValidator(90)]
    )
    simpanan_pokok_amount = models.DecimalField(
        _("simpanan pokok amount"), max_digits=18, decimal_places=2, default=Decimal("100000"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    simpanan_wajib_monthly_amount = models.DecimalField(
        _("simpanan wajib per month"), max_digits=18, decimal_places=2, default=Decimal("25000"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    member_number_format = models.CharField(
        _("member number format"), max_length=40, default="{seq:05d}",
        help_text=_("{seq} is the running number, {year} the year joined; e.g. {seq:05d} → 00042, A-{year}-{seq:04d} → A-2026-0042."),
    )
    registered_on = models.DateField(_("registered with the city on"), null=True, blank=True)
    # Dissolved and merged cooperatives stay for history; the city leaves them out of its counts
    # for book years ending after the status date (city/selectors.py).
    registry_status = models.CharField(_("registry status"), max_length=12, choices=RegistryStatus.choices,
                                       default=RegistryStatus.REGISTERED)
    registry_status_on = models.DateField(_("registry status since"), null=True, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from",
                                    verbose_name=_("merged into"))
    # the decision or letter behind a dissolution or merger (the city admin's record; kept for history)
    registry_status_reason = models.CharField(_("reason of the registry status"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")
        constraints = [
            models.CheckConstraint(condition=models.Q(book_year_end_month__gte=1, book_year_end_month__lte=12), name="cooperative_book_year_end_month_valid"),
            models.CheckConstraint(condition=models.Q(quorum_fraction__gt=0, quorum_fraction__lte=1), name="cooperative_quorum_fraction_valid"),
            models.CheckConstraint(condition=models.Q(simpanan_pokok_amount__gte=0, simpanan_wajib_monthly_amount__gte=0), name="cooperative_savings_amounts_not_negative"),
            models.CheckConstraint(
                condition=models.Q(registry_status="registered", merged_into__isnull=True)
                | models.Q(registry_status="dissolved", registry_status_on__isnull=False, merged_into__isnull=True)
                | models.Q(registry_status="merged", registry_status_on__isnull=False, merged_into__isnull=False),
                name="cooperative_registry_status_consistent",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        try:
            sample = self.member_number_format.format(seq=1, year=2026)
        except (KeyError, IndexError, ValueError):
            raise ValidationError({"member_number_format": _("Use only {seq} and {year}, e.g. {seq:05d}.")})
        if "{seq" not in self.member_number_format or not sample or "/" in sample or len(sample) > 32:
            raise ValidationError({"member_number_format": _("The format must contain {seq} and give a number without '/' of at most 32 characters.")})

    def format_member_number(self, sequence: int, year: int) -> str:
        return self.member_number_format.format(seq=sequence, year=year)


class TenantModel(models.Model):
    """Base of every cooperative-owned table: its own cooperative key and a fail-closed manager.

    Outside `scope(cooperative=…)` every query raises; there is deliberately no unscoped manager.
    """

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, verbose_name=_("cooperative"), related_name="+")

    objects = ScopedManager(cooperative="cooperative")

    class Meta:
        abstract = True


class CooperativeRole(models.TextChoices):
    MANAGER = "manager", _("Manager (pengurus)")
    BOOKKEEPER = "bookkeeper", _("Bookkeeper (juru buku)")
    SUPERVISOR = "supervisor", _("Supervisor (pengawas)")


class RoleAssignment(TenantModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=CooperativeRole.choices)
    title = models.CharField(_("title"), max_length=80, blank=True, help_text=_("e.g. Ketua, Sekretaris, Bendahara"))
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["cooperative", "user", "role"], name="role_assignment_unique")]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}"


class CityRoleKind(models.TextChoices):
    STAFF = "city_staff", _("City staff")
    ADMIN = "city_admin", _("City admin")


class CityRole(models.Model):
    """A role in the city's cooperative office (Dinas). Not cooperative-owned."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="city_roles", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=CityRoleKind.choices)

    class Meta:
        verbose_name = _("city role")
        verbose_name_plural = _("city roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="city_role_unique")]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}"


class Counter(TenantModel):
    """Per-cooperative business numbering (member numbers, journal numbers).

    Taken with select_for_update so numbers are gapless and never come from a database
    sequence (keeps row-based sharding by cooperative possible).
    """

    name = models.CharField(max_length=60)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cooperative", "name"], name="counter_unique_name")]

    def __str__(self):
        return f"{self.name}={self.value}"


class RoleInvitation(TenantModel):
    """A one-time link that gives a person a staff role in a cooperative once they set their own
    password (or log in with their existing login): the city admin's way to give a newly
    registered cooperative its first manager. Only a hash of the token is stored; the token
    machinery is shared with the member invitations (users/invitations.py)."""

    role = models.CharField(_("role"), max_length=20, choices=CooperativeRole.choices, default=CooperativeRole.MANAGER)
    title = models.CharField(_("title"), max_length=80, blank=True)
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone number"), max_length=20)
    email = models.EmailField(_("email"), blank=True)
    token_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("role invitation")
        verbose_name_plural = _("role invitations")
        constraints = [models.UniqueConstraint(fields=["cooperative", "token_hash"], name="role_invitation_unique_token")]
        indexes = [models.Index(fields=["token_hash"], name="role_invitation_token")]

    def __str__(self):
        return f"{self.full_name} – {self.get_role_display()}"

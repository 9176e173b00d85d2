from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperatives.models import TenantModel
from portal.fields import EncryptedCharField

from .validators import mask_nik


class Gender(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")


class LeavingReason(models.TextChoices):
    RESIGNATION = "resignation", _("Resignation")
    DISMISSAL = "dismissal", _("Dismissal")
    DEATH = "death", _("Death")
    DISSOLUTION = "dissolution", _("Dissolution of the cooperative")


class Member(TenantModel):
    """A line of the member register (buku daftar anggota)."""

    number = models.CharField(_("member number"), max_length=32)
    full_name = models.CharField(_("full name"), max_length=150)
    # encrypted at rest (portal/crypto.py); looked up, and kept unique, by nik_hash
    nik_ktp = EncryptedCharField(_("NIK KTP"), max_length=16, blank=True)
    # HMAC of nik_ktp (members/nik.py), set by save() and by every bulk write; the city counts
    # distinct persons by it without reading the NIK.
    nik_hash = models.CharField(_("NIK hash"), max_length=64, blank=True, db_index=True, editable=False)
    phone = models.CharField(_("phone number"), max_length=16, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    joined_on = models.DateField(_("date joined"))
    status = models.CharField(_("status"), max_length=10, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    left_on = models.DateField(_("date left"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=20, choices=LeavingReason.choices, blank=True)
    left_note = models.CharField(_("note on leaving"), max_length=300, blank=True)
    place_of_birth = models.CharField(_("place of birth"), max_length=80, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    kelurahan = models.ForeignKey(
        "cooperatives.Kelurahan", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kelurahan"),
    )
    # UU 27/2022: the lawful basis for processing, recorded when the member is entered.
    consent_at = models.DateTimeField(_("consent to data processing given at"), null=True, blank=True)
    consent_version = models.CharField(_("consent text version"), max_length=20, blank=True)
    # set when the member's personal data was deleted on their request (members/deletion.py)
    anonymised_at = models.DateTimeField(_("personal data deleted at"), null=True, blank=True)
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
                fields=["cooperative", "nik_hash"], condition=~Q(nik_hash=""), name="member_unique_nik_hash"
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

    def save(self, *args, **kwargs):
        from .nik import nik_hash

        self.nik_hash = nik_hash(self.nik_ktp)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "nik_ktp" in update_fields and "nik_hash" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "nik_hash"]
        super().save(*args, **kwargs)

    @property
    def nik_ktp_masked(self):
        return mask_nik(self.nik_ktp)


class SavingsType(models.TextChoices):
    POKOK = "pokok", _("Simpanan pokok")
    WAJIB = "wajib", _("Simpanan wajib")
    SUKARELA = "sukarela", _("Simpanan sukarela")


# The ledger control account of each savings type, found by its purpose (ledger/charts.py).
CONTROL_ACCOUNT_PURPOSE = {
    SavingsType.POKOK: "savings_pokok",
    SavingsType.WAJIB: "savings_wajib",
    SavingsType.SUKARELA: "savings_sukarela",
}


class Direction(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit")
    WITHDRAWAL = "withdrawal", _("Withdrawal")


class TransactionKind(models.TextChoices):
    REGULAR = "regular", _("Regular")
    OPENING = "opening", _("Opening balance")
    REFUND = "refund", _("Refund on leaving")
    REVERSAL = "reversal", _("Reversal")
    SHU = "shu", _("SHU credited")


class SavingsBalance(TenantModel):
    """A member's balance per savings type: the subsidiary ledger's running total, kept in
    the same transaction as each savings transaction. Never below zero (a CHECK constraint on
    every database)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="savings_balances")
    savings_type = models.CharField(max_length=10, choices=SavingsType.choices)
    balance = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "member", "savings_type"], name="savings_balance_unique"),
            models.CheckConstraint(condition=Q(balance__gte=0), name="savings_balance_not_negative"),
        ]


class SavingsTransaction(TenantModel):
    """One deposit or withdrawal of one member, linked to the journal entry that posted it.

    A wajib collection posts one combined entry for many members; each member still gets their
    own transaction and receipt number pointing at that entry."""

    number = models.CharField(_("receipt number"), max_length=30)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="savings_transactions", verbose_name=_("member"))
    savings_type = models.CharField(_("savings type"), max_length=10, choices=SavingsType.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=TransactionKind.choices, default=TransactionKind.REGULAR)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    date = models.DateField(_("date"))
    # For wajib: the month paid for (first day of that month).
    period = models.DateField(_("for month"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    journal_entry = models.ForeignKey("ledger.JournalEntry", on_delete=models.PROTECT, related_name="savings_transactions", verbose_name=_("journal entry"))
    reverses = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals", verbose_name=_("reverses"))
    balance_after = models.DecimalField(_("balance after"), max_digits=18, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("savings transaction")
        verbose_name_plural = _("savings transactions")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "number"], name="savings_transaction_unique_number"),
            models.UniqueConstraint(fields=["cooperative", "reverses"], condition=Q(reverses__isnull=False), name="savings_transaction_reversed_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="savings_transaction_amount_positive"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="savings_transaction_balance_not_negative"),
        ]
        indexes = [
            models.Index(fields=["cooperative", "member", "date"], name="savings_member_date"),
            models.Index(fields=["cooperative", "savings_type", "period"], name="savings_type_period"),
        ]

    def __str__(self):
        return self.number

    @property
    def signed_amount(self):
        return self.amount if self.direction == Direction.DEPOSIT else -self.amount

    @property
    def reversed_by(self):
        reversals = list(self.reversals.all())
        return reversals[0] if reversals else None


class Invitation(TenantModel):
    """A one-time link a manager sends (WhatsApp, QR on screen) so a member can set a password
    and link their login to their membership. Only a hash of the token is stored."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cooperative", "token_hash"], name="invitation_unique_token")]


class DeletionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the manager")
    APPROVED = "approved", _("Approved: data deleted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DeletionRequest(TenantModel):
    """A member's request that the cooperative delete their personal data (UU 27/2022), and
    the manager's answer (members/deletion.py)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="deletion_requests", verbose_name=_("member"))
    # kept after approval, when the member row no longer links the login: the person still sees the answer
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="deletion_requests", verbose_name=_("asked by"))
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DeletionStatus.choices, default=DeletionStatus.PENDING)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("answered by"))
    decision_note = models.TextField(_("reason for refusing"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "member"], condition=Q(status="pending"),
                                    name="deletion_request_one_pending"),
            models.CheckConstraint(condition=Q(status="pending") | Q(decided_at__isnull=False), name="deletion_request_decided_has_date"),
        ]
        indexes = [models.Index(fields=["cooperative", "status"], name="deletion_request_coop_status")]

    def __str__(self):
        return f"{self.member.number} {self.get_status_display()}"

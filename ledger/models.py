"""Double-entry books per cooperative (DESIGN.md §6).

Invariants, each enforced in `ledger.services` and, on PostgreSQL, again in the database
(migration 0002: CHECK constraints, a deferred balance trigger, immutability triggers):
a posted entry balances; posted entries and their lines never change; corrections are
reversing entries; nothing is posted into a closed book year.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperatives.models import TenantModel

MONEY = {"max_digits": 18, "decimal_places": 2}

# Period 13 holds closing entries so that income statements of a closed year still show the
# year's income and expense, while balances after the year end include the closing.
CLOSING_PERIOD = 13


class AccountKind(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    EQUITY = "equity", _("Equity")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


DEBIT_NORMAL_KINDS = frozenset({AccountKind.ASSET, AccountKind.EXPENSE})


class Segment(models.TextChoices):
    """Member and non-member business are shown apart in the income statement."""

    NONE = "", _("—")
    MEMBER = "member", _("Members")
    NON_MEMBER = "non_member", _("Non-members")


class Account(TenantModel):
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("group"))
    is_postable = models.BooleanField(_("postable"), default=True, help_text=_("Header accounts only group others."))
    is_active = models.BooleanField(_("active"), default=True)
    is_contra = models.BooleanField(
        _("contra account"), default=False,
        help_text=_("Its normal balance is opposite to its kind (e.g. accumulated depreciation)."),
    )
    segment = models.CharField(_("member / non-member"), max_length=12, choices=Segment.choices, default="", blank=True)
    # A stable name services use to find an account whatever its code (e.g. "cash",
    # "shu_current_year", "savings_pokok"); empty for most accounts.
    purpose = models.CharField(_("purpose"), max_length=40, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "code"], name="account_unique_code"),
            models.UniqueConstraint(fields=["cooperative", "purpose"], condition=~Q(purpose=""), name="account_unique_purpose"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def debit_normal(self) -> bool:
        return (self.kind in DEBIT_NORMAL_KINDS) != self.is_contra


class BookYearState(models.TextChoices):
    OPEN = "open", _("Open")
    PREPARED = "prepared", _("Prepared for closing")
    CLOSED = "closed", _("Closed")


class BookYear(TenantModel):
    year = models.PositiveSmallIntegerField(_("book year"))
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(_("ends"))
    state = models.CharField(_("state"), max_length=10, choices=BookYearState.choices, default=BookYearState.OPEN)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    prepared_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("book year")
        verbose_name_plural = _("book years")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "year"], name="book_year_unique"),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="book_year_dates_ordered"),
        ]

    def __str__(self):
        return str(self.year)

    @property
    def is_closed(self):
        return self.state == BookYearState.CLOSED


class JournalType(models.TextChoices):
    GENERAL = "JU", _("General journal (JU)")
    ADJUSTMENT = "JP", _("Adjusting journal (JP)")
    CLOSING = "JT", _("Closing journal (JT)")


class EntryState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")


class EntryKind(models.TextChoices):
    REGULAR = "regular", _("Regular")
    OPENING = "opening", _("Opening balances")
    CLOSING = "closing", _("Year-end closing")
    REVERSAL = "reversal", _("Reversal")


class JournalEntry(TenantModel):
    number = models.CharField(_("number"), max_length=30, null=True, blank=True)
    journal_type = models.CharField(_("journal"), max_length=2, choices=JournalType.choices, default=JournalType.GENERAL)
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices, default=EntryKind.REGULAR)
    date = models.DateField(_("date"))
    book_year = models.PositiveSmallIntegerField(_("book year"))
    description = models.CharField(_("description"), max_length=300)
    reference = models.CharField(_("reference (nomor bukti)"), max_length=60, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=EntryState.choices, default=EntryState.DRAFT)
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals", verbose_name=_("reverses"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "number"], condition=Q(number__isnull=False), name="journal_entry_unique_number"),
            # an entry is reversed at most once
            models.UniqueConstraint(fields=["cooperative", "reverses"], condition=Q(reverses__isnull=False), name="journal_entry_reversed_once"),
            models.CheckConstraint(
                condition=Q(state="draft", number__isnull=True) | Q(state="posted", number__isnull=False, posted_at__isnull=False),
                name="journal_entry_posted_has_number",
            ),
        ]
        indexes = [
            models.Index(fields=["cooperative", "date"], name="journal_entry_coop_date"),
            # drafts and closing entries by date, for the reports' partial months (ledger/selectors.py)
            models.Index(fields=["cooperative", "date"], condition=~Q(state="posted") | Q(kind="closing"), name="journal_entry_left_out"),
        ]

    def __str__(self):
        return self.number or _("Draft %(id)s") % {"id": self.pk}

    @property
    def is_posted(self):
        return self.state == EntryState.POSTED

    @property
    def reversed_by(self):
        """The entry that reversed this one, or None (uses a prefetch of `reversals` if present)."""
        reversals = list(self.reversals.all())
        return reversals[0] if reversals else None


class JournalLine(TenantModel):
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="lines", verbose_name=_("entry"))
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines", verbose_name=_("account"))
    debit = models.DecimalField(_("debit"), **MONEY, default=0)
    credit = models.DecimalField(_("credit"), **MONEY, default=0)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    # Denormalised from the entry (date never changes once posted) so ledgers and partial-month
    # sums read one table.
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        constraints = [
            models.CheckConstraint(condition=Q(debit__gte=0, credit__gte=0), name="journal_line_not_negative"),
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(credit__gt=0) & Q(debit=0)),
                name="journal_line_one_side",
            ),
        ]
        indexes = [
            models.Index(fields=["cooperative", "account", "date"], name="journal_line_account_date"),
            # reports sum the lines of a partial month from this index alone (index-only scan)
            models.Index(fields=["cooperative", "date", "account", "debit", "credit"], name="journal_line_coop_date"),
        ]

    def __str__(self):
        return f"{self.account.code} D{self.debit} K{self.credit}"


class AccountBalance(TenantModel):
    """Debit and credit totals of posted lines per account and period (month 1–12; 13 holds
    the year's closing entries), kept in the posting's own transaction."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="balances")
    year = models.PositiveSmallIntegerField()
    period = models.PositiveSmallIntegerField()
    debit_total = models.DecimalField(**MONEY, default=0)
    credit_total = models.DecimalField(**MONEY, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "account", "year", "period"], name="account_balance_unique"),
            models.CheckConstraint(condition=Q(period__gte=1, period__lte=CLOSING_PERIOD), name="account_balance_period_valid"),
        ]
        indexes = [models.Index(fields=["cooperative", "year", "period"], name="account_balance_period")]

"""Members' meetings: the RAT (rapat anggota tahunan) and special meetings, from invitation
to the report to the city (DOMAIN.md "RAT", "SHU").

History: issue 2 recorded RAT history as `AnnualMeeting` (book year, held on, reported on);
migration 0002 renamed it to `Meeting` and added the workflow columns; recorded rows became
RATs with status "reported"/"held" and source "recorded"."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperatives.models import TenantModel

MONEY = {"max_digits": 18, "decimal_places": 2}


class MeetingKind(models.TextChoices):
    RAT = "rat", _("Annual members' meeting (RAT)")
    SPECIAL = "ra_khusus", _("Special members' meeting (RA khusus)")
    EXTRAORDINARY = "ra_luar_biasa", _("Extraordinary members' meeting (RA luar biasa)")


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    INVITED = "invited", _("Invitations sent")
    HELD = "held", _("Held")
    MINUTES_PUBLISHED = "minutes_published", _("Minutes published")
    REPORTED = "reported", _("Reported to the city")


# The order a meeting moves through; a status may only move forward (services enforce it).
STATUS_ORDER = [s.value for s in MeetingStatus]


class Meeting(TenantModel):
    class Source(models.TextChoices):
        RECORDED = "recorded", _("Recorded afterwards")
        PORTAL = "portal", _("Held in the portal")

    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.RAT)
    book_year = models.PositiveSmallIntegerField(_("book year"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON)
    date = models.DateField(_("date"), null=True, blank=True)
    start_time = models.TimeField(_("starts at"), null=True, blank=True)
    end_time = models.TimeField(_("ends at"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_link = models.URLField(_("online meeting link"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT)
    invitations_sent_at = models.DateTimeField(_("invitations sent at"), null=True, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    reported_on = models.DateField(_("reported to the city on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.PORTAL)
    # Quorum: the AD/ART rule copied when the meeting is scheduled, and the counts at the meeting.
    quorum_fraction = models.DecimalField(_("quorum (fraction of members)"), max_digits=5, decimal_places=4, null=True, blank=True)
    quorum_more_than = models.BooleanField(_("quorum needs more than the fraction"), default=True)
    members_on_register = models.PositiveIntegerField(_("members on the register on the meeting date"), null=True, blank=True)
    # Minutes (berita acara)
    chair_name = models.CharField(_("chair"), max_length=150, blank=True)
    secretary_name = models.CharField(_("secretary"), max_length=150, blank=True)
    witnesses = models.CharField(_("member witnesses"), max_length=300, blank=True)
    guests = models.CharField(_("guests"), max_length=300, blank=True, help_text=_("e.g. the Dinas"))
    minutes_text = models.TextField(_("minutes (free text)"), blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        ordering = ["-book_year", "-date"]
        verbose_name = _("members' meeting")
        verbose_name_plural = _("members' meetings")
        constraints = [
            # one RAT per book year; special meetings as many as needed
            models.UniqueConstraint(fields=["cooperative", "book_year"], condition=Q(kind="rat"), name="meeting_one_rat_per_year"),
        ]
        indexes = [models.Index(fields=["book_year", "cooperative"], name="meeting_year")]

    def __str__(self):
        if self.kind == MeetingKind.RAT:
            return f"RAT {self.book_year}"
        return self.title or f"{self.get_kind_display()} {self.date or ''}".strip()


class AgendaItemKind(models.TextChoices):
    OPENING = "opening", _("Opening")
    ACCOUNTABILITY = "accountability", _("Accountability report of the pengurus")
    SUPERVISION = "supervision", _("Report of the pengawas")
    FINANCIAL_STATEMENTS = "financial_statements", _("Financial statements")
    SHU = "shu", _("Distribution of SHU")
    WORK_PLAN = "work_plan", _("Work plan and budget (RK/RAPB)")
    ELECTIONS = "elections", _("Elections of pengurus and pengawas")
    OTHER = "other", _("Other business")


class DecisionMethod(models.TextChoices):
    CONSENSUS = "mufakat", _("Consensus (mufakat)")
    VOTE = "vote", _("Vote")


class AgendaItem(TenantModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=30, choices=AgendaItemKind.choices, default=AgendaItemKind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    decision_method = models.CharField(_("decided by"), max_length=10, choices=DecisionMethod.choices, blank=True)
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    decision_text = models.TextField(_("decision"), blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["cooperative", "meeting", "order"], name="agenda_item_unique_order")]

    def __str__(self):
        return f"{self.order}. {self.title}"


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    DELEGATE = "delegate", _("By delegate")


class Attendance(TenantModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="attendances")
    mode = models.CharField(_("present"), max_length=10, choices=AttendanceMode.choices, default=AttendanceMode.IN_PERSON)
    delegate_name = models.CharField(_("delegate"), max_length=150, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), auto_now_add=True)
    self_check_in = models.BooleanField(_("checked in by scanning the meeting's QR code"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cooperative", "meeting", "member"], name="attendance_once")]


class Organ(models.TextChoices):
    PENGURUS = "pengurus", _("Pengurus")
    PENGAWAS = "pengawas", _("Pengawas")


class ElectedOfficer(TenantModel):
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="elected_officers")
    organ = models.CharField(_("organ"), max_length=10, choices=Organ.choices)
    position = models.CharField(_("position"), max_length=80, help_text=_("e.g. Ketua, Sekretaris, Bendahara"))
    name = models.CharField(_("name"), max_length=150)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    term_start = models.DateField(_("term starts"), null=True, blank=True)
    term_end = models.DateField(_("term ends"), null=True, blank=True)


class DocumentKind(models.TextChoices):
    ACCOUNTABILITY = "accountability", _("Accountability report (LPJ) of the pengurus")
    SUPERVISION = "supervision", _("Report of the pengawas")
    FINANCIAL_STATEMENTS = "financial_statements", _("Financial statements")
    WORK_PLAN = "work_plan", _("Work plan and budget (RK/RAPB)")
    MINUTES_SIGNED = "minutes_signed", _("Signed minutes (scan)")
    ATTENDANCE_SHEET = "attendance_sheet", _("Attendance sheet (scan)")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other")


def document_upload_path(instance, filename):
    # the server chooses the name; the person's file name is kept only as data
    return f"meetings/{instance.cooperative_id}/{instance.meeting_id}/{filename}"


class MeetingDocument(TenantModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=document_upload_path, max_length=300)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    supersedes = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by")
    is_current = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-uploaded_at"]


class ShuStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved by the RAT")
    POSTED = "posted", _("Posted to the books")


class SavingsBasis(models.TextChoices):
    YEAR_END = "year_end", _("Pokok + wajib at the end of the book year")
    AVERAGE = "average", _("Average monthly pokok + wajib balance")


class ShuDistribution(TenantModel):
    """The SHU of a closed book year, its allocation (AD/ART percentages, approved by the RAT)
    and the members' shares."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="shu_distributions", null=True, blank=True)
    book_year = models.PositiveSmallIntegerField(_("book year"))
    shu_total = models.DecimalField(_("SHU of the year"), **MONEY)
    reserve_percent = models.DecimalField(_("reserve (cadangan) %"), max_digits=5, decimal_places=2, default=40)
    jasa_modal_percent = models.DecimalField(_("members: jasa modal %"), max_digits=5, decimal_places=2, default=20)
    jasa_usaha_percent = models.DecimalField(_("members: jasa usaha %"), max_digits=5, decimal_places=2, default=20)
    pengurus_percent = models.DecimalField(_("dana pengurus %"), max_digits=5, decimal_places=2, default=5)
    karyawan_percent = models.DecimalField(_("dana karyawan %"), max_digits=5, decimal_places=2, default=5)
    pendidikan_percent = models.DecimalField(_("dana pendidikan %"), max_digits=5, decimal_places=2, default=5)
    sosial_percent = models.DecimalField(_("dana sosial %"), max_digits=5, decimal_places=2, default=5)
    savings_basis = models.CharField(_("savings counted for jasa modal"), max_length=10, choices=SavingsBasis.choices, default=SavingsBasis.YEAR_END)
    remainder = models.DecimalField(_("rounding remainder"), **MONEY, default=0)
    status = models.CharField(_("status"), max_length=10, choices=ShuStatus.choices, default=ShuStatus.DRAFT)
    approved_at = models.DateTimeField(null=True, blank=True)
    journal_entry = models.ForeignKey("ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "book_year"], name="shu_distribution_one_per_year"),
            models.CheckConstraint(
                condition=Q(reserve_percent__gte=0, jasa_modal_percent__gte=0, jasa_usaha_percent__gte=0, pengurus_percent__gte=0,
                            karyawan_percent__gte=0, pendidikan_percent__gte=0, sosial_percent__gte=0),
                name="shu_percentages_not_negative",
            ),
        ]


class ShuMemberShare(TenantModel):
    distribution = models.ForeignKey(ShuDistribution, on_delete=models.CASCADE, related_name="shares")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="shu_shares")
    savings_basis = models.DecimalField(_("savings counted"), **MONEY)
    transaction_volume = models.DecimalField(_("transactions counted"), **MONEY)
    jasa_modal = models.DecimalField(_("jasa modal"), **MONEY)
    jasa_usaha = models.DecimalField(_("jasa usaha"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    paid_transaction = models.ForeignKey("members.SavingsTransaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cooperative", "distribution", "member"], name="shu_share_once")]


class MemberTransactionVolume(TenantModel):
    """A member's business with the cooperative in a book year (loan interest paid, purchases),
    entered or imported while the portal has no loans or shop module; the jasa usaha basis."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    book_year = models.PositiveSmallIntegerField(_("book year"))
    volume = models.DecimalField(_("transaction volume"), **MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "member", "book_year"], name="transaction_volume_once"),
            models.CheckConstraint(condition=Q(volume__gte=0), name="transaction_volume_not_negative"),
        ]


class RatReport(TenantModel):
    """What the cooperative reports to the Dinas after its RAT (commonly within a month)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="reports")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    members_registered = models.PositiveIntegerField(_("members on the register"))
    members_present = models.PositiveIntegerField(_("members present"))
    quorum_met = models.BooleanField(_("quorum met"))
    total_assets = models.DecimalField(_("total assets"), **MONEY)
    own_capital = models.DecimalField(_("own capital (modal sendiri)"), **MONEY)
    outside_capital = models.DecimalField(_("outside capital (modal luar)"), **MONEY)
    business_volume = models.DecimalField(_("business volume"), **MONEY)
    shu = models.DecimalField(_("SHU"), **MONEY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cooperative", "meeting"], name="rat_report_once")]

"""What the meetings API (meetings/api.py) reads and writes. Input serializers only parse (types,
lengths, ranges); the rules — notice days, quorum, one RAT a year, percentages adding up to
100 %, approve before post — live in meetings.services and meetings.shu_services. Amounts are
decimal strings with two decimals, dates YYYY-MM-DD, members are addressed by member number."""

from django.utils.translation import gettext_lazy

from rest_framework import serializers

from ledger.api.serializers import LedgerDateField, Money, inline_enum
from members.me_api import CooperativeRefSerializer

from .models import (
    AgendaItemKind, AttendanceMode, DecisionMethod, DocumentKind, Meeting, MeetingKind, MeetingMode, MeetingStatus,
    SavingsBasis, ShuStatus,
)

MIN_YEAR, MAX_YEAR = 1901, 2199


def Percent(**kwargs):  # noqa: N802 - reads like a field class
    return serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, **kwargs)


def BookYear(**kwargs):  # noqa: N802
    return serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR, help_text="Named by the calendar year in which it ends.", **kwargs)


# --- meetings ----------------------------------------------------------------------------------

class QuorumSerializer(serializers.Serializer):
    registered = serializers.IntegerField(help_text="Members on the register on the meeting date (frozen once held).")
    present = serializers.IntegerField()
    in_person = serializers.IntegerField()
    online = serializers.IntegerField()
    by_delegate = serializers.IntegerField()
    needed = serializers.IntegerField(help_text="Members needed present under the AD/ART's rule.")
    met = serializers.BooleanField()


class AgendaItemSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AgendaItemKind.choices)
    title = serializers.CharField()
    decision_method = serializers.CharField(help_text='"mufakat", "vote", or "" while undecided.')
    votes_for = serializers.IntegerField(allow_null=True)
    votes_against = serializers.IntegerField(allow_null=True)
    votes_abstain = serializers.IntegerField(allow_null=True)
    decision_text = serializers.CharField()


class MeetingSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    mode = serializers.ChoiceField(choices=MeetingMode.choices)
    status = serializers.ChoiceField(choices=MeetingStatus.choices)
    online_link = serializers.CharField(read_only=True, help_text="The online meeting's link (a URL); empty when none.")

    class Meta:
        model = Meeting
        fields = ["id", "kind", "book_year", "title", "mode", "date", "start_time", "end_time", "venue", "online_link", "status",
                  "invitations_sent_at", "held_on", "reported_on", "minutes_published_at"]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    quorum = QuorumSerializer()
    agenda = AgendaItemSerializer(many=True)
    chair_name = serializers.CharField()
    secretary_name = serializers.CharField()
    witnesses = serializers.CharField()
    guests = serializers.CharField()
    minutes_text = serializers.CharField()

    class Meta(MeetingSerializer.Meta):
        fields = MeetingSerializer.Meta.fields + ["quorum", "agenda", "chair_name", "secretary_name", "witnesses", "guests", "minutes_text"]
        read_only_fields = fields


class MeetingCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MeetingKind.choices, default=MeetingKind.RAT)
    book_year = BookYear()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    mode = serializers.ChoiceField(choices=MeetingMode.choices, default=MeetingMode.IN_PERSON)
    date = LedgerDateField()
    start_time = serializers.TimeField(required=False, allow_null=True, default=None)
    end_time = serializers.TimeField(required=False, allow_null=True, default=None)
    venue = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    online_link = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")


class MeetingUpdateSerializer(serializers.Serializer):
    """Every field optional: the schedule until the meeting is held, the minutes' own fields
    until they are published."""

    kind = serializers.ChoiceField(choices=MeetingKind.choices, required=False)
    book_year = BookYear(required=False)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    mode = serializers.ChoiceField(choices=MeetingMode.choices, required=False)
    date = LedgerDateField(required=False)
    start_time = serializers.TimeField(required=False, allow_null=True)
    end_time = serializers.TimeField(required=False, allow_null=True)
    venue = serializers.CharField(max_length=300, required=False, allow_blank=True)
    online_link = serializers.URLField(max_length=200, required=False, allow_blank=True)
    chair_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    secretary_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    witnesses = serializers.CharField(max_length=300, required=False, allow_blank=True)
    guests = serializers.CharField(max_length=300, required=False, allow_blank=True)
    minutes_text = serializers.CharField(max_length=100_000, required=False, allow_blank=True)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(gettext_lazy("Send at least one field to change."))
        return attrs


class InviteSerializer(serializers.Serializer):
    confirm_late = serializers.BooleanField(default=False, help_text="Send although the AD/ART's notice days are no longer met.")


class HeldSerializer(serializers.Serializer):
    held_on = LedgerDateField(required=False, allow_null=True, default=None, help_text="Defaults to the meeting date.")


class ReportSerializer(serializers.Serializer):
    """The statement figures the RAT approved (members and quorum come from the meeting)."""

    total_assets = Money()
    own_capital = Money()
    outside_capital = Money()
    business_volume = Money()
    shu = Money(help_text="Negative for a loss.")


class RatReportSerializer(serializers.Serializer):
    submitted_at = serializers.DateTimeField()
    members_registered = serializers.IntegerField()
    members_present = serializers.IntegerField()
    quorum_met = serializers.BooleanField()
    total_assets = Money()
    own_capital = Money()
    outside_capital = Money()
    business_volume = Money()
    shu = Money()


# --- attendance ------------------------------------------------------------------------------

class AttendanceSerializer(serializers.Serializer):
    member = serializers.CharField(source="member.number", help_text="Member number.")
    name = serializers.CharField(source="member.full_name")
    mode = serializers.ChoiceField(choices=AttendanceMode.choices)
    delegate_name = serializers.CharField()
    checked_in_at = serializers.DateTimeField()
    self_check_in = serializers.BooleanField()


class AttendanceMarkSerializer(serializers.Serializer):
    member = serializers.CharField(max_length=32, help_text="Member number.")
    mode = serializers.ChoiceField(choices=AttendanceMode.choices, default=AttendanceMode.IN_PERSON)
    delegate_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


# --- documents -------------------------------------------------------------------------------

class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField(help_text="Detected from the content.")
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    is_current = serializers.BooleanField(help_text="False once a newer version supersedes it.")
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    uploaded_at = serializers.DateTimeField()
    download = serializers.CharField(help_text="Path of the download (same authentication).")


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    file = serializers.FileField(help_text="PDF, JPEG, PNG, XLSX or DOCX, at most 20 MB; the type is detected from the content.")


# --- SHU -------------------------------------------------------------------------------------

class ShuTotalsSerializer(serializers.Serializer):
    members = serializers.IntegerField()
    savings = Money(help_text="Total savings counted for jasa modal (TMS).")
    volume = Money(help_text="Total transactions counted for jasa usaha (TVA).")
    jasa_modal = Money()
    jasa_usaha = Money()
    total = Money(help_text="Sum of the members' rounded shares.")
    paid = serializers.IntegerField(help_text="Shares credited or paid.")
    unpaid = serializers.IntegerField(help_text="Shares above zero not yet credited or paid.")


class AllocationLineSerializer(serializers.Serializer):
    part = serializers.CharField()
    percent = Percent()
    amount = Money()


class ShuDistributionSerializer(serializers.Serializer):
    book_year = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ShuStatus.choices)
    shu_total = Money(help_text="The year's SHU from the ledger (income minus expense).")
    reserve_percent = Percent()
    jasa_modal_percent = Percent()
    jasa_usaha_percent = Percent()
    pengurus_percent = Percent()
    karyawan_percent = Percent()
    pendidikan_percent = Percent()
    sosial_percent = Percent()
    savings_basis = inline_enum(SavingsBasis.choices)
    remainder = Money(help_text="What rounding each share down to whole Rupiah left; booked to the reserve on a line of its own.")
    approved_at = serializers.DateTimeField(allow_null=True)
    meeting = serializers.IntegerField(source="meeting_id", allow_null=True, help_text="The RAT whose decision approved it.")
    journal_entry = serializers.CharField(source="journal_entry.number", allow_null=True, default=None)
    totals = ShuTotalsSerializer()
    allocation = AllocationLineSerializer(many=True)


class ShuShareSerializer(serializers.Serializer):
    member = serializers.CharField(source="member.number")
    name = serializers.CharField(source="member.full_name")
    savings_basis = Money()
    transaction_volume = Money()
    jasa_modal = Money()
    jasa_usaha = Money()
    total = Money()
    paid_transaction = serializers.CharField(source="paid_transaction.number", allow_null=True, default=None,
                                             help_text="Receipt number of the credit to simpanan sukarela.")


class ShuPrepareSerializer(serializers.Serializer):
    """Percentages left out keep the draft's (or the AD/ART defaults); together they must make 100."""

    reserve_percent = Percent(required=False)
    jasa_modal_percent = Percent(required=False)
    jasa_usaha_percent = Percent(required=False)
    pengurus_percent = Percent(required=False)
    karyawan_percent = Percent(required=False)
    pendidikan_percent = Percent(required=False)
    sosial_percent = Percent(required=False)
    savings_basis = inline_enum(SavingsBasis.choices, default=SavingsBasis.YEAR_END)


class ShuApproveSerializer(serializers.Serializer):
    decision_method = inline_enum(DecisionMethod.choices, default=DecisionMethod.CONSENSUS)
    decision_text = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                          help_text="Recorded on the RAT's SHU agenda item; a standard text when empty.")
    votes_for = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False, allow_null=True, default=None)
    votes_against = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False, allow_null=True, default=None)
    votes_abstain = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False, allow_null=True, default=None)


class ShuApproveResultSerializer(ShuDistributionSerializer):
    decision_recorded = serializers.BooleanField(help_text="Whether the decision was written on the RAT's SHU agenda item.")


class DateBodySerializer(serializers.Serializer):
    date = LedgerDateField(required=False, default=None, allow_null=True, help_text="Defaults to today.")


class ShuCreditResultSerializer(ShuDistributionSerializer):
    credited = serializers.IntegerField(help_text="Shares credited to simpanan sukarela by this request.")


class VolumeSerializer(serializers.Serializer):
    member = serializers.CharField(source="number")
    name = serializers.CharField(source="full_name")
    volume = Money(allow_null=True, help_text="null when not entered.")


class VolumeInSerializer(serializers.Serializer):
    member = serializers.CharField(max_length=32)
    volume = Money(min_value=0)


class VolumesInSerializer(serializers.Serializer):
    volumes = VolumeInSerializer(many=True, allow_empty=False, max_length=10_000)


class VolumesResultSerializer(serializers.Serializer):
    saved = serializers.IntegerField()


# --- the member's own ------------------------------------------------------------------------

class MyMeetingSerializer(serializers.Serializer):
    cooperative = CooperativeRefSerializer()
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    title = serializers.CharField()
    book_year = serializers.IntegerField()
    mode = serializers.ChoiceField(choices=MeetingMode.choices)
    date = serializers.DateField(allow_null=True)
    start_time = serializers.TimeField(allow_null=True)
    end_time = serializers.TimeField(allow_null=True)
    venue = serializers.CharField()
    online_link = serializers.CharField()
    status = serializers.ChoiceField(choices=MeetingStatus.choices)
    held_on = serializers.DateField(allow_null=True)
    what = serializers.ChoiceField(choices=["invitation", "minutes"], help_text="An upcoming invitation, or published minutes.")


class MyShuSerializer(serializers.Serializer):
    cooperative = CooperativeRefSerializer()
    book_year = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ShuStatus.choices)
    shu_total = Money()
    jasa_modal_percent = Percent()
    jasa_usaha_percent = Percent()
    savings_basis = inline_enum(SavingsBasis.choices)
    savings = Money(help_text="Your savings counted for jasa modal (Sa).")
    total_savings = Money(help_text="All members' savings counted (TMS).")
    volume = Money(help_text="Your transactions (Va).")
    total_volume = Money(help_text="All members' transactions (TVA).")
    jasa_modal = Money(help_text="Sa / TMS × jasa modal % × SHU, rounded down to whole Rupiah.")
    jasa_usaha = Money(help_text="Va / TVA × jasa usaha % × SHU, rounded down to whole Rupiah.")
    total = Money()
    credited = serializers.BooleanField()
    credited_on = serializers.DateField(allow_null=True)
    receipt_number = serializers.CharField(help_text="Receipt of the credit to simpanan sukarela; empty until credited.")


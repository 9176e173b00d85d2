"""Forms of the meeting pages. They parse what people type; meetings.services checks the rules
(notice, quorum, workflow) and writes."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.imports import AmountError, parse_amount

from .models import AgendaItemKind, AttendanceMode, DecisionMethod, MeetingKind, MeetingMode, Organ
from .page_selectors import split_witnesses

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices)
    book_year = forms.IntegerField(label=_("Book year"), min_value=1990, max_value=2100,
                                   help_text=_("The book year whose accounts the meeting approves."))
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Optional; a special meeting is shown by its title."))
    mode = forms.ChoiceField(label=_("Held"), choices=MeetingMode.choices, widget=forms.RadioSelect)
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Starts at"), required=False, widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Ends at"), required=False, widget=TIME_WIDGET)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False,
                            help_text=_("Needed when members meet in person."))
    online_link = forms.URLField(label=_("Online meeting link"), required=False, assume_scheme="https",
                                 help_text=_("Needed for an online or hybrid meeting, e.g. a Zoom or Google Meet link."))

    @classmethod
    def initial_for(cls, meeting):
        return {name: getattr(meeting, name) for name in cls.base_fields}


class AgendaRowForm(forms.Form):
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaItemKind.choices, initial=AgendaItemKind.OTHER)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)


AgendaFormSet = forms.formset_factory(AgendaRowForm, extra=0, max_num=30, absolute_max=40, validate_max=True)


class InvitationForm(forms.Form):
    confirm_late = forms.BooleanField(
        label=_("Send anyway, with less notice than the AD/ART asks"), required=False,
        help_text=_("Tick only when the members agreed to the shorter notice or the meeting cannot wait."),
    )


class DoorSearchForm(forms.Form):
    q = forms.CharField(label=_("Member name, number or phone"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "autofocus": True,
                                                      "enterkeyhint": "search"}))


class MarkForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    mode = forms.ChoiceField(label=_("Present"), choices=AttendanceMode.choices, initial=AttendanceMode.IN_PERSON)
    delegate_name = forms.CharField(label=_("Delegate"), max_length=150, required=False)


class CheckInForm(forms.Form):
    mode = forms.ChoiceField(label=_("I am attending"), choices=[
        (AttendanceMode.IN_PERSON.value, AttendanceMode.IN_PERSON.label), (AttendanceMode.ONLINE.value, AttendanceMode.ONLINE.label),
    ], widget=forms.RadioSelect, initial=AttendanceMode.IN_PERSON)


class DecisionForm(forms.Form):
    decision_method = forms.ChoiceField(label=_("Decided by"), choices=DecisionMethod.choices, widget=forms.RadioSelect)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, required=False)
    decision_text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)

    def clean(self):
        data = super().clean()
        if data.get("decision_method") == DecisionMethod.VOTE:
            for name in ("votes_for", "votes_against", "votes_abstain"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Enter the number of votes (0 when none)."))
        return data


class OfficerForm(forms.Form):
    organ = forms.ChoiceField(label=_("Organ"), choices=Organ.choices)
    position = forms.CharField(label=_("Position"), max_length=80, help_text=_("e.g. Ketua, Sekretaris, Bendahara"))
    name = forms.CharField(label=_("Name"), max_length=150)
    member_number = forms.CharField(label=_("Member number"), max_length=32, required=False,
                                    help_text=_("Links the officer to the member register (needed to hand over the manager role)."))
    term_start = forms.DateField(label=_("Term starts"), required=False, widget=DATE_WIDGET)
    term_end = forms.DateField(label=_("Term ends"), required=False, widget=DATE_WIDGET)


class HeldForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE_WIDGET)


class MinutesForm(forms.Form):
    chair_name = forms.CharField(label=_("Chair of the meeting"), max_length=150, required=False)
    secretary_name = forms.CharField(label=_("Secretary of the meeting"), max_length=150, required=False)
    witness_1 = forms.CharField(label=_("First member witness"), max_length=140, required=False)
    witness_2 = forms.CharField(label=_("Second member witness"), max_length=140, required=False)
    guests = forms.CharField(label=_("Guests"), max_length=300, required=False, help_text=_("e.g. the Dinas"))
    minutes_text = forms.CharField(label=_("Minutes (free text)"), required=False, max_length=20000,
                                   widget=forms.Textarea(attrs={"rows": 8}),
                                   help_text=_("What was said and anything the structured fields do not cover."))

    def clean(self):
        data = super().clean()
        for name in ("witness_1", "witness_2"):
            if ";" in (data.get(name) or ""):
                self.add_error(name, _("One name per field, without a semicolon."))
        return data

    @classmethod
    def initial_for(cls, meeting):
        witnesses = split_witnesses(meeting.witnesses) + ["", ""]
        return {"chair_name": meeting.chair_name, "secretary_name": meeting.secretary_name, "witness_1": witnesses[0],
                "witness_2": "; ".join(witnesses[1:]).strip("; "), "guests": meeting.guests, "minutes_text": meeting.minutes_text}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        witnesses = "; ".join(name.strip() for name in (data["witness_1"], data["witness_2"]) if name.strip())
        return {"chair_name": data["chair_name"], "secretary_name": data["secretary_name"], "witnesses": witnesses,
                "guests": data["guests"], "minutes_text": data["minutes_text"]}


class SignedAmountField(forms.Field):
    """Rupiah as people type it (1.250.000 · Rp 5.000 · (5.000) or -5.000 for a loss)."""

    default_error_messages = {"invalid": _("Enter an amount in Rupiah, e.g. 1.250.000 (%(problem)s).")}

    def __init__(self, *, allow_negative=False, **kwargs):
        self.allow_negative = allow_negative
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": 30, "class": "amount"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            from portal.formatting import format_rupiah

            return format_rupiah(value).replace("Rp", "").strip()
        return value

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 30:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"problem": _("too long")})
        negative = False
        if self.allow_negative:
            stripped = text.replace(" ", "")
            if stripped.startswith("(") and stripped.endswith(")"):
                negative, text = True, stripped[1:-1]
            elif stripped.startswith("-"):
                negative, text = True, stripped[1:]
            elif stripped.lower().startswith("rp-"):
                negative, text = True, stripped[3:]
        try:
            amount = parse_amount(text)
        except AmountError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"problem": exc.message}) from None
        return -amount if negative else amount


class ReportForm(forms.Form):
    total_assets = SignedAmountField(label=_("Total assets"))
    own_capital = SignedAmountField(label=_("Own capital (modal sendiri)"))
    outside_capital = SignedAmountField(label=_("Outside capital (modal luar)"))
    business_volume = SignedAmountField(label=_("Business volume"), help_text=_("The year's total income."))
    shu = SignedAmountField(label=_("SHU of the book year"), allow_negative=True, help_text=_("A loss is entered with a minus sign."))


def default_book_year(cooperative) -> int:
    from cooperatives.book_years import last_closed_book_year

    return last_closed_book_year(timezone.localdate(), cooperative.book_year_end_month)

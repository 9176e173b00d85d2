"""Writes to the member register. Each is one transaction and writes an audit event."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_scopes import scope

from city.figures import MEMBERS, schedule_refresh
from cooperatives import access
from cooperatives.services import counter_next
from portal.audit import audit_record, diff, snapshot
from users.phone import normalize_phone

from .models import Member, MemberStatus
from .nik import nik_hash
from .validators import mask_nik, validate_nik_ktp

EDITABLE_FIELDS = [
    "full_name", "nik_ktp", "phone", "gender", "joined_on", "place_of_birth", "date_of_birth", "occupation", "address",
    "kelurahan",
]
MEMBER_NUMBER_COUNTER = "member_number"
# The consent text members agree to when entered (UU 27/2022); bump when the text changes.
CONSENT_VERSION = "2026-11"


def _clean_fields(cooperative, fields: dict, *, member=None) -> dict:
    errors = {}
    cleaned = dict(fields)
    if "full_name" in cleaned:
        cleaned["full_name"] = " ".join((cleaned["full_name"] or "").split())
        if not cleaned["full_name"]:
            errors["full_name"] = _("Enter the member's full name.")
    if cleaned.get("nik_ktp"):
        try:
            cleaned["nik_ktp"] = validate_nik_ktp(cleaned["nik_ktp"])
        except ValidationError as exc:
            errors["nik_ktp"] = exc.messages[0]
        else:
            # NIK KTP is encrypted at rest: found by its keyed hash (members/nik.py)
            others = Member.objects.filter(cooperative=cooperative, nik_hash=nik_hash(cleaned["nik_ktp"]))
            if member is not None:
                others = others.exclude(pk=member.pk)
            if others.exists():
                errors["nik_ktp"] = _("Another member of this cooperative already has this NIK KTP.")
    if cleaned.get("phone"):
        try:
            cleaned["phone"] = normalize_phone(cleaned["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
    joined_on = cleaned.get("joined_on")
    if joined_on and joined_on > timezone.localdate():
        errors["joined_on"] = _("The joining date cannot be in the future.")
    born = cleaned.get("date_of_birth")
    if born and (born > timezone.localdate() or born.year < 1900):
        errors["date_of_birth"] = _("Enter a plausible date of birth.")
    elif born and joined_on and born > joined_on:
        errors["date_of_birth"] = _("The date of birth is after the joining date.")
    for name in ("place_of_birth", "occupation", "address"):
        if name in cleaned:
            cleaned[name] = " ".join((cleaned[name] or "").split())
    if errors:
        raise ValidationError(errors)
    return cleaned


def format_member_number(cooperative, sequence: int, year: int | None = None) -> str:
    """The member number in the cooperative's own format (Cooperative.member_number_format)."""
    return cooperative.format_member_number(sequence, year or timezone.localdate().year)


@transaction.atomic
def member_admit(*, actor, cooperative, full_name, gender, joined_on, nik_ktp="", phone="", user=None,
                 consent=True, number=None, **details) -> Member:
    """Enter a person in the register with the next member number of the cooperative.

    `consent`: the member agreed to the processing of their data (recorded with date and
    text version). `number`: keep an existing number (imports from old registers); otherwise
    the cooperative's next one. `details`: place/date of birth, occupation, address, kelurahan."""
    unknown = set(details) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown member fields: {sorted(unknown)}")
    if not consent:
        raise ValidationError({"consent": _("The member must agree to the processing of their data before being entered.")})
    with scope(cooperative=cooperative):
        fields = _clean_fields(cooperative, {"full_name": full_name, "nik_ktp": nik_ktp, "phone": phone, "joined_on": joined_on,
                                             "gender": gender, **details})
        if number:
            number = str(number).strip()
            if Member.objects.filter(number=number).exists():
                raise ValidationError({"number": _("Member number %(number)s is already used.") % {"number": number}})
        else:
            # skip numbers an import already used with the same format, so numbers never collide
            while True:
                number = format_member_number(cooperative, counter_next(cooperative=cooperative, name=MEMBER_NUMBER_COUNTER), joined_on.year)
                if not Member.objects.filter(number=number).exists():
                    break
        member = Member(cooperative=cooperative, number=number, user=user, status=MemberStatus.ACTIVE,
                        consent_at=timezone.now(), consent_version=CONSENT_VERSION, **fields)
        member.full_clean()
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError as exc:
            raise ValidationError({"nik_ktp": _("Another member of this cooperative already has this NIK KTP or number.")}) from exc
        values = snapshot(member, ["number"] + EDITABLE_FIELDS + ["consent_version"])
        values["nik_ktp"] = member.nik_ktp_masked  # the audit trail must not become a second copy of the NIK
        audit_record(actor=actor, action="member.admit", cooperative=cooperative, obj=member,
                     changes={k: [None, v] for k, v in values.items()})
        schedule_refresh(cooperative, {MEMBERS})
    if user is not None:
        access.forget_cached_roles(user)
    return member


@transaction.atomic
def member_update(*, actor, member: Member, **fields) -> Member:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    cooperative = member.cooperative
    with scope(cooperative=cooperative):
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.anonymised_at:
            raise ValidationError(_("This member's personal data was deleted on their request; it cannot be entered again."))
        before = snapshot(member, EDITABLE_FIELDS)
        for name, value in _clean_fields(cooperative, fields, member=member).items():
            setattr(member, name, value)
        member.full_clean()
        member.save()
        changes = diff(before, snapshot(member, EDITABLE_FIELDS))
        if "nik_ktp" in changes:  # the audit trail must not become a second copy of the NIK
            changes["nik_ktp"] = [mask_nik(v) for v in changes["nik_ktp"]]
        if changes:
            audit_record(actor=actor, action="member.update", cooperative=cooperative, obj=member, changes=changes)
        if {"gender", "joined_on", "nik_ktp"} & set(changes):
            schedule_refresh(cooperative, {MEMBERS})
    return member


@transaction.atomic
def member_admit_with_pokok(*, actor, cooperative, pay_pokok=False, via="cash", **fields) -> Member:
    """member_admit, and when `pay_pokok` the simpanan pokok paid the same day (cash or bank),
    in ONE transaction: if the deposit cannot be posted (no chart, a closed book year) the
    member is not entered either. Amount: the cooperative's simpanan pokok (AD/ART)."""
    from .savings import savings_deposit

    member = member_admit(actor=actor, cooperative=cooperative, **fields)
    if pay_pokok:
        if cooperative.simpanan_pokok_amount <= 0:
            raise ValidationError({"pay_pokok": _("This cooperative has no simpanan pokok amount set; enter it in the cooperative's settings first.")})
        try:
            savings_deposit(actor=actor, member=member, savings_type="pokok", amount=cooperative.simpanan_pokok_amount,
                            date=member.joined_on, via=via)
        except ValidationError as exc:
            # the deposit's messages belong to the pokok part of the form, not to fields of the member
            messages = exc.messages
            if hasattr(exc, "error_dict") and "via" in exc.error_dict:
                raise ValidationError({"via": exc.error_dict["via"]}) from exc
            raise ValidationError({"pay_pokok": messages}) from exc
    return member


def member_record_view(*, actor, member: Member, via: str = "page"):
    """A staff user opened one member's register data (the detail page, or the API): recorded
    so the cooperative can say who looked at whose personal data (UU 27/2022, DESIGN.md §10).
    One INSERT, no transaction of its own: a read that fails later still counts as looked at."""
    return audit_record(actor=actor, action="member.view", cooperative=member.cooperative, obj=member,
                        changes={"via": [None, via]})


def member_record_api_list(*, actor, cooperative, rows: int, page: str, show_full_nik: bool, filters=None):
    """A page of the register read through the API: recorded like a download of the register
    (a program can read the whole register page by page)."""
    return audit_record(actor=actor, action="member.api_list", cooperative=cooperative, changes={
        "rows": [None, rows], "page": [None, page], "nik": [None, "full" if show_full_nik else "masked"],
        **({"filters": [None, filters]} if filters else {}),
    })

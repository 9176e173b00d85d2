"""Writes for cooperatives, roles and numbering. Each runs in one transaction and is audited."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from django_scopes import scope

from portal.audit import audit_record, diff, snapshot

from . import access
from .models import Cooperative, CityRole, Counter, RoleAssignment

PROFILE_FIELDS = [
    "name", "legal_entity_number", "nik_koperasi", "kind", "kecamatan", "kelurahan", "address", "founded_on",
    "book_year_end_month", "quorum_fraction", "quorum_more_than", "rat_deadline_months", "invitation_notice_days",
    "simpanan_pokok_amount", "simpanan_wajib_monthly_amount",
]


# Apps further up the import chain (ledger: the chart of accounts) register what a new
# cooperative needs; cooperative_create runs each inside its own transaction.
_setup_steps = []


def register_setup_step(step):
    """`step(cooperative=…, actor=…)` runs when a cooperative is registered."""
    if step not in _setup_steps:
        _setup_steps.append(step)


def counter_next(*, cooperative: Cooperative, name: str) -> int:
    """The next number of a per-cooperative sequence; gapless because it is taken under a row lock
    in the caller's transaction (a rolled-back caller gives its number back)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counter_next must run inside the transaction that uses the number")
    with scope(cooperative=cooperative):
        counter, _created = Counter.objects.get_or_create(cooperative=cooperative, name=name)
        counter = Counter.objects.select_for_update().get(pk=counter.pk)
        counter.value += 1
        counter.save(update_fields=["value"])
        return counter.value


def _validate_region(cooperative):
    if cooperative.kelurahan_id and cooperative.kecamatan_id and cooperative.kelurahan.kecamatan_id != cooperative.kecamatan_id:
        raise ValidationError({"kelurahan": _("This kelurahan is not in the chosen kecamatan.")})


@transaction.atomic
def cooperative_create(*, actor, first_manager=None, **fields) -> Cooperative:
    """Register a cooperative (city admin) and, optionally, assign its first manager."""
    cooperative = Cooperative(**fields)
    cooperative.full_clean()
    _validate_region(cooperative)
    cooperative.save()
    audit_record(actor=actor, action="cooperative.create", cooperative=cooperative, obj=cooperative,
                 changes={k: [None, v] for k, v in snapshot(cooperative, PROFILE_FIELDS + ["slug"]).items()})
    for step in _setup_steps:
        step(cooperative=cooperative, actor=actor)
    if first_manager is not None:
        role_assign(actor=actor, cooperative=cooperative, user=first_manager, role=access.MANAGER, title=_("Chair"))
    return cooperative


@transaction.atomic
def cooperative_profile_update(*, actor, cooperative: Cooperative, **fields) -> Cooperative:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    before = snapshot(cooperative, PROFILE_FIELDS)
    for name, value in fields.items():
        setattr(cooperative, name, value)
    cooperative.full_clean()
    _validate_region(cooperative)
    cooperative.save()
    changes = diff(before, snapshot(cooperative, PROFILE_FIELDS))
    if changes:
        audit_record(actor=actor, action="cooperative.update", cooperative=cooperative, obj=cooperative, changes=changes)
    return cooperative


@transaction.atomic
def role_assign(*, actor, cooperative: Cooperative, user, role: str, title: str = "") -> RoleAssignment:
    if role not in access.STAFF_ROLES:
        raise ValidationError({"role": _("Unknown role.")})
    with scope(cooperative=cooperative):
        if RoleAssignment.objects.filter(user=user, role=role).exists():
            raise ValidationError({"role": _("This person already has this role in the cooperative.")})
        try:
            with transaction.atomic():
                assignment = RoleAssignment.objects.create(cooperative=cooperative, user=user, role=role, title=title)
        except IntegrityError as exc:  # a concurrent assign of the same role
            raise ValidationError({"role": _("This person already has this role in the cooperative.")}) from exc
    audit_record(actor=actor, action="role.assign", cooperative=cooperative, obj=assignment,
                 changes={"user": [None, str(user)], "role": [None, role], "title": [None, title]})
    access.forget_cached_roles(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    cooperative = assignment.cooperative
    with scope(cooperative=cooperative):
        if assignment.role == access.MANAGER and RoleAssignment.objects.filter(role=access.MANAGER).count() <= 1:
            raise ValidationError(_("A cooperative must keep at least one manager."))
        audit_record(actor=actor, action="role.revoke", cooperative=cooperative, obj=assignment,
                     changes={"user": [str(assignment.user), None], "role": [assignment.role, None]})
        assignment.delete()
    access.forget_cached_roles(assignment.user)


@transaction.atomic
def city_role_assign(*, actor, user, role: str) -> CityRole:
    city_role, created = CityRole.objects.get_or_create(user=user, role=role)
    if created:
        audit_record(actor=actor, action="city_role.assign", obj=city_role,
                     changes={"user": [None, str(user)], "role": [None, role]})
    access.forget_cached_roles(user)
    return city_role


# --- the city's registry (city admin) --------------------------------------------------------------

REGISTRY_FIELDS = PROFILE_FIELDS + ["registered_on"]
REGISTRATION_FIELDS = REGISTRY_FIELDS + ["slug"]


@transaction.atomic
def cooperative_register(*, actor, manager_name: str, manager_phone: str, manager_email: str = "", **fields):
    """Register a cooperative (city admin): the cooperative, its setup steps (the chart of
    accounts) and a one-time invitation for its first manager, in one transaction. Returns
    (cooperative, NewRoleInvitation); the invitation's token is shown once by the caller.
    Every field's problem is reported at once (ValidationError per field)."""
    from .invitations import _clean_invitee, role_invitation_create

    unknown = set(fields) - set(REGISTRATION_FIELDS)
    if unknown:
        raise ValueError(f"not a registration field: {sorted(unknown)}")
    errors = {}
    candidate = Cooperative(**fields)
    try:
        candidate.full_clean()
        _validate_region(candidate)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        _clean_invitee(full_name=manager_name, phone=manager_phone, email=manager_email)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    cooperative = cooperative_create(actor=actor, **fields)
    invitation = role_invitation_create(actor=actor, cooperative=cooperative, full_name=manager_name,
                                        phone=manager_phone, email=manager_email, role=access.MANAGER, title=_("Chair"))
    return cooperative, invitation


@transaction.atomic
def cooperative_registry_update(*, actor, cooperative: Cooperative, **fields) -> Cooperative:
    """The city admin corrects a cooperative's legal data and AD/ART settings (the manager's own
    profile form edits the same fields but the registration date). Audited as
    cooperative.registry_update with every changed field."""
    unknown = set(fields) - set(REGISTRY_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    cooperative = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
    before = snapshot(cooperative, REGISTRY_FIELDS)
    for name, value in fields.items():
        setattr(cooperative, name, value)
    cooperative.full_clean()
    _validate_region(cooperative)
    cooperative.save()
    changes = diff(before, snapshot(cooperative, REGISTRY_FIELDS))
    if changes:
        audit_record(actor=actor, action="cooperative.registry_update", cooperative=cooperative, obj=cooperative, changes=changes)
    return cooperative


REGISTRY_STATUS_FIELDS = ["registry_status", "registry_status_on", "merged_into", "registry_status_reason"]


def _registry_status_change(*, actor, cooperative, status, on, reason, into=None) -> Cooperative:
    from django.utils import timezone

    from portal.formatting import format_date

    cooperative = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
    errors = {}
    if cooperative.registry_status != "registered":
        errors["status"] = _("%(name)s is already %(status)s since %(date)s.") % {
            "name": cooperative.name, "status": cooperative.get_registry_status_display().lower(),
            "date": format_date(cooperative.registry_status_on)}
    if on is None:
        errors["on"] = _("Enter the date.")
    elif on > timezone.localdate():
        errors["on"] = _("The date cannot be in the future.")
    else:
        earliest = max([d for d in (cooperative.founded_on, cooperative.registered_on) if d], default=None)
        if earliest and on < earliest:
            errors["on"] = _("The date cannot be before the cooperative was founded or registered (%(date)s).") % {
                "date": format_date(earliest)}
    reason = " ".join((reason or "").split())
    if not reason:
        errors["reason"] = _("Give the reason (e.g. the decision or letter).")
    elif len(reason) > 500:
        errors["reason"] = _("At most 500 characters.")
    if status == "merged":
        if into is None:
            errors["merged_into"] = _("Choose the cooperative it merged into.")
        else:
            into = Cooperative.objects.select_for_update().get(pk=into.pk)
            if into.pk == cooperative.pk:
                errors["merged_into"] = _("A cooperative cannot merge into itself.")
            elif into.registry_status != "registered":
                errors["merged_into"] = _("%(name)s is no longer registered; choose the cooperative that continues.") % {
                    "name": into.name}
    if errors:
        raise ValidationError(errors)
    before = snapshot(cooperative, REGISTRY_STATUS_FIELDS)
    cooperative.registry_status = status
    cooperative.registry_status_on = on
    cooperative.merged_into = into if status == "merged" else None
    cooperative.registry_status_reason = reason
    cooperative.save(update_fields=[*REGISTRY_STATUS_FIELDS, "updated_at"])
    audit_record(actor=actor, action=f"cooperative.{'merge' if status == 'merged' else 'dissolve'}", cooperative=cooperative,
                 obj=cooperative, changes=diff(before, snapshot(cooperative, REGISTRY_STATUS_FIELDS)))
    from .invitations import revoke_open_invitations

    revoke_open_invitations(actor=actor, cooperative=cooperative, reason=status)  # nobody is invited to run it any more
    return cooperative


@transaction.atomic
def cooperative_dissolve(*, actor, cooperative: Cooperative, on, reason: str) -> Cooperative:
    """Mark a cooperative dissolved (city admin), with the date and the reason. It stays in the
    registry for history; the city leaves it out of its counts after that date."""
    return _registry_status_change(actor=actor, cooperative=cooperative, status="dissolved", on=on, reason=reason)


@transaction.atomic
def cooperative_merge(*, actor, cooperative: Cooperative, into: Cooperative, on, reason: str) -> Cooperative:
    """Mark a cooperative merged into another, registered one (city admin), with the date and the
    reason; kept for history like a dissolution."""
    return _registry_status_change(actor=actor, cooperative=cooperative, status="merged", on=on, reason=reason, into=into)


@transaction.atomic
def cooperative_reinstate(*, actor, cooperative: Cooperative, reason: str) -> Cooperative:
    """Take back a dissolution or merger recorded by mistake (city admin): registered again,
    with the reason; the audit trail keeps the status it had (cooperative.reinstate)."""
    cooperative = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
    errors = {}
    if cooperative.registry_status == "registered":
        errors["status"] = _("%(name)s is registered; there is nothing to take back.") % {"name": cooperative.name}
    reason = " ".join((reason or "").split())
    if not reason:
        errors["reason"] = _("Give the reason (e.g. the decision or letter).")
    elif len(reason) > 500:
        errors["reason"] = _("At most 500 characters.")
    if errors:
        raise ValidationError(errors)
    before = snapshot(cooperative, REGISTRY_STATUS_FIELDS)
    cooperative.registry_status = "registered"
    cooperative.registry_status_on = None
    cooperative.merged_into = None
    cooperative.registry_status_reason = reason
    cooperative.save(update_fields=[*REGISTRY_STATUS_FIELDS, "updated_at"])
    audit_record(actor=actor, action="cooperative.reinstate", cooperative=cooperative, obj=cooperative,
                 changes=diff(before, snapshot(cooperative, REGISTRY_STATUS_FIELDS)))
    return cooperative

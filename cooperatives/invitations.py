"""Staff-role invitations: a one-time link that gives a person a role in a cooperative once they
set their own password — how the city admin gives a newly registered cooperative its first
manager (DESIGN.md §1: "cooperative registry … first manager"; no temporary password is ever
shown or sent).

The token machinery (32 random bytes, only the SHA-256 stored, valid 7 days, used once, QR code,
WhatsApp link, guess counting) is the member invitations' one, shared in users/invitations.py.

- One open invitation per cooperative and role: a new one revokes the older open ones.
- Accepting: the person confirms the phone number the city admin entered and chooses a password;
  a login is created and gets the role. If a login with that phone exists, the person logs in
  first and the same link adds the role to that login. Expired, revoked, used or unknown tokens
  write nothing; the invitation row is locked while accepting, so a link is used once even
  when opened twice at the same moment.
- Looking a token up reads across cooperatives (the person has no role anywhere yet), filtered
  by the hash of the token the visitor holds, like `members.invitations.invitation_lookup`.
- Audit: role_invitation.create, .revoke, .accept, plus user.create and role.assign.
"""

from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_scopes import scope, scopes_disabled

from portal.audit import audit_record
from portal.formatting import format_date
from users.invitations import (  # noqa: F401  (LoginFirst, InvitationUnusable re-exported for callers)
    VALID_FOR, Accepted, InvitationState, InvitationUnusable, LoginFirst, basic_state, check_phone, first_name,
    looks_like_token, new_token, token_hash,
)
from users.models import User
from users.phone import display_phone, normalize_phone

from . import access
from .models import Cooperative, RoleAssignment, RoleInvitation


def state_of(invitation: RoleInvitation, now=None) -> str:
    return basic_state(invitation, now or timezone.now())


@dataclass
class NewRoleInvitation:
    invitation: RoleInvitation
    token: str  # shown once, never stored

    @property
    def expires_at(self):
        return self.invitation.expires_at


def _clean_invitee(*, full_name, phone, email) -> tuple[str, str, str]:
    """Normalised (name, E.164 phone, email) or a ValidationError per field (the registration
    form's field names: manager_name, manager_phone, manager_email)."""
    errors = {}
    full_name = " ".join((full_name or "").split())
    if not full_name:
        errors["manager_name"] = _("Enter the person's full name.")
    elif len(full_name) > 150:
        errors["manager_name"] = _("At most 150 characters.")
    try:
        phone = normalize_phone(phone or "")
    except ValidationError as exc:
        errors["manager_phone"] = exc.messages
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["manager_email"] = _("Enter a valid email address.")
    if errors:
        raise ValidationError(errors)
    return full_name, phone, email


def open_invitations(*, cooperative: Cooperative, role: str = access.MANAGER) -> list[RoleInvitation]:
    with scope(cooperative=cooperative):
        return list(RoleInvitation.objects.filter(
            role=role, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now(),
        ).order_by("-created_at"))


def latest_invitation(*, cooperative: Cooperative, role: str = access.MANAGER) -> RoleInvitation | None:
    with scope(cooperative=cooperative):
        return RoleInvitation.objects.filter(role=role).order_by("-created_at").first()


@transaction.atomic
def role_invitation_create(*, actor, cooperative: Cooperative, full_name: str, phone: str, email: str = "",
                           role: str = access.MANAGER, title: str = "") -> NewRoleInvitation:
    """A one-time invitation that gives the person `role` in `cooperative`; the cooperative's
    older open invitations for that role are revoked."""
    if role not in access.STAFF_ROLES:
        raise ValidationError({"role": _("Unknown role.")})
    full_name, phone, email = _clean_invitee(full_name=full_name, phone=phone, email=email)
    if cooperative.registry_status != "registered":
        raise ValidationError(_("%(name)s is no longer registered (%(status)s); nobody can be invited to it.") % {
            "name": cooperative.name, "status": cooperative.get_registry_status_display().lower()})
    now = timezone.now()
    with scope(cooperative=cooperative):
        for older in RoleInvitation.objects.select_for_update().filter(role=role, accepted_at__isnull=True, revoked_at__isnull=True):
            _revoke(actor=actor, invitation=older, now=now, reason="replaced")
        token = new_token()
        invitation = RoleInvitation.objects.create(
            cooperative=cooperative, role=role, title=title[:80], full_name=full_name, phone=phone, email=email,
            token_hash=token_hash(token), expires_at=now + VALID_FOR,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(actor=actor, action="role_invitation.create", cooperative=cooperative, obj=invitation, changes={
            "role": [None, role], "full_name": [None, full_name], "phone": [None, phone], "email": [None, email],
            "expires_at": [None, invitation.expires_at.isoformat()]})
    return NewRoleInvitation(invitation, token)


def _revoke(*, actor, invitation, now, reason):
    invitation.revoked_at = now
    invitation.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="role_invitation.revoke", cooperative=invitation.cooperative, obj=invitation,
                 changes={"revoked_at": [None, now.isoformat()], "reason": [None, reason]})


def revoke_open_invitations(*, actor, cooperative: Cooperative, reason: str) -> int:
    """Revoke every open invitation of the cooperative (in the caller's transaction)."""
    now = timezone.now()
    with scope(cooperative=cooperative):
        open_ones = list(RoleInvitation.objects.select_for_update().filter(accepted_at__isnull=True, revoked_at__isnull=True))
        for invitation in open_ones:
            _revoke(actor=actor, invitation=invitation, now=now, reason=reason)
    return len(open_ones)


@transaction.atomic
def role_invitation_revoke(*, actor, invitation: RoleInvitation) -> RoleInvitation:
    with scope(cooperative=invitation.cooperative):
        invitation = RoleInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ValidationError(_("This invitation was already used; it cannot be revoked."))
        if invitation.revoked_at:
            return invitation
        _revoke(actor=actor, invitation=invitation, now=timezone.now(), reason="city")
    return invitation


def role_invitation_message(*, invitation: RoleInvitation, url: str) -> str:
    """The WhatsApp text the city admin sends."""
    return _(
        "Hello %(name)s, the city's cooperative office has registered %(cooperative)s in Portal Koperasi and "
        "invites you to manage it as %(role)s. Open this link on your phone to set your password "
        "(valid until %(date)s): %(url)s"
    ) % {"name": first_name(invitation.full_name), "cooperative": invitation.cooperative.name,
         "role": invitation.get_role_display(), "date": format_date(invitation.expires_at), "url": url}


# --- the invited person's side -----------------------------------------------------------------

def role_invitation_lookup(token: str) -> RoleInvitation | None:
    """The invitation whose token this is, in any cooperative, or None (filtered by the hash of
    the token the visitor holds, so it reveals nothing else)."""
    if not looks_like_token(token):
        return None
    with scopes_disabled():
        return RoleInvitation.objects.filter(token_hash=token_hash(token)).select_related("cooperative").first()


@dataclass(kw_only=True)
class RoleAccepted(Accepted):
    invitation: RoleInvitation


def _check_phone(invitation, raw_phone) -> str:
    return check_phone(raw_phone, invitation.phone, _(
        "This is not the phone number the city office entered for you. "
        "Enter that number, or ask the city office for a new invitation."))


@transaction.atomic
def role_invitation_accept(*, token: str, phone: str, password: str = "", user=None) -> RoleAccepted:
    """Give the invited person the role. Not logged in (`user` None): a login is created with this
    phone and password, unless one with the phone exists — then `LoginFirst` is raised and
    nothing is written. Logged in: the role is added to that login (its phone must be the
    invitation's). Unknown, expired, revoked or used → `InvitationUnusable`; bad input → a
    ValidationError per field. Nothing is written on any error."""
    found = role_invitation_lookup(token)
    if found is None:
        raise InvitationUnusable(InvitationState.UNKNOWN)
    cooperative = found.cooperative
    now = timezone.now()
    with scope(cooperative=cooperative):
        invitation = RoleInvitation.objects.select_for_update().select_related("cooperative").get(pk=found.pk)
        state = state_of(invitation, now)
        if state != InvitationState.OPEN:
            raise InvitationUnusable(state)
        logged_in = user is not None and getattr(user, "is_authenticated", False)
        errors = {}
        try:
            phone = _check_phone(invitation, phone)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if not logged_in and not errors and User.objects.filter(phone=phone).exists():
            raise LoginFirst(phone)
        if not logged_in:
            if not password:
                errors["password1"] = [_("Choose a password.")]
            else:
                try:
                    password_validation.validate_password(password, user=User(phone=phone, full_name=invitation.full_name,
                                                                               email=invitation.email or None))
                except ValidationError as exc:
                    errors["password1"] = exc.messages
        if errors:
            raise ValidationError(errors)
        created = False
        if logged_in:
            user = User.objects.select_for_update().get(pk=user.pk)
            if user.phone and user.phone != phone:
                raise ValidationError({"phone": _(
                    "You are logged in with another phone number (%(phone)s). Log out, then open the link again.")
                    % {"phone": display_phone(user.phone)}})
            if not user.phone:
                if User.objects.filter(phone=phone).exclude(pk=user.pk).exists():
                    raise ValidationError({"phone": _("This phone number belongs to another login.")})
                user.phone = phone
                user.save(update_fields=["phone"])
                audit_record(actor=user, action="user.update", obj=user, changes={"phone": [None, phone]})
        else:
            email = invitation.email or None
            if email and User.objects.filter(email=email).exists():
                email = None  # the email belongs to another login: the new one logs in by phone
            try:
                with transaction.atomic():
                    user = User.objects.create_user(phone=phone, email=email, password=password, full_name=invitation.full_name)
            except IntegrityError:  # created by someone else a moment ago
                raise LoginFirst(phone)
            created = True
            audit_record(actor=user, action="user.create", obj=user,
                         changes={"phone": [None, phone], "via": [None, "role_invitation"]})
        if not RoleAssignment.objects.filter(user=user, role=invitation.role).exists():
            from .services import role_assign

            role_assign(actor=user, cooperative=cooperative, user=user, role=invitation.role, title=invitation.title)
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(actor=user, action="role_invitation.accept", cooperative=cooperative, obj=invitation, changes={
            "role": [None, invitation.role], "user": [None, user.pk], "new_login": [None, created]})
    access.forget_cached_roles(user)
    return RoleAccepted(invitation=invitation, user=user, created_user=created)

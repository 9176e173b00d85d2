"""Invitations: a manager gives a member a one-time link (WhatsApp or a QR code on screen);
the member opens it on the phone, confirms the phone number and sets a password, and their
login is linked to the register row. Someone who already has a login (a member of another
cooperative) logs in first and gets the second membership on the same login.

- The token is 32 random bytes (URL-safe base64); only its SHA-256 is stored
  (`Invitation.token_hash`), so the table cannot be used to accept anything. The token, QR,
  WhatsApp and guess-counting machinery is shared with staff-role invitations
  (users/invitations.py).
- One open invitation per member: creating one revokes the older open ones.
- Valid for 7 days, used once. Expired, revoked or used tokens write nothing.
- Looking a token up is the one cross-cooperative read here (`invitation_lookup`): the person
  opening the link has no role anywhere yet, so the URL carries no cooperative. It is
  filtered by the token's hash, so it can only find the invitation whose token the visitor
  holds (docs/ARCHITECTURE.md).
- Audit events: invitation.create, invitation.revoke, invitation.accept (and user.create).
"""

from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_scopes import scope, scopes_disabled

from cooperatives import access
from portal.audit import audit_record
from portal.formatting import format_date
from users import invitations as shared
from users.invitations import (  # noqa: F401  (the shared token machinery, re-exported for callers)
    TOKEN_PATTERN, VALID_FOR, InvitationState, InvitationUnusable, LoginFirst, basic_state, check_phone, first_name,
    looks_like_token, new_token, qr_data_uri, token_hash, whatsapp_link,
)
from users.models import User
from users.phone import display_phone

from .models import Invitation, Member, MemberStatus


def state_of(invitation: Invitation, now=None) -> str:
    state = basic_state(invitation, now or timezone.now())
    if state != InvitationState.OPEN:
        return state
    if invitation.member.status != MemberStatus.ACTIVE or invitation.member.user_id:
        return InvitationState.UNUSABLE
    return InvitationState.OPEN


# --- manager side ----------------------------------------------------------------------------

@dataclass
class NewInvitation:
    invitation: Invitation
    token: str  # shown once, never stored

    @property
    def expires_at(self):
        return self.invitation.expires_at


def open_invitations(*, member):
    with scope(cooperative=member.cooperative):
        return list(Invitation.objects.filter(member=member, accepted_at__isnull=True, revoked_at__isnull=True,
                                              expires_at__gt=timezone.now()).order_by("-created_at"))


@transaction.atomic
def invitation_create(*, actor, member: Member) -> NewInvitation:
    """A new one-time invitation for `member`; older open ones are revoked."""
    cooperative = member.cooperative
    with scope(cooperative=cooperative):
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.status != MemberStatus.ACTIVE:
            raise ValidationError(_("%(name)s has left the cooperative; no invitation can be sent.") % {"name": member.full_name})
        if member.user_id:
            raise ValidationError(_("%(name)s already has a login linked to this membership.") % {"name": member.full_name})
        now = timezone.now()
        for older in Invitation.objects.select_for_update().filter(member=member, accepted_at__isnull=True, revoked_at__isnull=True):
            _revoke(actor=actor, invitation=older, now=now, reason="replaced")
        token = new_token()
        invitation = Invitation.objects.create(
            cooperative=cooperative, member=member, token_hash=token_hash(token), expires_at=now + VALID_FOR,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(actor=actor, action="invitation.create", cooperative=cooperative, obj=invitation, changes={
            "member": [None, member.number], "expires_at": [None, invitation.expires_at.isoformat()]})
    return NewInvitation(invitation, token)


def _revoke(*, actor, invitation, now, reason):
    invitation.revoked_at = now
    invitation.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="invitation.revoke", cooperative=invitation.cooperative, obj=invitation, changes={
        "revoked_at": [None, now.isoformat()], "reason": [None, reason]})


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation) -> Invitation:
    with scope(cooperative=invitation.cooperative):
        invitation = Invitation.objects.select_for_update().select_related("member").get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ValidationError(_("This invitation was already used; it cannot be revoked."))
        if invitation.revoked_at:
            return invitation
        _revoke(actor=actor, invitation=invitation, now=timezone.now(), reason="manager")
    return invitation


def invitation_message(*, member, url, expires_at) -> str:
    """The WhatsApp text the manager sends."""
    return _(
        "Hello %(name)s, %(cooperative)s invites you to Portal Koperasi, where you can see your savings. "
        "Open this link on your phone to set your password (valid until %(date)s): %(url)s"
    ) % {"name": first_name(member.full_name), "cooperative": member.cooperative.name,
         "date": format_date(expires_at), "url": url}


# --- the invited person's side -----------------------------------------------------------------

def invitation_lookup(token: str) -> Invitation | None:
    """The invitation whose token this is, in any cooperative, or None.

    The one cross-cooperative read of invitations: filtered by the SHA-256 of the token the
    visitor holds, so it reveals nothing else."""
    if not looks_like_token(token):
        return None
    with scopes_disabled():
        return (
            Invitation.objects.filter(token_hash=token_hash(token))
            .select_related("member", "cooperative").first()
        )


@dataclass(kw_only=True)
class Accepted(shared.Accepted):
    member: Member


def _check_phone(member, raw_phone) -> str:
    return check_phone(raw_phone, member.phone, _(
        "This is not the phone number your cooperative has in its register. "
        "Enter the number you gave the cooperative, or ask the manager to correct it."))


def _refuse_unless_open(invitation, now):
    state = state_of(invitation, now)
    if state != InvitationState.OPEN:
        raise InvitationUnusable(state)


@transaction.atomic
def invitation_accept(*, token: str, phone: str, password: str = "", user=None) -> Accepted:
    """Link the invited member's register row to a login.

    Not logged in (`user` None): a new login is created with this phone and password, unless
    one with the phone exists — then `LoginFirst` is raised and nothing is written. Logged in:
    the membership is added to that login (its phone must be the one confirmed here).
    An unknown, expired, revoked or used token raises `InvitationUnusable`; bad input a
    ValidationError per field. Nothing is written on any error."""
    invitation = invitation_lookup(token)
    if invitation is None:
        raise InvitationUnusable(InvitationState.UNKNOWN)
    cooperative = invitation.cooperative
    now = timezone.now()
    with scope(cooperative=cooperative):
        invitation = Invitation.objects.select_for_update().select_related("member", "cooperative").get(pk=invitation.pk)
        member = Member.objects.select_for_update().select_related("cooperative").get(pk=invitation.member_id)
        invitation.member = member
        _refuse_unless_open(invitation, now)
        logged_in = user is not None and getattr(user, "is_authenticated", False)
        errors = {}
        try:
            phone = _check_phone(member, phone)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if not logged_in and not errors and User.objects.filter(phone=phone).exists():
            raise LoginFirst(phone)
        if not logged_in:  # say everything wrong with the form at once
            if not password:
                errors["password1"] = [_("Choose a password.")]
            else:
                try:
                    password_validation.validate_password(password, user=User(phone=None if "phone" in errors else phone,
                                                                               full_name=member.full_name))
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
            if Member.objects.filter(user=user).exclude(pk=member.pk).exists():
                raise ValidationError({"__all__": _(
                    "Your login is already linked to another member of %(cooperative)s.") % {"cooperative": cooperative.name}})
            if not user.phone:
                if User.objects.filter(phone=phone).exclude(pk=user.pk).exists():
                    raise ValidationError({"phone": _("This phone number belongs to another login.")})
                user.phone = phone
                user.save(update_fields=["phone"])
                audit_record(actor=user, action="user.update", obj=user, changes={"phone": [None, phone]})
        else:
            try:
                with transaction.atomic():
                    user = User.objects.create_user(phone=phone, password=password, full_name=member.full_name)
            except IntegrityError:  # created by someone else a moment ago
                raise LoginFirst(phone)
            created = True
            audit_record(actor=user, action="user.create", obj=user, changes={"phone": [None, phone], "via": [None, "invitation"]})
        member.user = user
        try:
            with transaction.atomic():
                member.save(update_fields=["user", "updated_at"])
        except IntegrityError:
            raise ValidationError({"__all__": _(
                "Your login is already linked to another member of %(cooperative)s.") % {"cooperative": cooperative.name}})
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(actor=user, action="invitation.accept", cooperative=cooperative, obj=invitation, changes={
            "member": [None, member.number], "user": [None, user.pk], "new_login": [None, created]})
    access.forget_cached_roles(user)
    return Accepted(member=member, user=user, created_user=created)

"""A member's request to delete their personal data (UU 27/2022), and its handling by the
cooperative's manager (docs/SECURITY.md "Personal-data requests").

- The member asks (reason optional) for one cooperative's register row linked to their login;
  one pending request per member at a time; they may withdraw it while it is pending.
- The manager approves or refuses (with a reason). Approving anonymises the register row in one
  transaction: the name becomes "Anggota dihapus <number>"; NIK KTP (and its hash), phone,
  address, kelurahan, place and date of birth, occupation and the note on leaving are cleared;
  the login is detached, and closed when it has no other membership and no role; open
  invitations are revoked; earlier audit events about the row keep who/when/what but lose the
  personal values they recorded. The financial history stays: savings transactions, receipts,
  journal entries (their descriptions keep the name as written, as accounting records must be
  kept for 10 years — UU 8/1997 on company documents), SHU shares and attendance, still linked
  to the (now anonymous) register row, so the books and the RAT papers still add up.
- Only a member who has left can be anonymised: the register must name every current member
  (UU 25/1992), so an active member's request waits until the leaving (and the refund of their
  savings) is recorded.
- Every step writes an audit event; the member sees the decision on their personal-data page.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_scopes import scope, scopes_disabled

from city.figures import MEMBERS, schedule_refresh
from cooperatives import access
from portal.audit import audit_record

from .models import DeletionRequest, DeletionStatus, Invitation, Member, MemberStatus

REASON_MAX = 1000
# the register fields emptied on anonymisation (name and number stay: the number identifies the
# row in the books; the name becomes ANONYMOUS_NAME)
CLEARED_FIELDS = ["nik_ktp", "phone", "place_of_birth", "date_of_birth", "occupation", "address", "kelurahan", "left_note"]
# register values that earlier audit events may carry, redacted on anonymisation
PERSONAL_AUDIT_KEYS = frozenset(["full_name", "name", *CLEARED_FIELDS])
REDACTED = "[dihapus]"


def anonymous_name(member) -> str:
    # fixed Indonesian text, not translated: it is stored in the register
    return f"Anggota dihapus {member.number}"


# --- the member's side ------------------------------------------------------------------------

def own_memberships(user) -> list[Member]:
    """The user's register rows in every cooperative (active or left) with their cooperative:
    a cross-cooperative read filtered by the user, so only their own."""
    with scopes_disabled():
        return list(Member.objects.filter(user=user).select_related("cooperative").order_by("cooperative__name", "pk"))


def requests_of_user(user) -> list[DeletionRequest]:
    """Every deletion request this login made, newest first, with its cooperative — also those
    whose register row was since anonymised and detached from the login."""
    with scopes_disabled():
        return list(DeletionRequest.objects.filter(requested_by=user).select_related("cooperative", "member")
                    .order_by("-created_at", "-id"))


def recently_answered(user, *, days=30) -> list[DeletionRequest]:
    """The user's requests answered (approved or refused) in the last `days` days: the notice on
    "My cooperatives". One query."""
    if not getattr(user, "is_authenticated", False):
        return []
    since = timezone.now() - timedelta(days=days)
    with scopes_disabled():
        return list(DeletionRequest.objects.filter(requested_by=user, decided_at__gte=since,
                                                   status__in=[DeletionStatus.APPROVED, DeletionStatus.REFUSED])
                    .select_related("cooperative").order_by("-decided_at"))


@transaction.atomic
def deletion_request_create(*, actor, member: Member, reason: str = "") -> DeletionRequest:
    if member.user_id is None or member.user_id != getattr(actor, "pk", None):
        raise ValidationError({"cooperative": _("You can only ask for your own data to be deleted.")})
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason under %(n)s characters.") % {"n": REASON_MAX}})
    with scope(cooperative=member.cooperative):
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.anonymised_at:
            raise ValidationError({"cooperative": _("Your data in this cooperative was already deleted.")})
        if DeletionRequest.objects.filter(member=member, status=DeletionStatus.PENDING).exists():
            raise ValidationError({"cooperative": _("You already asked this cooperative; the manager has not answered yet.")})
        request = DeletionRequest.objects.create(cooperative=member.cooperative, member=member, requested_by=actor, reason=reason)
        audit_record(actor=actor, action="member.deletion_request", cooperative=member.cooperative, obj=member,
                     changes={"request": [None, request.pk], "reason_given": [None, bool(reason)]})
    return request


@transaction.atomic
def deletion_request_withdraw(*, actor, request: DeletionRequest) -> DeletionRequest:
    with scope(cooperative=request.cooperative):
        request = DeletionRequest.objects.select_for_update().select_related("member").get(pk=request.pk)
        if request.requested_by_id != getattr(actor, "pk", None):
            raise ValidationError(_("You can only withdraw your own request."))
        if request.status != DeletionStatus.PENDING:
            raise ValidationError(_("This request was already answered."))
        request.status = DeletionStatus.WITHDRAWN
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_at"])
        audit_record(actor=actor, action="member.deletion_withdraw", cooperative=request.cooperative, obj=request.member,
                     changes={"request": [None, request.pk]})
    return request


# --- the manager's side -----------------------------------------------------------------------

def pending_count(*, cooperative) -> int:
    with scope(cooperative=cooperative):
        return DeletionRequest.objects.filter(cooperative=cooperative, status=DeletionStatus.PENDING).count()


def request_list(*, cooperative) -> list[DeletionRequest]:
    """Pending requests first (oldest first), then the answered ones (newest first): one query."""
    with scope(cooperative=cooperative):
        rows = list(DeletionRequest.objects.filter(cooperative=cooperative).select_related("member", "decided_by")
                    .order_by("-created_at", "-id"))
    pending = sorted((r for r in rows if r.status == DeletionStatus.PENDING), key=lambda r: (r.created_at, r.pk))
    return pending + [r for r in rows if r.status != DeletionStatus.PENDING]


def request_by_pk(*, cooperative, pk) -> DeletionRequest | None:
    with scope(cooperative=cooperative):
        return (DeletionRequest.objects.filter(cooperative=cooperative, pk=pk)
                .select_related("member", "member__kelurahan", "decided_by", "requested_by").first())


def approval_refusal(request: DeletionRequest) -> str:
    """Why the manager cannot approve this request now ("" when they can)."""
    if request.status != DeletionStatus.PENDING:
        return _("This request was already answered.")
    if request.member.status != MemberStatus.LEFT:
        return _("%(name)s is still a member: the register must name every member. Record their leaving "
                 "(and the refund of their savings) first, then approve.") % {"name": request.member.full_name}
    return ""


def _redact_audit_trail(member):
    """Earlier audit events about this register row keep who did what and when, but not the
    personal values they copied (names, phone, address, …)."""
    from portal.models import AuditEvent

    events = AuditEvent.objects.filter(cooperative_id=member.cooperative_id, object_type=Member._meta.label_lower,
                                       object_id=str(member.pk))
    for event in events:
        changes = {
            key: ([REDACTED if v not in (None, "") else v for v in value] if isinstance(value, list) else REDACTED)
            if key in PERSONAL_AUDIT_KEYS else value
            for key, value in (event.changes or {}).items()
        }
        event.changes = changes
        event.object_repr = str(member)[:200]
        event.save(update_fields=["changes", "object_repr"])


def _close_login_if_unused(user, *, member) -> str:
    """Detach is done by the caller; close the login when nothing else uses it. Returns what was
    done: "detached" (the login has other memberships or roles) or "closed"."""
    from cooperatives.models import CityRole, RoleAssignment

    with scopes_disabled():
        others = Member.objects.filter(user=user).exclude(pk=member.pk).exists()
        roles = RoleAssignment.objects.filter(user=user).exists() or CityRole.objects.filter(user=user).exists()
    if others or roles:
        access.forget_cached_roles(user)
        return "detached"
    user.is_active = False
    user.full_name = "Anggota dihapus"
    user.phone = None
    user.email = f"dihapus-{user.pk}@anonim.invalid"
    user.set_unusable_password()  # changes the session hash: every open session ends
    user.save()
    _delete_login_extras(user)
    return "closed"


def _delete_login_extras(user):
    """What else identifies or opens a closed login: API tokens, allauth e-mail addresses and
    second factors."""
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()
    try:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.filter(user=user).delete()
    except LookupError:  # pragma: no cover - allauth.account is installed
        pass
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=user).delete()


@transaction.atomic
def deletion_request_approve(*, actor, request: DeletionRequest) -> DeletionRequest:
    """Anonymise the member's register row (see the module's docstring), in one transaction."""
    cooperative = request.cooperative
    with scope(cooperative=cooperative):
        request = DeletionRequest.objects.select_for_update().get(pk=request.pk)
        member = Member.objects.select_for_update().get(pk=request.member_id)
        request.member = member
        refusal = approval_refusal(request)
        if refusal:
            raise ValidationError(refusal)
        user = member.user
        member.full_name = anonymous_name(member)
        for name in CLEARED_FIELDS:
            setattr(member, name, None if name in ("date_of_birth", "kelurahan") else "")
        member.user = None
        member.anonymised_at = timezone.now()
        member.save()  # Member.save() empties nik_hash with the NIK
        schedule_refresh(cooperative, {MEMBERS})  # the city's distinct persons lose this NIK hash
        Invitation.objects.filter(member=member, accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
        login = "none"
        if user is not None:
            login = _close_login_if_unused(user, member=member)
        _redact_audit_trail(member)
        request.status = DeletionStatus.APPROVED
        request.decided_at = timezone.now()
        request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        request.save(update_fields=["status", "decided_at", "decided_by"])
        audit_record(actor=actor, action="member.deletion_approve", cooperative=cooperative, obj=member, changes={
            "request": [None, request.pk], "cleared": [None, ["full_name", *CLEARED_FIELDS]], "login": [None, login],
        })
    return request


@transaction.atomic
def deletion_request_refuse(*, actor, request: DeletionRequest, reason: str) -> DeletionRequest:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Tell the member why the request is refused.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason under %(n)s characters.") % {"n": REASON_MAX}})
    with scope(cooperative=request.cooperative):
        request = DeletionRequest.objects.select_for_update().select_related("member").get(pk=request.pk)
        if request.status != DeletionStatus.PENDING:
            raise ValidationError(_("This request was already answered."))
        request.status = DeletionStatus.REFUSED
        request.decision_note = reason
        request.decided_at = timezone.now()
        request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        request.save(update_fields=["status", "decision_note", "decided_at", "decided_by"])
        audit_record(actor=actor, action="member.deletion_refuse", cooperative=request.cooperative, obj=request.member,
                     changes={"request": [None, request.pk], "reason": [None, reason]})
    return request

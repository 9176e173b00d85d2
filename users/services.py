from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit import audit_record

from .models import User
from .phone import normalize_phone

PROFILE_FIELDS = ("full_name", "phone", "email")


@transaction.atomic
def user_update_profile(*, actor, user: User, full_name: str, phone: str = "", email: str = "") -> User:
    """The person changes their own name, phone (normalised, unique) and email (unique). At least
    one of phone and email stays: it is how they log in. Audited as user.update."""
    errors = {}
    full_name = " ".join((full_name or "").split())
    if not full_name:
        errors["full_name"] = _("Enter your name.")
    new_phone = None
    if (phone or "").strip():
        try:
            new_phone = normalize_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
        else:
            if User.objects.filter(phone=new_phone).exclude(pk=user.pk).exists():
                errors["phone"] = _("This phone number belongs to another login.")
    new_email = (email or "").strip().lower() or None
    if new_email:
        from django.core.validators import validate_email

        try:
            validate_email(new_email)
        except ValidationError:
            errors["email"] = _("Enter a valid email address.")
        else:
            if User.objects.filter(email=new_email).exclude(pk=user.pk).exists():
                errors["email"] = _("This email already belongs to another login.")
    if not new_phone and not new_email and "phone" not in errors and "email" not in errors:
        errors["phone"] = _("Keep a phone number or an email: you log in with it.")
    if errors:
        raise ValidationError(errors)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {name: getattr(user, name) for name in PROFILE_FIELDS}
    user.full_name, user.phone, user.email = full_name, new_phone, new_email
    user.save(update_fields=list(PROFILE_FIELDS))
    changes = {name: [before[name], getattr(user, name)] for name in PROFILE_FIELDS if before[name] != getattr(user, name)}
    if changes:
        audit_record(actor=actor, action="user.update", obj=user, changes=changes)
    return user

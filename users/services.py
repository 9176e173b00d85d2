import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit import audit_record

from .models import User
from .phone import normalize_phone

# No look-alike characters: the password is read out or sent by WhatsApp once.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))


@transaction.atomic
def user_get_or_create(*, actor, phone: str, full_name: str, email: str = "") -> tuple[User, str | None]:
    """The login of a person identified by phone; created with a one-time temporary password
    (returned, shown once) when it does not exist yet."""
    phone = normalize_phone(phone)
    user = User.objects.filter(phone=phone).first()
    if user is not None:
        return user, None
    email = (email or "").strip().lower() or None
    if email and User.objects.filter(email=email).exists():
        raise ValidationError({"manager_email": _("This email already belongs to another login.")})
    password = temporary_password()
    user = User.objects.create_user(phone=phone, email=email, password=password, full_name=" ".join(full_name.split()))
    audit_record(actor=actor, action="user.create", obj=user, changes={"phone": [None, phone]})
    return user, password

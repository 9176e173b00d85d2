"""The token machinery every invitation link shares (member invitations in members/, staff-role
invitations such as a new cooperative's first manager in cooperatives/).

- A token is 32 random bytes, URL-safe base64; only its SHA-256 is stored, so the tables cannot
  be used to accept anything.
- Links are valid for `VALID_FOR` and used once (each kind keeps its own accepted/revoked
  columns and checks them under a row lock).
- The link is shown once: as text, as a QR code (an SVG `data:` image, which the CSP allows) and
  as a WhatsApp share link.
- Wrong tokens are counted per client address in the cache; past `MISSES_ALLOWED` in
  `MISS_WINDOW` seconds every token is refused for a while (429), which makes guessing
  pointless on top of the 256-bit tokens. Every kind of invitation shares the one count.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from users.phone import normalize_phone

if TYPE_CHECKING:
    from users.models import User

VALID_FOR = timedelta(days=7)
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{40,50}$")
MISSES_ALLOWED = 20
MISS_WINDOW = 15 * 60


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "ignore")).hexdigest()


def looks_like_token(token: str) -> bool:
    return bool(token) and bool(TOKEN_PATTERN.match(token))


class InvitationState:
    OPEN = "open"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED = "used"
    UNUSABLE = "unusable"  # what the invitation was for no longer holds (e.g. the member left)
    UNKNOWN = "unknown"  # no invitation has this token


def basic_state(invitation, now) -> str:
    """Used, revoked, expired or open, from the columns every invitation table has."""
    if invitation.accepted_at:
        return InvitationState.USED
    if invitation.revoked_at:
        return InvitationState.REVOKED
    if invitation.expires_at <= now:
        return InvitationState.EXPIRED
    return InvitationState.OPEN


# --- accepting ---------------------------------------------------------------------------------

class LoginFirst(Exception):
    """A login with this phone number exists: the person logs in first, then opens the link again."""

    def __init__(self, phone):
        super().__init__(phone)
        self.phone = phone


class InvitationUnusable(Exception):
    """Unknown, expired, revoked or used: the page says which, and nothing is written."""

    def __init__(self, state):
        super().__init__(state)
        self.state = state


@dataclass
class Accepted:
    """What accepting gave: the login (new or the visitor's own) and whether it was created.
    Each kind of invitation adds what was accepted (the member, the role invitation)."""

    user: "User"
    created_user: bool


def check_phone(raw_phone, expected: str, mismatch: str) -> str:
    """The confirmed phone number in E.164, or a ValidationError on the phone field: not a valid
    number, or (when the invitation has a number) not the invitation's one — `mismatch` says so."""
    try:
        phone = normalize_phone(raw_phone or "")
    except ValidationError:
        raise ValidationError({"phone": _("Enter a valid Indonesian phone number, e.g. 0812 3456 7890.")})
    if expected and phone != expected:
        raise ValidationError({"phone": mismatch})
    return phone


def first_name(full_name: str) -> str:
    return (full_name or "").split(" ")[0]


def whatsapp_link(*, phone: str, text: str) -> str:
    """https://wa.me/<digits>?text=…; without a phone WhatsApp asks whom to send it to."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    return f"https://wa.me/{digits}?text={quote(text, safe='')}"


def qr_data_uri(text: str) -> str:
    """The QR code of `text` as an SVG data: URI (the CSP allows data: images)."""
    import base64
    import io

    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(text, image_factory=SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# --- guessing tokens -----------------------------------------------------------------------------

def _client_key(request):
    """Per client address as allauth's login rate limits see it (its trusted-proxy settings)."""
    from allauth.account.adapter import get_adapter

    try:
        address = get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        address = "unknown"
    return "invitation-miss:" + address


def blocked(request, allowed=None) -> bool:
    return (cache.get(_client_key(request)) or 0) >= (MISSES_ALLOWED if allowed is None else allowed)


def count_miss(request):
    key = _client_key(request)
    if not cache.add(key, 1, MISS_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, MISS_WINDOW)

"""`Idempotency-Key` for API requests that move money (DESIGN.md §8; docs/API.md).

Decorate a DRF handler method with `@idempotent`:

    class EntryListView(APIView):
        @extend_schema(parameters=[IDEMPOTENCY_KEY_HEADER], responses={..., **IDEMPOTENCY_RESPONSES})
        @idempotent
        def post(self, request, slug): ...

The rules:

* The header is required (400 without it). Keys belong to one user in one cooperative: another
  user, or the same user in another cooperative, may use the same key for a separate request.
* The request's fingerprint is the method, the path and the parsed body in canonical form (key
  order and whitespace do not matter).
* Same key, same fingerprint → the first response is replayed (same status and body) with the
  header `Idempotent-Replayed: true`; the handler does not run again.
* Same key, another fingerprint (another body or another endpoint) → 409.
* The key row is written *first*, in the same transaction as the handler's work, under a unique
  constraint on (cooperative, user, key). A concurrent request with the same key waits on that
  constraint until the first one commits and then replays its response (or gets 409 if its body
  differs, or if the first request still holds the key on a database that cannot wait).
* Only successful (2xx) responses are kept. A request that fails (4xx from validation, or a
  crash) rolls back with its key, so a corrected retry may use the same key — nothing was done,
  so nothing can be done twice.
* Keys are kept for `IDEMPOTENCY_KEY_TTL_HOURS` (default 24); an expired key counts as new, and
  `manage.py idempotency_purge` deletes them.
"""

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


def ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "IDEMPOTENCY_KEY_TTL_HOURS", 24))


class IdempotencyKeyMissing(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "idempotency_key_missing"


class IdempotencyKeyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_conflict"


def _error(exc_class, message):
    return exc_class({"idempotency_key": [message]})


def _key_of(request) -> str:
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        raise _error(IdempotencyKeyMissing, _(
            "This request moves money and needs an Idempotency-Key header: a unique value (e.g. a UUID) "
            "per operation, sent again unchanged when the request is retried."
        ))
    if len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise _error(IdempotencyKeyMissing, _(
            "The Idempotency-Key header must be at most %(n)s printable ASCII characters."
        ) % {"n": MAX_KEY_LENGTH})
    return key


def _canonical(data):
    if isinstance(data, QueryDict):
        return {k: v if len(v) != 1 else v[0] for k, v in data.lists()}
    return data


def fingerprint(request) -> str:
    """sha256 of method, path and the parsed body in canonical JSON."""
    body = json.dumps(_canonical(request.data), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    raw = f"{request.method}\n{request.path}\n{body}".encode()
    return hashlib.sha256(raw).hexdigest()


def _replay(record, request_hash):
    if record.request_hash != request_hash:
        raise _error(IdempotencyKeyConflict, _(
            "This Idempotency-Key was already used for a different request. Use a new key for a new operation."
        ))
    if record.status_code is None:  # never committed that way, but fail safe
        raise _error(IdempotencyKeyConflict, _("A request with this Idempotency-Key is still in progress; retry later."))
    body = json.loads(record.response_body) if record.response_body else None
    return Response(body, status=record.status_code, headers={REPLAYED_HEADER: "true"})


class _Rollback(Exception):
    """Carries a non-2xx response out of the transaction so the key and any work roll back."""

    def __init__(self, response):
        self.response = response


def _claim(*, cooperative, user, key, endpoint, request_hash):
    """The key's stored response to replay (Response), or a fresh row that holds the key."""
    from portal.models import IdempotencyKey

    keys = IdempotencyKey.objects.filter(cooperative=cooperative, user=user, key=key)
    existing = keys.first()
    if existing is not None and existing.created_at <= timezone.now() - ttl():
        keys.filter(pk=existing.pk).delete()  # expired: the key is free again
        existing = None
    if existing is None:
        try:
            with transaction.atomic():  # a savepoint: the outer transaction survives a clash
                return IdempotencyKey.objects.create(
                    cooperative=cooperative, user=user, key=key, endpoint=endpoint[:255], request_hash=request_hash,
                )
        except (IntegrityError, OperationalError):
            # Another request with this key committed first (PostgreSQL waited for it on the
            # unique index), or still holds it (a database that cannot wait): replay or refuse.
            existing = keys.first()
            if existing is None:
                raise _error(IdempotencyKeyConflict, _(
                    "A request with this Idempotency-Key is still in progress; retry later."
                )) from None
    return _replay(existing, request_hash)


def _json_text(data) -> str:
    """The body as JSON text, the way the API renders it (decimals stay strings)."""
    return JSONRenderer().render(data).decode() if data is not None else ""


def idempotent(handler=None, *, required=True):
    """Make a DRF handler method (`post`, …) idempotent under the Idempotency-Key header.

    `@idempotent` requires the header; `@idempotent(required=False)` applies the same rules
    when a client sends one and runs the handler plainly when it does not."""
    if handler is None:
        return lambda func: idempotent(func, required=required)

    @wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        if not required and not request.headers.get(HEADER, "").strip():
            return handler(view, request, *args, **kwargs)
        key = _key_of(request)
        request_hash = fingerprint(request)
        cooperative = getattr(request, "cooperative", None)
        if cooperative is None:
            raise RuntimeError("@idempotent serves tenant endpoints (/api/v1/c/<slug>/…) only")
        endpoint = f"{request.method} {request.path}"
        try:
            with transaction.atomic():
                claimed = _claim(cooperative=cooperative, user=request.user, key=key, endpoint=endpoint,
                                 request_hash=request_hash)
                if isinstance(claimed, Response):
                    return claimed
                response = handler(view, request, *args, **kwargs)
                if not status.is_success(response.status_code):
                    raise _Rollback(response)
                claimed.status_code = response.status_code
                claimed.response_body = _json_text(response.data)
                claimed.save(update_fields=["status_code", "response_body"])
                return response
        except _Rollback as rollback:
            return rollback.response

    wrapper.idempotent = True
    wrapper.idempotency_key_required = required
    return wrapper


def purge(*, older_than: timedelta | None = None) -> int:
    """Delete keys older than the TTL (or `older_than`) in every cooperative; returns how many."""
    from django_scopes import scopes_disabled

    from portal.models import IdempotencyKey

    cutoff = timezone.now() - (ttl() if older_than is None else older_than)
    with scopes_disabled():
        deleted, _details = IdempotencyKey.objects.filter(created_at__lte=cutoff).delete()
    return deleted


# --- OpenAPI -----------------------------------------------------------------------------

IDEMPOTENCY_KEY_HEADER = OpenApiParameter(
    name=HEADER, type=OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=True,
    description=(
        "A unique value per operation (a UUID is best), at most 255 printable ASCII characters, "
        "sent again unchanged on retries. The same key with the same body replays the first "
        "successful response with the header `Idempotent-Replayed: true` and does nothing else; "
        "the same key with another body or endpoint is refused with 409. Keys are per user and "
        "cooperative and kept for 24 hours. Failed requests (4xx) keep no key."
    ),
)


IDEMPOTENCY_KEY_HEADER_OPTIONAL = OpenApiParameter(
    name=HEADER, type=OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=False,
    description="Optional here; when sent, the same rules as on the endpoints that require it apply.",
)


class IdempotencyErrorSerializer(serializers.Serializer):
    idempotency_key = serializers.ListField(child=serializers.CharField())


IDEMPOTENCY_RESPONSES = {
    409: OpenApiResponse(IdempotencyErrorSerializer, description="The Idempotency-Key was used for another request."),
}

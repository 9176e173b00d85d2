"""The keyed hash of a NIK KTP (contract of issue 6, docs/ARCHITECTURE.md "City figures").

`nik_hash(nik)` = HMAC-SHA256 (hex) of the normalised NIK with settings.NIK_HASH_KEY (env
PORTAL_NIK_HASH_KEY, required in production). The city counts distinct persons across
cooperatives by this hash and never reads the NIK itself; without the key the hash cannot be
reversed by trying the (small) space of valid NIKs. An empty NIK hashes to "" (not countable).
Changing the key invalidates every stored hash: run `manage.py city_rebuild_figures --rehash`."""

import hashlib
import hmac

from django.conf import settings


def nik_hash(nik: str | None) -> str:
    nik = "".join((nik or "").split())
    if not nik:
        return ""
    return hmac.new(settings.NIK_HASH_KEY.encode(), nik.encode(), hashlib.sha256).hexdigest()

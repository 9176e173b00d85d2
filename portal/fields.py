"""Model fields of the portal."""

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from . import crypto


class EncryptedCharField(models.CharField):
    """A short text kept encrypted in the database (portal/crypto.py), read and written as plain
    text by Python code. `max_length` is the plain text's (forms and validation use it); the
    column is a text column, long enough for the ciphertext.

    The ciphertext differs each time, so the database cannot compare values: only `isnull` and
    `= ""` (not recorded) are allowed; look values up by a keyed hash kept beside the field
    (e.g. Member.nik_hash). Any other lookup raises FieldError rather than silently finding
    nothing."""

    description = "Text encrypted at rest"

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        # bound to the ciphertext: a value copied into another field does not decrypt
        self.encryption_context = f"{cls._meta.label_lower}.{name}"

    def get_internal_type(self):
        return "TextField"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.encryption_context)

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None or value == "" or crypto.is_encrypted(value):
            return value
        return crypto.encrypt(value, context=self.encryption_context)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull":
            return IsNull
        raise FieldError(
            f"{self.model._meta.label}.{self.name} is encrypted: the database cannot compare it "
            f"(lookup {lookup_name!r}); look it up by its keyed hash instead.")

    def get_transform(self, lookup_name):
        return None


class EncryptedExact(Exact):
    """`field = ""` only (the value is not recorded)."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None) and not hasattr(self.rhs, "resolve_expression"):
            raise FieldError(
                f"{self.lhs.target.model._meta.label}.{self.lhs.target.name} is encrypted: it can only be compared "
                "with the empty string; look it up by its keyed hash instead.")
        return super().get_prep_lookup()

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [value])

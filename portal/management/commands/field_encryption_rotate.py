"""Re-encrypt every encrypted field under the current (first) key, and encrypt any value still
in plain text. Run after putting a new key first in PORTAL_FIELD_ENCRYPTION_KEY; then the old
key can be removed (docs/SECURITY.md "Keys and their rotation")."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from portal import crypto
from portal.fields import EncryptedCharField

BATCH = 2000


def encrypted_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedCharField):
                yield model, field


def rotate(*, dry_run=False, stdout=None) -> dict:
    """{"app.model.field": (rows looked at, rows re-encrypted)}. Reads and writes the column
    itself (raw SQL, in batches by primary key), one transaction per batch."""
    counts = {}
    qn = connection.ops.quote_name
    for model, field in encrypted_fields():
        table, column, pk = qn(model._meta.db_table), qn(field.column), qn(model._meta.pk.column)
        seen = changed = 0
        last = None
        while True:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    where = f"WHERE {pk} > %s " if last is not None else ""
                    # identifiers from the models' _meta, quoted; every value a parameter
                    cursor.execute(f"SELECT {pk}, {column} FROM {table} {where}ORDER BY {pk} LIMIT {BATCH}",  # nosec B608
                                   [last] if last is not None else [])
                    rows = cursor.fetchall()
                    if not rows:
                        break
                    updates = []
                    for row_pk, stored in rows:
                        seen += 1
                        if crypto.needs_rotation(stored):
                            plain = crypto.decrypt(stored, context=field.encryption_context)
                            updates.append((crypto.encrypt(plain, context=field.encryption_context), row_pk))
                    if updates and not dry_run:
                        cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", updates)  # nosec B608  # quoted _meta names
                    changed += len(updates)
                    last = rows[-1][0]
        counts[field.encryption_context] = (seen, changed)
    return counts


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would change, change nothing")

    def handle(self, *args, dry_run=False, **options):
        try:
            counts = rotate(dry_run=dry_run)
        except crypto.DecryptionError as exc:
            raise CommandError(f"a value cannot be decrypted with the configured keys: {exc}") from exc
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        for name, (seen, changed) in counts.items():
            self.stdout.write(f"{name}: {seen} row(s), {verb} {changed} under key {crypto.current_key_id()}")

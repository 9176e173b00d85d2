from django.core.management.base import BaseCommand

from portal.crypto import key_id, new_key


class Command(BaseCommand):
    help = ("Print a new key for PORTAL_FIELD_ENCRYPTION_KEY (personal fields encrypted at rest). To rotate, put it first "
            "and keep the old key after a comma until `field_encryption_rotate` has run (docs/SECURITY.md).")

    def handle(self, *args, **options):
        import base64

        key = new_key()
        self.stdout.write(key)
        self.stderr.write(f"key id {key_id(base64.urlsafe_b64decode(key))}")

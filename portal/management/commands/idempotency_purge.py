"""Delete Idempotency-Key records past their lifetime (24 hours unless
IDEMPOTENCY_KEY_TTL_HOURS says otherwise). Run it daily from cron or a timer; an expired key
is treated as new even before it is purged, so running it late is harmless."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from portal import idempotency


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than their lifetime (default 24 hours)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours", type=float, default=None,
            help="Delete keys older than this many hours instead of the configured lifetime.",
        )

    def handle(self, *args, older_than_hours=None, verbosity=1, **options):
        if older_than_hours is not None and older_than_hours < 0:
            raise CommandError("--older-than-hours cannot be negative")
        older_than = timedelta(hours=older_than_hours) if older_than_hours is not None else None
        deleted = idempotency.purge(older_than=older_than)
        if verbosity:
            self.stdout.write(f"Deleted {deleted} idempotency key(s).")

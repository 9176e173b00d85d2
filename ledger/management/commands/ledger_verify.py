from django.core.management.base import BaseCommand, CommandError

from cooperatives.models import Cooperative
from ledger.verify import verify_books


class Command(BaseCommand):
    help = "Recompute every balance from the journal lines, check every posted entry balances and numbering has no gaps."

    def add_arguments(self, parser):
        parser.add_argument("--cooperative", metavar="SLUG", help="only this cooperative")

    def handle(self, *args, cooperative=None, **options):
        cooperatives = Cooperative.objects.order_by("slug")
        if cooperative:
            cooperatives = cooperatives.filter(slug=cooperative)
            if not cooperatives.exists():
                raise CommandError(f"no cooperative with slug {cooperative!r}")
        failures = 0
        checked = 0
        for coop in cooperatives.iterator():
            checked += 1
            for problem in verify_books(cooperative=coop):
                failures += 1
                self.stderr.write(f"{coop.slug}: {problem}")
        if failures:
            raise CommandError(f"{failures} difference(s) found in {checked} cooperative(s)")
        self.stdout.write(self.style.SUCCESS(f"ledger_verify: {checked} cooperative(s), no difference"))

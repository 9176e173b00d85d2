from django.core.management.base import BaseCommand, CommandError

from cooperatives.models import Cooperative
from members.reconcile import savings_reconcile


class Command(BaseCommand):
    help = ("Check that members' savings agree with the books: per savings type the members' balances equal the "
            "ledger control account, and each balance equals the sum of its transactions.")

    def add_arguments(self, parser):
        parser.add_argument("--cooperative", metavar="SLUG", help="only this cooperative")

    def handle(self, *args, cooperative=None, **options):
        cooperatives = Cooperative.objects.order_by("slug")
        if cooperative:
            cooperatives = cooperatives.filter(slug=cooperative)
            if not cooperatives.exists():
                raise CommandError(f"no cooperative with slug {cooperative!r}")
        failures = checked = 0
        for coop in cooperatives.iterator():
            checked += 1
            for problem in savings_reconcile(cooperative=coop):
                failures += 1
                self.stderr.write(f"{coop.slug}: {problem}")
        if failures:
            raise CommandError(f"{failures} difference(s) found in {checked} cooperative(s)")
        self.stdout.write(self.style.SUCCESS(f"savings_verify: {checked} cooperative(s), members' savings equal the books"))

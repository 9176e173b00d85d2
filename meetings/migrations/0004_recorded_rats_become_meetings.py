"""RAT history recorded before the RAT workflow existed becomes RAT meetings that were held
(and, when a report date is known, reported), dated on the day they were held."""

from django.db import migrations
from django.db.models import F


def forward(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    manager = Meeting._base_manager
    manager.filter(source="recorded", date__isnull=True).update(date=F("held_on"))
    manager.filter(source="recorded", reported_on__isnull=False).update(status="reported")
    manager.filter(source="recorded", reported_on__isnull=True, held_on__isnull=False).update(status="held")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_meeting_workflow")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

"""Reports sum the journal lines of a partial month from this index alone (docs/PERFORMANCE.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0003_guard_lookups_by_primary_key'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='journalline',
            index=models.Index(fields=['cooperative', 'date', 'account', 'debit', 'credit'], name='journal_line_coop_date'),
        ),
    ]

"""Drafts and closing entries by date: what the reports subtract from a partial month's lines
(ledger/selectors.py, docs/PERFORMANCE.md). Small, so that part of the query costs nothing."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0004_journal_line_coop_date_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='journalentry',
            index=models.Index(condition=models.Q(models.Q(('state', 'posted'), _negated=True), ('kind', 'closing'), _connector='OR'), fields=['cooperative', 'date'], name='journal_entry_left_out'),
        ),
    ]

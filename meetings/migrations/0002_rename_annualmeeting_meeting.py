from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    """The minimal RAT history of issue 2 becomes the meetings of the RAT issue (same rows)."""

    dependencies = [
        ("meetings", "0001_initial"),
        ("cooperatives", "0004_cooperative_member_number_format"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RenameModel("AnnualMeeting", "Meeting")]

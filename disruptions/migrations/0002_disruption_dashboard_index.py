from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disruptions", "0001_initial"),
    ]

    operations = [
        # The covering index serves every (status, date) lookup the old one did.
        migrations.RemoveIndex(
            model_name="disruption",
            name="disruptions_status_aa3632_idx",
        ),
        migrations.AddIndex(
            model_name="disruption",
            index=models.Index(
                fields=["status", "date", "impact_grade"],
                include=("id",),
                name="disruption_status_date_grade",
            ),
        ),
    ]

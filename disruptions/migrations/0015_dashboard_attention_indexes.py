"""The supervisors' approval-queue count on the dashboard reads a force's submitted disruptions
(and who logged and led them, which a supervisor's own are told apart by) from a small partial
index alone, not a heap row per disruption."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disruptions", "0014_disruption_against_ocg"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="disruption",
            index=models.Index(
                condition=models.Q(("status", "submitted")),
                fields=["force"],
                include=("created_by", "officer"),
                name="disruption_force_submitted",
            ),
        ),
    ]

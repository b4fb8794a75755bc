"""Each disruption says whether an OCG is among its subjects (Disruption.against_ocg), filled here
from its OCG links and written by the services with them from then on; the index the dashboard's
six-month figures read carries it, so they come from the index alone."""

from django.db import migrations, models


def fill(apps, schema_editor):
    Disruption = apps.get_model("disruptions", "Disruption")
    linked = Disruption.ocgs.through.objects.values("disruption_id")
    Disruption.objects.filter(pk__in=linked).update(against_ocg=True)


class Migration(migrations.Migration):
    dependencies = [
        ("disruptions", "0013_fill_line_last_approved_disruption"),
    ]

    operations = [
        migrations.AddField(
            model_name="disruption",
            name="against_ocg",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RemoveIndex(
            model_name="disruption",
            name="disruption_force_status_date",
        ),
        migrations.AddIndex(
            model_name="disruption",
            index=models.Index(
                fields=["force", "status", "date"],
                include=("impact_grade", "id", "against_ocg"),
                name="disruption_force_status_date",
            ),
        ),
        # Filled once the index exists: an index built over rows just updated in place waits,
        # unused, for every transaction older than it to end (PostgreSQL's indcheckxmin).
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

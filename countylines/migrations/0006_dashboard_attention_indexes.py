"""The supervisors' "nominations waiting for approval" count on the dashboard reads a force's
nominated lines by division from a small partial index, not a scan of every line."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("countylines", "0005_line_last_approved_disruption"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="countyline",
            index=models.Index(
                condition=models.Q(("status", "nominated")),
                fields=["division"],
                name="countyline_nominated",
            ),
        ),
    ]

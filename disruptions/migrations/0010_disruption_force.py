"""Each disruption carries its logging team's force, so a force's lists read an index of their own
rows (force, date, id) instead of every force's disruptions joined to their teams."""

import django.db.models.deletion
from django.db import migrations, models


def from_teams(apps, schema_editor):
    Disruption = apps.get_model("disruptions", "Disruption")
    Team = apps.get_model("org", "Team")
    Disruption.objects.update(
        force=models.Subquery(
            Team.objects.filter(pk=models.OuterRef("team_id")).values("force_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("disruptions", "0009_operation_name_per_force"),
        ("org", "0009_force_has_shares"),
    ]

    operations = [
        migrations.AddField(
            model_name="disruption",
            name="force",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.force",
            ),
        ),
        migrations.RunPython(from_teams, migrations.RunPython.noop),
    ]

"""Every team now names its force (0007 filled it in); from here it must. Apart from 0007 so that
the rows 0007 wrote are committed before the column's table is altered (PostgreSQL refuses to
alter a table with pending foreign-key checks in the same transaction)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0007_team_force"),
    ]

    operations = [
        migrations.AlterField(
            model_name="team",
            name="force",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="teams",
                to="org.force",
            ),
        ),
        migrations.AlterField(
            model_name="team",
            name="division",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for a force-wide team; one of the team's force's divisions otherwise.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="teams",
                to="org.division",
            ),
        ),
    ]

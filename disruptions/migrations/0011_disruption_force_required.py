"""A disruption's force is required (0010 filled it in, in its own transaction, so its foreign key
checks are done before the column is altered), and a force's lists read it newest first."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disruptions", "0010_disruption_force"),
    ]

    operations = [
        migrations.AlterField(
            model_name="disruption",
            name="force",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.force",
            ),
        ),
        migrations.AddIndex(
            model_name="disruption",
            index=models.Index(fields=["force", "-date", "-id"], name="disruption_force_date"),
        ),
    ]

"""Every nominal now names its force (0005 filled it in); from here it must. Apart from 0005 so
its rows are committed before the table is altered."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ocg", "0005_nominal_force"),
    ]

    operations = [
        migrations.AlterField(
            model_name="nominal",
            name="force",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.force"
            ),
        ),
    ]

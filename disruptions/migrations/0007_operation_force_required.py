"""Every operation now names its force (0006 filled it in); from here it must."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disruptions", "0006_operation_force"),
    ]

    operations = [
        migrations.AlterField(
            model_name="operation",
            name="force",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.force"
            ),
        ),
    ]

"""Every training input now names its force (0002 filled it in); from here it must."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lifetime", "0002_traininginput_force"),
    ]

    operations = [
        migrations.AlterField(
            model_name="traininginput",
            name="force",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.force"
            ),
        ),
    ]

"""Every intelligence record now names its force (0006 filled it in); from here it must."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intel", "0006_intelligencerecord_force"),
    ]

    operations = [
        migrations.AlterField(
            model_name="intelligencerecord",
            name="force",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.force"
            ),
        ),
    ]

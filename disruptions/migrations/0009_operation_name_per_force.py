from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disruptions", "0008_last_disruption_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="operation",
            name="name",
            field=models.CharField(max_length=160),
        ),
        migrations.AddConstraint(
            model_name="operation",
            constraint=models.UniqueConstraint(
                fields=("force", "name"), name="disruptions_operation_name_once_per_force"
            ),
        ),
    ]

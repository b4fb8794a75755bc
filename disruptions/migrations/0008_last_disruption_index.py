from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disruptions", "0007_operation_force_required"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="disruption",
            index=models.Index(
                fields=["id"], include=("status", "date"), name="disruption_id_status_date"
            ),
        ),
    ]

"""The supervisors' "OCGs submitted for mapping" count on the dashboard reads the submitted OCGs
by division from a small partial index, not a scan of every OCG."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ocg", "0006_nominal_force_required"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ocg",
            index=models.Index(
                condition=models.Q(("mapping_submitted_at__isnull", False)),
                fields=["division"],
                name="ocg_mapping_submitted",
            ),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matrix", "0004_force_rankings_and_snapshots_required"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="forcesnapshot",
            index=models.Index(
                fields=["force", "on"],
                include=("active_lines", "total_trh", "mapped_ocgs"),
                name="snapshot_force_trend",
            ),
        ),
    ]

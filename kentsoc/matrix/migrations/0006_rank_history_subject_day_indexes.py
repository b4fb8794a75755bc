from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matrix", "0005_snapshot_force_trend_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="rankhistory",
            index=models.Index(fields=["county_line", "on"], name="rankhistory_line_day"),
        ),
        migrations.AddIndex(
            model_name="rankhistory",
            index=models.Index(fields=["ocg", "on"], name="rankhistory_ocg_day"),
        ),
    ]

"""A force's stale OCGs (the dashboard's "scores stale" figure and every poll of it) are read per
division from a small partial index, so another force's backlog of rescores costs it nothing."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ocg", "0008_ocg_id_lro"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ocg",
            index=models.Index(
                condition=models.Q(("score_stale_since__isnull", False)),
                fields=["division", "score_stale_since"],
                name="ocg_stale",
            ),
        ),
    ]

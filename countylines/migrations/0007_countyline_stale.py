"""A force's stale lines (the dashboard's "scores stale" figure and every poll of it) are read per
division from a small partial index, so another force's backlog of rescores costs it nothing."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("countylines", "0006_dashboard_attention_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="countyline",
            index=models.Index(
                condition=models.Q(("score_stale_since__isnull", False)),
                fields=["division", "score_stale_since"],
                name="countyline_stale",
            ),
        ),
    ]

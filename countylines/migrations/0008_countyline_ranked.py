"""A division's ranking reads the active lines ranking there by their effective division (the
flex division while flexed) from a small partial index, instead of scanning every active line in
the country on every re-rank."""

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("countylines", "0007_countyline_stale"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="countyline",
            index=models.Index(
                django.db.models.functions.comparison.Coalesce("flexed_division", "division"),
                condition=models.Q(("status", "active")),
                name="countyline_ranked",
            ),
        ),
    ]

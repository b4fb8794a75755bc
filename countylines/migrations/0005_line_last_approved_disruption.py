"""Each county line keeps the date of its latest approved disruption (the dashboard's "last
disruption" column). The disruptions app fills it from the disruptions already approved
(disruptions 0013), as the app above, and its services keep it from then on."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("countylines", "0004_dealline_e164"),
    ]

    operations = [
        migrations.AddField(
            model_name="countyline",
            name="last_approved_disruption_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
    ]

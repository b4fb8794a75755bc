from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("gangs", "0001_initial"),
        ("disruptions", "0003_courtresult_court"),
    ]

    operations = [
        migrations.AddField(
            model_name="disruption",
            name="gangs",
            field=models.ManyToManyField(blank=True, related_name="disruptions", to="gangs.gang"),
        ),
    ]

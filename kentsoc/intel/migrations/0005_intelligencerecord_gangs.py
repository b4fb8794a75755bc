from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("gangs", "0001_initial"),
        ("intel", "0002_evidence_owner_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="intelligencerecord",
            name="gangs",
            field=models.ManyToManyField(
                blank=True, related_name="intelligence_records", to="gangs.gang"
            ),
        ),
    ]

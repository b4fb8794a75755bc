"""Deal-line numbers stored in E.164 beside the national form (a column the database derives, with
its index) and as the officer typed them (issue 17: a number in any spelling finds its line)."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('countylines', '0003_person_at_risk_without_line'),
    ]

    operations = [
        migrations.AddField(
            model_name='dealline',
            name='as_typed',
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name='dealline',
            name='e164',
            field=models.GeneratedField(db_index=True, db_persist=True, expression=django.db.models.functions.text.Concat(models.Value('+44'), django.db.models.functions.text.Substr('number', 2)), output_field=models.CharField(max_length=16)),
        ),
    ]

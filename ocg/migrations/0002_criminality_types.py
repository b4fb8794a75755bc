from django.db import migrations

from ocg.choices import Criminality


def load(apps, schema_editor):
    CriminalityType = apps.get_model("ocg", "CriminalityType")
    for code, label in Criminality.choices:
        CriminalityType.objects.update_or_create(code=code, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("ocg", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

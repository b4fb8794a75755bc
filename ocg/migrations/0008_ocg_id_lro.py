"""The dashboard reads each ranked county line's officer (its OCG's LRO) from a covering index of
the OCGs' ids and LROs: the planner then probes it per line instead of hashing every OCG in the
country to join a force's few dozen lines."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ocg", "0007_dashboard_attention_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ocg",
            index=models.Index(
                fields=["id"], include=("lead_responsible_officer",), name="ocg_id_lro"
            ),
        ),
    ]

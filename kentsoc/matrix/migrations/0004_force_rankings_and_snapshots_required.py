"""Rankings and snapshots now name their force (0003 filled it in); from here they must, a rank
is unique within its force's partition and a snapshot is one per force per day."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matrix", "0003_force_rankings_and_snapshots"),
    ]

    operations = [
        migrations.AlterField(
            model_name="forcesnapshot",
            name="force",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.force"
            ),
        ),
        migrations.AlterField(
            model_name="ranking",
            name="force",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="org.force"
            ),
        ),
        migrations.RemoveConstraint(
            model_name="ranking",
            name="matrix_ranking_unique_rank",
        ),
        migrations.AddConstraint(
            model_name="ranking",
            constraint=models.UniqueConstraint(
                fields=("subject_type", "force", "partition", "rank"),
                name="matrix_ranking_unique_rank_per_force",
            ),
        ),
        migrations.AddConstraint(
            model_name="forcesnapshot",
            constraint=models.UniqueConstraint(
                fields=("force", "on"), name="matrix_forcesnapshot_once_per_force_per_day"
            ),
        ),
    ]

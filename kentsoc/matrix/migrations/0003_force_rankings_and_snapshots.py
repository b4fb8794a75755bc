"""Each force ranks its own OCGs and has its own daily snapshot: rankings name their force (the
division's, or the OCG's division's for the FORCE partition), and a snapshot belongs to a force
(the first: before this, the one force there was)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _fallback_force(apps):
    """The first force, or the deployment's own made now if there are rows but no force."""
    Force = apps.get_model("org", "Force")
    force = Force.objects.order_by("pk").first()
    if force is None:
        force = Force.objects.create(code="FORCE", name=settings.KENTSOC_FORCE_NAME)
    return force.pk



def _checks_now(schema_editor):
    """Run the foreign-key checks the updates above queued now, not at commit: PostgreSQL will
    not add this migration's constraint (an ALTER TABLE) to a table with checks still pending."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def fill_force(apps, schema_editor):
    Ranking = apps.get_model("matrix", "Ranking")
    ForceSnapshot = apps.get_model("matrix", "ForceSnapshot")
    if ForceSnapshot.objects.exists():
        ForceSnapshot.objects.update(force_id=_fallback_force(apps))
    if not Ranking.objects.exists():
        return
    ranking = Ranking._meta.db_table
    division = apps.get_model("org", "Division")._meta.db_table
    ocg = apps.get_model("ocg", "OCG")._meta.db_table
    line = apps.get_model("countylines", "CountyLine")._meta.db_table
    # Table names from the models' metadata; no value is interpolated.
    for source in (
        f"SELECT d.force_id FROM {division} d WHERE d.id = {ranking}.division_id",
        f"SELECT d.force_id FROM {ocg} o JOIN {division} d ON d.id = o.division_id "
        f"WHERE o.id = {ranking}.ocg_id",
        f"SELECT d.force_id FROM {line} c JOIN {division} d ON d.id = c.division_id "
        f"WHERE c.id = {ranking}.county_line_id",
    ):
        schema_editor.execute(
            f"UPDATE {ranking} SET force_id = ({source}) WHERE force_id IS NULL"  # noqa: S608
        )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0008_team_force_required"),
        ("ocg", "0006_nominal_force_required"),
        ("matrix", "0002_rank_history_factors"),
    ]

    operations = [
        migrations.AlterField(
            model_name="forcesnapshot",
            name="on",
            field=models.DateField(),
        ),
        migrations.AddField(
            model_name="forcesnapshot",
            name="force",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.force",
            ),
        ),
        migrations.AddField(
            model_name="ranking",
            name="force",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="org.force",
            ),
        ),
        migrations.RunPython(fill_force, migrations.RunPython.noop),
        migrations.RunPython(lambda apps, schema_editor: _checks_now(schema_editor), migrations.RunPython.noop),
    ]

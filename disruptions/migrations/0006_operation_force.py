"""Every operation belongs to a force (what scoping reads): the officer who created it's, else
that of one of its teams, else the first force."""

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


def fill_operation_force(apps, schema_editor):
    if not apps.get_model("disruptions.Operation").objects.exists():
        return
    t = {
        label: apps.get_model(label)._meta.db_table
        for label in (
            "disruptions.Operation",
            "org.Officer",
            "org.Team",
        )
    }
    table = t["disruptions.Operation"]
    # Table names from the models' metadata; values are bound parameters.
    sources = (
        f"SELECT MIN(m.force_id) FROM {t['org.Officer']} o "
        f"JOIN {t['org.Team']} m ON m.id = o.team_id WHERE o.user_id = {table}.created_by_id",
        f"SELECT MIN(m.force_id) FROM {table}_teams r JOIN {t['org.Team']} m ON m.id = r.team_id "
        f"WHERE r.operation_id = {table}.id",
    )
    for source in sources:
        schema_editor.execute(
            f"UPDATE {table} SET force_id = ({source}) WHERE force_id IS NULL"  # noqa: S608
        )
    schema_editor.execute(
        f"UPDATE {table} SET force_id = %s WHERE force_id IS NULL",  # noqa: S608
        [_fallback_force(apps)],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0008_team_force_required"),
        ("disruptions", "0005_disruption_gangs"),
    ]

    operations = [
        migrations.AddField(
            model_name="operation",
            name="force",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.force",
            ),
        ),
        migrations.RunPython(fill_operation_force, migrations.RunPython.noop),
        migrations.RunPython(lambda apps, schema_editor: _checks_now(schema_editor), migrations.RunPython.noop),
    ]

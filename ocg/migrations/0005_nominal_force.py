"""Every nominal belongs to a force (what scoping reads): the force of an OCG they are a member
of, else of the officer who recorded them, else the
first force."""

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


def fill_nominal_force(apps, schema_editor):
    if not apps.get_model("ocg", "Nominal").objects.exists():
        return
    t = {
        label: apps.get_model(label)._meta.db_table
        for label in (
            "ocg.Nominal",
            "ocg.Membership",
            "ocg.OCG",
            "org.Division",
            "org.Officer",
            "org.Team",
        )
    }
    nominal = t["ocg.Nominal"]
    # Table names from the models' metadata; values are bound parameters.
    sources = (
        f"SELECT MIN(d.force_id) FROM {t['ocg.Membership']} m "
        f"JOIN {t['ocg.OCG']} o ON o.id = m.ocg_id "
        f"JOIN {t['org.Division']} d ON d.id = o.division_id WHERE m.nominal_id = {nominal}.id",
        f"SELECT MIN(m.force_id) FROM {t['org.Officer']} o "
        f"JOIN {t['org.Team']} m ON m.id = o.team_id WHERE o.user_id = {nominal}.created_by_id",
    )
    for source in sources:
        schema_editor.execute(
            f"UPDATE {nominal} SET force_id = ({source}) WHERE force_id IS NULL"  # noqa: S608
        )
    schema_editor.execute(
        f"UPDATE {nominal} SET force_id = %s WHERE force_id IS NULL",  # noqa: S608
        [_fallback_force(apps)],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0008_team_force_required"),
        ("ocg", "0004_nominal_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="nominal",
            name="force",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.force",
            ),
        ),
        migrations.RunPython(fill_nominal_force, migrations.RunPython.noop),
        migrations.RunPython(lambda apps, schema_editor: _checks_now(schema_editor), migrations.RunPython.noop),
    ]

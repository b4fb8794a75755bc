"""Every team belongs to a force: a divisional team to its division's, a force-wide team to the
force its officers' divisions are in, or else the only (or first) force. A database with teams
but no force at all gets one, named as the deployment names it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models



def _checks_now(schema_editor):
    """Run the foreign-key checks the updates above queued now, not at commit: PostgreSQL will
    not add this migration's constraint (an ALTER TABLE) to a table with checks still pending."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def fill_team_force(apps, schema_editor):
    Force = apps.get_model("org", "Force")
    Team = apps.get_model("org", "Team")
    Officer = apps.get_model("org", "Officer")
    if not Team.objects.exists():
        return
    fallback = Force.objects.order_by("pk").first()
    if fallback is None:
        fallback = Force.objects.create(code="FORCE", name=settings.KENTSOC_FORCE_NAME)
    for team in Team.objects.filter(force__isnull=True).select_related("division"):
        if team.division_id is not None:
            team.force_id = team.division.force_id
        else:
            officer = (
                Officer.objects.filter(team=team, division__isnull=False)
                .select_related("division")
                .order_by("pk")
                .first()
            )
            team.force_id = officer.division.force_id if officer else fallback.pk
        team.save(update_fields=["force"])


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0006_team_formed_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="team",
            name="force",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="teams",
                to="org.force",
            ),
        ),
        migrations.RunPython(fill_team_force, migrations.RunPython.noop),
        migrations.RunPython(lambda apps, schema_editor: _checks_now(schema_editor), migrations.RunPython.noop),
    ]

from django.db import migrations, models

# The dashboard's last approved disruption of each ranked line starts from the line's links:
# with (countyline_id) alone each link was a heap fetch for its disruption's id. An auto-created
# many-to-many table has no Meta to declare it in, so it is created here; the SQL is the same on
# PostgreSQL and SQLite.
LINKS_BY_LINE = "disruption_links_by_line"


class Migration(migrations.Migration):
    dependencies = [
        ("disruptions", "0011_disruption_force_required"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="disruption",
            index=models.Index(
                fields=["force", "status", "date"],
                include=("impact_grade", "id"),
                name="disruption_force_status_date",
            ),
        ),
        migrations.RunSQL(
            f"CREATE INDEX {LINKS_BY_LINE} ON disruptions_disruption_county_lines "
            "(countyline_id, disruption_id)",
            f"DROP INDEX {LINKS_BY_LINE}",
        ),
    ]

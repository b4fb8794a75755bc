"""Each county line's latest approved disruption (CountyLine.last_approved_disruption_on, added by
countylines 0005), filled from the disruptions approved so far; the approval service keeps it from
then on."""

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery


def fill(apps, schema_editor):
    CountyLine = apps.get_model("countylines", "CountyLine")
    Disruption = apps.get_model("disruptions", "Disruption")
    links = Disruption.county_lines.through.objects.filter(
        countyline_id=OuterRef("pk"), disruption__status="approved"
    )
    CountyLine.objects.update(
        last_approved_disruption_on=Subquery(
            links.order_by()
            .values("countyline_id")
            .annotate(last=Max("disruption__date"))
            .values("last")
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("countylines", "0005_line_last_approved_disruption"),
        ("disruptions", "0012_dashboard_force_indexes"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

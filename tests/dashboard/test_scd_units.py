"""The OCGs managed with SCD broken down by adopting unit (issue 16 item 5): on the dashboard
(now and as of a past day) and in the force snapshots the API lists, adding up to the SCD figure."""

import pytest
from django.urls import reverse

from kentsoc.matrix.models import ForceSnapshot
from kentsoc.matrix.recompute import recompute_all
from kentsoc.org.choices import TeamKind
from tests.clients import api, web
from tests.dashboard.builders import scored_ocg
from tests.factories import TeamFactory, days_ago

pytestmark = pytest.mark.django_db

UNITS = ["soc", "mlt", "msht", "fi", "nca_ersou"]


def _units_shown(html: str) -> list[str]:
    start = html.index('data-testid="ocgs-scd-units"')
    return [
        line.split(">", 1)[1].split("<", 1)[0]
        for line in html[start : html.index("</ul>", start)].splitlines()
        if "<li" in line
    ]


def test_the_dashboard_breaks_the_scd_figure_down_by_unit(force, supervisor):
    north = force["divisions"]["north"]
    mlt = TeamFactory(code="MLT", name="Money Laundering Team", kind=TeamKind.MLT)
    for team in (force["teams"]["soc"], force["teams"]["soc"], mlt, force["teams"]["north_local"]):
        scored_ocg(north, managing_team=team)
    recompute_all()
    html = web(supervisor).get(reverse("matrix:dashboard")).content.decode()
    assert _units_shown(html) == [
        "Serious Organised Crime (SCD): 2",
        "Money Laundering Team: 1",
        "Modern Slavery &amp; Human Trafficking Team: 0",
        "Financial Investigation: 0",
        "NCA / ERSOU: 0",
    ]
    assert 'data-testid="ocgs-scd">3' in html


def test_a_past_day_and_the_api_read_the_snapshot(force, supervisor):
    on = days_ago(40)
    by_team = {"soc": 14, "mlt": 5, "msht": 4, "fi": 4, "nca_ersou": 5, "division_local": 18}
    ForceSnapshot.objects.create(
        force=force["divisions"]["north"].force,
        on=on,
        active_lines=29,
        total_trh=365,
        mapped_ocgs=50,
        ocgs_by_team=by_team,
        ocgs_on_division=18,
        ocgs_with_scd=32,
    )
    html = web(supervisor).get(reverse("matrix:dashboard"), {"as_of": on.isoformat()})
    shown = _units_shown(html.content.decode())
    assert shown[0] == "Serious Organised Crime (SCD): 14" and shown[-1] == "NCA / ERSOU: 5"
    response = api(supervisor).get("/api/matrix/snapshots/", {"from": on, "to": on})
    assert response.status_code == 200
    (snapshot,) = response.json()["results"]
    units = snapshot["ocgs_with_scd_by_unit"]
    assert [u["unit"] for u in units] == UNITS
    assert sum(u["ocgs"] for u in units) == snapshot["ocgs_with_scd"] == 32
    assert units[1] == {"unit": "mlt", "label": "Money Laundering Team", "ocgs": 5}

"""What each matrix row names as its officer: read as plain values, not model instances."""

import pytest

from kentsoc.dashboard.rankings import matrix_rankings
from kentsoc.matrix.recompute import recompute_all
from kentsoc.org.choices import Rank
from tests.dashboard.builders import scored_line, scored_ocg
from tests.factories import OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_officer_column_names_the_lro_else_who_created_the_line(force, supervisor):
    north = force["divisions"]["north"]
    lro = OfficerFactory(
        user=UserFactory(first_name="Robin", last_name="Example"), rank=Rank.DI
    ).user
    staff = OfficerFactory(
        user=UserFactory(first_name="Sam", last_name="Sample"), rank=Rank.STAFF
    ).user
    civilian = UserFactory(first_name="Alex", last_name="Other")  # no officer record
    led = scored_ocg(north, lead_responsible_officer=lro)
    unled = scored_ocg(north)
    lines = {
        "lro": scored_line(north, ocg=led, created_by=civilian),
        "ocg without lro": scored_line(north, ocg=unled, created_by=staff),
        "no ocg, civilian creator": scored_line(north, created_by=civilian),
        "no ocg, no creator": scored_line(north),
    }
    recompute_all()

    rankings = matrix_rankings(user=supervisor)
    line_officers = {r.subject_id: r.officer for p in rankings.lines for r in p.top}
    assert {k: line_officers[line.pk] for k, line in lines.items()} == {
        "lro": "DI Robin Example",
        "ocg without lro": "Sam Sample",  # police staff have no rank to show
        "no ocg, civilian creator": "Alex Other",
        "no ocg, no creator": "",
    }
    ocg_officers = {r.subject_id: r.officer for p in rankings.ocgs for r in p.top}
    assert (ocg_officers[led.pk], ocg_officers[unled.pk]) == ("DI Robin Example", "")

"""The demo's gangs have disruptions: recorded by their division's CLGT officer and approved,
shown on the gang list, counted nowhere in the CLGT table, and seeded once."""

from __future__ import annotations

import datetime
import io

import pytest

from disruptions.choices import DisruptionStatus
from disruptions.models import Disruption
from kentsoc.dashboard.reports import activity_summary
from kentsoc.demo import gangs as gangs_demo
from kentsoc.gangs.models import Gang
from kentsoc.org.choices import Role
from tests.clients import api
from tests.conftest import _officer

pytestmark = pytest.mark.django_db

STORY_END = datetime.date(2022, 10, 31)


def _seed() -> None:
    gangs_demo.seed(stdout=io.StringIO(), story_end=STORY_END)


def _west_gangs() -> set[str]:
    """The West's gangs: the test force has no West CLGT officer to record them."""
    return {g.name for g in gangs_demo.GANGS if g.division == "WEST"}


def test_each_divisions_gangs_get_approved_disruptions_that_count_in_no_table(
    force, clgt_officer, supervisor, monkeypatch
):
    _officer(force, Role.CLGT_OFFICER, "clgt_east", "clgt_east")
    # A demo seeded before gangs had disruptions: its gangs exist, none has a disruption.
    monkeypatch.setattr(gangs_demo, "DISRUPTIONS", [])
    _seed()
    assert Gang.objects.filter(division__code__in=["NORTH", "EAST"]).count() == 4
    assert not Disruption.objects.exists()
    monkeypatch.undo()
    period = {"date_from": STORY_END - datetime.timedelta(days=270), "date_to": STORY_END}
    table = activity_summary(
        **period, force_id=force["divisions"]["north"].force_id, team_kind="clgt"
    ).headline_rows()

    _seed()  # the next run adds the gangs' disruptions, and only those
    assert Gang.objects.count() == 4
    against = Disruption.objects.filter(gangs__isnull=False).distinct()
    wanted = [d for d in gangs_demo.DISRUPTIONS if d.gang not in _west_gangs()]
    assert against.count() == len(wanted) == Disruption.objects.count()
    for d in against.prefetch_related("gangs__division", "weapons").select_related("team"):
        (gang,) = d.gangs.all()
        assert d.status == DisruptionStatus.APPROVED and d.approved_by == supervisor
        assert d.team.division == gang.division and d.created_by.officer.role == Role.CLGT_OFFICER
        assert STORY_END - datetime.timedelta(days=90) <= d.date <= STORY_END
        # Nothing the CLGT table counts: the seed story's figures stay as they are.
        counted = (d.arrests, d.prisoners_dealt_with, d.warrants_executed, d.charges)
        assert counted == (0, 0, 0, 0) and not d.weapons.exists()
    assert (
        activity_summary(
            **period, force_id=force["divisions"]["north"].force_id, team_kind="clgt"
        ).headline_rows()
        == table
    )

    # The gang list shows them, to the CLGT officer who works the gangs.
    rows = {r["name"]: r for r in api(clgt_officer).get("/api/gangs/").json()["results"]}
    assert rows["Medway Kestrels"]["disruption_count"] == 2
    assert rows["Medway Kestrels"]["last_disruption_on"] == "2022-10-22"

    _seed()  # seeding again duplicates nothing
    assert Disruption.objects.count() == len(wanted) and Gang.objects.count() == 4

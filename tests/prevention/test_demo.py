"""The demo's prevention work: seeded through the services, counted by the summary, seeded once."""

from __future__ import annotations

import datetime
import io

import pytest

from countylines.models import PersonAtRisk
from kentsoc.demo import prevention as prevention_demo
from kentsoc.prevention.models import SchoolSession, StreetGroupIntervention
from tests import clients

pytestmark = pytest.mark.django_db

STORY_END = datetime.date(2022, 10, 31)


def test_each_divisions_clio_gets_sessions_interventions_and_people(clio, east_clio, gang):
    prevention_demo.seed(stdout=io.StringIO(), story_end=STORY_END)
    sessions = SchoolSession.objects.all()
    assert {s.division.code for s in sessions} == {"NORTH", "EAST"}
    assert all(datetime.date(2022, 2, 1) <= s.held_on <= STORY_END for s in sessions)
    assert StreetGroupIntervention.objects.filter(gang=gang).exists()
    lineless = PersonAtRisk.objects.filter(county_line__isnull=True)
    assert lineless.count() == 4 and {p.division.code for p in lineless} == {"NORTH", "EAST"}
    figures = (
        clients.api(clio)
        .get("/api/reports/clio-activity/", {"from": "2022-02-01", "to": "2022-10-31"})
        .json()
    )
    assert figures["school_sessions"] == sessions.filter(division__code="NORTH").count()
    count = sessions.count()
    prevention_demo.seed(stdout=io.StringIO(), story_end=STORY_END)
    assert SchoolSession.objects.count() == count

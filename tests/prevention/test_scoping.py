"""Who reads prevention work: a CLIO their own division's, the CLIO coordinator (no division of
their own) every division's, supervisors and analysts the force's; nobody else any."""

from __future__ import annotations

import pytest

from kentsoc.prevention.models import SchoolSession, StreetGroupIntervention
from tests import clients
from tests.factories import make_intervention, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(clio, east_clio, gang, east_gang):
    return {
        "north": (make_session(clio), make_intervention(clio, gang)),
        "east": (make_session(east_clio), make_intervention(east_clio, east_gang)),
    }


def _seen(user) -> set[int]:
    sessions = {s.pk for s in SchoolSession.objects.visible_to(user)}
    interventions = {i.pk for i in StreetGroupIntervention.objects.visible_to(user)}
    api = clients.api(user)
    listed = api.get("/api/prevention/school-sessions/")
    if listed.status_code == 200:
        assert {r["id"] for r in listed.json()["results"]} == sessions, user.username
    else:
        assert listed.status_code == 403 and not sessions, user.username
    listed = api.get("/api/prevention/interventions/")
    if listed.status_code == 200:
        assert {r["id"] for r in listed.json()["results"]} == interventions, user.username
    else:
        assert listed.status_code == 403 and not interventions, user.username
    return sessions, interventions


def _ids(work, *divisions):
    return (
        {work[d][0].pk for d in divisions},
        {work[d][1].pk for d in divisions},
    )


def test_a_clio_reads_their_own_divisions_work(work, clio, east_clio):
    assert _seen(clio) == _ids(work, "north")
    assert _seen(east_clio) == _ids(work, "east")
    north_session = work["north"][0]
    assert (
        clients.web(east_clio).get(f"/prevention/school-sessions/{north_session.pk}/").status_code
        == 404
    )
    assert (
        clients.api(east_clio)
        .get(f"/api/prevention/school-sessions/{north_session.pk}/")
        .status_code
        == 404
    )


def test_the_clio_coordinator_supervisors_and_analysts_read_every_division(
    work, clio_coordinator, supervisor, east_supervisor, analyst
):
    for user in (clio_coordinator, supervisor, east_supervisor, analyst):
        assert _seen(user) == _ids(work, "north", "east"), user.username


def test_nobody_else_reads_it(work, clgt_officer, coordinator, researcher, lro, auditor):
    for user in (clgt_officer, coordinator, researcher, lro, auditor):
        assert _seen(user) == (set(), set()), user.username
        page = clients.web(user).get("/prevention/school-sessions/")
        assert page.status_code == 403, user.username

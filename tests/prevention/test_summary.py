"""The CLIO activity summary: every figure counted in SQL over what the reader may see."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from countylines.models import SafeguardingReferral
from tests import clients
from tests.factories import days_ago, make_intervention, make_line, make_person, make_session

pytestmark = pytest.mark.django_db

URL = "/api/reports/clio-activity/"


@pytest.fixture
def work(force, clio, east_clio, gang, east_gang):
    make_session(clio, audience=120, held_on=days_ago(3))
    make_session(clio, audience=45, held_on=days_ago(10))
    make_session(clio, audience=500, held_on=days_ago(400))  # outside the period
    make_session(east_clio, audience=30, held_on=days_ago(2))
    make_intervention(clio, gang, young_people_engaged=8, referrals_made=3)
    make_intervention(east_clio, east_gang, young_people_engaged=5, referrals_made=1)
    line = make_line(districts=[force["districts"]["medway"]])
    child = make_person(line, kind="child", age_band="12_14")
    make_person(
        None,
        kind="child",
        age_band="15_17",
        division=force["divisions"]["north"],
        met_through="school",
        setting="Hollowmere Academy",
    )
    SafeguardingReferral.objects.create(person=child, agency="mcet", referred_on=days_ago(1))
    return line


def _period(**extra):
    return {"from": days_ago(30).isoformat(), "to": timezone.localdate().isoformat(), **extra}


def test_a_north_clio_counts_their_divisions_work(work, clio):
    figures = clients.api(clio).get(URL, _period()).json()
    assert figures["school_sessions"] == 2 and figures["total_audience"] == 165
    assert (figures["interventions"], figures["young_people_engaged"]) == (1, 8)
    assert figures["referrals_made"] == 3
    assert figures["people_at_risk_recorded"] == 2
    assert figures["people_met_without_a_line"] == 1
    assert figures["safeguarding_referrals"] == 1
    assert figures["rows"][0] == {"label": "School sessions", "value": 2}


def test_a_supervisor_counts_every_division_and_may_narrow_to_one(work, supervisor):
    api = clients.api(supervisor)
    figures = api.get(URL, _period()).json()
    assert (figures["school_sessions"], figures["total_audience"]) == (3, 195)
    assert (figures["interventions"], figures["referrals_made"]) == (2, 4)
    east = api.get(URL, _period(division="EAST")).json()
    assert (east["school_sessions"], east["interventions"], east["scope"]) == (
        1,
        1,
        "East division",
    )
    assert east["people_at_risk_recorded"] == 0


def test_children_are_counted_only_for_those_who_may_see_them(work, east_clio, analyst):
    # The east's CLIO sees neither North child, even as a number; the analyst none at all.
    for user in (east_clio, analyst):
        figures = clients.api(user).get(URL, _period()).json()
        assert figures["people_at_risk_recorded"] == 0 and figures["safeguarding_referrals"] == 0


def test_bad_periods_are_400s(clio):
    api = clients.api(clio)
    assert api.get(URL).status_code == 400
    wrong_way = api.get(URL, {"from": "2022-10-31", "to": "2022-02-01"})
    assert wrong_way.status_code == 400 and "from" in wrong_way.json()
    assert api.get(URL, {"from": "2022-02-30", "to": "2022-10-31"}).status_code == 400
    assert api.get(URL, _period(division="NOWHERE")).status_code == 400


def test_roles_without_prevention_work_are_refused(clgt_officer, coordinator, lro):
    for user in (clgt_officer, coordinator, lro):
        assert clients.api(user).get(URL, _period()).status_code == 403
        assert clients.web(user).get("/reports/clio-activity/").status_code == 403


def test_the_page_shows_the_figures_and_a_csv(work, clio):
    web = clients.web(clio)
    page = web.get("/reports/clio-activity/", _period())
    assert page.status_code == 200
    text = page.content.decode()
    assert "North division" not in text and "Every division you may see" in text
    assert 'data-testid="clio-row-2">165<' in text
    csv = web.get("/reports/clio-activity/", _period(format="csv"))
    content = b"".join(csv.streaming_content).decode()
    assert "Total audience,165" in content
    default = web.get("/reports/clio-activity/")
    assert default.status_code == 200
    bad = web.get("/reports/clio-activity/", {"from": "nonsense", "to": "2022-01-01"})
    assert bad.status_code == 400 and "Enter a real date" in bad.content.decode()


def test_the_period_is_inclusive(clio):
    make_session(clio, audience=10, held_on=datetime.date(2022, 2, 1))
    make_session(clio, audience=20, held_on=datetime.date(2022, 10, 31))
    figures = clients.api(clio).get(URL, {"from": "2022-02-01", "to": "2022-10-31"}).json()
    assert (figures["school_sessions"], figures["total_audience"]) == (2, 30)

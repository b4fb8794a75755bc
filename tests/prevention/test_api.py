"""The prevention API: record, read, correct; refusals are JSON naming the field."""

from __future__ import annotations

import pytest

from kentsoc.prevention.models import SchoolSession, StreetGroupIntervention
from tests import clients
from tests.factories import days_ago, make_intervention, make_session

pytestmark = pytest.mark.django_db

SESSIONS = "/api/prevention/school-sessions/"
INTERVENTIONS = "/api/prevention/interventions/"


def _session_body(**changes):
    body = {
        "school": "Hollowmere Academy",
        "held_on": days_ago(3).isoformat(),
        "audience": 90,
        "topic": "Knife crime and exploitation",
    }
    return body | changes


class TestSchoolSessions:
    def test_a_clio_records_reads_and_corrects_a_session(self, clio):
        api = clients.api(clio)
        made = api.post(SESSIONS, _session_body(notes="Year 10"), format="json")
        assert made.status_code == 201, made.content
        body = made.json()
        assert (body["division_code"], body["audience"], body["version"]) == ("NORTH", 90, 1)
        assert body["officer"] == clio.pk
        pk = body["id"]
        assert api.get(f"{SESSIONS}{pk}/").json()["school"] == "Hollowmere Academy"
        assert api.patch(f"{SESSIONS}{pk}/", {"audience": 95}, format="json").status_code == 428
        fixed = api.patch(f"{SESSIONS}{pk}/", {"audience": 95, "version": 1}, format="json")
        assert fixed.status_code == 200 and fixed.json()["version"] == 2
        stale = api.patch(f"{SESSIONS}{pk}/", {"audience": 99, "version": 1}, format="json")
        assert stale.status_code == 400 and "version" in stale.json()

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"audience": 0}, "audience"),
            ({"audience": "lots"}, "audience"),
            ({"school": ""}, "school"),
            ({"topic": "   "}, "topic"),
            ({"held_on": "2999-01-01"}, "held_on"),
            ({"held_on": "yesterday"}, "held_on"),
            ({"division": "NOWHERE"}, "division"),
        ],
    )
    def test_bad_input_is_a_400_naming_the_field(self, clio_coordinator, changes, field):
        body = _session_body(division="EAST") | changes
        answer = clients.api(clio_coordinator).post(SESSIONS, body, format="json")
        assert answer.status_code == 400 and field in answer.json(), answer.content
        assert not SchoolSession.objects.exists()

    def test_the_coordinator_names_a_division_by_code(self, clio_coordinator):
        api = clients.api(clio_coordinator)
        refused = api.post(SESSIONS, _session_body(), format="json")
        assert refused.status_code == 400 and "division" in refused.json()
        made = api.post(SESSIONS, _session_body(division="east"), format="json")
        assert made.status_code == 201 and made.json()["division_code"] == "EAST"

    def test_readers_may_not_write(self, supervisor, analyst, clio):
        session = make_session(clio)
        for user in (supervisor, analyst):
            api = clients.api(user)
            assert api.post(SESSIONS, _session_body(), format="json").status_code == 403
            patched = api.patch(f"{SESSIONS}{session.pk}/", {"version": 1, "audience": 2})
            assert patched.status_code == 403
        assert SchoolSession.objects.count() == 1

    def test_filters(self, clio):
        make_session(clio, school="Hollowmere Academy", held_on=days_ago(40))
        recent = make_session(clio, school="Tidewell School", held_on=days_ago(2))
        api = clients.api(clio)
        rows = api.get(SESSIONS, {"held_from": days_ago(10).isoformat()}).json()["results"]
        assert [r["id"] for r in rows] == [recent.pk]
        rows = api.get(SESSIONS, {"q": "tidewell"}).json()["results"]
        assert [r["id"] for r in rows] == [recent.pk]
        assert api.get(SESSIONS, {"division": "EAST"}).json()["count"] == 0
        assert api.get(SESSIONS, {"division": "north"}).json()["count"] == 2


class TestInterventions:
    def test_a_clio_records_an_intervention(self, clio, gang):
        api = clients.api(clio)
        made = api.post(
            INTERVENTIONS,
            {
                "gang": gang.pk,
                "held_on": days_ago(1).isoformat(),
                "young_people_engaged": 7,
                "referrals_made": 2,
                "outcome": "Two referred to MCET.",
            },
            format="json",
        )
        assert made.status_code == 201, made.content
        assert made.json()["gang_name"] == "Riverside Youngers"
        pk = made.json()["id"]
        too_many = api.patch(
            f"{INTERVENTIONS}{pk}/", {"version": 1, "referrals_made": 8}, format="json"
        )
        assert too_many.status_code == 400 and "referrals_made" in too_many.json()

    def test_a_group_the_clio_may_not_see_is_a_400(self, clio, east_gang):
        answer = clients.api(clio).post(
            INTERVENTIONS,
            {"gang": east_gang.pk, "held_on": days_ago(1).isoformat(), "young_people_engaged": 3},
            format="json",
        )
        assert answer.status_code == 400 and "gang" in answer.json()
        assert not StreetGroupIntervention.objects.exists()

    def test_filter_by_group(self, clio, gang, force):
        from tests.factories import make_gang

        other = make_gang(force["divisions"]["north"], name="Quarry Lane Lot", area="Rochester")
        make_intervention(clio, gang)
        theirs = make_intervention(clio, other)
        api = clients.api(clio)
        rows = api.get(INTERVENTIONS, {"gang": "quarry"}).json()["results"]
        assert [r["id"] for r in rows] == [theirs.pk]
        rows = api.get(INTERVENTIONS, {"gang": str(other.pk)}).json()["results"]
        assert [r["id"] for r in rows] == [theirs.pk]

"""The gang API and pages: create, change, members and links; the list ordered by recent
intelligence and disruptions at a constant query count; 404 for those who may not see a gang."""

from __future__ import annotations

import datetime

import pytest

from disruptions.choices import DisruptionStatus
from kentsoc.gangs.choices import GangRole
from kentsoc.gangs.models import Gang
from kentsoc.org.choices import Rank, Role
from tests.clients import api, web
from tests.conftest import _officer
from tests.factories import make_disruption, make_gang, make_line, make_nominal, make_record

pytestmark = pytest.mark.django_db


def test_the_api_creates_changes_and_links_a_gang(force, clgt_officer):
    north = force["divisions"]["north"]
    client = api(clgt_officer)
    answer = client.post(
        "/api/gangs/",
        {"name": "Eastgate Boys", "area": "Eastgate estate", "division": north.pk},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["reference"].startswith("GNG-") and body["division_code"] == "NORTH"
    assert (body["members"], body["county_lines"], body["intelligence_count"]) == ([], [], 0)
    pk = body["id"]
    person = make_nominal("Tyrell", "Fictional")
    line = make_line(north)
    assert (
        client.post(
            f"/api/gangs/{pk}/members/", {"nominal": person.pk, "role": "leader"}, format="json"
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"/api/gangs/{pk}/county-lines/", {"county_line": line.pk}, format="json"
        ).status_code
        == 201
    )
    # A change must name the version it read.
    assert client.patch(f"/api/gangs/{pk}/", {"area": "Luton"}, format="json").status_code == 428
    changed = client.patch(f"/api/gangs/{pk}/", {"area": "Luton", "version": 3}, format="json")
    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert body["area"] == "Luton" and body["county_lines"] == [line.pk]
    assert body["members"][0]["nominal"] == person.pk and body["members"][0]["role"] == "leader"
    member = body["members"][0]["id"]
    assert client.delete(f"/api/gangs/{pk}/members/{member}/").json()["members"] == []
    assert client.delete(f"/api/gangs/{pk}/county-lines/{line.pk}/").json()["county_lines"] == []


def test_the_api_names_every_wrong_field(force, clgt_officer):
    answer = api(clgt_officer).post(
        "/api/gangs/", {"name": "", "area": "", "division": None, "kind": "crew"}, format="json"
    )
    assert answer.status_code == 400
    assert set(answer.json()) >= {"name", "area", "division", "kind"}


def test_roles_that_may_not_record_gangs_get_403(force, clio):
    answer = api(clio).post(
        "/api/gangs/",
        {"name": "X", "area": "Y", "division": force["divisions"]["north"].pk},
        format="json",
    )
    assert answer.status_code == 403


@pytest.mark.parametrize("who", ["east_clgt", "lro", "researcher", "auditor"])
def test_a_gang_out_of_sight_is_not_found(request, force, who):
    gang = make_gang(force["divisions"]["north"])
    if who == "east_clgt":
        user = _officer(force, Role.CLGT_OFFICER, "clgt_east", "clgt-east", Rank.DC)
    else:
        user = request.getfixturevalue(who)
    assert web(user).get(f"/gangs/{gang.pk}/").status_code in (403, 404)
    assert api(user).get(f"/api/gangs/{gang.pk}/").status_code in (403, 404)
    if who == "east_clgt":
        assert web(user).get(f"/gangs/{gang.pk}/").status_code == 404
        assert api(user).get(f"/api/gangs/{gang.pk}/").status_code == 404
        assert api(user).get("/api/gangs/").json()["count"] == 0


def _world(force, clgt_officer, supervisor, n: int) -> list[Gang]:
    north = force["divisions"]["north"]
    team = force["teams"]["clgt_north"]
    gangs = []
    for i in range(n):
        gang = make_gang(
            north,
            name=f"Crew {i}",
            members=[(make_nominal(f"Member{i}", f"Fictional{i}"), GangRole.MEMBER)],
            lines=[make_line(north, name=f"LINE{i}")],
        )
        record = make_record(lines=[gang.county_lines.get()], on=datetime.date(2022, 1, 1 + i))
        record.gangs.add(gang)
        disruption = make_disruption(
            author=clgt_officer,
            team=team,
            approver=supervisor,
            status=DisruptionStatus.APPROVED,
            date=datetime.date(2022, 3, 1 + i),
        )
        disruption.gangs.add(gang)
        gangs.append(gang)
    return gangs


def test_the_list_puts_the_most_recent_activity_first(force, clgt_officer, supervisor):
    gangs = _world(force, clgt_officer, supervisor, 3)
    quiet = make_gang(force["divisions"]["north"], name="Aardvark quiet")
    rows = api(clgt_officer).get("/api/gangs/").json()["results"]
    assert [r["name"] for r in rows] == ["Crew 2", "Crew 1", "Crew 0", quiet.name]
    assert rows[0]["last_intelligence_on"] == "2022-01-03"
    assert rows[0]["last_disruption_on"] == "2022-03-03"
    assert rows[0]["intelligence_count"] == 1 and rows[0]["disruption_count"] == 1
    html = web(clgt_officer).get("/gangs/").content.decode()
    assert html.index("Crew 2") < html.index("Crew 0") < html.index(quiet.name)
    assert "3 Mar 2022" in html
    assert gangs


def test_the_list_costs_the_same_for_one_gang_or_many(
    force, clgt_officer, supervisor, django_assert_max_num_queries
):
    _world(force, clgt_officer, supervisor, 1)
    client = web(clgt_officer)
    client.get("/gangs/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get("/gangs/").status_code == 200
    with CaptureQueriesContext(connection) as one_api:
        assert api(clgt_officer).get("/api/gangs/").status_code == 200
    _world(force, clgt_officer, supervisor, 6)
    with django_assert_max_num_queries(len(one)):
        assert client.get("/gangs/").status_code == 200
    with django_assert_max_num_queries(len(one_api)):
        assert api(clgt_officer).get("/api/gangs/").status_code == 200


def test_the_pages_create_a_gang_add_a_member_and_link_a_line(force, clgt_officer):
    north = force["divisions"]["north"]
    client = web(clgt_officer)
    assert client.get("/gangs/new/").status_code == 200
    refused = client.post(
        "/gangs/new/", {"name": "", "kind": "gang", "area": "", "status": "active"}
    )
    assert refused.status_code == 400
    assert "There is a problem" in refused.content.decode()
    made = client.post(
        "/gangs/new/",
        {
            "name": "Eastgate Boys",
            "kind": "gang",
            "area": "Eastgate",
            "division": north.pk,
            "status": "active",
        },
    )
    gang = Gang.objects.get(name="Eastgate Boys")
    assert made.status_code == 302 and made["Location"] == f"/gangs/{gang.pk}/"
    person = make_nominal("Kyle", "Fictional")
    added = client.post(f"/gangs/{gang.pk}/members/", {"role": "younger", "nominal": person.pk})
    assert added.status_code == 302
    line = make_line(north, name="VIPER")
    assert (
        client.post(f"/gangs/{gang.pk}/links/county-lines/", {"county_line": line.pk}).status_code
        == 302
    )
    page = client.get(f"/gangs/{gang.pk}/").content.decode()
    assert "Kyle" in page and "Younger" in page and "VIPER" in page
    # The line's page shows the gang.
    assert "Eastgate Boys" in client.get(f"/county-lines/{line.pk}/").content.decode()
    # No person chosen: the form says so at the field.
    again = client.post(f"/gangs/{gang.pk}/members/", {"role": "member"})
    assert again.status_code == 400 and "Choose the person" in again.content.decode()
    edit = client.get(f"/gangs/{gang.pk}/edit/")
    assert edit.status_code == 200
    saved = client.post(
        f"/gangs/{gang.pk}/edit/",
        {
            "version": 3,
            "name": "Eastgate Boys",
            "kind": "street_group",
            "area": "Eastgate",
            "division": north.pk,
            "status": "active",
        },
    )
    assert saved.status_code == 302
    gang.refresh_from_db()
    assert gang.kind == "street_group"


def test_the_clgt_home_page_shows_the_division_gangs(force, clgt_officer):
    make_gang(force["divisions"]["north"], name="Northern crew")
    make_gang(force["divisions"]["east"], name="Eastern crew")
    html = web(clgt_officer).get("/").content.decode()
    assert "Gangs and street groups" in html and "Northern crew" in html
    assert "Eastern crew" not in html


def test_intelligence_and_disruptions_show_on_the_gang_page(force, clgt_officer, supervisor):
    (gang,) = _world(force, clgt_officer, supervisor, 1)
    page = web(clgt_officer).get(f"/gangs/{gang.pk}/").content.decode()
    assert 'data-testid="subject-records"' in page and 'data-testid="subject-disruptions"' in page
    assert f"?gang={gang.pk}" in page


def test_a_disruption_and_an_intelligence_record_name_a_gang(force, clgt_officer):
    gang = make_gang(force["divisions"]["north"], name="Kestrel Youngers")
    form = web(clgt_officer).get(f"/disruptions/new/?gang={gang.pk}").content.decode()
    assert "Gang: " in form and "Kestrel Youngers" in form
    logged = api(clgt_officer).post(
        "/api/disruptions/",
        {
            "date": "2022-10-01",
            "gangs": [gang.pk],
            "strand": "prevent",
            "tactic": "partner_action",
            "impact_grade": "minor",
            "impact_rationale": "Group dispersed from the estate for a week.",
        },
        format="json",
    )
    assert logged.status_code == 201, logged.json()
    assert logged.json()["gangs"] == [gang.pk]
    recorded = api(clgt_officer).post(
        "/api/intelligence/",
        {
            "information_date": "2022-10-02",
            "summary": "Fictional: the group met at the skate park.",
            "source_evaluation": "2",
            "intelligence_assessment": "B",
            "handling_code": "P",
            "gangs": [gang.pk],
        },
        format="json",
    )
    assert recorded.status_code == 201, recorded.json()
    assert recorded.json()["gangs"] == [gang.pk]
    # A record about a gang alone may claim no matrix factor: gangs are not scored.
    claimed = api(clgt_officer).post(
        "/api/intelligence/",
        {
            "information_date": "2022-10-02",
            "summary": "Fictional: knives seen.",
            "source_evaluation": "2",
            "intelligence_assessment": "B",
            "handling_code": "P",
            "gangs": [gang.pk],
            "factor_claims": [{"factor": "weapons", "level": 1}],
        },
        format="json",
    )
    assert claimed.status_code == 400 and "factor_claims" in claimed.json()
    row = api(clgt_officer).get(f"/api/gangs/{gang.pk}/").json()
    assert (row["intelligence_count"], row["last_intelligence_on"]) == (1, "2022-10-02")
    assert (row["disruption_count"], row["last_disruption_on"]) == (1, "2022-10-01")


def test_members_are_listed_leader_first_and_a_clio_sees_no_intelligence_section(
    force, clgt_officer, clio
):
    gang = make_gang(
        force["divisions"]["north"],
        members=[
            (make_nominal("Aaron", "Fictional"), GangRole.YOUNGER),
            (make_nominal("Zed", "Fictional"), GangRole.LEADER),
        ],
    )
    roles = [m["role"] for m in api(clgt_officer).get(f"/api/gangs/{gang.pk}/").json()["members"]]
    assert roles == ["leader", "younger"]
    page = web(clio).get(f"/gangs/{gang.pk}/").content.decode()
    assert 'data-testid="subject-records"' not in page


def test_a_gang_dates_and_counts_only_the_disruptions_the_viewer_may_see(
    force, clgt_officer, clio, supervisor
):
    """The gang's subject test is left out of the disruptions' scope here (a visible gang is a
    visible subject): the rest of it still holds, so a draft is its author's alone."""
    gang = make_gang(force["divisions"]["north"], name="Fictional crew")
    team = force["teams"]["clgt_north"]
    approved = make_disruption(
        author=clgt_officer,
        team=team,
        approver=supervisor,
        status=DisruptionStatus.APPROVED,
        date=datetime.date(2022, 3, 1),
    )
    draft = make_disruption(
        author=clgt_officer,
        team=team,
        status=DisruptionStatus.DRAFT,
        date=datetime.date(2022, 4, 1),
    )
    for disruption in (approved, draft):
        disruption.gangs.add(gang)
    author, other = (
        api(officer).get("/api/gangs/").json()["results"][0] for officer in (clgt_officer, clio)
    )
    assert (author["disruption_count"], author["last_disruption_on"]) == (2, "2022-04-01")
    assert (other["disruption_count"], other["last_disruption_on"]) == (1, "2022-03-01")
    home = web(clio).get("/").content.decode()
    assert "1 Mar 2022" in home and "1 Apr 2022" not in home

"""The national view (/matrix/national/ and /api/reports/national/): each force's figures side
by side, for the supervisors of NCA / ERSOU teams only, in the same few queries however many
forces there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kentsoc.matrix.recompute import recompute_all
from kentsoc.org.choices import Rank, Role, TeamKind
from tests.dashboard.builders import scored_line
from tests.factories import (
    OfficerFactory,
    TeamFactory,
    UserFactory,
    days_ago,
    make_disruption,
    other_force,
)

pytestmark = pytest.mark.django_db

PAGE, API = "/matrix/national/", "/api/reports/national/"


def officer(username, role, team):
    return OfficerFactory(user=UserFactory(username=username), role=role, rank=Rank.DI, team=team)


def country(force, supervisor, forces=1):
    """The test force with two scored lines and disruptions, and `forces` more with one each."""
    north = force["divisions"]["north"]
    lines = [scored_line(north, 3), scored_line(north, 1)]
    team = force["teams"]["clgt_north"]
    approver = UserFactory(username="approver")
    for on in (days_ago(1), days_ago(29), days_ago(31)):  # the last is outside the 30 days
        make_disruption(author=supervisor, team=team, approver=approver, date=on, lines=lines[:1])
    others = []
    for i in range(forces):
        elsewhere = other_force(f"X{i}")
        scored_line(elsewhere["divisions"]["north"], 2)
        others.append(elsewhere["force"])
    recompute_all()
    return others


def test_a_regional_supervisor_sees_every_force_side_by_side(client, force, regional, supervisor):
    (other,) = country(force, supervisor)
    client.force_login(regional)
    assert 'data-testid="national-link"' in client.get("/matrix/").content.decode()
    page = client.get(PAGE)
    assert page.status_code == 200
    assert other.name in page.content.decode()
    body = client.get(API).json()
    by_code = {row["code"]: row for row in body["forces"]}
    home = by_code[force["divisions"]["north"].force.code]
    assert (home["active_lines"], home["total_trh"], home["disruptions"]) == (2, 4, 2)
    assert home["top_line_score"] == 3
    assert (by_code[other.code]["active_lines"], by_code[other.code]["top_line_score"]) == (1, 2)
    assert by_code[other.code]["disruptions"] == 0
    assert set(by_code[other.code]) == {
        "code",
        "name",
        "snapshot_on",
        "active_lines",
        "total_trh",
        "mapped_ocgs",
        "disruptions",
        "top_line_score",
    }, "figures only: no record of any force"


@pytest.mark.parametrize("who", ["supervisor", "analyst", "clgt_officer", "regional_analyst"])
def test_nobody_else_may_see_it(client, force, request, who):
    if who == "regional_analyst":
        team = TeamFactory(code="ERSOU", name="Regional unit", kind=TeamKind.NCA_ERSOU)
        user = officer("regional-analyst", Role.ANALYST, team).user
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    assert 'data-testid="national-link"' not in client.get("/matrix/").content.decode()
    assert client.get(PAGE).status_code == 403
    assert client.get(API).status_code == 403


def test_signed_out_it_asks_for_a_sign_in(client, force):
    assert client.get(PAGE).status_code == 302
    assert client.get(API).status_code in (401, 403)


def test_its_queries_do_not_grow_with_the_forces(client, force, regional, supervisor):
    country(force, supervisor, forces=1)
    client.force_login(regional)
    client.get(API)
    with CaptureQueriesContext(connection) as few:
        assert client.get(API).status_code == 200
    for i in range(3):
        scored_line(other_force(f"Y{i}")["divisions"]["north"], 1)
    recompute_all()
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(API).json()["forces"]) == 5
    assert len(many) == len(few)

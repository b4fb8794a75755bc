"""/api/lifetime/…: who may read the coordinator lists, what an LRO sees, bad windows as 400 with
field messages, and the same number of queries whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from kentsoc.lifetime.services.scpos import scpo_apply, scpo_breach_record, scpo_make
from tests.clients import api
from tests.lifetime.conftest import adult_member, days
from tests.lifetime.test_views import _in_prison

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/lifetime/releases/",
    "/api/lifetime/scpos-expiring/",
    "/api/lifetime/scpo-breaches/",
    "/api/lifetime/in-prison/",
]


def _with_scpo(actor, nominal, today):
    scpo = scpo_apply(actor=actor, nominal=nominal, applied_on=today - days(40))
    scpo = scpo_make(
        actor=actor,
        scpo=scpo,
        version=scpo.version,
        court="Invented Crown Court",
        made_on=today - days(30),
        duration_months=2,
        conditions="No more than one phone.",
        impact_grade="major",
        impact_rationale="Restricts the group.",
    )
    scpo_breach_record(actor=actor, scpo=scpo, breached_on=today - days(1), action_taken="Warned.")


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("role", ["clgt_officer", "clio", "researcher", "auditor", "outsider"])
def test_roles_without_lifetime_access_are_refused(request, url, role):
    assert api(request.getfixturevalue(role)).get(url).status_code == 403
    assert APIClient().get(url).status_code == 401


def test_an_lro_sees_their_own_ocgs_members_only(coordinator, lro, member, stranger, today):
    for nominal in (member, stranger):
        _in_prison(coordinator, nominal, today, release_in=10)
        _with_scpo(coordinator, nominal, today)
    for url in LISTS:
        mine = api(lro).get(url).json()["results"]
        assert [row["nominal"] for row in mine] == [member.pk], url
        everyone = api(coordinator).get(url).json()["results"]
        assert {row["nominal"] for row in everyone} == {member.pk, stranger.pk}, url


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/api/lifetime/releases/", {"within": "soon"}, "within"),
        ("/api/lifetime/releases/", {"within": "-1"}, "within"),
        ("/api/lifetime/scpos-expiring/", {"within": "9999"}, "within"),
        ("/api/lifetime/scpo-breaches/", {"from": "2025-13-01"}, "from"),
    ],
)
def test_bad_windows_are_400_with_field_messages(coordinator, url, params, field):
    response = api(coordinator).get(url, params)
    assert response.status_code == 400
    assert response.json()[field]


@pytest.mark.parametrize("url", LISTS)
def test_query_counts_are_constant(url, coordinator, lro_ocg, today):
    client = api(coordinator)

    def add(count):
        for _ in range(count):
            nominal = adult_member(lro_ocg)
            _in_prison(coordinator, nominal, today, release_in=20)
            _with_scpo(coordinator, nominal, today)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    add(1)
    queries()  # warm the user's permission cache
    one, rows = queries()
    assert rows == 1
    add(5)
    assert queries() == (one, 6)

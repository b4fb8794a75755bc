"""Lists cost the same number of queries for one row as for many."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import clients
from tests.factories import make_intervention, make_session

pytestmark = pytest.mark.django_db

PATHS = [
    "/prevention/school-sessions/",
    "/prevention/interventions/",
    "/api/prevention/school-sessions/",
    "/api/prevention/interventions/",
    "/reports/clio-activity/",
]


def _counts(client) -> list[int]:
    counts = []
    for path in PATHS:
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200, path
        counts.append(len(captured))
    return counts


def test_one_row_costs_what_many_rows_cost(clio, gang, east_clio, east_gang):
    make_session(clio)
    make_intervention(clio, gang)
    client = clients.web(clio)
    one = _counts(client)
    for n in range(6):
        make_session(clio, school=f"Invented School {n}")
        make_intervention(clio, gang)
        make_session(east_clio)
    assert _counts(client) == one

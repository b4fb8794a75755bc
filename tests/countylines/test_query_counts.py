"""The lines list (page, htmx partial, CSV, API) costs the same queries for 1 row as for many,
whatever the rows carry: districts, shared deal lines, nominals, evidence, OCG, flex, scores."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from countylines.choices import LineStatus
from tests import clients
from tests.countylines.test_api import _score
from tests.factories import evidence_all, make_line, make_nominal, make_ocg


def _add_lines(force, count: int, start: int) -> None:
    d, divisions = force["districts"], force["divisions"]
    ocg = make_ocg(division=divisions["north"], name=f"Crew {start}", members=0)
    for i in range(start, start + count):
        flexed = divisions["central"] if i % 3 == 0 else None
        line = make_line(
            districts=[d["medway"], d["dartford"]] if i % 2 else [d["thanet"]],
            name=f"LINE{i}",
            status=LineStatus.ACTIVE,
            # Every line shares a number with the fixture's line, so every row has a duplicate.
            numbers=["07700900123", f"07700900{500 + i:03d}"],
            flexed_division=flexed,
            ocg=ocg if i % 2 else None,
        )
        line.line_nominals.create(nominal=make_nominal(f"Runner{i}"), role="runner")
        line.line_nominals.create(nominal=make_nominal(f"Holder{i}"), role="line_holder")
        evidence_all(line)
        _score(line, total=20 - i, rank=i + 1)


def _csv(client):
    def get():
        response = client.get("/county-lines/", {"format": "csv"})
        b"".join(response.streaming_content)
        return response

    return get


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "params", [{}, {"status": "active"}, {"division": "CENTRAL"}, {"ordering": "-score"}]
)
def test_lines_list_queries_do_not_grow_with_rows(force, line, supervisor, params):
    web, api = clients.web(supervisor), clients.api(supervisor)
    lists = {
        "page": lambda: web.get("/county-lines/", params),
        "partial": lambda: web.get("/county-lines/", params, headers={"HX-Request": "true"}),
        "csv": _csv(web),
        "api": lambda: api.get("/api/county-lines/", params),
    }
    _add_lines(force, 1, start=0)
    for fn in lists.values():
        fn()  # per-process caches (access profile, content types) fill on first use
    few = {name: _count(fn) for name, fn in lists.items()}
    _add_lines(force, 8, start=1)
    many = {name: _count(fn) for name, fn in lists.items()}
    assert many == few
    if not params:  # the counts are of full lists
        assert api.get("/api/county-lines/").json()["count"] == 10
        assert web.get("/county-lines/").content.decode().count('data-testid="line-row"') == 10

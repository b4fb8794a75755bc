"""The dashboard's numbers equal the APIs' (matrix rankings and snapshots, the disruptions
activity summary), and its query count does not grow with the data."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disruptions.choices import DisruptionStatus, ImpactGrade
from kentsoc.matrix.recompute import recompute_all
from kentsoc.web.people import day_month
from tests.dashboard.builders import approved_disruption, scored_line, scored_ocg
from tests.factories import days_ago

pytestmark = pytest.mark.django_db

URL = reverse("matrix:dashboard")


def _data(force, scale: int) -> None:
    """`scale` lines per division, OCGs managed by Division and SCD, disruptions over six
    months against lines and OCGs, snapshots on several days and rank history a week ago."""
    divisions = [force["divisions"][k] for k in ("north", "east", "west")]
    teams = [force["teams"]["north_local"], force["teams"]["soc"], None]
    ocgs = []
    for i in range(scale):
        for n, division in enumerate(divisions):
            line = scored_line(division, points=1 + (i + n) % 3)
            ocg = scored_ocg(division, managing_team=teams[(i + n) % 3])
            ocgs.append(ocg)
            grade = ImpactGrade.values[(i + n) % len(ImpactGrade.values)]
            approved_disruption(force, days_ago(20 * n + i % 150), grade=grade, lines=[line])
            approved_disruption(force, days_ago(35 * n + 3 * i), grade=grade, ocgs=[ocg])
    for age in (400, 200, 60, 7, 1):
        recompute_all(as_of=days_ago(age))
    recompute_all()


def _chart(response, element_id: str) -> dict:
    """A chart's data as the page gives it to Chart.js (its json_script element)."""
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found, f"no {element_id} on the page"
    return json.loads(found.group(1))


def _count(client, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params or {}).status_code == 200
    return len(ctx)


def test_query_count_does_not_grow_with_the_data(client, force, supervisor):
    _data(force, scale=1)
    client.force_login(supervisor)
    _count(client)  # the session user's permission cache
    small = _count(client)
    small_history = _count(client, {"as_of": days_ago(7).isoformat()})
    small_live = len_live(client)
    _data(force, scale=10)
    # The re-rank gave the rankings a new stamp: the first read fills its cache entry (one query
    # more), the next is counted like the small one's.
    assert _count(client) == small + 1
    assert _count(client) == small
    assert _count(client, {"as_of": days_ago(7).isoformat()}) == small_history
    assert len_live(client) == small_live


def len_live(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("matrix:live"), {"token": "old"}).status_code == 200
    return len(ctx)


def test_every_chart_and_total_equals_the_api(client, force, supervisor):
    _data(force, scale=4)
    # Waiting and returned disruptions count nowhere.
    waiting = approved_disruption(force, days_ago(2))
    waiting.status = DisruptionStatus.SUBMITTED
    waiting.approved_by = waiting.approved_at = None
    waiting.save()
    client.force_login(supervisor)
    response = client.get(URL)
    ctx = response.context
    board = ctx["board"]

    # Force totals now = the ranked lines and OCGs of the matrix API.
    lines = client.get("/api/matrix/county-lines/", {"page_size": 500}).json()
    assert board.rankings.totals.active_lines == lines["count"] == 12
    assert board.rankings.totals.total_trh == sum(r["score"] for r in lines["results"])
    ocgs = client.get("/api/matrix/ocgs/", {"page_size": 500}).json()
    assert board.rankings.totals.mapped_ocgs == ocgs["count"] == 12
    api_top = {(r["division"], r["rank"]): (r["reference"], r["score"]) for r in lines["results"]}
    page_top = {
        (p.code, r.rank): (r.reference, r.total) for p in board.rankings.lines for r in p.top
    }
    assert page_top == api_top

    # The trend chart and the OCG growth chart = the snapshots API.
    snapshots = client.get(
        "/api/matrix/snapshots/", {"from": days_ago(500).isoformat(), "page_size": 500}
    ).json()["results"]
    by_day = {s["on"]: s for s in snapshots}
    trend = _chart(response, "trend-chart-data")
    days = sorted(d for d in by_day if d >= days_ago(119).isoformat())
    assert trend["labels"] == [day_month(datetime.date.fromisoformat(d)) for d in days]
    assert trend["datasets"][0]["data"] == [by_day[d]["active_lines"] for d in days]
    assert trend["datasets"][1]["data"] == [by_day[d]["total_trh"] for d in days]
    assert by_day[days_ago(0).isoformat()]["active_lines"] == board.rankings.totals.active_lines
    growth = [p for p in board.trends.ocg_growth if p.on is not None]
    assert len(growth) >= 3
    assert [p.mapped_ocgs for p in growth] == [
        by_day[p.on.isoformat()]["mapped_ocgs"] for p in growth
    ]

    # The disruptions chart = the activity summary API, month by month and in all.
    figures = board.disruptions
    assert figures.total > 0 and len(figures.months) in (6, 7)
    chart = _chart(response, "disruption-chart-data")
    for i, month in enumerate(figures.months):
        api = client.get(
            "/api/reports/activity-summary/",
            {"from": month.date_from.isoformat(), "to": month.date_to.isoformat()},
        ).json()
        assert month.total == api["disruptions"]
        grades = {d["label"]: d["data"][i] for d in chart["datasets"]}
        assert grades == {ImpactGrade(g).label: n for g, n in api["by_impact_grade"].items()}
    whole = client.get(
        "/api/reports/activity-summary/",
        {"from": figures.date_from.isoformat(), "to": figures.date_to.isoformat()},
    ).json()
    assert figures.total == whole["disruptions"]
    assert figures.by_grade == whole["by_impact_grade"]
    html = response.content.decode()
    assert f'data-testid="disruptions-count">{whole["disruptions"]}<' in html

"""The supervisors' matrix dashboard in the browser, with a REAL Celery worker.

A supervisor opens the dashboard: each division's top-30 table in rank order behind its tab, the
Chart.js charts drawn from the same numbers as their accessible tables. Then intelligence is
posted through the API; the worker rescores and re-ranks the line, and the open page shows the
new score and rank by itself (htmx polling of the live fragment), with no reload.

The live server, this process and the worker share the test database, which is why the test is
transactional: the worker and the server's thread only see committed rows.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kentsoc.matrix.models import ForceSnapshot
from kentsoc.matrix.recompute import recompute_all
from kentsoc.web import people
from tests.dashboard.builders import approved_disruption, scored_line
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD, ForceFactory, days_ago
from tests.integration.worker import real_worker_fixture  # noqa: F401  (the real_worker fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

LIVE_TIMEOUT = 45_000  # ms: the page polls every 3 s; the worker needs well under a second


@pytest.fixture
def matrix(force):
    """Three ranked lines in North, one in East, one flexed from East to the Central CLGT, 31 in
    West (one below the top 30); four days of force snapshots; approved disruptions in two
    impact grades."""
    north, east = force["divisions"]["north"], force["divisions"]["east"]
    for _ in range(31):
        scored_line(force["divisions"]["west"], points=1)
    lines = {
        "ASTER": scored_line(north, points=3, reference="CL-E001", name="ASTER"),
        "BRAMBLE": scored_line(north, points=2, reference="CL-E002", name="BRAMBLE"),
        "CLOVER": scored_line(north, points=1, reference="CL-E003", name="CLOVER"),
        "DAISY": scored_line(east, points=2, reference="CL-E004", name="DAISY"),
        "ELDER": scored_line(
            east,
            points=1,
            reference="CL-E005",
            name="ELDER",
            flexed_division=force["divisions"]["central"],
            flex_reason="Fictional: the Central CLGT leads",
        ),
    }
    for n, (count, trh) in enumerate([(9, 60), (8, 41), (6, 30)], start=1):
        ForceSnapshot.objects.create(
            force=ForceFactory(), on=days_ago(n), active_lines=count, total_trh=trh, mapped_ocgs=0
        )
    approved_disruption(force, days_ago(5), grade="major", lines=[lines["ASTER"]])
    approved_disruption(force, days_ago(6), grade="minor")
    recompute_all()  # today's scores, rankings and snapshot: 36 lines, TRH 3+2+1+2+1+31
    return lines


def _rows(page: Page, division: str):
    return page.get_by_test_id(f"line-top30-{division}").get_by_test_id("line-row")


def _chart_data(page: Page, canvas_id: str) -> list[list[int]]:
    """The numbers Chart.js drew, once the chart exists."""
    page.wait_for_function(
        "id => window.Chart && Chart.getChart(id) && Chart.getChart(id).data.labels.length > 0",
        arg=canvas_id,
    )
    return page.evaluate(
        "id => Chart.getChart(id).data.datasets.map(d => d.data)",
        canvas_id,
    )


def _post_intelligence(client, line_id: int, claims: dict[str, int]) -> None:
    response = client.post(
        "/api/intelligence/",
        {
            "rms_reference": "ATH-FICT-E2E",
            "information_date": timezone.localdate().isoformat(),
            "summary": "Fictional intelligence for the dashboard's browser test.",
            "source_evaluation": "1",
            "intelligence_assessment": "B",
            "handling_code": "P",
            "county_lines": [line_id],
            "factor_claims": [{"factor": f, "level": lv} for f, lv in claims.items()],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def test_dashboard_tables_charts_and_live_update_from_a_real_worker(
    page: Page, real_worker, client, supervisor, matrix
):
    login(page, supervisor.username, TEST_PASSWORD)
    page.goto("/matrix/")

    # One tab per division (and the Central CLGT), North open first with its top 30 in order.
    tabs = page.locator('[data-tabs="lines"] [role="tab"]')
    expect(tabs).to_have_count(4)
    for tab, name in zip(tabs.all(), ["North", "East", "West", "Central"], strict=True):
        expect(tab).to_contain_text(name)
    expect(page.locator("#lines-NORTH")).to_be_visible()
    expect(page.locator("#lines-EAST")).to_be_hidden()
    north = _rows(page, "NORTH")
    expect(north).to_have_count(3)
    expect(north.locator("td:first-child")).to_have_text(["1", "2", "3"])
    expect(north.get_by_test_id("score")).to_have_text(["3", "2", "1"])
    for row, reference in zip(north.all(), ["CL-E001", "CL-E002", "CL-E003"], strict=True):
        expect(row).to_have_attribute("data-reference", reference)

    # The other tabs load when opened; so do the rows below a top 30, when expanded.
    tabs.filter(has_text="Central").click()
    expect(page.locator("#lines-CENTRAL")).to_be_visible()
    expect(page.locator("#lines-NORTH")).to_be_hidden()
    expect(_rows(page, "CENTRAL")).to_have_count(1)
    expect(_rows(page, "CENTRAL")).to_contain_text("ELDER flexed from East")
    tabs.filter(has_text="East").click()
    expect(page.get_by_test_id("flexed-out-EAST")).to_contain_text("CL-E005 ELDER")
    tabs.filter(has_text="West").click()
    expect(_rows(page, "WEST")).to_have_count(30)
    page.locator("#lines-WEST summary").click()
    expect(page.get_by_test_id("line-rest-WEST").get_by_test_id("line-row")).to_have_count(1)
    tabs.filter(has_text="North").click()
    expect(page.locator("#lines-NORTH")).to_be_visible()

    # The trend chart was drawn with the snapshots' numbers, which its table also lists.
    expected_dates = [(timezone.localdate() - datetime.timedelta(days=n)) for n in (3, 2, 1, 0)]
    assert _chart_data(page, "trend-chart") == [[6, 8, 9, 36], [30, 41, 60, 40]]
    trend_rows = page.get_by_test_id("trend-table").locator("tbody tr")
    expect(trend_rows).to_have_count(4)
    for row, day, lines, trh in zip(
        trend_rows.all(), expected_dates, [6, 8, 9, 36], [30, 41, 60, 40], strict=True
    ):
        expect(row.locator("td")).to_have_text([people.day(day), str(lines), str(trh)])
    page.get_by_test_id("trend-table").locator("xpath=ancestor::details/summary").click()
    expect(page.get_by_test_id("trend-table")).to_be_visible()
    # The disruptions chart stacks the impact grades; its table's total row says the same.
    grades = _chart_data(page, "disruption-chart")
    assert sum(sum(d) for d in grades) == 2
    expect(page.get_by_test_id("disruptions-count")).to_have_text("2")
    expect(page.get_by_test_id("active-lines")).to_have_text("36")
    expect(page.get_by_test_id("total-trh")).to_have_text("40")

    # Intelligence through the API; a real worker rescores CLOVER: drug class B/C (1) + a
    # firearm (5) + child exploitation confirmed (6) + recency (2) = 14, first in North.
    page.evaluate("window.kentsocNotReloaded = true")
    real_worker.start("dashboard")
    client.force_login(supervisor)
    _post_intelligence(client, matrix["CLOVER"].pk, {"weapons": 2, "child_exploitation": 2})

    expect(north.first).to_have_attribute("data-reference", "CL-E003", timeout=LIVE_TIMEOUT)
    expect(north.get_by_test_id("score")).to_have_text(["14", "3", "2"], timeout=LIVE_TIMEOUT)
    expect(north.locator("td:first-child")).to_have_text(["1", "2", "3"])
    expect(page.get_by_test_id("total-trh")).to_have_text("53", timeout=LIVE_TIMEOUT)
    expect(page.get_by_test_id("fresh")).to_be_visible(timeout=LIVE_TIMEOUT)
    # Same page, not a reload, and the supervisor's tab choice survived the swap.
    assert page.evaluate("window.kentsocNotReloaded === true")
    expect(page.locator("#lines-NORTH")).to_be_visible()
    expect(page.locator("#lines-EAST")).to_be_hidden()

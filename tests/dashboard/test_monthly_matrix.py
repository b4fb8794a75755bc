"""The monthly matrix (/matrix/monthly/, /api/reports/monthly-matrix/): month-end readings written
by the real engine on two month-ends, the top 30, who entered and left and why, the month's
disruptions, the CSV and the print layout, bad months, access and the audit trail."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from countylines.choices import LineStatus
from countylines.models import CountyLine, CountyLineStatusChange, FlexPeriod
from disruptions.choices import DisruptionStatus, Tactic
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.dashboard.charts import last_of_month
from kentsoc.dashboard.monthly import last_complete_month
from kentsoc.dashboard.reports import activity_summary
from kentsoc.dates import add_months
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.matrix.models import RankHistory, Score, factor_levels
from kentsoc.matrix.recompute import recompute_all
from tests.clients import api, web
from tests.factories import UserFactory, make_disruption, make_matrix_line, make_record

pytestmark = pytest.mark.django_db

PAGE = reverse("matrix:monthly")
API = reverse("api:monthly-matrix")

FILLERS = 27


@dataclass(frozen=True)
class Ends:
    """The two readings: the last complete month's end (M) and the month-end before it (P)."""

    month: datetime.date  # the first day of the last complete month
    m: datetime.date
    p: datetime.date
    old: datetime.date  # intelligence too old for recency points on either day


@pytest.fixture
def ends() -> Ends:
    """Worked out when the test runs, as the page works out the month it opens on: constants
    computed at collection would name the month before it once a run crosses into a new month."""
    month = last_complete_month()
    p = month - datetime.timedelta(days=1)
    return Ends(month=month, m=last_of_month(month), p=p, old=p - datetime.timedelta(days=200))


def _at(when: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(when, datetime.time(hour), tzinfo=datetime.UTC)


@pytest.fixture
def months(force, ends):
    """North and East on two month-ends, scored and ranked by recompute_all:

    P: FALL 6 (a firearm), 27 fillers and DISM 5, EDGE 4 (30th), TAIL x2 2, RISE 1; East: FLEX 7.
    M: RISE 8 (a firearm reported this month, and recent), NEWL 7 (activated this month), FLEX 7
    (flexed from East this month), 27 fillers 5 — the top 30 — then EDGE 4 (pushed to 31st by
    nothing of its own), TAIL x2 2, FALL 1 (its firearm record deleted); DISM dismantled.
    """
    north, east = force["divisions"]["north"], force["divisions"]["east"]
    since = ends.p - datetime.timedelta(days=300)
    steady = {"drug_class": 2, "line_activity": 3}  # 2 + 3 = 5
    lines = {
        f"F{i:02d}": make_matrix_line(
            north, f"CL-F{i:02d}", active_from=since, claims=steady, on=ends.old
        )
        for i in range(1, FILLERS + 1)
    }
    lines["FALL"] = make_matrix_line(
        north, "CL-FALL", active_from=since, claims={"drug_class": 1}, on=ends.old
    )
    firearm = make_record(
        lines=[lines["FALL"]], claims={"weapons": 2}, on=ends.old - datetime.timedelta(days=1)
    )
    # Deleted in the month: it counted on P and no longer on M.
    IntelligenceRecord.objects.filter(pk=firearm.pk).update(
        deleted_at=_at(ends.m - datetime.timedelta(days=3))
    )
    lines["DISM"] = make_matrix_line(
        north, "CL-DISM", active_from=since, claims=steady, on=ends.old
    )
    dismantled_on = ends.p + datetime.timedelta(days=4)
    CountyLineStatusChange.objects.create(
        county_line=lines["DISM"],
        from_status=LineStatus.ACTIVE,
        to_status=LineStatus.DISMANTLED,
        effective_on=dismantled_on,
    )
    CountyLine.objects.filter(pk=lines["DISM"].pk).update(status=LineStatus.DISMANTLED)
    lines["EDGE"] = make_matrix_line(
        north,
        "CL-EDGE",
        active_from=since,
        claims={"drug_class": 2, "line_activity": 2},
        on=ends.old,
    )
    for name in ("TAIL1", "TAIL2"):
        lines[name] = make_matrix_line(
            north, f"CL-{name}", active_from=since, claims={"drug_class": 2}, on=ends.old
        )
    lines["RISE"] = make_matrix_line(
        north, "CL-RISE", active_from=since, claims={"drug_class": 1}, on=ends.old
    )
    make_record(
        lines=[lines["RISE"]], claims={"weapons": 2}, on=ends.m - datetime.timedelta(days=10)
    )
    lines["NEWL"] = make_matrix_line(
        north,
        "CL-NEWL",
        active_from=ends.p + datetime.timedelta(days=5),
        claims={"drug_class": 3, "line_activity": 2},
        on=ends.p + datetime.timedelta(days=5),
    )
    lines["FLEX"] = make_matrix_line(
        east,
        "CL-FLEX",
        active_from=since,
        claims={"drug_class": 2, "line_activity": 2, "cuckooing": 1},
        on=ends.old,
    )
    FlexPeriod.objects.create(
        county_line=lines["FLEX"],
        division=north,
        reason="North CLGT leads",
        started_on=ends.p + datetime.timedelta(days=8),
    )
    CountyLine.objects.filter(pk=lines["FLEX"].pk).update(
        flexed_division=north, flex_reason="North CLGT leads"
    )
    recompute_all(as_of=ends.p)
    recompute_all(as_of=ends.m)
    return {"lines": lines, "dismantled_on": dismantled_on}


def _disruptions(force, ends):
    author = UserFactory(username="logger")
    approver = UserFactory(username="approver")
    north_team = force["teams"]["clgt_north"]
    central = force["teams"]["central_clgt"]
    made = [
        (ends.m - datetime.timedelta(days=2), north_team, Tactic.ARREST, DisruptionStatus.APPROVED),
        (ends.month, north_team, Tactic.ARREST, DisruptionStatus.APPROVED),
        (
            ends.month + datetime.timedelta(days=9),
            central,
            Tactic.WARRANT,
            DisruptionStatus.APPROVED,
        ),
        (ends.p, north_team, Tactic.ARREST, DisruptionStatus.APPROVED),  # the month before
        (
            ends.month + datetime.timedelta(days=3),
            north_team,
            Tactic.CHARGE,
            DisruptionStatus.DRAFT,
        ),
    ]
    for on, team, tactic, status in made:
        make_disruption(
            author=author,
            approver=approver if status == DisruptionStatus.APPROVED else None,
            team=team,
            date=on,
            tactic=tactic,
            status=status,
            arrests=1,
        )


def _division(body: dict, code: str) -> dict:
    return next(d for d in body["divisions"] if d["code"] == code)


def _by_reference(movers: list[dict]) -> dict[str, dict]:
    return {m["reference"]: m for m in movers}


def test_the_month_end_reading_top_30_and_who_entered_and_left_and_why(
    months, ends, force, supervisor
):
    _disruptions(force, ends)
    response = api(supervisor).get(API, {"month": f"{ends.month:%Y-%m}"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["month"] == f"{ends.month:%Y-%m}" and body["month_end"] == ends.m.isoformat()
    reading, previous = body["reading"], body["previous_reading"]
    assert reading["on"] == ends.m.isoformat() and previous["on"] == ends.p.isoformat()
    # M: RISE 8, NEWL 7, FLEX 7, 27 x 5, EDGE 4, TAIL 2 + 2, FALL 1.
    assert (reading["active_lines"], reading["total_trh"]) == (34, 8 + 7 + 7 + 27 * 5 + 4 + 4 + 1)
    # P: FALL 6, 27 x 5, DISM 5, EDGE 4, TAIL 2 + 2, RISE 1; East: FLEX 7.
    assert (previous["active_lines"], previous["total_trh"]) == (34, 6 + 28 * 5 + 4 + 4 + 1 + 7)

    north = _division(body, "NORTH")
    top = north["top30"]
    assert [t["rank"] for t in top] == list(range(1, 31))
    assert [t["reference"] for t in top[:3]] == ["CL-RISE", "CL-NEWL", "CL-FLEX"]
    assert {t["reference"] for t in top[3:]} == {f"CL-F{i:02d}" for i in range(1, FILLERS + 1)}
    assert top[0]["score"] == 8 and top[0]["previous_rank"] == 33

    entered = _by_reference(north["entered"])
    assert set(entered) == {"CL-RISE", "CL-NEWL", "CL-FLEX"}
    rise = entered["CL-RISE"]
    assert (rise["previous_rank"], rise["rank"], rise["previous_score"], rise["score"]) == (
        33,
        1,
        1,
        8,
    )
    # The factor that moved first: a firearm (+5), then recency (+2).
    assert [(f["factor"], f["change"]) for f in rise["factors"]] == [
        ("weapons", 5),
        ("recency", 2),
    ]
    assert rise["reason"].startswith("Weapons: none → firearm (+5)")
    assert entered["CL-NEWL"]["reason"] == "New on the matrix this month"
    assert entered["CL-NEWL"]["previous_rank"] is None
    assert entered["CL-FLEX"]["reason"] == "Flexed here from East"

    left = _by_reference(north["left"])
    assert set(left) == {"CL-FALL", "CL-DISM", "CL-EDGE"}
    fall = left["CL-FALL"]
    assert (fall["previous_rank"], fall["rank"], fall["score"]) == (1, 34, 1)
    assert [(f["factor"], f["change"]) for f in fall["factors"]] == [("weapons", -5)]
    assert fall["reason"] == "Weapons: firearm → none (-5)"
    assert left["CL-DISM"]["rank"] is None
    assert left["CL-DISM"]["reason"].startswith("Dismantled on ")
    edge = left["CL-EDGE"]
    assert (edge["previous_rank"], edge["rank"], edge["factors"]) == (30, 31, [])
    assert edge["reason"] == "No fall of its own: overtaken by lines that rose or joined"

    east = _division(body, "EAST")
    assert east["top30"] == [] and east["entered"] == []
    assert [(m["reference"], m["reason"]) for m in east["left"]] == [("CL-FLEX", "Flexed to North")]

    # The month's approved disruptions, as the activity summary counts them.
    disruptions = body["disruptions"]
    summary = activity_summary(
        force_id=force["divisions"]["north"].force_id, date_from=ends.month, date_to=ends.m
    )
    assert disruptions["total"] == summary.disruptions == 3
    assert disruptions["by_tactic"] == [
        {"tactic": "Arrest", "count": 2},
        {"tactic": "Warrant", "count": 1},
    ]
    assert sorted(t["count"] for t in disruptions["by_team"]) == [1, 2]


def test_the_engine_records_each_days_score_by_factor(months, ends, force):
    """Both writers of rank history keep the factors: recompute_all's past days (the fixture) and
    the ranking SQL for today."""
    rise = months["lines"]["RISE"]
    on_m = RankHistory.objects.get(on=ends.m, county_line=rise).factors
    assert on_m["weapons"] == [2, 5] and on_m["recency"] == [2, 2]
    recompute_all()
    today_row = RankHistory.objects.exclude(on__in=[ends.p, ends.m]).get(county_line=rise)
    score = Score.objects.get(county_line=rise, is_current=True)
    assert today_row.factors == factor_levels(score.breakdown)
    assert today_row.factors["drug_class"] == [1, 1]


def test_the_page_shows_the_reading_the_movers_and_a_month_picker(months, ends, force, supervisor):
    _disruptions(force, ends)
    response = web(supervisor).get(PAGE)  # no month: the last complete one
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["report"].key == f"{ends.month:%Y-%m}"
    assert f'value="{ends.month:%Y-%m}"' in html and 'type="month"' in html
    assert 'data-testid="active-lines">34<' in html
    assert 'data-testid="top30-NORTH"' in html and html.count('data-testid="top-row"') == 30
    assert "Weapons: none → firearm (+5)" in html and "Flexed here from East" in html
    assert "No fall of its own" in html
    assert 'data-testid="disruptions-total">3<' in html
    assert (
        reverse("matrix:monthly")
        in web(supervisor).get(reverse("matrix:dashboard")).content.decode()
    )


def test_print_layout_is_a4_without_the_menus(months, supervisor):
    html = web(supervisor).get(PAGE).content.decode()
    assert "css/monthly.css" in html
    css = (Path(settings.BASE_DIR) / "static/css/monthly.css").read_text()
    assert "@media print" in css and "size: A4" in css
    assert "break-before: page" in css and "display: table-header-group" in css
    assert "break-inside: avoid" in css
    # The site's menus are hidden in print by the base stylesheet; the page's controls by no-print.
    base = (Path(settings.BASE_DIR) / "static/css/kentsoc.css").read_text()
    assert ".site-nav" in base.split("@media print", 1)[1]
    assert 'class="inline-form no-print" data-testid="month-form"' in html


def test_csv_has_the_month_in_its_name_and_every_section(months, ends, force, supervisor):
    _disruptions(force, ends)
    response = web(supervisor).get(PAGE, {"month": f"{ends.month:%Y-%m}", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        f'attachment; filename="monthly-matrix-{ends.month:%Y-%m}.csv"'
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Section", "Division", "Rank"]
    sections = {r[0] for r in rows[1:]}
    assert {"Month-end reading", "Top 30", "Entered", "Left", "Disruptions"} <= sections
    entered = [r for r in rows if r[0] == "Entered" and r[3] == "CL-RISE"]
    assert entered and entered[0][8].startswith("Weapons: none → firearm (+5)")
    assert ["Month-end reading", "", "", "", "Total TRH", "166", "", "", ends.m.isoformat()] in rows
    event = AuditEvent.objects.filter(actor=supervisor, action=AuditAction.EXPORT).get()
    assert event.object_type == "matrix.monthly"
    assert event.changes["filters"] == {"month": f"{ends.month:%Y-%m}"}


@pytest.mark.parametrize(
    "month, message",
    [
        ("2022-13", "There is no month 13"),
        ("abc", "Enter a month as YYYY-MM"),
        ("2022-7", "Enter a month as YYYY-MM"),
        ("2999-01", "no figures for a future month"),
        ("1899-12", "Choose a month from 1900"),
    ],
)
def test_a_bad_month_is_a_clear_400_never_a_500(month, message, force, supervisor):
    response = api(supervisor).get(API, {"month": month})
    assert response.status_code == 400
    assert message in response.json()["month"][0]
    page = web(supervisor).get(PAGE, {"month": month})
    assert page.status_code == 400
    assert (
        message in page.content.decode() and 'data-testid="error-summary"' in page.content.decode()
    )


def test_a_month_with_no_reading_says_so(force, supervisor):
    body = api(supervisor).get(API, {"month": "2015-03"}).json()
    assert body["reading"] is None and body["previous_reading"] is None
    assert all(d["top30"] == [] for d in body["divisions"])
    html = web(supervisor).get(PAGE, {"month": "2015-03"}).content.decode()
    assert 'data-testid="no-reading"' in html


def test_readers_of_the_matrix_may_see_it_others_may_not(
    months, supervisor, analyst, coordinator, clio, auditor, administrator
):
    for user in (supervisor, analyst, coordinator, clio):
        assert web(user).get(PAGE).status_code == 200, user
        assert api(user).get(API).status_code == 200, user
    for user in (auditor, administrator):
        assert web(user).get(PAGE).status_code == 403, user
        assert api(user).get(API).status_code == 403, user


def test_reading_it_is_audited_with_the_lines_it_named(months, ends, supervisor):
    api(supervisor).get(API, {"month": f"{ends.month:%Y-%m}"})
    event = AuditEvent.objects.get(actor=supervisor, object_type="countylines.countyline")
    assert event.action == AuditAction.LIST
    assert event.changes["query"] == {"month": f"{ends.month:%Y-%m}"}
    shown = set(event.changes["ids"])
    assert months["lines"]["RISE"].pk in shown and months["lines"]["EDGE"].pk in shown


def test_constant_queries_however_many_lines(
    months, force, supervisor, django_assert_max_num_queries
):
    """The page and the API cost the same with one division's 30 lines as with more: the
    movers' reasons come from the rank history rows, not a query each."""
    client = api(supervisor)
    client.get(API)  # warm the session and permission caches
    with django_assert_max_num_queries(7):
        assert client.get(API).status_code == 200
    page = web(supervisor)
    page.get(PAGE)
    with django_assert_max_num_queries(12):
        assert page.get(PAGE).status_code == 200


def test_the_month_before_the_first_reading_still_lists_the_top_30(months, ends, supervisor):
    """The first month-end has no month before it: a top 30, no entered or left."""
    body = api(supervisor).get(API, {"month": f"{add_months(ends.month, -1):%Y-%m}"}).json()
    assert body["previous_reading"] is None
    north = _division(body, "NORTH")
    assert len(north["top30"]) == 30 and north["entered"] == north["left"] == []
    assert north["top30"][0]["reference"] == "CL-FALL"
    assert all(t["previous_rank"] is None for t in north["top30"])

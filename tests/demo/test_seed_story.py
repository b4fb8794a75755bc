"""`seed_demo --story-end D` tells the seed page's story ending on D, from real records.

Seeding is slow (hundreds of service calls and two years of matrix history), so the story is
seeded once for D = 2022-10-31 and checked in one test, then seeded again to show a second run
duplicates nothing; one more test seeds a story ending today, the `make run` default.

Calendar convention (kentsoc.demo.matrix.StoryCalendar): the force reads its matrix monthly and a
month's figure is its month-end reading. Counting calendar months from D's month M: "October" is
D itself; "July" is the last day of M - 3 (31 Jul 2022); "July 2020" the last day of M - 27 (31 Jul
2020); the OCGMU is formed on the first of M - 13 (1 Sep 2021) and OCG growth counts from that
month's end (30 Sep 2021); SCPOs pass to the OCGMU on the first of M - 2 (1 Aug 2022). "A year"
and "two years" before D are the same day then, clamped to the month's end (2021-10-31,
2020-10-31: what the dashboard compares with). For a story ending today the same rule shifts
every point: with D = 1 Dec 2026, "July" is 30 Sep 2026 and "July 2020" 30 Sep 2024.

The figures are read from the API as an officer would: the CLGT table for all CLGTs together
(`?team_kind=clgt`) and the Central CLGT alone (`?team=<id>`) over the nine months to D, the
operations, the disruptions and court results behind the seed's named results, the force
snapshots and the monthly matrix (GET /api/reports/monthly-matrix/?month=YYYY-MM, month-end
readings) for the matrix figures.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from countylines.choices import LineStatus
from countylines.models import CountyLine, CountyLineStatusChange
from disruptions.models import CourtResult, Disruption, Operation, WeaponSeizure
from kentsoc.dashboard.board import dashboard_get
from kentsoc.dashboard.charts import disruption_figures, force_trends
from kentsoc.dashboard.reports import nine_month_period
from kentsoc.demo.countylines import STORY_BRAND, _profile, plan_totals
from kentsoc.demo.disruptions import (
    BTP_OPERATION,
    OPERATION_NAME,
    STORY_OCG,
    intensification_week,
)
from kentsoc.demo.matrix import StoryCalendar, history_dates, month_end
from kentsoc.demo.org import FORCE_CODE
from kentsoc.intel.models import DefinitionEvidence, FactorClaim, IntelligenceRecord
from kentsoc.lifetime.models import CustodyPeriod, Scpo, ScpoBreach, TrainingInput
from kentsoc.lifetime.selectors import releases_list, scpos_expiring_list, untrained_lros_list
from kentsoc.matrix.models import ForceSnapshot, RankHistory
from kentsoc.org.choices import SCD_TEAM_KINDS, TeamKind
from kentsoc.org.models import Division, Team
from kentsoc.trh.factors import COUNTY_LINE_FACTORS
from ocg.choices import OcgStatus
from ocg.models import OCG, Membership, Nominal, OcgStatusChange, PlanAction
from ocg.services.lifecycle import adoptable_teams
from tests.clients import api, web

D = datetime.date(2022, 10, 31)
JULY = datetime.date(2022, 7, 31)  # the month-end reading of July 2022
JULY_2020 = datetime.date(2020, 7, 31)
YEAR_BEFORE = datetime.date(2021, 10, 31)
TWO_YEARS_BEFORE = datetime.date(2020, 10, 31)
OCGMU_READING = datetime.date(2021, 9, 30)  # "+39% since its inception in September 2021"
CLGT_TABLE = [
    {"label": "Arrests", "value": "101"},
    {"label": "Prisoners dealt with", "value": "101"},
    {"label": "Warrants executed (Inc S32/18)", "value": "82"},
    {"label": "Charges-Total", "value": "145"},
    {"label": "Weapon Seizures", "value": "28"},
    {"label": "Sentences", "value": "106yrs 10 months"},
]

DEMO_MODELS = [
    OCG,
    Membership,
    Nominal,
    OcgStatusChange,
    PlanAction,
    CountyLine,
    CountyLineStatusChange,
    IntelligenceRecord,
    FactorClaim,
    DefinitionEvidence,
    Disruption,
    CourtResult,
    Operation,
    CustodyPeriod,
    Scpo,
    TrainingInput,
    ForceSnapshot,
    RankHistory,
]


def _seed(story_end: datetime.date) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--story-end", story_end.isoformat(), stdout=out)
    return out.getvalue()


def _kent_snapshots():
    # The demo also seeds the forces Kent-shire shares with; the story is Kent-shire's readings.
    return ForceSnapshot.objects.filter(force__code=FORCE_CODE)


def _snapshot(on: datetime.date) -> tuple[int, int]:
    snapshot = _kent_snapshots().get(on=on)
    return snapshot.active_lines, snapshot.total_trh


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DEMO_MODELS}


def _assert_clgt_story(user, story_end: datetime.date) -> None:
    """The CLGT table, the Central CLGT's own figures and the intensification week, from the
    API, for a story ending on `story_end` (the figures stay, the dates shift)."""
    client = api(user)
    start, end = nine_month_period(story_end)

    def report(**scope) -> dict:
        period = {"from": start.isoformat(), "to": end.isoformat()}
        response = client.get("/api/reports/activity-summary/", {**period, **scope})
        assert response.status_code == 200, response.content
        return response.json()

    # All CLGTs: the three divisional teams and the Central CLGT together.
    clgts = report(team_kind="clgt")
    assert clgts["scope"] == "All CLGTs (divisional and Central)"
    assert clgts["rows"] == CLGT_TABLE
    assert (clgts["arrests"], clgts["charges"], clgts["weapon_seizures"]) == (101, 145, 28)
    # "Weapon Seizures" counts seizures; the weapons they found are a figure of their own.
    in_scope = Disruption.objects.filter(
        status="approved",
        date__range=(start, end),
        team__kind__in=[TeamKind.CLGT, TeamKind.CENTRAL_CLGT],
    )
    assert in_scope.filter(weapons__isnull=False).distinct().count() == 28
    weapons = WeaponSeizure.objects.filter(disruption__in=in_scope).aggregate(n=Sum("count"))["n"]
    assert clgts["weapons"] == weapons > 28
    # Every CLGT did some of it, not one team all of it.
    teams = set(in_scope.values_list("team__kind", "team__division__code"))
    assert len(teams) == 4

    central_team = Team.objects.get(kind=TeamKind.CENTRAL_CLGT)
    central = report(team=central_team.pk)
    assert central["arrests"] == 30
    assert central["sentences"]["text"] == "9yrs 4 months"
    assert central["scope"] == "Central CLGT"
    assert central_team.formed_on == start  # commenced in February 2022
    assert not Disruption.objects.filter(team=central_team, date__lt=start).exists()

    # The intensification week: in the story's last weeks (October 2022), inside the table.
    operations = client.get("/api/operations/", {"page_size": 100}).json()["results"]
    (week,) = [o for o in operations if o["name"] == OPERATION_NAME]
    assert (week["lines_targeted"], week["arrests"], week["charges"], week["handsets"]) == (
        25,
        26,
        30,
        10,
    )
    week_start, week_end = intensification_week(story_end)
    assert (week["start_date"], week["end_date"]) == (week_start.isoformat(), week_end.isoformat())
    worked = client.get("/api/disruptions/", {"operation": week["id"], "page_size": 100}).json()
    dates = {datetime.date.fromisoformat(d["date"]) for d in worked["results"]}
    assert worked["count"] == 25
    assert dates and all(week_start <= d <= week_end for d in dates)
    assert in_scope.filter(operation_id=week["id"]).count() == 25
    assert {d.team.kind for d in Disruption.objects.filter(operation_id=week["id"])} == {
        TeamKind.CLGT
    }


def _get(client, url: str, **params) -> dict:
    response = client.get(url, {"page_size": 200, **params})
    assert response.status_code == 200, response.content
    return response.json()


def _assert_matrix_months(user, story: StoryCalendar) -> None:
    """The matrix's month-end readings from the API (the force snapshots): 85 lines in "July
    2020", 37 / 571 in "July", 29 / 365 at the end; a snapshot at every month end between, and
    the 32 OCGs with SCD broken down by adopting unit."""
    client = api(user)

    def reading(on: datetime.date) -> dict:
        (row,) = _get(client, "/api/matrix/snapshots/", **{"from": on, "to": on})["results"]
        return row

    assert reading(story.july_2020)["active_lines"] == 85
    assert reading(story.two_years_before)["active_lines"] == 85
    july = reading(story.july)
    assert (july["active_lines"], july["total_trh"]) == (37, 571)
    end = reading(story.end)
    assert (end["active_lines"], end["total_trh"]) == (29, 365)
    assert (end["mapped_ocgs"], end["ocgs_on_division"], end["ocgs_with_scd"]) == (50, 18, 32)
    units = {u["unit"]: u["ocgs"] for u in end["ocgs_with_scd_by_unit"]}
    assert units == {"soc": 14, "mlt": 5, "msht": 4, "fi": 4, "nca_ersou": 5}
    assert sum(units.values()) == 32
    month_ends = _month_ends(story.july_2020, story.end)
    found = set(_kent_snapshots().filter(on__in=month_ends).values_list("on", flat=True))
    assert found == set(month_ends)

    # The monthly matrix, the paper of the monthly tasking meeting, reads the same month ends.
    def monthly(on: datetime.date) -> dict:
        response = client.get("/api/reports/monthly-matrix/", {"month": f"{on:%Y-%m}"})
        assert response.status_code == 200, response.content
        report = response.json()
        assert report["month_end"] == on.isoformat()
        return report["reading"]

    assert monthly(story.july_2020)["active_lines"] == 85
    july = monthly(story.july)
    assert (july["active_lines"], july["total_trh"]) == (37, 571)
    if story.end == month_end(story.end):  # D's own month is complete only on its last day
        end = monthly(story.end)
        assert (end["active_lines"], end["total_trh"]) == (29, 365)
        assert (end["ocgs_on_division"], end["ocgs_with_scd"]) == (18, 32)
    # The dashboard as of July's last day reads the month-end figures too.
    board = dashboard_get(user=user, as_of=story.july)
    assert (board.rankings.totals.active_lines, board.rankings.totals.total_trh) == (37, 571)


def _assert_named_results(user, story: StoryCalendar) -> None:
    """The seed's named results exist as records, read from the API."""
    client = api(user)
    start, end = nine_month_period(story.end)

    # The OCG dismantled over three days in September: five arrested, class A, cannabis,
    # phones, SIM cards and over £14,000; one member's guilty plea is a court result.
    strike_ocg = OCG.objects.get(name=STORY_OCG)
    assert strike_ocg.status == OcgStatus.DISMANTLED
    assert strike_ocg.closed_on.month == month_end(story.end, -1).month
    strike = _get(client, "/api/disruptions/", ocg=strike_ocg.pk)["results"]
    strike = [d for d in strike if d["tactic"] == "warrant" and d["impact_grade"] == "major"]
    days = sorted(datetime.date.fromisoformat(d["date"]) for d in strike)
    assert len(days) == 3 and (days[-1] - days[0]).days == 2 and days[-1] == strike_ocg.closed_on
    assert sum(d["arrests"] for d in strike) == 5
    assert len({n for d in strike for n in d["nominals"]}) == 5
    drugs = {(row["drug_class"], row["drug"]) for d in strike for row in d["drugs"]}
    assert ("B", "cannabis") in drugs and any(cls == "A" for cls, _ in drugs)
    assert all(d["handsets"] and d["sim_cards"] for d in strike)
    assert sum(Decimal(d["cash_seized"]) for d in strike) > 14000
    pleas = [
        r
        for d in strike
        for r in _get(client, "/api/court-results/", disruption=d["id"])["results"]
    ]
    assert len(pleas) == 1 and "dog dangerously out of control" in pleas[0]["offences"]
    assert "guilty" in pleas[0]["offences"] and pleas[0]["court"]

    # The Edgware line into Canterbury, dismantled within a month of nomination: its holder
    # charged with three offences and remanded, no drugs seized.
    chase = CountyLine.objects.get(name=STORY_BRAND)
    assert chase.status == LineStatus.DISMANTLED and chase.exporting_area.endswith("(Edgware)")
    assert chase.line_districts.get(is_primary=True).district.name == "Canterbury"
    assert 0 < (chase.closed_on - chase.nominated_on).days <= 31
    (charge,) = _get(client, "/api/disruptions/", county_line=chase.pk)["results"]
    assert (charge["tactic"], charge["charges"], charge["drugs"]) == ("charge", 3, [])
    assert "remanded" in charge["narrative"] and charge["date"] == chase.closed_on.isoformat()
    holder = chase.line_nominals.get(role="line_holder").nominal_id
    assert charge["nominals"] == [holder]

    # Maidstone Crown Court: three defendants sentenced to four years' custody each.
    results = _get(client, "/api/court-results/")["results"]
    maidstone = [
        r
        for r in results
        if r["court"] == "Maidstone Crown Court" and r["sentence"] == "4yrs 0 months"
    ]
    assert len(maidstone) == 3 and len({r["disruption"] for r in maidstone}) == 1
    assert len({r["nominal"] for r in maidstone}) == 3
    assert all(r["court"] for r in results)  # every court result names its court

    # The Central CLGT's charges against three hard-to-reach individuals in Medway.
    central = Team.objects.get(kind=TeamKind.CENTRAL_CLGT)
    charges = _get(client, "/api/disruptions/", team=central.pk, tactic="charge")["results"]
    (medway,) = [d for d in charges if "hard to reach" in d["narrative"]]
    assert (medway["charges"], len(medway["nominals"])) == (3, 3)
    (line_id,) = medway["county_lines"]
    assert CountyLine.objects.get(pk=line_id).districts.filter(code="MED").exists()

    # The BTP operation at the Medway stations: two arrests.
    operations = _get(client, "/api/operations/")["results"]
    (btp,) = [o for o in operations if o["name"] == BTP_OPERATION]
    assert btp["arrests"] == 2
    assert start <= datetime.date.fromisoformat(btp["start_date"]) <= end

    # Who may adopt: SOC, Division, Money Laundering, MSHT, Financial Investigations and
    # NCA/ERSOU; the FIB shares intelligence and adopts nothing.
    kinds = {t.kind for t in adoptable_teams()}
    assert kinds == set(SCD_TEAM_KINDS) | {TeamKind.DIVISION_LOCAL}
    assert TeamKind.FIB not in kinds

    # A believable timeline: SOC or the FIB nominated the groups identified before the OCGMU
    # was formed, the OCGMU those since; SCPOs applied for before August 2022 were SOC's, the
    # OCGMU's after; no disruption against a line outside the line's life.
    nominating = {
        early: set(
            OCG.objects.filter(
                **{f"nominated_on__{'lt' if early else 'gte'}": story.ocgmu_formed}
            ).values_list("created_by__officer__team__kind", flat=True)
        )
        for early in (True, False)
    }
    assert nominating == {True: {TeamKind.SOC, TeamKind.FIB}, False: {TeamKind.OCGMU}}
    for scpo in Scpo.objects.select_related("created_by__officer__team"):
        expected = TeamKind.OCGMU if scpo.applied_on >= story.scpos_to_ocgmu else TeamKind.SOC
        assert scpo.created_by.officer.team.kind == expected
    for d in Disruption.objects.prefetch_related("county_lines"):
        for line in d.county_lines.all():
            assert line.nominated_on <= d.date
            assert line.status != LineStatus.DISMANTLED or d.date <= line.closed_on


# --- the plan, without the database ------------------------------------------------------------


def _month_ends(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    days, on = [], first
    while on <= last:
        days.append(on)
        on = month_end(on, 1)
    return days


@pytest.mark.parametrize(
    ("end", "july", "july_2020", "formed", "scpos"),
    [
        ("2022-10-31", "2022-07-31", "2020-07-31", "2021-09-01", "2022-08-01"),
        ("2026-12-01", "2026-09-30", "2024-09-30", "2025-11-01", "2026-10-01"),
        ("2024-03-15", "2023-12-31", "2021-12-31", "2023-02-01", "2024-01-01"),
    ],
)
def test_the_story_calendar_reads_month_ends(end, july, july_2020, formed, scpos):
    story = StoryCalendar(datetime.date.fromisoformat(end))
    assert story.july.isoformat() == july
    assert story.july_2020.isoformat() == july_2020
    assert story.ocgmu_formed.isoformat() == formed
    assert story.scpos_to_ocgmu.isoformat() == scpos


def test_the_plan_adds_up_to_the_seed_figures():
    assert plan_totals() == (37, 571, 29, 365)


@pytest.mark.parametrize("points", range(1, 30))
def test_a_line_profile_scores_exactly_its_points(points):
    import random

    levels = _profile(points, random.Random(points))
    assert sum(COUNTY_LINE_FACTORS[f].points[lvl] for f, lvl in levels.items()) == points
    assert levels["drug_class"] >= 1


def test_history_covers_the_story_points_every_month_end_and_four_months_daily():
    dates = history_dates(D, datetime.date(2026, 1, 1))
    assert {JULY, JULY_2020, OCGMU_READING, YEAR_BEFORE, TWO_YEARS_BEFORE, D} <= set(dates)
    daily = {D - datetime.timedelta(days=n) for n in range(125)}
    assert daily <= set(dates)
    assert set(_month_ends(JULY_2020, D)) <= set(dates)
    assert dates == sorted(dates) and min(dates) == JULY_2020
    # Nothing today or later: today's snapshot comes from the current scores.
    today = datetime.date(2022, 10, 31)
    assert max(history_dates(D, today)) < today


# --- the seeded story ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_tells_the_seed_story_ending_on_the_given_day():
    output = _seed(D)
    assert "37 lines / TRH 571 on 2022-07-31" in output
    supervisor = get_user_model().objects.get(username="supervisor.north")

    # OCGs: 50 mapped and scored (18 on Division, 32 with SCD); 36 when the OCGMU was formed
    # in September 2021 (its month-end reading): +39% since inception, not over a rolling year.
    end = _kent_snapshots().get(on=D)
    assert (end.mapped_ocgs, end.ocgs_on_division, end.ocgs_with_scd) == (50, 18, 32)
    assert _kent_snapshots().get(on=OCGMU_READING).mapped_ocgs == 36
    assert _kent_snapshots().get(on=YEAR_BEFORE).mapped_ocgs == 36
    trends = force_trends(user=supervisor, as_of=D)
    assert trends.ocgmu_formed_on == datetime.date(2021, 9, 1)
    assert trends.inception.on == OCGMU_READING
    assert (trends.inception_ocgs, trends.latest_ocgs, trends.ocg_growth_percent) == (36, 50, 39)
    page = web(supervisor).get("/matrix/", {"as_of": D.isoformat()}).content.decode()
    assert "+39%</strong> since the OCG Management Unit was formed in September 2021" in page
    assert "(36 on 30 Sep 2021)" in page
    scored = OCG.objects.filter(status__in=[OcgStatus.MAPPED, OcgStatus.ADOPTED])
    assert scored.count() == 50
    kinds = list(scored.values_list("managing_team__kind", flat=True))
    assert kinds.count(TeamKind.DIVISION_LOCAL) == 18
    assert sum(1 for k in kinds if k in SCD_TEAM_KINDS) == 32
    statuses = set(OCG.objects.values_list("status", flat=True))
    assert statuses == {
        OcgStatus.ADOPTED,
        OcgStatus.NOMINATED,
        OcgStatus.IN_DEVELOPMENT,
        OcgStatus.DISMANTLED,
        OcgStatus.ARCHIVED,
        OcgStatus.REJECTED,
    }
    assert OCG.objects.filter(mapping_submitted_at__isnull=False).count() == 2
    # The story's dates are in the history, not the day the demo ran.
    assert not OcgStatusChange.objects.filter(effective_on__gt=D).exists()
    for ocg in scored.prefetch_related("memberships__nominal", "criminality"):
        members = list(ocg.memberships.all())
        assert len(members) >= 3 and all(m.nominal.date_of_birth for m in members)
        assert ocg.criminality.exists()
        assert (
            DefinitionEvidence.objects.filter(ocg=ocg).values("criterion").distinct().count() == 6
        )
        assert FactorClaim.objects.filter(record__ocgs=ocg).exists()
        assert ocg.lead_responsible_officer_id and ocg.mapped_on <= ocg.adopted_on <= D
    assert PlanAction.objects.filter(due_on__lt=D, status__in=["open", "in_progress"]).exists()

    # County lines: 85 in July 2020 (and still two years before D), 37 / 571 at the end of
    # July, 29 / 365 at D, daily in between.
    _assert_matrix_months(supervisor, StoryCalendar(D))
    assert _snapshot(JULY_2020)[0] == 85
    assert _kent_snapshots().get(on=TWO_YEARS_BEFORE).active_lines == 85
    assert trends.two_years_ago.active_lines == 85
    assert _snapshot(JULY) == (37, 571)
    assert _snapshot(D) == (29, 365)
    between = _kent_snapshots().filter(on__gte=JULY, on__lte=D)
    assert between.count() == (D - JULY).days + 1
    assert all(29 <= s.active_lines <= 37 and 365 <= s.total_trh <= 571 for s in between)
    assert [p.on for p in trends.trend][-1] == D and len(trends.trend) == 120
    # The dashboard as of D reads the same, from that day's rank history.
    board = dashboard_get(user=supervisor, as_of=D)
    assert (board.rankings.totals.active_lines, board.rankings.totals.total_trh) == (29, 365)
    ranked = sum(p.count for p in board.rankings.lines)
    assert ranked == 29
    chase = CountyLine.objects.get(name=STORY_BRAND)
    assert chase.status == LineStatus.DISMANTLED
    assert (chase.closed_on - chase.nominated_on).days <= 31
    flexed = CountyLine.objects.filter(status=LineStatus.ACTIVE, flexed_division__isnull=False)
    assert flexed.filter(flexed_division__is_central=True).exists()
    assert flexed.filter(flexed_division__is_central=False).exists()
    central = Division.objects.get(is_central=True)
    assert any(p.code == central.code and p.count for p in board.rankings.lines)

    # Disruptions: 72 against OCGs in the dashboard's six months; all CLGTs' table.
    figures = disruption_figures(user=supervisor, as_of=D)
    assert (figures.date_from, figures.date_to) == (datetime.date(2022, 5, 1), D)
    assert figures.against_ocgs == 72
    assert board.disruptions.against_ocgs == 72
    _assert_clgt_story(supervisor, D)
    _assert_named_results(supervisor, StoryCalendar(D))
    assert nine_month_period(D) == (datetime.date(2022, 2, 1), D)
    assert intensification_week(D) == (datetime.date(2022, 10, 10), datetime.date(2022, 10, 16))
    assert Disruption.objects.filter(ocgs__status=OcgStatus.DISMANTLED).count() >= 3
    assert Disruption.objects.filter(ocgs__isnull=False, county_lines__isnull=False).exists()

    # Lifetime management: releases and SCPO expiries counted from today.
    today = timezone.localdate()
    soon = [
        p
        for p in releases_list(user=supervisor)
        if p.expected_release_date <= today + datetime.timedelta(days=90)
    ]
    assert len(soon) == 4
    assert {p.has_licence_conditions for p in soon} == {True, False}
    assert {p.has_scpo for p in soon} == {True, False}
    expiring = [
        s
        for s in scpos_expiring_list(user=supervisor)
        if today <= s.expires_on <= today + datetime.timedelta(days=90)
    ]
    assert len(expiring) == 1
    assert all(s.expires_on >= today for s in scpos_expiring_list(user=supervisor))
    assert ScpoBreach.objects.count() == 1
    assert Scpo.objects.filter(status="applied").exists()
    assert untrained_lros_list(user=supervisor).exists()
    assert TrainingInput.objects.filter(attendances__isnull=False).distinct().count() == 2

    # A second run duplicates nothing and changes none of the figures.
    before = _counts()
    snapshots = dict(_kent_snapshots().values_list("on", "total_trh"))
    _seed(D)
    assert _counts() == before
    assert dict(_kent_snapshots().values_list("on", "total_trh")) == snapshots
    assert disruption_figures(user=supervisor, as_of=D).against_ocgs == 72


@pytest.mark.django_db
def test_a_story_ending_today_reads_the_same_figures_now():
    today = timezone.localdate()
    story = StoryCalendar(today)
    _seed(today)
    supervisor = get_user_model().objects.get(username="supervisor.north")
    assert _snapshot(today) == (29, 365)
    assert _snapshot(story.july) == (37, 571)
    assert _snapshot(story.july_2020)[0] == 85
    assert _kent_snapshots().get(on=story.two_years_before).active_lines == 85
    board = dashboard_get(user=supervisor)
    totals = board.rankings.totals
    assert (totals.active_lines, totals.total_trh) == (29, 365)
    assert (totals.mapped_ocgs, totals.ocgs_on_division, totals.ocgs_with_scd) == (50, 18, 32)
    assert board.trends.ocg_growth_percent == 39
    assert board.trends.inception_ocgs == 36
    assert board.trends.inception.on == story.ocgmu_reading
    assert board.disruptions.against_ocgs == 72
    _assert_clgt_story(supervisor, today)
    _assert_matrix_months(supervisor, story)
    _assert_named_results(supervisor, story)


@pytest.mark.django_db
def test_a_story_cannot_end_in_the_future():
    from django.core.management.base import CommandError

    from kentsoc.org.models import Force

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(CommandError, match="cannot be in the future"):
        _seed(tomorrow)
    assert not Force.objects.exists()

"""`seed_demo --story-end D` tells the seed page's story ending on D, from real records.

Seeding is slow (hundreds of service calls and two years of matrix history), so the story is
seeded once for D = 2022-10-31 and checked in one test, then seeded again to show a second run
duplicates nothing; one more test seeds a story ending today, the `make run` default.

Date convention (kentsoc.demo.matrix.StoryCalendar): "July" is four months before D, "a year"
and "two years" before are the same day of the month then, clamped to the month's end:
2022-06-30, 2021-10-31 and 2020-10-31 for D = 2022-10-31. The OCGMU is formed in the month
thirteen months before D's (September 2021); OCG growth counts from its month-end reading.

The CLGT figures are read from the API as an officer would: all CLGTs together
(`?team_kind=clgt`) and the Central CLGT alone (`?team=<id>`), over the nine months to D.
"""

from __future__ import annotations

import datetime
import io

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
from kentsoc.demo.disruptions import OPERATION_NAME, intensification_week
from kentsoc.demo.matrix import StoryCalendar, history_dates
from kentsoc.intel.models import DefinitionEvidence, FactorClaim, IntelligenceRecord
from kentsoc.lifetime.models import CustodyPeriod, Scpo, ScpoBreach, TrainingInput
from kentsoc.lifetime.selectors import releases_list, scpos_expiring_list, untrained_lros_list
from kentsoc.matrix.models import ForceSnapshot, RankHistory
from kentsoc.org.choices import SCD_TEAM_KINDS, TeamKind
from kentsoc.org.models import Division, Team
from kentsoc.trh.factors import COUNTY_LINE_FACTORS
from ocg.choices import OcgStatus
from ocg.models import OCG, Membership, Nominal, OcgStatusChange, PlanAction
from tests.clients import api, web

D = datetime.date(2022, 10, 31)
JULY = datetime.date(2022, 6, 30)
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


def _snapshot(on: datetime.date) -> tuple[int, int]:
    snapshot = ForceSnapshot.objects.get(on=on)
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


# --- the plan, without the database ------------------------------------------------------------


def test_the_plan_adds_up_to_the_seed_figures():
    assert plan_totals() == (37, 571, 29, 365)


@pytest.mark.parametrize("points", range(1, 30))
def test_a_line_profile_scores_exactly_its_points(points):
    import random

    levels = _profile(points, random.Random(points))
    assert sum(COUNTY_LINE_FACTORS[f].points[lvl] for f, lvl in levels.items()) == points
    assert levels["drug_class"] >= 1


def test_history_covers_the_story_points_and_four_months_daily():
    dates = history_dates(D, datetime.date(2026, 1, 1))
    assert {JULY, OCGMU_READING, YEAR_BEFORE, TWO_YEARS_BEFORE, D} <= set(dates)
    daily = {D - datetime.timedelta(days=n) for n in range(125)}
    assert daily <= set(dates)
    assert dates == sorted(dates) and min(dates) >= datetime.date(2020, 9, 30)
    # Nothing today or later: today's snapshot comes from the current scores.
    today = datetime.date(2022, 10, 31)
    assert max(history_dates(D, today)) < today


# --- the seeded story ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_tells_the_seed_story_ending_on_the_given_day():
    output = _seed(D)
    assert "37 lines / TRH 571 on 2022-06-30" in output
    supervisor = get_user_model().objects.get(username="supervisor.north")

    # OCGs: 50 mapped and scored (18 on Division, 32 with SCD); 36 when the OCGMU was formed
    # in September 2021 (its month-end reading): +39% since inception, not over a rolling year.
    end = ForceSnapshot.objects.get(on=D)
    assert (end.mapped_ocgs, end.ocgs_on_division, end.ocgs_with_scd) == (50, 18, 32)
    assert ForceSnapshot.objects.get(on=OCGMU_READING).mapped_ocgs == 36
    assert ForceSnapshot.objects.get(on=YEAR_BEFORE).mapped_ocgs == 36
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

    # County lines: 85 two years before, 37 / 571 in July, 29 / 365 at D, daily in between.
    assert ForceSnapshot.objects.get(on=TWO_YEARS_BEFORE).active_lines == 85
    assert trends.two_years_ago.active_lines == 85
    assert _snapshot(JULY) == (37, 571)
    assert _snapshot(D) == (29, 365)
    between = ForceSnapshot.objects.filter(on__gte=JULY, on__lte=D)
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
    snapshots = dict(ForceSnapshot.objects.values_list("on", "total_trh"))
    _seed(D)
    assert _counts() == before
    assert dict(ForceSnapshot.objects.values_list("on", "total_trh")) == snapshots
    assert disruption_figures(user=supervisor, as_of=D).against_ocgs == 72


@pytest.mark.django_db
def test_a_story_ending_today_reads_the_same_figures_now():
    today = timezone.localdate()
    story = StoryCalendar(today)
    _seed(today)
    supervisor = get_user_model().objects.get(username="supervisor.north")
    assert _snapshot(today) == (29, 365)
    assert _snapshot(story.july) == (37, 571)
    assert ForceSnapshot.objects.get(on=story.two_years_before).active_lines == 85
    board = dashboard_get(user=supervisor)
    totals = board.rankings.totals
    assert (totals.active_lines, totals.total_trh) == (29, 365)
    assert (totals.mapped_ocgs, totals.ocgs_on_division, totals.ocgs_with_scd) == (50, 18, 32)
    assert board.trends.ocg_growth_percent == 39
    assert board.trends.inception_ocgs == 36
    assert board.trends.inception.on == story.ocgmu_reading
    assert board.disruptions.against_ocgs == 72
    _assert_clgt_story(supervisor, today)


@pytest.mark.django_db
def test_a_story_cannot_end_in_the_future():
    from django.core.management.base import CommandError

    from kentsoc.org.models import Force

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(CommandError, match="cannot be in the future"):
        _seed(tomorrow)
    assert not Force.objects.exists()

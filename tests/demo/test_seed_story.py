"""`seed_demo --story-end D` tells the seed page's story ending on D, from real records.

Seeding is slow (hundreds of service calls and two years of matrix history), so the story is
seeded once for D = 2022-10-31 and checked in one test, then seeded again to show a second run
duplicates nothing; one more test seeds a story ending today, the `make run` default.

Date convention (kentsoc.demo.matrix.StoryCalendar): "July" is four months before D, "a year"
and "two years" before are the same day of the month then, clamped to the month's end:
2022-06-30, 2021-10-31 and 2020-10-31 for D = 2022-10-31.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from countylines.choices import LineStatus
from countylines.models import CountyLine, CountyLineStatusChange
from disruptions.models import CourtResult, Disruption, Operation
from kentsoc.dashboard.board import dashboard_get
from kentsoc.dashboard.charts import disruption_figures, force_trends
from kentsoc.dashboard.reports import activity_summary
from kentsoc.demo.countylines import STORY_BRAND, _profile, plan_totals
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

D = datetime.date(2022, 10, 31)
JULY = datetime.date(2022, 6, 30)
YEAR_BEFORE = datetime.date(2021, 10, 31)
TWO_YEARS_BEFORE = datetime.date(2020, 10, 31)

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
    assert {JULY, YEAR_BEFORE, TWO_YEARS_BEFORE, D} <= set(dates)
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

    # OCGs: 50 mapped and scored (18 on Division, 32 with SCD), 36 a year before: +39%.
    end = ForceSnapshot.objects.get(on=D)
    assert (end.mapped_ocgs, end.ocgs_on_division, end.ocgs_with_scd) == (50, 18, 32)
    assert ForceSnapshot.objects.get(on=YEAR_BEFORE).mapped_ocgs == 36
    trends = force_trends(user=supervisor, as_of=D)
    assert (trends.year_ago_ocgs, trends.latest_ocgs, trends.ocg_growth_percent) == (36, 50, 39)
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

    # Disruptions: 72 against OCGs in the dashboard's six months; the Central CLGT's table.
    figures = disruption_figures(user=supervisor, as_of=D)
    assert (figures.date_from, figures.date_to) == (datetime.date(2022, 5, 1), D)
    assert figures.against_ocgs == 72
    assert board.disruptions.against_ocgs == 72
    summary = activity_summary(
        date_from=datetime.date(2022, 2, 1),
        date_to=D,
        team=Team.objects.get(kind=TeamKind.CENTRAL_CLGT),
    )
    assert summary.headline_rows() == [
        ("Arrests", "101"),
        ("Prisoners dealt with", "101"),
        ("Warrants executed (Inc S32/18)", "82"),
        ("Charges-Total", "145"),
        ("Weapon Seizures", "28"),
        ("Sentences", "106yrs 10 months"),
    ]
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
    assert board.disruptions.against_ocgs == 72


@pytest.mark.django_db
def test_a_story_cannot_end_in_the_future():
    from django.core.management.base import CommandError

    from kentsoc.org.models import Force

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(CommandError, match="cannot be in the future"):
        _seed(tomorrow)
    assert not Force.objects.exists()

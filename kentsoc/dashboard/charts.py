"""The dashboard's charts: force trends from the daily snapshots, approved disruptions by month
and impact grade. Each in one query."""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q

from disruptions.choices import DisruptionStatus, ImpactGrade
from disruptions.models import Disruption
from kentsoc.dashboard import compiled
from kentsoc.dates import add_months
from kentsoc.matrix.models import ForceSnapshot
from kentsoc.org.choices import TeamKind
from kentsoc.org.models import Team
from kentsoc.org.scoping import access_for
from kentsoc.web.people import day_month, month

TREND_DAYS = 120  # the trend chart: the last four months, daily
DISRUPTION_MONTHS = 6
# The grades in order, listed once: Django's choices list them afresh on every read.
GRADES = tuple(ImpactGrade.values)

GRADE_COLOURS = {
    ImpactGrade.MAJOR: "#005a30",
    ImpactGrade.MODERATE: "#1d70b8",
    ImpactGrade.MINOR: "#b1b4b6",
    ImpactGrade.NONE: "#f47738",
    ImpactGrade.NEGATIVE: "#d4351c",
}


@dataclass
class TrendPoint:
    on: datetime.date
    active_lines: int
    total_trh: int


@dataclass
class MonthPoint:
    month: datetime.date  # first day of the month
    on: datetime.date | None  # the snapshot the figure comes from
    mapped_ocgs: int | None


@dataclass
class Trends:
    trend: list[TrendPoint]
    ocg_growth: list[MonthPoint]
    two_years_ago: TrendPoint | None
    latest_ocgs: int | None
    # Growth is the OCGMU's: from the reading at the end of the month it was formed (the force's
    # "+39% since its inception in September 2021"), not over a rolling year.
    ocgmu_formed_on: datetime.date | None = None
    inception: TrendPoint | None = None
    inception_ocgs: int | None = None

    @property
    def ocg_growth_percent(self) -> int | None:
        if not self.inception_ocgs or self.latest_ocgs is None:
            return None
        return round((self.latest_ocgs - self.inception_ocgs) * 100 / self.inception_ocgs)

    def trend_chart(self) -> dict:
        return {
            "type": "line",
            # People read the axis ("1 Dec"); the CSV download keeps ISO dates.
            "labels": [day_month(p.on) for p in self.trend],
            "datasets": [
                {
                    "label": "Active lines",
                    "data": [p.active_lines for p in self.trend],
                    "yAxisID": "y",
                    "borderColor": "#1d70b8",
                },
                {
                    "label": "Total TRH",
                    "data": [p.total_trh for p in self.trend],
                    "yAxisID": "y1",
                    "borderColor": "#d4351c",
                },
            ],
            "dualAxis": True,
        }

    def ocg_chart(self) -> dict:
        return {
            "type": "bar",
            "labels": [month(p.month) for p in self.ocg_growth],
            "datasets": [
                {
                    "label": "Mapped and scored OCGs",
                    "data": [p.mapped_ocgs for p in self.ocg_growth],
                    "backgroundColor": "#1d70b8",
                }
            ],
        }


def ocgmu_formed_on() -> datetime.date | None:
    return Team.objects.filter(kind=TeamKind.OCGMU).aggregate(on=Min("formed_on"))["on"]


def last_of_month(day: datetime.date) -> datetime.date:
    return add_months(day.replace(day=1), 1) - datetime.timedelta(days=1)


def force_trends(*, user: Any, as_of: datetime.date) -> Trends:
    """Trend data from the force snapshots, in two queries (the snapshots' compiled once per
    officer's access and dates, kentsoc/dashboard/compiled.py)."""
    reads = compiled.Reads()
    trends = force_trends_read(user=user, as_of=as_of, reads=reads, formed=ocgmu_formed_on())
    reads.run()
    return trends()


def force_trends_read(
    *, user: Any, as_of: datetime.date, reads: compiled.Reads, formed: datetime.date | None
) -> Callable[[], Trends]:
    """`force_trends` with the snapshots queued on `reads`: the function gives the trends once
    it has run. `formed`: the day the force's OCGMU was formed (ocgmu_formed_on, or the force's
    figures, which the dashboard has read already)."""
    inception_on = min(last_of_month(formed), as_of) if formed else None
    start = add_months(as_of, -24) - datetime.timedelta(days=31)
    if inception_on is not None:
        start = min(start, inception_on - datetime.timedelta(days=31))
    found = reads.add(
        ("force_trends", access_for(user), start, as_of),
        lambda: (
            ForceSnapshot.objects.visible_to(user)
            .filter(on__gte=start, on__lte=as_of)
            .order_by("on")
            .values_list("on", "active_lines", "total_trh", "mapped_ocgs")
        ),
    )
    return lambda: _trends(compiled.dated(found()), as_of, formed, inception_on)


def _trends(
    rows: list[tuple],
    as_of: datetime.date,
    formed: datetime.date | None,
    inception_on: datetime.date | None,
) -> Trends:
    # Ascending by date: a day's reading is the last one on or before it, found by bisection
    # (two years of days, looked up fifteen times); points are made only of what is shown.
    days = [row[0] for row in rows]

    def on_or_before(day: datetime.date) -> tuple | None:
        found = bisect_right(days, day)
        return rows[found - 1] if found else None

    def point(row: tuple | None) -> TrendPoint | None:
        return TrendPoint(*row[:3]) if row is not None else None

    trend_from = as_of - datetime.timedelta(days=TREND_DAYS)
    growth = []
    first_month = add_months(as_of.replace(day=1), -12)
    for i in range(13):
        month = add_months(first_month, i)
        month_end = min(add_months(month, 1) - datetime.timedelta(days=1), as_of)
        row = on_or_before(month_end)
        if row is not None and row[0] < month:
            row = None  # nothing recorded in that month
        growth.append(MonthPoint(month, row[0] if row else None, row[3] if row else None))
    inception = on_or_before(inception_on) if inception_on else None
    return Trends(
        trend=[TrendPoint(*row[:3]) for row in rows[bisect_right(days, trend_from) :]],
        ocg_growth=growth,
        two_years_ago=point(on_or_before(add_months(as_of, -24))),
        latest_ocgs=rows[-1][3] if rows else None,
        ocgmu_formed_on=formed,
        inception=point(inception),
        inception_ocgs=inception[3] if inception else None,
    )


@dataclass
class DisruptionBucket:
    date_from: datetime.date
    date_to: datetime.date
    by_grade: dict[str, int]
    against_ocgs: int

    @property
    def total(self) -> int:
        return sum(self.by_grade.values())

    @property
    def label(self) -> str:
        if self.date_from.day != 1:
            return f"{self.date_from:%b %Y} (from {self.date_from.day})"
        return f"{self.date_from:%b %Y}"


@dataclass
class DisruptionFigures:
    date_from: datetime.date
    date_to: datetime.date
    months: list[DisruptionBucket]

    @property
    def total(self) -> int:
        return sum(m.total for m in self.months)

    @property
    def against_ocgs(self) -> int:
        return sum(m.against_ocgs for m in self.months)

    @property
    def by_grade(self) -> dict[str, int]:
        return {g: sum(m.by_grade[g] for m in self.months) for g in GRADES}

    @property
    def grade_rows(self) -> list[tuple[str, int]]:
        return [(ImpactGrade(g).label, n) for g, n in self.by_grade.items()]

    @property
    def grade_labels(self) -> list[str]:
        return [ImpactGrade(g).label for g in GRADES]

    def month_rows(self) -> list[tuple[DisruptionBucket, list[int]]]:
        return [(m, [m.by_grade[g] for g in GRADES]) for m in self.months]

    def chart(self) -> dict:
        return {
            "type": "bar",
            "stacked": True,
            "labels": [m.label for m in self.months],
            "datasets": [
                {
                    "label": ImpactGrade(g).label,
                    "data": [m.by_grade[g] for m in self.months],
                    "backgroundColor": GRADE_COLOURS[g],
                }
                for g in GRADES
            ],
        }


def disruption_window(as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last six months up to and including `as_of` (the same window as the OCG page's
    'disruptions in the last six months')."""
    return add_months(as_of, -DISRUPTION_MONTHS) + datetime.timedelta(days=1), as_of


def disruption_figures(*, user: Any, as_of: datetime.date) -> DisruptionFigures:
    """`disruption_figures_read`'s figures, read on their own."""
    reads = compiled.Reads()
    figures = disruption_figures_read(user=user, as_of=as_of, reads=reads)
    reads.run()
    return figures()


def disruption_figures_read(
    *, user: Any, as_of: datetime.date, reads: compiled.Reads
) -> Callable[[], DisruptionFigures]:
    """Approved disruptions of the last six months by calendar month and impact grade, in one
    query (compiled once per officer's access and window, kentsoc/dashboard/compiled.py). The
    first month is cut at the window's start, so the months add up to the total.

    The query groups by day, not month, and the days are put into months here: truncating a
    date to its month in SQL casts every row to a timestamp, which cost more than the scan at
    national scale, while six months of days by grade are under a thousand groups. It reads
    the force's disruptions from an index alone, "against an OCG" included: each disruption
    keeps that flag with its OCG links (Disruption.against_ocg), where a join to the links
    probed them once per disruption (~950 probes for a force at national scale). Without the
    join no row comes twice (the scope's tests are subqueries), so nothing is counted
    DISTINCT, which sorted every group."""
    date_from, date_to = disruption_window(as_of)
    found = reads.add(
        ("disruption_figures", access_for(user), date_from, date_to),
        lambda: (
            Disruption.objects.visible_to(user)
            .filter(status=DisruptionStatus.APPROVED, date__gte=date_from, date__lte=date_to)
            .values_list("date", "impact_grade")
            .annotate(n=Count("pk"), against=Count("pk", filter=Q(against_ocg=True)))
            .order_by()
        ),
    )
    return lambda: _figures(found(), date_from, date_to)


def _figures(
    rows: list[tuple], date_from: datetime.date, date_to: datetime.date
) -> DisruptionFigures:
    # By "YYYY-MM", which a day's date and its ISO text (SQLite's) both begin with.
    months: dict[str, DisruptionBucket] = {}
    month = date_from.replace(day=1)
    while month <= date_to:
        months[f"{month:%Y-%m}"] = DisruptionBucket(
            date_from=max(month, date_from),
            date_to=min(add_months(month, 1) - datetime.timedelta(days=1), date_to),
            by_grade=dict.fromkeys(GRADES, 0),
            against_ocgs=0,
        )
        month = add_months(month, 1)
    for day, grade, n, against in rows:
        bucket = months[str(day)[:7]]
        bucket.by_grade[grade] += n
        bucket.against_ocgs += against
    return DisruptionFigures(date_from, date_to, list(months.values()))

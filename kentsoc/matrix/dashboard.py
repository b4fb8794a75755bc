"""What the supervisors' matrix dashboard reads: rankings, rank history, force snapshots and
approved disruptions. It never scores on request.

Every part is gathered in a fixed number of queries whatever the data size (the dashboard's
query-count test holds it to that): one query per ranking table (and one for the OCG tabs'
counts when one tab has rows), one for last week's ranks, one for the snapshots, one for the
disruption figures, and one per "needs attention" count.

A date in the past ("as of") reads that day's rank history and snapshot instead of the current
rankings: history keeps ranks and totals only, so T/R/H and confidence are shown for today.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
)
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from countylines.choices import LineStatus
from countylines.models import CountyLine
from disruptions.choices import DisruptionStatus, ImpactGrade
from disruptions.dates import add_months
from disruptions.models import Disruption
from disruptions.selectors import disruption_approval_queue
from kentsoc.matrix.models import ForceSnapshot, RankHistory, Ranking
from kentsoc.matrix.services import STALE_SWEEP_AFTER_SECONDS
from kentsoc.org.choices import SCD_TEAM_KINDS
from kentsoc.org.models import Division, Officer
from kentsoc.trh.choices import FORCE_PARTITION, Confidence, RankedSubject
from kentsoc.trh.factors import TOP_N
from ocg.models import OCG

MOVEMENT_DAYS = 7  # "movement since last week"
FIRST_OCG_TAB = FORCE_PARTITION  # the OCG matrix the page opens on
QUIET_DAYS = 28  # a top-30 line with no disruption for this long needs attention
TREND_DAYS = 120  # the trend chart: the last four months, daily
DISRUPTION_MONTHS = 6
# The sweeper re-enqueues what has been stale this long; older than that, the worker is behind.
STALE_FOR_ATTENTION = datetime.timedelta(seconds=STALE_SWEEP_AFTER_SECONDS)
DUE_DAYS = 90  # the lifetime lists' default windows (kentsoc/lifetime/filters.py)

GRADE_COLOURS = {
    ImpactGrade.MAJOR: "#005a30",
    ImpactGrade.MODERATE: "#1d70b8",
    ImpactGrade.MINOR: "#b1b4b6",
    ImpactGrade.NONE: "#f47738",
    ImpactGrade.NEGATIVE: "#d4351c",
}


# --- rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Movement:
    label: str
    css: str
    text: str


@lru_cache(maxsize=8192)  # thousands of rows share a few hundred (rank, previous) pairs
def movement(rank: int, previous: int | None) -> Movement:
    """Where a subject stands against its rank `MOVEMENT_DAYS` ago in the same partition."""
    if previous is None:
        return Movement("new", "tag--blue", f"not ranked here {MOVEMENT_DAYS} days ago")
    if previous > rank:
        places = previous - rank
        return Movement(f"↑{places}", "tag--green", f"up {places} from {previous}")
    if previous < rank:
        places = rank - previous
        return Movement(f"↓{places}", "tag--red", f"down {places} from {previous}")
    return Movement("=", "tag--grey", "no change")


@dataclass
class MatrixRow:
    rank: int
    subject_id: int
    reference: str
    name: str
    url: str | None
    total: int
    threat: int | None
    risk: int | None
    harm: int | None
    confidence: str | None
    movement: Movement
    officer: str
    top30: bool
    # Lines
    days_on_matrix: int | None = None
    last_disruption: datetime.date | None = None
    flexed: bool = False
    home_division: str = ""
    home_division_code: str = ""
    quiet: bool = False
    # OCGs
    tier: int | None = None
    managed_by: str = ""
    managing_team: str = ""
    division: str = ""


@dataclass
class Partition:
    code: str
    name: str
    top: list[MatrixRow] = field(default_factory=list)
    rest: list[MatrixRow] = field(default_factory=list)
    # Lines of this division flexed to another one: (that division's name, the row there).
    flexed_out: list[tuple[str, MatrixRow]] = field(default_factory=list)
    count: int = 0  # ranked here; the rows may be left unread (see matrix_rankings)


@dataclass
class Totals:
    active_lines: int | None
    total_trh: int | None
    mapped_ocgs: int | None
    ocgs_on_division: int | None
    ocgs_with_scd: int | None


@dataclass
class Rankings:
    as_of: datetime.date
    is_current: bool
    token: str
    lines: list[Partition]
    ocgs: list[Partition]
    totals: Totals
    stale_lines: int = 0
    stale_ocgs: int = 0
    stale_since: datetime.datetime | None = None
    stale_behind: int = 0

    @property
    def stale(self) -> int:
        return self.stale_lines + self.stale_ocgs

    @property
    def quiet_lines(self) -> list[tuple[str, MatrixRow]]:
        return [(p.name, row) for p in self.lines for row in p.top if row.quiet]


@lru_cache(maxsize=4096)  # a few hundred officers name thousands of rows
def _officer_name(
    first_name: str | None, last_name: str | None, rank: str | None, officer_user_id: int | None
) -> str:
    """The name a row shows for a user read as plain values (see _person): the officer's
    display name, or the user's full name when they are not an officer; "" for no user."""
    if first_name is None:  # a required column: no user at all
        return ""
    user = get_user_model()(first_name=first_name, last_name=last_name)
    if officer_user_id is None:
        return user.get_full_name()
    return Officer(user=user, rank=rank).display_name


@lru_cache(maxsize=8)
def _url_pattern(name: str) -> str | None:
    # Reversed once, not once per row: a matrix can have thousands of rows.
    try:
        return reverse(name, kwargs={"pk": 987654321})
    except NoReverseMatch:
        return None


def detail_url(name: str, pk: int) -> str | None:
    pattern = _url_pattern(name)
    return pattern.replace("987654321", str(pk)) if pattern else None


def _last_disruptions(ranked: QuerySet, as_of: datetime.date) -> dict[int, datetime.date]:
    """Each ranked line's latest approved disruption up to `as_of`, in one grouped query (a
    correlated subquery per row costs seconds with a national deployment's disruptions)."""
    through = Disruption.county_lines.through
    return dict(
        through.objects.filter(
            countyline_id__in=ranked.values("county_line_id"),
            disruption__status=DisruptionStatus.APPROVED,
            disruption__date__lte=as_of,
        )
        .values("countyline_id")
        .annotate(last=Max("disruption__date"))
        .values_list("countyline_id", "last")
        .order_by()
    )


# Each subject is loaded once with just what its row shows (an OCG ranks twice: force-wide and
# in its division), as plain values like the ranking rows: at national scale the dashboard reads
# thousands of rows, and model instances for every subject and its joined rows cost more than
# the queries.
_OFFICER_FIELDS = ("first_name", "last_name", "officer__rank", "officer__user_id")


def _person(prefix: str) -> list[str]:
    return [f"{prefix}__{f}" for f in _OFFICER_FIELDS]


@dataclass(frozen=True)
class _Line:
    pk: int
    reference: str | None
    name: str
    activated_on: datetime.date | None
    division_code: str
    division_name: str
    officer: str  # the LRO of the line's OCG, else who created the line


@dataclass(frozen=True)
class _OCG:
    pk: int
    reference: str | None
    name: str
    division_name: str
    team_name: str | None
    team_kind: str | None
    officer: str  # the lead responsible officer


def _lines_by_id(ranked: QuerySet) -> dict[int, _Line]:
    rows = CountyLine.objects.filter(pk__in=ranked.values("county_line_id")).values_list(
        "pk",
        "reference",
        "name",
        "activated_on",
        "division__code",
        "division__name",
        *_person("ocg__lead_responsible_officer"),
        *_person("created_by"),
    )
    lines = {}
    for row in rows:
        lro, creator = row[6:10], row[10:14]
        officer = lro if lro[0] is not None else creator
        lines[row[0]] = _Line(*row[:6], officer=_officer_name(*officer))
    return lines


def _ocgs_by_id(ranked: QuerySet) -> dict[int, _OCG]:
    rows = OCG.objects.filter(pk__in=ranked.values("ocg_id")).values_list(
        "pk",
        "reference",
        "name",
        "division__name",
        "managing_team__name",
        "managing_team__kind",
        *_person("lead_responsible_officer"),
    )
    return {row[0]: _OCG(*row[:6], officer=_officer_name(*row[6:])) for row in rows}


@dataclass(frozen=True)
class _Entry:
    """One ranking (or rank history) row; the score's parts only for the current matrix."""

    partition: str
    rank: int
    total: int
    subject_id: int
    threat: int | None = None
    risk: int | None = None
    harm: int | None = None
    confidence: str | None = None
    tier: int | None = None


_SCORE_PARTS = ("score__threat", "score__risk", "score__harm", "score__confidence", "score__tier")


def _entries(ranked: QuerySet, subject_field: str, with_score: bool) -> list[_Entry]:
    fields = ["partition", "rank", "total", subject_field]
    if with_score:
        fields += _SCORE_PARTS
    labels = dict(Confidence.choices)
    rows = ranked.order_by("partition", "rank").values_list(*fields)
    if not with_score:
        return [_Entry(*row) for row in rows]
    return [_Entry(*row[:7], confidence=labels[row[7]], tier=row[8]) for row in rows]


def _previous_ranks(
    as_of: datetime.date, ocg_partition: str | None
) -> dict[tuple[str, str, int], int]:
    """(subject type, partition, subject id) -> rank a week before `as_of`; for OCGs only in
    `ocg_partition` when the OCG rows are read for that partition alone.

    Not scoped: it is only looked up for rows the user may already see."""
    rows = RankHistory.objects.filter(on=as_of - datetime.timedelta(days=MOVEMENT_DAYS))
    if ocg_partition is not None:
        rows = rows.filter(Q(subject_type=RankedSubject.COUNTY_LINE) | Q(partition=ocg_partition))
    rows = rows.values_list("subject_type", "partition", "county_line_id", "ocg_id", "rank")
    return {(kind, part, line or ocg): rank for kind, part, line, ocg, rank in rows}


def _line_row(
    entry: _Entry,
    line: _Line,
    as_of: datetime.date,
    previous: dict,
    last: datetime.date | None,
) -> MatrixRow:
    activated = line.activated_on if line.activated_on and line.activated_on <= as_of else None
    top30 = entry.rank <= TOP_N
    return MatrixRow(
        rank=entry.rank,
        subject_id=line.pk,
        reference=line.reference or "",
        name=line.name,
        url=detail_url("countylines:detail", line.pk),
        total=entry.total,
        threat=entry.threat,
        risk=entry.risk,
        harm=entry.harm,
        confidence=entry.confidence,
        movement=movement(
            entry.rank, previous.get((RankedSubject.COUNTY_LINE, entry.partition, line.pk))
        ),
        officer=line.officer,
        top30=top30,
        days_on_matrix=(as_of - activated).days if activated else None,
        last_disruption=last,
        flexed=entry.partition != line.division_code,
        home_division=line.division_name,
        home_division_code=line.division_code,
        quiet=top30 and (last is None or (as_of - last).days > QUIET_DAYS),
    )


def _ocg_row(entry: _Entry, ocg: _OCG, previous: dict) -> MatrixRow:
    if ocg.team_kind is None:
        managed_by = ""
    else:
        managed_by = "SCD" if ocg.team_kind in SCD_TEAM_KINDS else "Division"
    return MatrixRow(
        rank=entry.rank,
        subject_id=ocg.pk,
        reference=ocg.reference or "",
        name=ocg.name,
        url=detail_url("ocg:detail", ocg.pk),
        total=entry.total,
        threat=entry.threat,
        risk=entry.risk,
        harm=entry.harm,
        confidence=entry.confidence,
        movement=movement(entry.rank, previous.get((RankedSubject.OCG, entry.partition, ocg.pk))),
        officer=ocg.officer,
        top30=entry.rank <= TOP_N,
        tier=entry.tier,
        managed_by=managed_by,
        managing_team=ocg.team_name or "",
        division=ocg.division_name,
    )


def _partitions(
    divisions: list[Division],
    rows: dict[str, list[MatrixRow]],
    force: bool,
    counts: Counter | None = None,
) -> list[Partition]:
    named = [(FORCE_PARTITION, "Force")] if force else []
    named += [(d.code, d.name) for d in divisions]
    out = []
    for code, name in named:
        ranked = sorted(rows.get(code, []), key=lambda r: r.rank)
        count = counts[code] if counts is not None else len(ranked)
        out.append(Partition(code, name, ranked[:TOP_N], ranked[TOP_N:], count=count))
    return out


def _divisions() -> list[Division]:
    # North / East / West in the order the force set them up, the Central CLGT's matrix last.
    return list(Division.objects.order_by("is_central", "pk"))


def _current_totals() -> tuple[Totals, str]:
    """Force figures from the current rankings, plus the token that changes on every re-rank.

    Force totals are force-wide by definition (as the snapshots are), so they are not scoped.
    """
    line = Q(subject_type=RankedSubject.COUNTY_LINE)
    ocg = Q(subject_type=RankedSubject.OCG, partition=FORCE_PARTITION)
    scd = [k.value for k in SCD_TEAM_KINDS]
    figures = Ranking.objects.aggregate(
        lines=Count("pk", filter=line),
        trh=Sum("total", filter=line),
        ocgs=Count("pk", filter=ocg),
        scd=Count("pk", filter=ocg & Q(ocg__managing_team__kind__in=scd)),
        division=Count(
            "pk",
            filter=ocg & Q(ocg__managing_team__isnull=False) & ~Q(ocg__managing_team__kind__in=scd),
        ),
        ranked_at=Max("ranked_at"),
        last_id=Max("pk"),
    )
    totals = Totals(
        active_lines=figures["lines"],
        total_trh=figures["trh"] or 0,
        mapped_ocgs=figures["ocgs"],
        ocgs_on_division=figures["division"],
        ocgs_with_scd=figures["scd"],
    )
    stamp = figures["ranked_at"].isoformat() if figures["ranked_at"] else "none"
    return totals, f"{stamp}/{figures['last_id'] or 0}"


@dataclass(frozen=True)
class Staleness:
    lines: int
    ocgs: int
    since: datetime.datetime | None
    behind: int  # stale for longer than the sweeper waits: the worker is behind or down


def _stale() -> Staleness:
    behind = Q(score_stale_since__lt=timezone.now() - STALE_FOR_ATTENTION)
    figures = [
        model.objects.filter(score_stale_since__isnull=False).aggregate(
            n=Count("pk"), oldest=Min("score_stale_since"), behind=Count("pk", filter=behind)
        )
        for model in (CountyLine, OCG)
    ]
    oldest = [f["oldest"] for f in figures if f["oldest"] is not None]
    return Staleness(
        lines=figures[0]["n"],
        ocgs=figures[1]["n"],
        since=min(oldest) if oldest else None,
        behind=figures[0]["behind"] + figures[1]["behind"],
    )


def live_token() -> str:
    """Changes whenever the worker re-ranks or a score goes stale or fresh: what the open page
    polls for. Two small aggregates on indexed columns."""
    figures = Ranking.objects.aggregate(ranked_at=Max("ranked_at"), last_id=Max("pk"))
    stamp = figures["ranked_at"].isoformat() if figures["ranked_at"] else "none"
    stale = _stale()
    return f"{stamp}/{figures['last_id'] or 0}/{stale.lines}/{stale.ocgs}"


def matrix_rankings(
    *,
    user: Any,
    as_of: datetime.date | None = None,
    partition: str | None = None,
    ocg_rows_for: str | None = None,
) -> Rankings:
    """The line and OCG matrices as the user may see them, now or as of a past date.

    With `partition` (a division code, or FORCE), only that tab's rows are read: its ranked
    lines and OCGs, and its own lines flexed elsewhere; the other partitions come back empty.
    With `ocg_rows_for`, the OCG matrix has rows for that partition only and counts for the
    others (the page shows one OCG tab; every OCG ranks twice, so this halves the work at least).
    """
    today = timezone.localdate()
    as_of = as_of or today
    is_current = as_of >= today
    divisions = _divisions()
    ocg_partition = ocg_rows_for if ocg_rows_for is not None else partition
    previous = _previous_ranks(as_of, ocg_partition)
    line_rows: dict[str, list[MatrixRow]] = defaultdict(list)
    ocg_rows: dict[str, list[MatrixRow]] = defaultdict(list)
    source: QuerySet = (
        Ranking.objects.visible_to(user)
        if is_current
        else RankHistory.objects.visible_to(user).filter(on=as_of)
    )
    ranked_lines = source.filter(subject_type=RankedSubject.COUNTY_LINE)
    ranked_ocgs = source.filter(subject_type=RankedSubject.OCG)
    if partition is not None:
        ranked_lines = ranked_lines.filter(
            Q(partition=partition) | Q(county_line__division__code=partition)
        )
        ranked_ocgs = ranked_ocgs.filter(partition=partition)
    last_disruptions = _last_disruptions(ranked_lines, as_of)
    lines_by_id = _lines_by_id(ranked_lines)
    for entry in _entries(ranked_lines, "county_line_id", with_score=is_current):
        line = lines_by_id[entry.subject_id]
        last = last_disruptions.get(entry.subject_id)
        line_rows[entry.partition].append(_line_row(entry, line, as_of, previous, last))
    if ocg_rows_for is None:
        ocg_entries = _entries(ranked_ocgs, "ocg_id", with_score=is_current)
        ocg_counts = Counter(entry.partition for entry in ocg_entries)
    else:
        # The other tabs' counts from one grouped query, not their rows and scores.
        ocg_counts = Counter(
            dict(ranked_ocgs.order_by().values_list("partition").annotate(n=Count("pk")))
        )
        ranked_ocgs = ranked_ocgs.filter(partition=ocg_rows_for)
        ocg_entries = _entries(ranked_ocgs, "ocg_id", with_score=is_current)
    ocgs_by_id = _ocgs_by_id(ranked_ocgs)
    for entry in ocg_entries:
        ocg_rows[entry.partition].append(_ocg_row(entry, ocgs_by_id[entry.subject_id], previous))

    if is_current:
        totals, token = _current_totals()
        stale = _stale()
        token = f"{token}/{stale.lines}/{stale.ocgs}"
    else:
        snapshot = ForceSnapshot.objects.visible_to(user).filter(on=as_of).first()
        totals = Totals(
            active_lines=snapshot.active_lines if snapshot else None,
            total_trh=snapshot.total_trh if snapshot else None,
            mapped_ocgs=snapshot.mapped_ocgs if snapshot else None,
            ocgs_on_division=snapshot.ocgs_on_division if snapshot else None,
            ocgs_with_scd=snapshot.ocgs_with_scd if snapshot else None,
        )
        token, stale = "history", Staleness(0, 0, None, 0)
    lines = _partitions(divisions, line_rows, force=False)
    home = {p.code: p for p in lines}
    for partition in lines:
        for row in partition.top + partition.rest:
            if row.flexed and row.home_division_code in home:
                home[row.home_division_code].flexed_out.append((partition.name, row))
    return Rankings(
        as_of=as_of,
        is_current=is_current,
        token=token,
        lines=lines,
        ocgs=_partitions(divisions, ocg_rows, force=True, counts=ocg_counts),
        totals=totals,
        stale_lines=stale.lines,
        stale_ocgs=stale.ocgs,
        stale_since=stale.since,
        stale_behind=stale.behind,
    )


# --- charts -------------------------------------------------------------------------------------


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
    year_ago_ocgs: int | None
    latest_ocgs: int | None

    @property
    def ocg_growth_percent(self) -> int | None:
        if not self.year_ago_ocgs or self.latest_ocgs is None:
            return None
        return round((self.latest_ocgs - self.year_ago_ocgs) * 100 / self.year_ago_ocgs)

    def trend_chart(self) -> dict:
        return {
            "type": "line",
            "labels": [p.on.isoformat() for p in self.trend],
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
            "labels": [p.month.strftime("%b %Y") for p in self.ocg_growth],
            "datasets": [
                {
                    "label": "Mapped and scored OCGs",
                    "data": [p.mapped_ocgs for p in self.ocg_growth],
                    "backgroundColor": "#1d70b8",
                }
            ],
        }


def _on_or_before(points: list[Any], day: datetime.date) -> Any | None:
    found = None
    for point in points:  # ascending by date
        if point.on > day:
            break
        found = point
    return found


def force_trends(*, user: Any, as_of: datetime.date) -> Trends:
    """Trend data from the daily force snapshots, in one query."""
    start = add_months(as_of, -24) - datetime.timedelta(days=31)
    rows = list(
        ForceSnapshot.objects.visible_to(user)
        .filter(on__gte=start, on__lte=as_of)
        .order_by("on")
        .values_list("on", "active_lines", "total_trh", "mapped_ocgs")
    )
    points = [TrendPoint(on, lines, trh) for on, lines, trh, _ in rows]
    ocgs = {on: n for on, _, _, n in rows}
    trend_from = as_of - datetime.timedelta(days=TREND_DAYS)
    growth = []
    first_month = add_months(as_of.replace(day=1), -12)
    for i in range(13):
        month = add_months(first_month, i)
        month_end = min(add_months(month, 1) - datetime.timedelta(days=1), as_of)
        point = _on_or_before(points, month_end)
        if point is not None and point.on < month:
            point = None  # nothing recorded in that month
        growth.append(
            MonthPoint(month, point.on if point else None, ocgs[point.on] if point else None)
        )
    year_ago = _on_or_before(points, add_months(as_of, -12))
    latest = points[-1] if points else None
    return Trends(
        trend=[p for p in points if p.on > trend_from],
        ocg_growth=growth,
        two_years_ago=_on_or_before(points, add_months(as_of, -24)),
        year_ago_ocgs=ocgs[year_ago.on] if year_ago else None,
        latest_ocgs=ocgs[latest.on] if latest else None,
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
        return {g: sum(m.by_grade[g] for m in self.months) for g in ImpactGrade.values}

    @property
    def grade_rows(self) -> list[tuple[str, int]]:
        return [(ImpactGrade(g).label, n) for g, n in self.by_grade.items()]

    @property
    def grade_labels(self) -> list[str]:
        return [ImpactGrade(g).label for g in ImpactGrade.values]

    def month_rows(self) -> list[tuple[DisruptionBucket, list[int]]]:
        return [(m, [m.by_grade[g] for g in ImpactGrade.values]) for m in self.months]

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
                for g in ImpactGrade.values
            ],
        }


def disruption_window(as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last six months up to and including `as_of` (the same window as the OCG page's
    'disruptions in the last six months')."""
    return add_months(as_of, -DISRUPTION_MONTHS) + datetime.timedelta(days=1), as_of


def disruption_figures(*, user: Any, as_of: datetime.date) -> DisruptionFigures:
    """Approved disruptions of the last six months by calendar month and impact grade, in one
    query. The first month is cut at the window's start, so the months add up to the total.

    The query groups by day, not month, and the days are put into months here: truncating a
    date to its month in SQL casts every row to a timestamp, which cost more than the scan at
    national scale, while six months of days by grade are under a thousand groups. It reads
    the (status, date, impact_grade) index alone, and counts "against an OCG" as an IN over the
    OCG links, which PostgreSQL hashes once (an EXISTS per row made its cost estimate high
    enough to switch on JIT compilation, slower than the query itself)."""
    date_from, date_to = disruption_window(as_of)
    against_ocg = Q(pk__in=Disruption.ocgs.through.objects.values("disruption_id"))
    rows = (
        Disruption.objects.visible_to(user)
        .filter(status=DisruptionStatus.APPROVED, date__gte=date_from, date__lte=date_to)
        .values_list("date", "impact_grade")
        .annotate(n=Count("pk"), against=Count("pk", filter=against_ocg))
        .order_by()
    )
    months: dict[datetime.date, DisruptionBucket] = {}
    month = date_from.replace(day=1)
    while month <= date_to:
        months[month] = DisruptionBucket(
            date_from=max(month, date_from),
            date_to=min(add_months(month, 1) - datetime.timedelta(days=1), date_to),
            by_grade=dict.fromkeys(ImpactGrade.values, 0),
            against_ocgs=0,
        )
        month = add_months(month, 1)
    for day, grade, n, against in rows:
        bucket = months[day.replace(day=1)]
        bucket.by_grade[grade] += n
        bucket.against_ocgs += against
    return DisruptionFigures(date_from, date_to, list(months.values()))


# --- needs attention ----------------------------------------------------------------------------


@dataclass
class AttentionItem:
    label: str
    count: int
    url: str | None = None


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def needs_attention(*, user: Any) -> list[AttentionItem]:
    """Counts of what is waiting on the supervisors, each only for users who act on it."""
    items: list[AttentionItem] = []
    if user.has_perm("disruptions.approve_disruption"):
        items.append(
            AttentionItem(
                "Submitted disruptions waiting for approval",
                disruption_approval_queue(user=user).count(),
                _url("disruptions:approvals"),
            )
        )
    if user.has_perm("countylines.approve_countyline"):
        lines = CountyLine.objects.visible_to(user).filter(status=LineStatus.NOMINATED).count()
        items.append(
            AttentionItem(
                "County line nominations waiting for approval",
                lines,
                _url("countylines:list"),
            )
        )
    if user.has_perm("ocg.approve_ocg"):
        ocgs = OCG.objects.visible_to(user).filter(mapping_submitted_at__isnull=False).count()
        items.append(
            AttentionItem(
                "OCGs submitted for mapping, waiting for approval", ocgs, _url("ocg:list")
            )
        )
    if user.has_perm("lifetime.view_lifetime"):
        from kentsoc.lifetime import selectors as lifetime
        from kentsoc.lifetime.filters import (
            ReleaseFilterSet,
            ScpoBreachFilterSet,
            ScpoExpiringFilterSet,
        )

        def listed(selector: Any, filterset_class: Any) -> int:
            # The lifetime list's own selector and default window: the count is what the
            # link opens.
            return filterset_class(None, queryset=selector(user=user)).qs.count()

        items += [
            AttentionItem(
                f"Releases from custody in the next {DUE_DAYS} days",
                listed(lifetime.releases_list, ReleaseFilterSet),
                _url("lifetime:releases"),
            ),
            AttentionItem(
                f"SCPOs expiring in the next {DUE_DAYS} days",
                listed(lifetime.scpos_expiring_list, ScpoExpiringFilterSet),
                _url("lifetime:scpos-expiring"),
            ),
            AttentionItem(
                f"SCPO breaches in the last {DUE_DAYS} days",
                listed(lifetime.scpo_breaches_list, ScpoBreachFilterSet),
                _url("lifetime:scpo-breaches"),
            ),
        ]
    return items


# --- the page -----------------------------------------------------------------------------------


@dataclass
class Dashboard:
    rankings: Rankings
    trends: Trends
    disruptions: DisruptionFigures
    attention: list[AttentionItem]


def dashboard_get(*, user: Any, as_of: datetime.date | None = None) -> Dashboard:
    today = timezone.localdate()
    as_of = min(as_of or today, today)
    rankings = matrix_rankings(user=user, as_of=as_of, ocg_rows_for=FIRST_OCG_TAB)
    attention: list[AttentionItem] = []
    if rankings.is_current:
        attention = [
            AttentionItem(
                "Scores stale for over a minute (the worker is behind)",
                rankings.stale_behind,
                "#matrix-live",
            ),
            *needs_attention(user=user),
        ]
    return Dashboard(
        rankings=rankings,
        trends=force_trends(user=user, as_of=as_of),
        disruptions=disruption_figures(user=user, as_of=as_of),
        attention=attention,
    )

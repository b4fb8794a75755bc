"""The monthly matrix: the paper the monthly tasking meeting reads instead of the Excel matrix.

The force reads its matrix monthly and a month's figure is its month-end reading (DOMAIN.md,
"Rankings": July 2022 is 31 July 2022). The reading is the month's last force snapshot and that
day's rank history: the month-end itself when the worker wrote it, otherwise the latest day of
the month that has one (a month still running reads "so far"). Nothing is scored on request.

Entered and left the top 30 compare two readings, this month's and the previous month's, per
division, in SQL: the month-end top 30 carries its rank a month before from a correlated
subquery, and the previous top 30 its rank now, so only the lines on either top 30 leave the
database, however many lines the force ranks. Why a line moved comes from the rank history's
score by factor on the two days (kentsoc.matrix writes it with the ranks): the factors whose
points changed, the largest first. A line with no change of its own moved because others did;
one that left the matrix altogether says what its status became; a flexed line says where to.

Disruptions in the month are the activity summary's (approved, dated in the month) that the
reader may see, by tactic and by team.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from countylines.choices import LineStatus
from countylines.models import CountyLineStatusChange
from disruptions.choices import Tactic
from disruptions.models import Disruption
from kentsoc.dashboard.charts import last_of_month
from kentsoc.dashboard.reports import approved_in_scope
from kentsoc.dashboard.rows import detail_url
from kentsoc.dates import add_months
from kentsoc.matrix.models import ForceSnapshot, RankHistory
from kentsoc.org.choices import TeamKind
from kentsoc.org.models import Division
from kentsoc.trh.choices import RankedSubject
from kentsoc.trh.factors import COUNTY_LINE_FACTORS, TOP_N
from kentsoc.web.people import day


def last_complete_month(today: datetime.date | None = None) -> datetime.date:
    """The first day of the month before today's: the page opens on the last finished month."""
    today = today or timezone.localdate()
    return add_months(today.replace(day=1), -1)


@dataclass
class Reading:
    on: datetime.date
    active_lines: int
    total_trh: int
    mapped_ocgs: int
    ocgs_on_division: int
    ocgs_with_scd: int
    ocgs_by_team: dict[str, int]

    def team_rows(self) -> list[tuple[str, int]]:
        """Scored OCGs by the kind of team that manages them, largest first."""
        labels = dict(TeamKind.choices)
        rows = [(labels.get(kind, "No managing team"), n) for kind, n in self.ocgs_by_team.items()]
        return sorted(rows, key=lambda r: (-r[1], r[0]))

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "active_lines": self.active_lines,
            "total_trh": self.total_trh,
            "mapped_ocgs": self.mapped_ocgs,
            "ocgs_on_division": self.ocgs_on_division,
            "ocgs_with_scd": self.ocgs_with_scd,
            "ocgs_by_team": dict(self.team_rows()),
        }


@dataclass(frozen=True)
class FactorChange:
    code: str
    label: str
    level_from: int
    level_to: int
    points_from: int
    points_to: int

    @property
    def change(self) -> int:
        return self.points_to - self.points_from

    def _level(self, level: int) -> str:
        factor = COUNTY_LINE_FACTORS.get(self.code)
        if factor is None or not 0 <= level < len(factor.levels):
            return str(level)
        return factor.levels[level]

    @property
    def text(self) -> str:
        return (
            f"{self.label}: {self._level(self.level_from)} → {self._level(self.level_to)} "
            f"({self.change:+d})"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "factor": self.code,
            "label": self.label,
            "level_from": self.level_from,
            "level_to": self.level_to,
            "points_from": self.points_from,
            "points_to": self.points_to,
            "change": self.change,
        }


def factor_changes(before: dict, after: dict) -> list[FactorChange]:
    """The factors whose points differ between two days' `RankHistory.factors`, the largest
    change first (then the factor table's order)."""
    order = {code: i for i, code in enumerate(COUNTY_LINE_FACTORS)}
    changes = []
    for code in sorted(set(before) | set(after), key=lambda c: order.get(c, len(order))):
        level_from, points_from = before.get(code, (0, 0))
        level_to, points_to = after.get(code, (0, 0))
        if points_from != points_to:
            factor = COUNTY_LINE_FACTORS.get(code)
            label = factor.label if factor else code
            changes.append(FactorChange(code, label, level_from, level_to, points_from, points_to))
    return sorted(changes, key=lambda c: -abs(c.change))


@dataclass
class TopLine:
    rank: int
    county_line_id: int
    reference: str
    name: str
    score: int
    previous_rank: int | None
    url: str | None
    came_from: str = ""  # the division it ranked in a month before, when not this one

    @property
    def was(self) -> str:
        """Its place a month before, in the same division's ranking."""
        if self.previous_rank is not None:
            return str(self.previous_rank)
        return f"in {self.came_from}" if self.came_from else "new"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "county_line": self.county_line_id,
            "reference": self.reference,
            "name": self.name,
            "score": self.score,
            "previous_rank": self.previous_rank,
        }


@dataclass
class Mover:
    county_line_id: int
    reference: str
    name: str
    rank: int | None  # at this month's end, in this division (None: not ranked here)
    previous_rank: int | None  # at the previous month's end, in this division
    score: int | None
    previous_score: int | None
    reason: str
    factors: list[FactorChange]
    url: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "county_line": self.county_line_id,
            "reference": self.reference,
            "name": self.name,
            "rank": self.rank,
            "previous_rank": self.previous_rank,
            "score": self.score,
            "previous_score": self.previous_score,
            "reason": self.reason,
            "factors": [f.as_dict() for f in self.factors],
        }


@dataclass
class DivisionMonth:
    code: str
    name: str
    top: list[TopLine] = field(default_factory=list)
    entered: list[Mover] = field(default_factory=list)
    left: list[Mover] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "top30": [t.as_dict() for t in self.top],
            "entered": [m.as_dict() for m in self.entered],
            "left": [m.as_dict() for m in self.left],
        }


@dataclass
class MonthDisruptions:
    date_from: datetime.date
    date_to: datetime.date
    by_tactic: list[tuple[str, int]]
    by_team: list[tuple[str, int]]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.by_tactic)

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "total": self.total,
            "by_tactic": [{"tactic": label, "count": n} for label, n in self.by_tactic],
            "by_team": [{"team": name, "count": n} for name, n in self.by_team],
        }


@dataclass
class MonthlyMatrix:
    month: datetime.date  # its first day
    month_end: datetime.date
    reading: Reading | None
    previous_month: datetime.date
    previous: Reading | None
    divisions: list[DivisionMonth]
    disruptions: MonthDisruptions

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"

    @property
    def key(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def complete(self) -> bool:
        return self.month_end < timezone.localdate()

    @property
    def compared(self) -> bool:
        """Entered and left need both readings."""
        return self.reading is not None and self.previous is not None

    def line_ids(self) -> list[int]:
        """Every county line the report names (for the audit trail)."""
        ids = [t.county_line_id for d in self.divisions for t in d.top]
        ids += [m.county_line_id for d in self.divisions for m in d.entered + d.left]
        return list(dict.fromkeys(ids))

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": self.key,
            "month_end": self.month_end.isoformat(),
            "complete": self.complete,
            "reading": self.reading.as_dict() if self.reading else None,
            "previous_month": f"{self.previous_month:%Y-%m}",
            "previous_reading": self.previous.as_dict() if self.previous else None,
            "top_n": TOP_N,
            "divisions": [d.as_dict() for d in self.divisions],
            "disruptions": self.disruptions.as_dict(),
        }

    def csv_rows(self) -> list[list[Any]]:
        """One table for a spreadsheet: section, division, rank, reference, line, score, rank
        and score a month before, and the detail (why it moved, or what a figure counts)."""
        rows: list[list[Any]] = []

        def figure(section: str, label: str, value: Any, detail: str = "") -> None:
            rows.append([section, "", "", "", label, value, "", "", detail])

        for title, reading in (("Month-end reading", self.reading), ("Previous", self.previous)):
            if reading is None:
                continue
            on = reading.on.isoformat()
            figure(title, "Active county lines", reading.active_lines, on)
            figure(title, "Total TRH", reading.total_trh, on)
            figure(title, "Mapped and scored OCGs", reading.mapped_ocgs, on)
            figure(title, "OCGs managed on Division", reading.ocgs_on_division, on)
            figure(title, "OCGs managed with SCD", reading.ocgs_with_scd, on)
        for d in self.divisions:
            for t in d.top:
                rows.append(
                    [f"Top {TOP_N}", d.name, t.rank, t.reference, t.name, t.score]
                    + [t.previous_rank or "", "", "" if t.previous_rank else "new"]
                )
            for section, movers in (("Entered", d.entered), ("Left", d.left)):
                for m in movers:
                    rows.append(
                        [section, d.name, m.rank or "", m.reference, m.name, _blank(m.score)]
                        + [m.previous_rank or "", _blank(m.previous_score), m.reason]
                    )
        period = f"{self.disruptions.date_from.isoformat()} to {self.disruptions.date_to}"
        figure("Disruptions", "Approved disruptions", self.disruptions.total, period)
        for label, n in self.disruptions.by_tactic:
            figure("Disruptions by tactic", label, n)
        for name, n in self.disruptions.by_team:
            figure("Disruptions by team", name, n)
        return rows


CSV_HEADERS = [
    "Section",
    "Division",
    "Rank",
    "Reference",
    "Line or figure",
    "Score or value",
    "Rank a month before",
    "Score a month before",
    "Detail",
]


def _blank(value: int | None) -> int | str:
    return "" if value is None else value


def _reading(user: Any, start: datetime.date, end: datetime.date) -> Reading | None:
    snapshot = (
        ForceSnapshot.objects.visible_to(user).filter(on__gte=start, on__lte=end).order_by("-on")
    ).first()
    if snapshot is None:
        return None
    return Reading(
        on=snapshot.on,
        active_lines=snapshot.active_lines,
        total_trh=snapshot.total_trh,
        mapped_ocgs=snapshot.mapped_ocgs,
        ocgs_on_division=snapshot.ocgs_on_division,
        ocgs_with_scd=snapshot.ocgs_with_scd,
        ocgs_by_team=dict(snapshot.ocgs_by_team),
    )


def _line_history(user: Any, on: datetime.date) -> QuerySet[RankHistory]:
    return RankHistory.objects.visible_to(user).filter(
        on=on, subject_type=RankedSubject.COUNTY_LINE
    )


def _elsewhere(on: datetime.date | None, prefix: str) -> dict[str, Subquery]:
    """Where the outer row's line ranked on another day, its rank there, total and score by
    factor (a line ranks in one division a day). Not scoped: read only beside rows the user
    may see."""
    row = RankHistory.objects.filter(
        on=on, subject_type=RankedSubject.COUNTY_LINE, county_line=OuterRef("county_line")
    )
    return {
        f"{prefix}_{name}": Subquery(row.values(name)[:1])
        for name in ("partition", "rank", "total", "factors")
    }


_LINE_FIELDS = ("county_line_id", "county_line__reference", "county_line__name")
_BEFORE = ("before_partition", "before_rank", "before_total", "before_factors")
_NOW = ("now_partition", "now_rank", "now_total", "now_factors")
_STATUS = ("status_then", "status_on")


def _status_at(on: datetime.date) -> dict[str, Subquery]:
    latest = CountyLineStatusChange.objects.filter(
        county_line=OuterRef("county_line"), effective_on__lte=on
    ).order_by("-effective_on", "-changed_at", "-id")
    return {
        "status_then": Subquery(latest.values("to_status")[:1]),
        "status_on": Subquery(latest.values("effective_on")[:1]),
    }


def _entered_reason(row: dict, names: dict[str, str], changes: list[FactorChange]) -> str:
    if row["before_rank"] is None and row["before_partition"] is not None:
        return f"Flexed here from {names.get(row['before_partition'], row['before_partition'])}"
    if row["before_rank"] is None:
        return "New on the matrix this month"
    rises = [c for c in changes if c.change > 0]
    if rises:
        return "; ".join(c.text for c in rises)
    if not row["before_factors"] or not row["factors"]:
        return "Score by factor not recorded on one of the two days"
    return "No rise of its own: lines above it left the matrix or fell"


def _left_reason(row: dict, names: dict[str, str], changes: list[FactorChange]) -> str:
    if row["now_rank"] is None and row["now_partition"] is not None:
        return f"Flexed to {names.get(row['now_partition'], row['now_partition'])}"
    if row["now_rank"] is None:
        status = row["status_then"]
        if status and status != LineStatus.ACTIVE:
            return f"{LineStatus(status).label} on {day(row['status_on'])}: off the matrix"
        return "Off the matrix"
    falls = [c for c in changes if c.change < 0]
    if falls:
        return "; ".join(c.text for c in falls)
    if not row["factors"] or not row["now_factors"]:
        return "Score by factor not recorded on one of the two days"
    return "No fall of its own: overtaken by lines that rose or joined"


def _mover(row: dict, rank: int | None, before: int | None, score, previous, reason, changes):
    return Mover(
        county_line_id=row["county_line_id"],
        reference=row["county_line__reference"] or "",
        name=row["county_line__name"],
        rank=rank,
        previous_rank=before,
        score=score,
        previous_score=previous,
        reason=reason,
        factors=changes,
        url=detail_url("countylines:detail", row["county_line_id"]),
    )


def _divisions(user: Any, reading: Reading | None, previous: Reading | None) -> list[DivisionMonth]:
    """Each division's top 30 at the reading, and who entered and left it since the previous
    reading: two queries over the top 30s alone, plus the divisions."""
    divisions = list(
        Division.objects.visible_to(user).order_by("is_central", "pk").values_list("code", "name")
    )
    names = dict(divisions)
    months = {code: DivisionMonth(code, name) for code, name in divisions}
    # Both queries run whatever the readings, so the page costs the same with or without them:
    # a missing reading is a day (None) that matches no rows.
    now_on = reading.on if reading else None
    before_on = previous.on if previous else None
    _top_and_entered(user, now_on, before_on, months, names)
    _left(user, now_on if before_on else None, before_on if now_on else None, months, names)
    return list(months.values())


def _top_and_entered(
    user: Any,
    now_on: datetime.date | None,
    before_on: datetime.date | None,
    months: dict[str, DivisionMonth],
    names: dict[str, str],
) -> None:
    """The top 30 of every division on `now_on`, each with its rank a month before; those that
    were not in the top 30 then entered it."""
    rows = (
        _line_history(user, now_on)
        .filter(rank__lte=TOP_N)
        .annotate(**_elsewhere(before_on, "before"))
        .order_by("partition", "rank")
        .values("partition", "rank", "total", "factors", *_BEFORE, *_LINE_FIELDS)
    )
    for row in rows:
        month = months.get(row["partition"])
        if month is None:
            continue
        if row["before_partition"] != row["partition"]:
            row["before_rank"] = None  # it ranked in another division, or nowhere
        before = row["before_rank"]
        month.top.append(
            TopLine(
                rank=row["rank"],
                county_line_id=row["county_line_id"],
                reference=row["county_line__reference"] or "",
                name=row["county_line__name"],
                score=row["total"],
                previous_rank=before if before_on else None,
                url=detail_url("countylines:detail", row["county_line_id"]),
                came_from=names.get(row["before_partition"], "") if before is None else "",
            )
        )
        if before_on is None or (before is not None and before <= TOP_N):
            continue
        changes = factor_changes(row["before_factors"] or {}, row["factors"])
        month.entered.append(
            _mover(
                row,
                row["rank"],
                before,
                row["total"],
                row["before_total"],
                _entered_reason(row, names, changes),
                changes if before is not None else [],
            )
        )


def _left(
    user: Any,
    now_on: datetime.date | None,
    before_on: datetime.date | None,
    months: dict[str, DivisionMonth],
    names: dict[str, str],
) -> None:
    """The previous top 30's lines that are not in their division's top 30 on `now_on`."""
    rows = (
        _line_history(user, before_on)
        .filter(rank__lte=TOP_N)
        .annotate(**_elsewhere(now_on, "now"), **_status_at(now_on or datetime.date.min))
        .filter(
            Q(now_partition__isnull=True) | ~Q(now_partition=F("partition")) | Q(now_rank__gt=TOP_N)
        )
        .order_by("partition", "rank")
        .values("partition", "rank", "total", "factors", *_NOW, *_STATUS, *_LINE_FIELDS)
    )
    for row in rows:
        month = months.get(row["partition"])
        if month is None:
            continue
        if row["now_partition"] != row["partition"]:
            row["now_rank"] = None
        still_ranked = row["now_rank"] is not None
        changes = factor_changes(row["factors"], row["now_factors"] or {})
        month.left.append(
            _mover(
                row,
                row["now_rank"],
                row["rank"],
                row["now_total"] if row["now_partition"] else None,
                row["total"],
                _left_reason(row, names, changes),
                changes if still_ranked else [],
            )
        )


def _month_disruptions(user: Any, start: datetime.date, end: datetime.date) -> MonthDisruptions:
    """Approved disruptions dated in the month (the activity summary's scope) that the user may
    see, by tactic and by team, in one grouped query."""
    groups = (
        # Every force's, narrowed to what the user may see (their force's and what is shared).
        approved_in_scope(force_id=None, date_from=start, date_to=end)
        .filter(pk__in=Disruption.objects.visible_to(user).values("pk"))
        .values_list("tactic", "team__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    tactics: Counter = Counter()
    teams: Counter = Counter()
    for tactic, team, n in groups:
        tactics[tactic] += n
        teams[team] += n
    labels = dict(Tactic.choices)
    order = {t: i for i, t in enumerate(Tactic.values)}
    return MonthDisruptions(
        date_from=start,
        date_to=end,
        by_tactic=[(labels[t], tactics[t]) for t in sorted(tactics, key=order.get)],
        by_team=sorted(teams.items(), key=lambda r: (-r[1], r[0])),
    )


def monthly_matrix(*, user: Any, month: datetime.date) -> MonthlyMatrix:
    """The monthly matrix for the month containing `month`, as the user may see it."""
    start = month.replace(day=1)
    end = last_of_month(start)
    previous_start = add_months(start, -1)
    reading = _reading(user, start, min(end, timezone.localdate()))
    previous = _reading(user, previous_start, start - datetime.timedelta(days=1))
    return MonthlyMatrix(
        month=start,
        month_end=end,
        reading=reading,
        previous_month=previous_start,
        previous=previous,
        divisions=_divisions(user, reading, previous),
        disruptions=_month_disruptions(user, start, min(end, timezone.localdate())),
    )

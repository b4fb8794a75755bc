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
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Min, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from countylines.models import CountyLine
from disruptions.choices import DisruptionStatus
from disruptions.models import Disruption
from kentsoc.dashboard.rows import (
    MOVEMENT_DAYS,
    MatrixRow,
    Rankings,
    Totals,
    entries,
    line_row,
    lines_by_id,
    ocg_row,
    ocgs_by_id,
    partitions,
)
from kentsoc.matrix.models import ForceSnapshot, RankHistory, Ranking
from kentsoc.matrix.services import STALE_SWEEP_AFTER_SECONDS
from kentsoc.org.choices import SCD_TEAM_KINDS, scd_by_unit
from kentsoc.org.models import Division
from kentsoc.org.scoping import access_for
from kentsoc.trh.choices import FORCE_PARTITION, RankedSubject
from ocg.models import OCG

# Long enough to serve every poll between two re-ranks; a re-rank changes the key anyway.
ENTRIES_CACHE_SECONDS = 3600
FIRST_OCG_TAB = FORCE_PARTITION  # the OCG matrix the page opens on
# The sweeper re-enqueues what has been stale this long; older than that, the worker is behind.
STALE_FOR_ATTENTION = datetime.timedelta(seconds=STALE_SWEEP_AFTER_SECONDS)


def _last_disruptions(line_ids: set[int], as_of: datetime.date) -> dict[int, datetime.date]:
    """Each ranked line's latest approved disruption up to `as_of`, in one grouped query (a
    correlated subquery per row costs seconds with a national deployment's disruptions). The ids
    go as a list, not a subquery: the planner then knows they are a force's few dozen lines and
    reads their disruptions by index instead of the country's."""
    through = Disruption.county_lines.through
    return dict(
        through.objects.filter(
            countyline_id__in=line_ids,
            disruption__status=DisruptionStatus.APPROVED,
            disruption__date__lte=as_of,
        )
        .values("countyline_id")
        .annotate(last=Max("disruption__date"))
        .values_list("countyline_id", "last")
        .order_by()
    )


def _previous_ranks(
    as_of: datetime.date, line_ids: set[int], ocg_ids: set[int]
) -> dict[tuple[str, str, int], int]:
    """(subject type, partition, subject id) -> rank a week before `as_of` of the rows shown:
    the force's own, never the country's."""
    rows = RankHistory.objects.filter(
        Q(county_line_id__in=line_ids) | Q(ocg_id__in=ocg_ids),
        on=as_of - datetime.timedelta(days=MOVEMENT_DAYS),
    )
    rows = rows.values_list("subject_type", "partition", "county_line_id", "ocg_id", "rank")
    return {(kind, part, line or ocg): rank for kind, part, line, ocg, rank in rows}


def _force_of(user: Any) -> int | None:
    access = access_for(user)
    return access.force_id if access is not None else None


def _divisions() -> list[Division]:
    # North / East / West in the order the force set them up, the Central CLGT's matrix last.
    return list(Division.objects.order_by("is_central", "pk"))


@dataclass(frozen=True)
class _Figures:
    totals: Totals
    ocg_counts: Counter
    stamp: str  # changes whenever the worker re-ranks any of the force's partitions
    stale: Staleness | None  # None when the force has no rankings to read it alongside


def _current_figures(force_id: int | None, divisions: list[Division]) -> _Figures:
    """The force's figures from its current rankings, its OCG tabs' counts, its stale subjects
    and the stamp of its rankings, in one query.

    Force totals are force-wide by definition (as the snapshots are), so they are not scoped to
    the user's role; they are the officer's own force's (every ranking row names its force).
    The stamp is the newest rank time, the highest ranking id and the number of rows: every
    re-rank deletes a partition's rows and inserts new ones (new ids), so any change moves it.
    """
    line = Q(subject_type=RankedSubject.COUNTY_LINE)
    ocg = Q(subject_type=RankedSubject.OCG)
    force_ocg = ocg & Q(partition=FORCE_PARTITION)
    scd = [k.value for k in SCD_TEAM_KINDS]
    by_unit = {
        f"unit_{unit}": Count("pk", filter=force_ocg & Q(ocg__managing_team__kind=unit))
        for unit in sorted(scd)
    }
    tabs = {
        f"tab_{i}": Count("pk", filter=ocg & Q(partition=d.code)) for i, d in enumerate(divisions)
    }
    behind = timezone.now() - STALE_FOR_ATTENTION
    stale = {
        f"{name}_{figure}": Subquery(
            model.objects.filter(score_stale_since__isnull=False, division__force_id=force_id)
            .order_by()
            .values("division__force_id")
            .annotate(figure=aggregate)
            .values("figure")
        )
        for name, model in (("lines", CountyLine), ("ocgs", OCG))
        for figure, aggregate in (
            ("n", Count("pk")),
            ("oldest", Min("score_stale_since")),
            ("behind", Count("pk", filter=Q(score_stale_since__lt=behind))),
        )
    }
    figures = (
        Ranking.objects.filter(force_id=force_id)
        .order_by()
        .aggregate(
            lines=Count("pk", filter=line),
            trh=Sum("total", filter=line),
            ocgs=Count("pk", filter=force_ocg),
            scd=Count("pk", filter=force_ocg & Q(ocg__managing_team__kind__in=scd)),
            **by_unit,
            division=Count(
                "pk",
                filter=force_ocg
                & Q(ocg__managing_team__isnull=False)
                & ~Q(ocg__managing_team__kind__in=scd),
            ),
            **tabs,
            ranked_at=Max("ranked_at"),
            last_id=Max("pk"),
            rows=Count("pk"),
            **{name: Max(expression) for name, expression in stale.items()},
        )
    )
    totals = Totals(
        active_lines=figures["lines"],
        total_trh=figures["trh"] or 0,
        mapped_ocgs=figures["ocgs"],
        ocgs_on_division=figures["division"],
        ocgs_with_scd=figures["scd"],
        scd_units=scd_by_unit({unit: figures[f"unit_{unit}"] for unit in scd}),
    )
    counts = Counter({d.code: figures[f"tab_{i}"] for i, d in enumerate(divisions)})
    counts[FORCE_PARTITION] = figures["ocgs"]
    oldest = [figures[f"{n}_oldest"] for n in ("lines", "ocgs") if figures[f"{n}_oldest"]]
    return _Figures(
        totals=totals,
        ocg_counts=counts,
        stamp=_stamp(figures),
        # The stale figures ride on the rankings' rows: a force with none gets no answer.
        stale=Staleness(
            lines=figures["lines_n"] or 0,
            ocgs=figures["ocgs_n"] or 0,
            since=min(oldest) if oldest else None,
            behind=(figures["lines_behind"] or 0) + (figures["ocgs_behind"] or 0),
        )
        if figures["rows"]
        else None,
    )


def _stamp(figures: dict) -> str:
    ranked_at = figures["ranked_at"].isoformat() if figures["ranked_at"] else "none"
    return f"{ranked_at}/{figures['last_id'] or 0}/{figures['rows']}"


@dataclass(frozen=True)
class Staleness:
    lines: int
    ocgs: int
    since: datetime.datetime | None
    behind: int  # stale for longer than the sweeper waits: the worker is behind or down


def _stale(force_id: int | None) -> Staleness:
    """The force's subjects waiting for a rescore."""
    behind = Q(score_stale_since__lt=timezone.now() - STALE_FOR_ATTENTION)
    figures = [
        model.objects.filter(
            score_stale_since__isnull=False, division__force_id=force_id
        ).aggregate(
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


def live_token(user: Any) -> str:
    """Changes whenever the worker re-ranks the user's force or one of its scores goes stale or
    fresh: what the open page polls for. Small aggregates on indexed columns."""
    force_id = _force_of(user)
    figures = Ranking.objects.filter(force_id=force_id).aggregate(
        ranked_at=Max("ranked_at"), last_id=Max("pk"), rows=Count("pk")
    )
    stale = _stale(force_id)
    return f"{_stamp(figures)}/{stale.lines}/{stale.ocgs}"


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
    line_rows: dict[str, list[MatrixRow]] = defaultdict(list)
    ocg_rows: dict[str, list[MatrixRow]] = defaultdict(list)
    access = access_for(user)
    force_id = access.force_id if access is not None else None
    source: QuerySet = (
        # The force named outright as well as through the scope: the planner then expects a
        # force's rows, not a share of the country's.
        Ranking.objects.visible_to(user).filter(force_id=force_id)
        if is_current
        else RankHistory.objects.visible_to(user).filter(on=as_of)
    )
    lines_wanted = Q(subject_type=RankedSubject.COUNTY_LINE)
    ocgs_wanted = Q(subject_type=RankedSubject.OCG)
    if partition is not None:
        lines_wanted &= Q(partition=partition) | Q(county_line__division__code=partition)
        ocgs_wanted &= Q(partition=partition)
    ocg_counts: Counter | None = None
    figures = _current_figures(force_id, divisions) if is_current else None
    if ocg_rows_for is not None:
        if figures is not None and access is not None and access.force_wide:
            ocg_counts = figures.ocg_counts  # the whole force's, which is what they see
        else:
            # The other tabs' counts from one grouped query, not their rows and scores.
            ocg_counts = Counter(
                dict(
                    source.filter(ocgs_wanted)
                    .order_by()
                    .values_list("partition")
                    .annotate(n=Count("pk"))
                )
            )
        ocgs_wanted &= Q(partition=ocg_rows_for)
    ranked = source.filter(lines_wanted | ocgs_wanted)
    if figures is None:
        line_entries, ocg_entries = entries(ranked, with_score=False)
    else:
        # What the rankings say changes only when the worker re-ranks: kept under the force's
        # rankings stamp (and who is asking, and which tabs), so a re-rank makes a new key and
        # the old one is never read again.
        parts = (force_id, access, figures.stamp, as_of, partition, ocg_rows_for)
        key = "matrix-entries:" + hashlib.sha256(repr(parts).encode()).hexdigest()
        cached = cache.get(key)
        if cached is None:
            cached = entries(ranked, with_score=True)
            cache.set(key, cached, ENTRIES_CACHE_SECONDS)
        line_entries, ocg_entries = cached
    if ocg_counts is None:
        ocg_counts = Counter(entry.partition for entry in ocg_entries)
    line_ids = {entry.subject_id for entry in line_entries}
    ocg_ids = {entry.subject_id for entry in ocg_entries}
    previous = _previous_ranks(as_of, line_ids, ocg_ids)
    last_disruptions = _last_disruptions(line_ids, as_of)
    line_values = lines_by_id(line_ids)
    for entry in line_entries:
        line = line_values[entry.subject_id]
        last = last_disruptions.get(entry.subject_id)
        line_rows[entry.partition].append(line_row(entry, line, as_of, previous, last))
    ocg_values = ocgs_by_id(ocg_ids)
    for entry in ocg_entries:
        ocg_rows[entry.partition].append(ocg_row(entry, ocg_values[entry.subject_id], previous))

    if figures is not None:
        totals = figures.totals
        stale = figures.stale or _stale(force_id)
        token = f"{figures.stamp}/{stale.lines}/{stale.ocgs}"
    else:
        snapshot = ForceSnapshot.objects.visible_to(user).filter(on=as_of).first()
        totals = Totals(
            active_lines=snapshot.active_lines if snapshot else None,
            total_trh=snapshot.total_trh if snapshot else None,
            mapped_ocgs=snapshot.mapped_ocgs if snapshot else None,
            ocgs_on_division=snapshot.ocgs_on_division if snapshot else None,
            ocgs_with_scd=snapshot.ocgs_with_scd if snapshot else None,
            scd_units=scd_by_unit(snapshot.ocgs_by_team) if snapshot else [],
        )
        token, stale = "history", Staleness(0, 0, None, 0)
    lines = partitions(divisions, line_rows, force=False)
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
        ocgs=partitions(divisions, ocg_rows, force=True, counts=ocg_counts),
        totals=totals,
        stale_lines=stale.lines,
        stale_ocgs=stale.ocgs,
        stale_since=stale.since,
        stale_behind=stale.behind,
    )

"""What the supervisors' matrix dashboard reads: rankings, rank history, force snapshots and
approved disruptions. It never scores on request.

Every part is gathered in a fixed number of queries whatever the data size (the dashboard's
query-count test holds it to that): the force's figures, the ranked rows (cached under the
rankings stamp), and one round trip for what the shown rows need (last week's ranks, the lines'
and OCGs' names and officers, the lines' last approved disruptions, which each line keeps), with
the snapshots, the disruption figures and the "needs attention" counts the page queues on it
(kentsoc/dashboard/board.py).

A date in the past ("as of") reads that day's rank history and snapshot instead of the current
rankings: history keeps ranks and totals only, so T/R/H and confidence are shown for today.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from countylines.models import CountyLine
from disruptions.choices import DisruptionStatus
from disruptions.models import Disruption
from kentsoc.dashboard import compiled
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
from kentsoc.org.choices import SCD_TEAM_KINDS, TeamKind, scd_by_unit
from kentsoc.org.models import Division, Team
from kentsoc.org.scoping import access_for
from kentsoc.trh.choices import FORCE_PARTITION, RankedSubject
from ocg.models import OCG

# Long enough to serve every poll between two re-ranks; a re-rank changes the key anyway.
ENTRIES_CACHE_SECONDS = 3600
FIRST_OCG_TAB = FORCE_PARTITION  # the OCG matrix the page opens on
# The sweeper re-enqueues what has been stale this long; older than that, the worker is behind.
STALE_FOR_ATTENTION = datetime.timedelta(seconds=STALE_SWEEP_AFTER_SECONDS)


def _last_disruptions(
    line_ids: set[int], as_of: datetime.date, reads: compiled.Reads
) -> Callable[[], dict[int, datetime.date]]:
    """Each ranked line's latest approved disruption up to a past `as_of`, in one grouped query
    (a correlated subquery per row costs seconds with a national deployment's disruptions). The
    ids go as a list, not a subquery: the planner then knows they are a force's few dozen lines
    and reads their links, then their disruptions, from indexes alone (disruptions 0012).

    Today's matrix does not read it: each line keeps its latest approved disruption's date
    itself (CountyLine.last_approved_disruption_on; no disruption is dated in the future), read
    with its other values, which saves probing every link of every ranked line (1.5K of them for
    a force at national scale) on every request."""
    if not line_ids:
        return dict
    ids = sorted(line_ids)
    through = Disruption.county_lines.through
    found = reads.add(
        ("last_disruptions", tuple(ids), as_of),
        lambda: (
            through.objects.filter(
                countyline_id__in=ids,
                disruption__status=DisruptionStatus.APPROVED,
                disruption__date__lte=as_of,
            )
            .values("countyline_id")
            .annotate(last=Max("disruption__date"))
            .values_list("countyline_id", "last")
            .order_by()
        ),
    )
    return lambda: {line_id: compiled.day(last) for line_id, last in found()}


def _previous_ranks(
    as_of: datetime.date, line_ids: set[int], ocg_ids: set[int], reads: compiled.Reads
) -> Callable[[], dict[tuple[str, str, int], int]]:
    """(subject type, partition, subject id) -> rank a week before `as_of` of the rows shown:
    the force's own, never the country's."""
    on = as_of - datetime.timedelta(days=MOVEMENT_DAYS)
    # The lines' and the OCGs' ranks as two statements (in the same round trip), unordered:
    # one statement with an OR of both id lists cost PostgreSQL four times as long to plan
    # (~0.9 ms against ~0.2) as to run, and the rows go into a dict.
    found = [
        reads.add(
            ("previous_ranks", column, tuple(ids), on),
            lambda column=column, ids=ids: (
                RankHistory.objects.filter(**{f"{column}__in": ids}, on=on)
                .order_by()
                .values_list("subject_type", "partition", column, "rank")
            ),
        )
        for column, ids in (("county_line_id", sorted(line_ids)), ("ocg_id", sorted(ocg_ids)))
        if ids
    ]
    return lambda: {
        (kind, part, subject): rank for rows in found for kind, part, subject, rank in rows()
    }


def _force_of(user: Any) -> int | None:
    access = access_for(user)
    return access.force_id if access is not None else None


def _divisions(force_id: int | None) -> list[Division]:
    # North / East / West in the order the force set them up, the Central CLGT's matrix last:
    # the officer's own force's (named outright, so a read outside a request is scoped too).
    return list(Division.objects.filter(force_id=force_id).order_by("is_central", "pk"))


@dataclass(frozen=True)
class CurrentFigures:
    divisions: list[Division]
    totals: Totals
    ocg_counts: Counter
    stamp: str  # changes whenever the worker re-ranks any of the force's partitions
    stale: Staleness
    ocgmu_formed_on: datetime.date | None


@dataclass(frozen=True)
class Staleness:
    lines: int
    ocgs: int
    since: datetime.datetime | None
    behind: int  # stale for longer than the sweeper waits: the worker is behind or down


# The force's rankings grouped by kind, tab and (force-wide OCG tab only) the managing team's
# kind, then the force's stale lines and OCGs: a few dozen rows whatever the size of the force.
# Written as SQL: the same figures as one ORM aggregate of twenty filtered counts and six
# subqueries cost several times the query itself to compile, on every dashboard request and
# every poll of its live part. Each part starts from the force (matrix_ranking.force_id, the
# stale flags' partial indexes), so its cost does not grow with other forces' data.
# The force-wide tab's OCGs are grouped by managing team first and the few teams' kinds read
# after: a team's kind read per ranked OCG scanned the teams once for each (the table is too
# small for the planner to use its index).
_RANKED_SQL = """
SELECT 'ranked', r.subject_type, r.partition, t.kind, CAST(SUM(r.n) AS BIGINT),
       CAST(SUM(r.total) AS BIGINT), MAX(r.ranked_at), MAX(r.id)
  FROM (SELECT r.subject_type, r.partition, r.team_id, COUNT(*) AS n, SUM(r.total) AS total,
               MAX(r.ranked_at) AS ranked_at, MAX(r.id) AS id
          FROM (SELECT r.*,
                       CASE WHEN r.partition = %(force_partition)s THEN
                         (SELECT o.managing_team_id FROM {ocg} o WHERE o.id = r.ocg_id)
                       END AS team_id
                  FROM {ranking} r
                 WHERE r.force_id = %(force)s) r
         GROUP BY r.subject_type, r.partition, r.team_id) r
  LEFT JOIN {team} t ON t.id = r.team_id
 GROUP BY r.subject_type, r.partition, t.kind
"""
# A force's stale lines and OCGs, read per division from the partial indexes of the stale
# (countylines 0007, ocg 0009): joining the stale rows to the force's divisions let the planner
# read every stale row in the country first, so a backlog in other forces (hundreds of rows while
# their workers catch up) made this force's dashboard and every poll of it slower. A correlated
# subquery is run for each of the force's few divisions, on both databases.
_STALE_SQL = """
SELECT 'stale', %(kind_{n})s, NULL, NULL, COALESCE(CAST(SUM(x.n) AS BIGINT), 0),
       COALESCE(CAST(SUM(x.behind) AS BIGINT), 0), MIN(x.oldest), NULL
  FROM (SELECT (SELECT COUNT(*) FROM {table} s
                 WHERE s.division_id = d.id AND s.score_stale_since IS NOT NULL) AS n,
               (SELECT COUNT(*) FROM {table} s
                 WHERE s.division_id = d.id AND s.score_stale_since IS NOT NULL
                   AND s.score_stale_since < {behind}) AS behind,
               (SELECT MIN(s.score_stale_since) FROM {table} s
                 WHERE s.division_id = d.id AND s.score_stale_since IS NOT NULL) AS oldest
          FROM {division} d
         WHERE d.force_id = %(force)s) x
"""
# And the force's divisions (the matrices' tabs), which the page needs with the figures, and the
# day its OCGMU was formed (the trend chart's inception point), as ISO text on both databases.
_DIVISIONS_SQL = """
SELECT 'division', d.name, d.code, NULL, d.id, CASE WHEN d.is_central THEN 1 ELSE 0 END, NULL,
       NULL
  FROM {division} d
 WHERE d.force_id = %(force)s
"""
_OCGMU_SQL = """
SELECT 'ocgmu', CAST(MIN(t.formed_on) AS TEXT), NULL, NULL, NULL, NULL, NULL, NULL
  FROM {team} t
 WHERE t.kind = %(ocgmu)s AND t.force_id = %(force)s
"""
# When a score stale before it means the worker is behind, read as the database's time: the
# statement is then the same on every request and is prepared once per connection (its planning
# took as long as running it).
_BEHIND = {
    "postgresql": "statement_timestamp() - %(behind_seconds)s * INTERVAL '1 second'",
    # Django keeps a timestamp as UTC text on SQLite (the demo); seconds' fractions do not matter.
    "sqlite": "datetime('now', '-' || %(behind_seconds)s || ' seconds')",
}


@lru_cache(maxsize=2)
def _figures_sql(vendor: str) -> str:
    # Table names only are formatted in (the values are parameters).
    return "UNION ALL".join(
        [
            _RANKED_SQL.format(
                ranking=Ranking._meta.db_table, ocg=OCG._meta.db_table, team=Team._meta.db_table
            ),
            *(
                _STALE_SQL.format(
                    n=n,
                    table=model._meta.db_table,
                    division=Division._meta.db_table,
                    behind=_BEHIND[vendor],
                )
                for n, model in enumerate((CountyLine, OCG))
            ),
            _DIVISIONS_SQL.format(division=Division._meta.db_table),
            _OCGMU_SQL.format(team=Team._meta.db_table),
        ]
    )


def _current_figures(force_id: int | None) -> CurrentFigures:
    """The force's figures from its current rankings, its OCG tabs' counts, its stale subjects,
    the stamp of its rankings, its divisions and its OCGMU's formation day, in one query.

    Force totals are force-wide by definition (as the snapshots are), so they are not scoped to
    the user's role; they are the officer's own force's (every ranking row names its force).
    The stamp is the newest rank time, the highest ranking id and the number of rows: every
    re-rank deletes a partition's rows and inserts new ones (new ids), so any change moves it.
    """
    params = {
        "force": force_id,
        "force_partition": FORCE_PARTITION,
        "kind_0": RankedSubject.COUNTY_LINE.value,
        "kind_1": RankedSubject.OCG.value,
        "behind_seconds": int(STALE_FOR_ATTENTION.total_seconds()),
        "ocgmu": TeamKind.OCGMU.value,
    }
    reads = compiled.Reads()
    read = reads.add_statement(
        ("figures", force_id), lambda: (_figures_sql(connection.vendor), params)
    )
    reads.run()
    rows = read()
    scd = SCD_TEAM_KINDS
    lines = trh = rows_ranked = last_id = 0
    ranked_at = None
    force_ocgs = with_scd = on_division = 0
    by_unit: Counter = Counter()
    counts: Counter = Counter()
    stale = {}
    divisions = []
    formed_on = None
    for part, kind, partition, team_kind, n, total, newest, highest in rows:
        newest = compiled.moment(newest)  # SQLite (the demo) gives text
        if part == "ocgmu":
            formed_on = compiled.day(kind)
            continue
        if part == "stale":
            stale[kind] = (n, total, newest)
            continue
        if part == "division":
            divisions.append(Division(id=n, name=kind, code=partition, is_central=bool(total)))
            continue
        rows_ranked += n
        last_id = max(last_id, highest)
        ranked_at = newest if ranked_at is None else max(ranked_at, newest)
        if kind == RankedSubject.COUNTY_LINE:
            lines += n
            trh += total or 0
            continue
        counts[partition] += n
        if partition == FORCE_PARTITION:
            force_ocgs += n
            if team_kind in scd:
                with_scd += n
                by_unit[team_kind] += n
            elif team_kind is not None:
                on_division += n
    totals = Totals(
        active_lines=lines,
        total_trh=trh,
        mapped_ocgs=force_ocgs,
        ocgs_on_division=on_division,
        ocgs_with_scd=with_scd,
        scd_units=scd_by_unit(by_unit),
    )
    (stale_lines, lines_behind, lines_oldest) = stale[RankedSubject.COUNTY_LINE]
    (stale_ocgs, ocgs_behind, ocgs_oldest) = stale[RankedSubject.OCG]
    oldest = [when for when in (lines_oldest, ocgs_oldest) if when is not None]
    return CurrentFigures(
        # In the order _divisions gives them.
        divisions=sorted(divisions, key=lambda d: (d.is_central, d.pk)),
        totals=totals,
        ocg_counts=counts,
        stamp=_stamp(ranked_at, last_id, rows_ranked),
        stale=Staleness(
            lines=stale_lines,
            ocgs=stale_ocgs,
            since=min(oldest) if oldest else None,
            behind=lines_behind + ocgs_behind,
        ),
        ocgmu_formed_on=formed_on,
    )


def _stamp(ranked_at: datetime.datetime | None, last_id: int, rows: int) -> str:
    return f"{ranked_at.isoformat() if ranked_at else 'none'}/{last_id}/{rows}"


def current_figures(*, user: Any) -> CurrentFigures:
    """The user's force's current figures (one query), for a page that needs them before the
    matrices: the dashboard's trend read needs the OCGMU's formation day."""
    return _current_figures(_force_of(user))


def live_token(user: Any) -> str:
    """Changes whenever the worker re-ranks the user's force or one of its scores goes stale or
    fresh: what the open page polls for, in one query."""
    return _token(_current_figures(_force_of(user)))


def _token(figures: CurrentFigures) -> str:
    return f"{figures.stamp}/{figures.stale.lines}/{figures.stale.ocgs}"


def matrix_rankings(
    *,
    user: Any,
    as_of: datetime.date | None = None,
    partition: str | None = None,
    ocg_rows_for: str | None = None,
    reads: compiled.Reads | None = None,
    figures: CurrentFigures | None = None,
) -> Rankings:
    """The line and OCG matrices as the user may see them, now or as of a past date.

    `reads`: other reads already queued, run (and so sent in one round trip) with the rows'.
    `figures`: the force's current figures when the caller has read them (current_figures).

    With `partition` (a division code, or FORCE), only that tab's rows are read: its ranked
    lines and OCGs, and its own lines flexed elsewhere; the other partitions come back empty.
    With `ocg_rows_for`, the OCG matrix has rows for that partition only and counts for the
    others (the page shows one OCG tab; every OCG ranks twice, so this halves the work at least).
    """
    today = timezone.localdate()
    as_of = as_of or today
    is_current = as_of >= today
    line_rows: dict[str, list[MatrixRow]] = defaultdict(list)
    ocg_rows: dict[str, list[MatrixRow]] = defaultdict(list)
    access = access_for(user)
    force_id = access.force_id if access is not None else None

    def source() -> QuerySet:
        # Built only when it is read: a poll or a page whose rows are cached reads none.
        return (
            # The force named outright as well as through the scope: the planner then expects
            # a force's rows, not a share of the country's.
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
    if not is_current:
        figures = None
    elif figures is None:
        figures = _current_figures(force_id)
    divisions = figures.divisions if figures is not None else _divisions(force_id)
    if ocg_rows_for is not None:
        if figures is not None and access is not None and access.force_wide:
            ocg_counts = figures.ocg_counts  # the whole force's, which is what they see
        else:
            # The other tabs' counts from one grouped query, not their rows and scores.
            ocg_counts = Counter(
                dict(
                    source()
                    .filter(ocgs_wanted)
                    .order_by()
                    .values_list("partition")
                    .annotate(n=Count("pk"))
                )
            )
        ocgs_wanted &= Q(partition=ocg_rows_for)
    wanted = lines_wanted | ocgs_wanted
    if figures is None:
        line_entries, ocg_entries = entries(source().filter(wanted), with_score=False)
    else:
        # What the rankings say changes only when the worker re-ranks: kept under the force's
        # rankings stamp (and who is asking, and which tabs), so a re-rank makes a new key and
        # the old one is never read again.
        parts = (force_id, access, figures.stamp, as_of, partition, ocg_rows_for)
        key = "matrix-entries:" + hashlib.sha256(repr(parts).encode()).hexdigest()
        cached = cache.get(key)
        if cached is None:
            cached = entries(source().filter(wanted), with_score=True)
            cache.set(key, cached, ENTRIES_CACHE_SECONDS)
        line_entries, ocg_entries = cached
    if ocg_counts is None:
        ocg_counts = Counter(entry.partition for entry in ocg_entries)
    line_ids = {entry.subject_id for entry in line_entries}
    ocg_ids = {entry.subject_id for entry in ocg_entries}
    # Read together: one round trip on PostgreSQL.
    reads = reads if reads is not None else compiled.Reads()
    read_previous = _previous_ranks(as_of, line_ids, ocg_ids, reads)
    read_last = None if is_current else _last_disruptions(line_ids, as_of, reads)
    read_lines = lines_by_id(line_ids, reads)
    read_ocgs = ocgs_by_id(ocg_ids, reads)
    reads.run()
    previous, line_values, ocg_values = read_previous(), read_lines(), read_ocgs()
    last_disruptions = read_last() if read_last is not None else None
    for entry in line_entries:
        line = line_values[entry.subject_id]
        if last_disruptions is None:
            last = line.last_disruption
        else:
            last = last_disruptions.get(entry.subject_id)
        line_rows[entry.partition].append(line_row(entry, line, as_of, previous, last))
    for entry in ocg_entries:
        ocg_rows[entry.partition].append(ocg_row(entry, ocg_values[entry.subject_id], previous))

    if figures is not None:
        totals = figures.totals
        stale = figures.stale
        token = _token(figures)
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

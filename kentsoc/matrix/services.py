"""Writes of the matrix: rescoring a subject, sweeps of stale scores, daily snapshots.

Services that change what a score depends on call `kentsoc.broker.mark_stale` inside their own
transaction; the rescore is enqueued only once that transaction commits. The worker runs
`subject_rescore`, which recomputes from source (never increments) and re-ranks.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from countylines.choices import LineRole, LineStatus
from countylines.models import CountyLine, LineNominal
from kentsoc import broker
from kentsoc.audit.chainlock import without_chain_lock
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.matrix import ranking
from kentsoc.matrix.models import ForceSnapshot, Ranking, Score
from kentsoc.org import batch
from kentsoc.org.choices import SCD_TEAM_KINDS
from kentsoc.org.models import Division, Force
from kentsoc.trh.choices import RankedSubject
from kentsoc.trh.scoring import (
    Claim,
    CountyLineInputs,
    OcgInputs,
    ScoreResult,
    recency_level,
    score_county_line,
    score_ocg,
)
from ocg.choices import SCORED_OCG_STATUSES
from ocg.models import OCG

STALE_SWEEP_AFTER_SECONDS = 60


# --- loading inputs -----------------------------------------------------------------------------


def claims_from_rows(
    records: Iterable[tuple], claims: Iterable[tuple], as_of: datetime.date
) -> tuple[Claim, ...]:
    """Scoring claims from database rows.

    records: (id, source_evaluation, intelligence_assessment, deleted_at, information_date);
    claims: (record_id, factor, level). A record deleted after `as_of` still counted on that day.
    """
    by_record: dict[int, list[tuple[str, int]]] = {}
    for record_id, factor, level in claims:
        by_record.setdefault(record_id, []).append((factor, level))
    return claims_by_record_from_rows(records, by_record, as_of)


_NO_FACTOR = ((None, 0),)


def claims_by_record_from_rows(
    records: Iterable[tuple], by_record: dict[int, list[tuple[str, int]]], as_of: datetime.date
) -> tuple[Claim, ...]:
    """`claims_from_rows` with the claims already grouped: record id -> [(factor, level)]
    (recompute_all groups the country's once)."""
    out: list[Claim] = []
    for record_id, source, assessment, deleted_at, information_date in records:
        deleted = deleted_at is not None and timezone.localdate(deleted_at) <= as_of
        for factor, level in by_record.get(record_id, _NO_FACTOR):
            out.append(
                Claim(record_id, factor, level, source, assessment, deleted, information_date)
            )
    out.sort(key=_claim_order)
    return tuple(out)


def _claim_order(claim: Claim) -> tuple[int, str]:
    return claim.record_id, claim.factor or ""


_RECORD_FIELDS = (
    "id",
    "source_evaluation",
    "intelligence_assessment",
    "deleted_at",
    "information_date",
)


def _records_with_claims(subject_field: str, subject_id: int, as_of: datetime.date) -> QuerySet:
    """The subject's records up to `as_of` with their claims, in one read: a record's row
    repeats for each of its claims (a record with none comes once, factor None)."""
    return IntelligenceRecord.objects.filter(
        **{subject_field: subject_id}, information_date__lte=as_of
    ).values_list(*_RECORD_FIELDS, "factor_claims__factor", "factor_claims__level")


def _claims(rows: Iterable[tuple], as_of: datetime.date) -> tuple[Claim, ...]:
    records: dict[int, tuple] = {}
    claims: list[tuple] = []
    for row in rows:
        records.setdefault(row[0], row[:5])
        if row[5] is not None:
            claims.append((row[0], row[5], row[6]))
    return claims_from_rows(records.values(), claims, as_of)


def _active_on(as_of: datetime.date) -> Q:
    return (Q(from_date__isnull=True) | Q(from_date__lte=as_of)) & (
        Q(to_date__isnull=True) | Q(to_date__gte=as_of)
    )


def _counted(subject_type: str, subject_id: int, as_of: datetime.date) -> QuerySet:
    """One row per thing the score counts: a line's distinct runners on `as_of`, an OCG's
    criminality types (as recompute_all counts them)."""
    if subject_type == RankedSubject.COUNTY_LINE:
        return (
            LineNominal.objects.filter(
                _active_on(as_of), county_line=subject_id, role=LineRole.RUNNER
            )
            .order_by()  # the ordering's columns would join the DISTINCT
            .values_list("nominal_id")
            .distinct()
        )
    return OCG.criminality.through.objects.filter(ocg_id=subject_id).values_list(
        "criminalitytype_id"
    )


# --- storing ------------------------------------------------------------------------------------

# What a score is: a new Score is written only when one of these differs from the current one.
SCORE_FIELDS = (
    "matrix_version",
    "total",
    "threat",
    "risk",
    "harm",
    "breakdown",
    "confidence",
    "tier",
    "newest_intelligence_on",
)


def score_differs(current: dict | Score | None, result: ScoreResult) -> bool:
    if current is None:
        return True
    get = current.get if isinstance(current, dict) else partial(getattr, current)
    return any(get(name) != getattr(result, name) for name in SCORE_FIELDS)


def score_from_result(
    result: ScoreResult, *, subject_field: str, subject_id: int, as_of: datetime.date
) -> Score:
    return Score(
        **{f"{subject_field}_id": subject_id},
        as_of=as_of,
        is_current=True,
        **{name: getattr(result, name) for name in SCORE_FIELDS},
    )


def _test_hold() -> None:
    """Used only by the integration test: park a task mid-rescore so the test can kill it."""
    import os
    import pathlib
    import time

    hold_file = os.environ.get("KENTSOC_MATRIX_TEST_HOLD_FILE")
    if hold_file and not pathlib.Path(hold_file).exists():
        pathlib.Path(hold_file).write_text(str(os.getpid()))
        time.sleep(600)


def subject_rescore(
    *, subject_type: str, subject_id: int, as_of: datetime.date | None = None
) -> Score | None:
    """Recompute one subject's score from source and re-rank the partitions it is or was in.

    Only active lines and mapped/adopted OCGs are scored; any other subject leaves the rankings.
    Returns the current score, or None when the subject is not on the matrix (or gone).

    A county line's rescore writes no audit event (a score, rankings, rank history), so it runs
    without queueing on the audit chain's lock (kentsoc.audit.chainlock.without_chain_lock): one
    force's rescore does not wait for every other force's writes. What it waits for instead is
    its line's row (a writer marking it stale holds it) and its division's ranking lock (another
    rescore of that division), and it never waits for anything while holding them that a writer
    holding the chain's lock could hold: its row lock is FOR NO KEY UPDATE, so the foreign keys
    of the rankings it inserts never wait for a writer's lock on another line of the division.
    An OCG's rescore keeps the chain's lock: when the OCG joins or leaves the matrix it marks its
    lines stale, and writers lock OCGs and lines in either order.
    """
    if subject_type == RankedSubject.COUNTY_LINE:
        with without_chain_lock():
            return _subject_rescore(subject_type, subject_id, as_of)
    with transaction.atomic():
        return _subject_rescore(subject_type, subject_id, as_of)


def _subject_query(subject_type: str, subject_id: int) -> QuerySet:
    """The subject's row, locked, with what places it on the matrix: its status, staleness,
    force and division code (and a line's flex division and OCG's status).

    The row lock serialises rescores of one subject and makes writers marking it stale wait
    until this transaction has committed (see kentsoc.broker.mark_stale). NO KEY UPDATE, as the
    writers' own UPDATE takes: rows inserted elsewhere that refer to the subject (another
    rescore's rankings of its division) need not wait for it. The rest is read by subqueries,
    not joins, so that the lock stays the subject's row's alone."""
    divisions = Division.objects.filter(pk=OuterRef("division_id"))
    columns = {
        "force": Subquery(divisions.values("force_id")),
        "code": Subquery(divisions.values("code")),
    }
    if subject_type == RankedSubject.COUNTY_LINE:
        model = CountyLine
        flexed = Division.objects.filter(pk=OuterRef("flexed_division_id"))
        columns["flexed_code"] = Subquery(flexed.values("code"))
        columns["ocg_status"] = Subquery(OCG.objects.filter(pk=OuterRef("ocg_id")).values("status"))
    else:
        model = OCG
    return (
        model.objects.select_for_update(no_key=True)
        .filter(pk=subject_id)
        .annotate(**columns)
        .values_list("status", "score_stale_since", *columns)
    )


_SCORE_COLUMNS = [field.attname for field in Score._meta.concrete_fields]


def _read_statements(subject_type: str, *, subject_id: int, as_of: datetime.date) -> list:
    """What a rescore reads after its lock (built once per kind, `batch.compiled`): the subject's
    row, its rankings' partitions, its current score, its records with their claims and what
    the score counts."""
    field = "county_line" if subject_type == RankedSubject.COUNTY_LINE else "ocg"
    return [
        batch.rows_of(_subject_query(subject_type, subject_id)),
        batch.rows_of(Ranking.objects.filter(**{field: subject_id}).values_list("partition")),
        batch.rows_of(
            Score.objects.filter(**{field: subject_id}, is_current=True).values_list(
                *_SCORE_COLUMNS
            )
        ),
        batch.rows_of(_records_with_claims(f"{field}s", subject_id, as_of)),
        batch.rows_of(_counted(subject_type, subject_id, as_of)),
    ]


def _score_replaced(*, score_id: int) -> list:
    return [batch.update_of(Score.objects.filter(pk=score_id), is_current=False)]


def _staleness_cleared(
    model: type[CountyLine | OCG], *, subject_id: int, stale_since: datetime.datetime | None
) -> list:
    # Conditional: clear only the staleness this run has seen.
    return [
        batch.update_of(
            model.objects.filter(pk=subject_id, score_stale_since=stale_since),
            score_stale_since=None,
        )
    ]


def _subject_rescore(
    subject_type: str, subject_id: int, as_of: datetime.date | None
) -> Score | None:
    """Two round trips to the database (`kentsoc.org.batch`): what the score is computed from,
    then the score, the staleness cleared and the partitions re-ranked."""
    as_of = as_of or timezone.localdate()
    is_line = subject_type == RankedSubject.COUNTY_LINE
    model = CountyLine if is_line else OCG
    field = "county_line" if is_line else "ocg"
    # The kind's ranking lock first (see ranking.lock_for_rescore), then the row's; everything
    # after them is read once a writer marking the subject stale has committed.
    lock = ranking.lock_for_rescore_statement(subject_type)
    reads = batch.run(
        [
            *lock,
            *batch.compiled(
                ("matrix.rescore.reads", subject_type),
                partial(_read_statements, subject_type),
                subject_id=subject_id,
                as_of=as_of,
            ),
        ]
    )[len(lock) :]
    subject_rows, ranked_in, current_rows, record_rows, counted = reads
    if not subject_rows:
        return None
    status, stale_since, force_id, code, *line_only = subject_rows[0]
    _test_hold()
    old_partitions = {partition for (partition,) in ranked_in}
    current = Score.from_db("default", _SCORE_COLUMNS, current_rows[0]) if current_rows else None
    if is_line:
        flexed_code, ocg_status = line_only
        on_matrix = status == LineStatus.ACTIVE
        new_partitions = ranking.line_partitions(status, flexed_code or code)
    else:
        on_matrix = status in SCORED_OCG_STATUSES
        new_partitions = ranking.ocg_partitions(status, code)
    score, writes, inserted = None, [], None
    if on_matrix:
        claims = _claims(record_rows, as_of)
        if is_line:
            result = score_county_line(
                CountyLineInputs(
                    claims=claims,
                    as_of=as_of,
                    runners=len(counted),
                    ocg_mapped=ocg_status in SCORED_OCG_STATUSES,
                )
            )
        else:
            result = score_ocg(
                OcgInputs(claims=claims, as_of=as_of, criminality_types=len(counted))
            )
        score = current
        if score_differs(current, result):
            if current is not None:
                writes += batch.compiled(
                    ("matrix.rescore.score-replaced",), _score_replaced, score_id=current.pk
                )
            score = score_from_result(
                result, subject_field=field, subject_id=subject_id, as_of=as_of
            )
            inserted = len(writes)
            writes.append(batch.insert_of(score))
    writes += batch.compiled(
        ("matrix.rescore.staleness-cleared", subject_type),
        partial(_staleness_cleared, model),
        subject_id=subject_id,
        stale_since=stale_since,
    )
    writes += ranking.rerank_statements(
        subject_type, old_partitions | new_partitions, force_id=force_id
    )
    written = batch.run(writes)
    if inserted is not None:
        score.pk = written[inserted][0][0]
        score._state.adding, score._state.db = False, "default"
    if not is_line and bool(old_partitions) != bool(new_partitions):
        # The OCG joined or left the matrix: its lines' ocg_link points change.
        broker.mark_stale(
            CountyLine,
            CountyLine.objects.filter(ocg=subject_id).values_list("pk", flat=True),
            subject_type=RankedSubject.COUNTY_LINE,
        )
    return score


# --- sweeps and daily work ----------------------------------------------------------------------


def stale_subjects_requeue(*, older_than_seconds: int = STALE_SWEEP_AFTER_SECONDS) -> int:
    """Re-enqueue subjects stale for too long (a lost message, a killed worker, a broker outage).

    Subjects whose rescore is still queued keep their marker and are not enqueued twice. Stops
    at the first publish the broker refuses: the rest would fail alike, each after a timeout,
    and stay stale for the next sweep.
    """
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    # A force whose turn was lost (its worker killed mid-turn) gets its turn back; its listed
    # subjects' own markers still say they are queued, and they are.
    broker.force_turns_resume()
    count = 0
    for subject_type, model in (
        (RankedSubject.COUNTY_LINE.value, CountyLine),
        (RankedSubject.OCG.value, OCG),
    ):
        stale = model.objects.filter(score_stale_since__lte=cutoff).values_list(
            "pk", "division__force_id"
        )
        for subject_id, force_id in stale:
            # In its force's list, as backlog: a force's fresh change goes first.
            queued = broker.enqueue_rescore(
                subject_type, subject_id, force_id=force_id, backlog=True
            )
            if not queued:
                return count
            count += 1
    return count


def recency_changes_mark_stale(*, today: datetime.date | None = None) -> int:
    """Mark stale the active lines whose recency points differ today from their current score's.

    Recency is the only factor that moves with the calendar: the newest record crossing 28 or 90
    days, or a record dated in the future becoming today's.
    """
    today = today or timezone.localdate()
    current = Score.objects.filter(
        is_current=True, county_line__status=LineStatus.ACTIVE
    ).values_list("county_line_id", "newest_intelligence_on", "as_of")
    changed = {
        line_id
        for line_id, newest, as_of in current
        if recency_level(newest, as_of) != recency_level(newest, today)
    }
    as_of_by_line = {line_id: as_of for line_id, _, as_of in current}
    newly_dated = IntelligenceRecord.county_lines.through.objects.filter(
        countyline__status=LineStatus.ACTIVE,
        intelligencerecord__information_date__lte=today,
        intelligencerecord__information_date__gt=min(as_of_by_line.values(), default=today),
    ).values_list("countyline_id", "intelligencerecord__information_date")
    changed |= {
        line_id
        for line_id, on in newly_dated
        if line_id in as_of_by_line and on > as_of_by_line[line_id]
    }
    with transaction.atomic():
        broker.mark_stale(CountyLine, changed, subject_type=RankedSubject.COUNTY_LINE)
    return len(changed)


def snapshot_figures(*, line_totals: Iterable[int], ocgs: Iterable[tuple[str, str | None]]) -> dict:
    """The ForceSnapshot figures from active lines' totals and (status, managing team kind) of
    every OCG. 'On Division' vs 'with SCD' counts scored OCGs by their managing team."""
    line_totals = list(line_totals)
    ocgs = list(ocgs)
    scored = [kind for status, kind in ocgs if status in SCORED_OCG_STATUSES]
    return {
        "active_lines": len(line_totals),
        "total_trh": sum(line_totals),
        "mapped_ocgs": len(scored),
        "ocgs_by_status": dict(sorted(Counter(status for status, _ in ocgs).items())),
        "ocgs_by_team": dict(sorted(Counter(kind or "none" for kind in scored).items())),
        "ocgs_with_scd": sum(1 for kind in scored if kind in SCD_TEAM_KINDS),
        "ocgs_on_division": sum(1 for kind in scored if kind and kind not in SCD_TEAM_KINDS),
    }


def force_snapshot_save(*, force_id: int, on: datetime.date, figures: dict) -> ForceSnapshot:
    snapshot, _ = ForceSnapshot.objects.update_or_create(force_id=force_id, on=on, defaults=figures)
    return snapshot


def force_snapshots_save(
    *,
    on: datetime.date,
    line_totals: Iterable[tuple[int, int]],
    ocgs: Iterable[tuple[int, str, str | None]],
    force_id: int | None = None,
) -> list[ForceSnapshot]:
    """One snapshot per force (or of the one force `force_id`), from (force id, total) of its
    active lines and (force id, status, managing team kind) of its OCGs: each force's trend
    charts are its own figures."""
    forces = Force.objects.all() if force_id is None else Force.objects.filter(pk=force_id)
    totals: dict[int, list[int]] = {pk: [] for pk in forces.values_list("pk", flat=True)}
    groups: dict[int, list[tuple[str, str | None]]] = {pk: [] for pk in totals}
    for force_id, total in line_totals:
        totals[force_id].append(total)
    for force_id, status, kind in ocgs:
        groups[force_id].append((status, kind))
    return [
        force_snapshot_save(
            force_id=force_id,
            on=on,
            figures=snapshot_figures(line_totals=totals[force_id], ocgs=groups[force_id]),
        )
        for force_id in sorted(totals)
    ]


def force_snapshot_write(*, on: datetime.date | None = None) -> list[ForceSnapshot]:
    """Today's totals of every force from the current scores (the daily beat task)."""
    on = on or timezone.localdate()
    totals = Score.objects.filter(
        is_current=True, county_line__status=LineStatus.ACTIVE
    ).values_list("county_line__division__force_id", "total")
    ocgs = OCG.objects.values_list("division__force_id", "status", "managing_team__kind")
    return force_snapshots_save(on=on, line_totals=totals, ocgs=ocgs)

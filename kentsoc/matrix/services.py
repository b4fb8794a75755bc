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
from django.db.models import Q
from django.utils import timezone

from countylines.choices import LineRole, LineStatus
from countylines.models import CountyLine, LineNominal
from kentsoc import broker
from kentsoc.audit.chainlock import without_chain_lock
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.matrix import ranking
from kentsoc.matrix.models import ForceSnapshot, Ranking, Score
from kentsoc.org.choices import SCD_TEAM_KINDS
from kentsoc.org.models import Force
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


def _subject_claims(subject_field: str, subject_id: int, as_of: datetime.date) -> tuple:
    """The subject's records up to `as_of` with their claims, in one read: a record's row
    repeats for each of its claims (a record with none comes once, factor None)."""
    rows = IntelligenceRecord.objects.filter(
        **{subject_field: subject_id}, information_date__lte=as_of
    ).values_list(*_RECORD_FIELDS, "factor_claims__factor", "factor_claims__level")
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


def line_inputs(line: CountyLine, as_of: datetime.date) -> CountyLineInputs:
    runners = (
        LineNominal.objects.filter(_active_on(as_of), county_line=line.pk, role=LineRole.RUNNER)
        .values("nominal")
        .distinct()
        .count()
    )
    return CountyLineInputs(
        claims=_subject_claims("county_lines", line.pk, as_of),
        as_of=as_of,
        runners=runners,
        ocg_mapped=line.ocg is not None and line.ocg.status in SCORED_OCG_STATUSES,
    )


def ocg_inputs(ocg: OCG, as_of: datetime.date) -> OcgInputs:
    return OcgInputs(
        claims=_subject_claims("ocgs", ocg.pk, as_of),
        as_of=as_of,
        criminality_types=ocg.criminality.count(),
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


def _store(subject_field: str, subject_id: int, result: ScoreResult, as_of: datetime.date) -> Score:
    """Keep the current Score when nothing changed; otherwise retire it and add a new one."""
    current = Score.objects.filter(**{subject_field: subject_id}, is_current=True).first()
    if not score_differs(current, result):
        return current
    if current is not None:
        Score.objects.filter(pk=current.pk).update(is_current=False)
    score = score_from_result(
        result, subject_field=subject_field, subject_id=subject_id, as_of=as_of
    )
    score.save()
    return score


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


def _subject_rescore(
    subject_type: str, subject_id: int, as_of: datetime.date | None
) -> Score | None:
    as_of = as_of or timezone.localdate()
    is_line = subject_type == RankedSubject.COUNTY_LINE
    model = CountyLine if is_line else OCG
    field = "county_line" if is_line else "ocg"
    ranking.lock_for_rescore(subject_type)
    # The row lock serialises rescores of one subject and makes writers marking it stale wait
    # until this transaction has committed (see kentsoc.broker.mark_stale). NO KEY UPDATE, as
    # the writers' own UPDATE takes: rows inserted elsewhere that refer to the subject (another
    # rescore's rankings of its division) need not wait for it.
    queryset = model.objects.select_for_update(of=("self",), no_key=True).select_related("division")
    if is_line:
        queryset = queryset.select_related("ocg", "flexed_division")
    subject = queryset.filter(pk=subject_id).first()
    if subject is None:
        return None
    stale_since = subject.score_stale_since
    _test_hold()
    old_partitions = set(
        Ranking.objects.filter(**{field: subject_id}).values_list("partition", flat=True)
    )
    if is_line:
        on_matrix = subject.status == LineStatus.ACTIVE
        new_partitions = ranking.line_partitions(subject)
    else:
        on_matrix = subject.status in SCORED_OCG_STATUSES
        new_partitions = ranking.ocg_partitions(subject)
    score = None
    if on_matrix:
        if is_line:
            result = score_county_line(line_inputs(subject, as_of))
        else:
            result = score_ocg(ocg_inputs(subject, as_of))
        score = _store(field, subject_id, result, as_of)
    # Conditional: clear only the staleness this run has seen.
    model.objects.filter(pk=subject_id, score_stale_since=stale_since).update(
        score_stale_since=None
    )
    ranking.rank_partitions(
        subject_type, old_partitions | new_partitions, force_id=subject.division.force_id
    )
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

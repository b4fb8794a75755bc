"""Rebuild every score and ranking in bulk (`manage.py recompute_all`, the demo, the bench).

Reads everything in a handful of queries and scores in memory with the same pure functions the
worker uses, so it stays fast on thousands of lines. With a past `as_of` it rebuilds that day's
rank history and force snapshot from the status history, without touching current scores.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from countylines.choices import LineRole, LineStatus
from countylines.models import CountyLine, CountyLineStatusChange, FlexPeriod, LineNominal
from kentsoc.intel.models import FactorClaim, IntelligenceRecord
from kentsoc.matrix import ranking
from kentsoc.matrix.models import RankHistory, Score, factor_levels
from kentsoc.matrix.services import (
    SCORE_FIELDS,
    claims_from_rows,
    force_snapshots_save,
    score_differs,
    score_from_result,
)
from kentsoc.org.models import Division
from kentsoc.trh.choices import FORCE_PARTITION, RankedSubject
from kentsoc.trh.scoring import CountyLineInputs, OcgInputs, ScoreResult
from kentsoc.trh.scoring import score_county_line as _score_line
from kentsoc.trh.scoring import score_ocg as _score_ocg
from ocg.choices import SCORED_OCG_STATUSES, OcgStatus
from ocg.models import OCG, OcgStatusChange

Progress = Callable[[Iterable], Iterable]


@dataclass
class _Subject:
    id: int
    reference: str | None
    status: str
    division_id: int
    flexed_division_id: int | None = None
    ocg_id: int | None = None
    team_kind: str | None = None


@dataclass(frozen=True)
class RecomputeSummary:
    as_of: datetime.date
    lines_scored: int
    ocgs_scored: int
    scores_written: int
    ranked: int


def _status_as_of(changes: Iterable[tuple[int, str]]) -> dict[int, str]:
    """The last status of each subject from changes ordered by effective date."""
    status: dict[int, str] = {}
    for subject_id, to_status in changes:
        status[subject_id] = to_status
    return status


def _lines(as_of: datetime.date, is_today: bool) -> list[_Subject]:
    rows = CountyLine.objects.filter(nominated_on__lte=as_of).values_list(
        "id", "reference", "status", "division_id", "flexed_division_id", "ocg_id"
    )
    lines = [_Subject(*row) for row in rows]
    if is_today:
        return lines
    status = _status_as_of(
        CountyLineStatusChange.objects.filter(effective_on__lte=as_of)
        .order_by("county_line_id", "effective_on", "changed_at", "id")
        .values_list("county_line_id", "to_status")
    )
    flexed = dict(
        FlexPeriod.objects.filter(started_on__lte=as_of)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=as_of))
        .values_list("county_line_id", "division_id")
    )
    for line in lines:
        line.status = status.get(line.id, LineStatus.NOMINATED.value)
        line.flexed_division_id = flexed.get(line.id)
    return lines


def _ocgs(as_of: datetime.date, is_today: bool) -> list[_Subject]:
    rows = OCG.objects.filter(nominated_on__lte=as_of).values_list(
        "id", "reference", "status", "division_id", "managing_team__kind"
    )
    ocgs = [
        _Subject(id=i, reference=r, status=s, division_id=d, team_kind=k) for i, r, s, d, k in rows
    ]
    if is_today:
        return ocgs
    status = _status_as_of(
        OcgStatusChange.objects.filter(effective_on__lte=as_of)
        .order_by("ocg_id", "effective_on", "changed_at", "id")
        .values_list("ocg_id", "to_status")
    )
    for ocg in ocgs:
        ocg.status = status.get(ocg.id, OcgStatus.NOMINATED.value)
    return ocgs


_RECORD_FIELDS = (
    "intelligencerecord_id",
    "intelligencerecord__source_evaluation",
    "intelligencerecord__intelligence_assessment",
    "intelligencerecord__deleted_at",
    "intelligencerecord__information_date",
)


def _records_by_subject(through, subject_field: str, as_of: datetime.date) -> dict[int, list]:
    by_subject: dict[int, list] = defaultdict(list)
    rows = through.objects.filter(intelligencerecord__information_date__lte=as_of).values_list(
        subject_field, *_RECORD_FIELDS
    )
    for subject_id, *record in rows.iterator(chunk_size=20_000):
        by_subject[subject_id].append(tuple(record))
    return by_subject


def _claims_by_record(as_of: datetime.date) -> dict[int, list[tuple]]:
    by_record: dict[int, list[tuple]] = defaultdict(list)
    rows = FactorClaim.objects.filter(record__information_date__lte=as_of).values_list(
        "record_id", "factor", "level"
    )
    for row in rows.iterator(chunk_size=20_000):
        by_record[row[0]].append(row)
    return by_record


def _newest_key(newest: datetime.date | None) -> int:
    return -newest.toordinal() if newest else 1


def _rank_key(subject: _Subject, result: ScoreResult) -> tuple:
    # Same order as the SQL in ranking.py: total desc, newest desc (missing last), reference.
    return (
        -result.total,
        _newest_key(result.newest_intelligence_on),
        subject.reference is None,
        subject.reference or "",
        subject.id,
    )


def _history_rows(
    on: datetime.date,
    subject_type: str,
    partitions: dict[tuple[str, int], list[tuple[_Subject, ScoreResult]]],
) -> list[RankHistory]:
    """`partitions`: (partition, force id) -> its subjects; FORCE is one per force."""
    rows = []
    field = "county_line_id" if subject_type == RankedSubject.COUNTY_LINE else "ocg_id"
    for (partition, _force_id), members in partitions.items():
        members.sort(key=lambda m: _rank_key(*m))
        for rank, (subject, result) in enumerate(members, start=1):
            rows.append(
                RankHistory(
                    on=on,
                    subject_type=subject_type,
                    partition=partition,
                    rank=rank,
                    total=result.total,
                    factors=factor_levels(result.breakdown),
                    **{field: subject.id},
                )
            )
    return rows


def _write_current_scores(results: list[tuple[str, int, ScoreResult]], as_of: datetime.date) -> int:
    current: dict[tuple[str, int], dict] = {}
    fields = ("id", "county_line_id", "ocg_id", *SCORE_FIELDS)
    for row in Score.objects.filter(is_current=True).values(*fields).iterator(chunk_size=5000):
        if row["county_line_id"]:
            current[("county_line", row["county_line_id"])] = row
        else:
            current[("ocg", row["ocg_id"])] = row
    retire: list[int] = []
    new: list[Score] = []
    for field, subject_id, result in results:
        old = current.get((field, subject_id))
        if not score_differs(old, result):
            continue
        if old is not None:
            retire.append(old["id"])
        new.append(
            score_from_result(result, subject_field=field, subject_id=subject_id, as_of=as_of)
        )
    for start in range(0, len(retire), 5000):
        Score.objects.filter(pk__in=retire[start : start + 5000]).update(is_current=False)
    Score.objects.bulk_create(new, batch_size=2000)
    return len(new)


def recompute_all(
    *, as_of: datetime.date | None = None, progress: Progress | None = None
) -> RecomputeSummary:
    """Score every line and OCG as on `as_of` (default today) and rebuild that day's rankings.

    Today: writes changed scores, the current rankings, today's rank history and snapshot.
    A past date: writes only that day's rank history and snapshot.
    """
    started = timezone.now()
    today = timezone.localdate()
    as_of = as_of or today
    if as_of > today:
        raise ValidationError({"as_of": f"Cannot score as of {as_of}: it is in the future."})
    is_today = as_of == today
    progress = progress or (lambda items: items)

    lines = _lines(as_of, is_today)
    ocgs = _ocgs(as_of, is_today)
    ocg_status = {o.id: o.status for o in ocgs}
    division_codes = dict(Division.objects.values_list("id", "code"))
    division_forces = dict(Division.objects.values_list("id", "force_id"))
    claims_by_record = _claims_by_record(as_of)
    line_records = _records_by_subject(
        IntelligenceRecord.county_lines.through, "countyline_id", as_of
    )
    ocg_records = _records_by_subject(IntelligenceRecord.ocgs.through, "ocg_id", as_of)
    runners = dict(
        LineNominal.objects.filter(
            Q(from_date__isnull=True) | Q(from_date__lte=as_of),
            Q(to_date__isnull=True) | Q(to_date__gte=as_of),
            role=LineRole.RUNNER,
        )
        .values("county_line_id")
        .annotate(n=Count("nominal", distinct=True))
        .values_list("county_line_id", "n")
    )
    criminality = dict(
        OCG.criminality.through.objects.values("ocg_id")
        .annotate(n=Count("criminalitytype_id"))
        .values_list("ocg_id", "n")
    )

    def claims_of(records: list[tuple]) -> tuple:
        claims = [c for r in records for c in claims_by_record.get(r[0], ())]
        return claims_from_rows(records, claims, as_of)

    results: list[tuple[str, int, ScoreResult]] = []
    line_partitions: dict[tuple[str, int], list] = defaultdict(list)
    ocg_partitions: dict[tuple[str, int], list] = defaultdict(list)
    scored_lines = [line for line in lines if line.status == LineStatus.ACTIVE]
    scored_ocgs = [o for o in ocgs if o.status in SCORED_OCG_STATUSES]
    for line in progress(scored_lines):
        result = _score_line(
            CountyLineInputs(
                claims=claims_of(line_records.get(line.id, [])),
                as_of=as_of,
                runners=runners.get(line.id, 0),
                ocg_mapped=ocg_status.get(line.ocg_id) in SCORED_OCG_STATUSES,
            )
        )
        results.append(("county_line", line.id, result))
        code = division_codes[line.flexed_division_id or line.division_id]
        line_partitions[(code, division_forces[line.division_id])].append((line, result))
    for ocg in progress(scored_ocgs):
        result = _score_ocg(
            OcgInputs(
                claims=claims_of(ocg_records.get(ocg.id, [])),
                as_of=as_of,
                criminality_types=criminality.get(ocg.id, 0),
            )
        )
        results.append(("ocg", ocg.id, result))
        force_id = division_forces[ocg.division_id]
        ocg_partitions[(FORCE_PARTITION, force_id)].append((ocg, result))
        ocg_partitions[(division_codes[ocg.division_id], force_id)].append((ocg, result))

    line_force = {line.id: division_forces[line.division_id] for line in scored_lines}
    line_totals = [(line_force[i], r.total) for kind, i, r in results if kind == "county_line"]
    ocg_figures = [(division_forces[o.division_id], o.status, o.team_kind) for o in ocgs]
    with transaction.atomic():
        if is_today:
            written = _write_current_scores(results, as_of)
            ranked = ranking.rank_everything(today=as_of)
            CountyLine.objects.filter(score_stale_since__lte=started).update(score_stale_since=None)
            OCG.objects.filter(score_stale_since__lte=started).update(score_stale_since=None)
        else:
            written = 0
            RankHistory.objects.filter(on=as_of).delete()
            rows = _history_rows(as_of, RankedSubject.COUNTY_LINE, line_partitions)
            rows += _history_rows(as_of, RankedSubject.OCG, ocg_partitions)
            RankHistory.objects.bulk_create(rows, batch_size=2000)
            ranked = len(rows)
        force_snapshots_save(on=as_of, line_totals=line_totals, ocgs=ocg_figures)
    return RecomputeSummary(as_of, len(scored_lines), len(scored_ocgs), written, ranked)

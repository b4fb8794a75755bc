"""Rebuild every score and ranking in bulk (`manage.py recompute_all`, the demo, the bench).

Reads everything in a handful of queries and scores in memory with the same pure functions the
worker uses, so it stays fast on thousands of lines. With a past `as_of` it rebuilds that day's
rank history and force snapshot from the status history, without touching current scores.
"""

from __future__ import annotations

import contextlib
import datetime
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from countylines.choices import LineRole, LineStatus
from countylines.models import CountyLine, CountyLineStatusChange, FlexPeriod, LineNominal
from kentsoc.intel.models import FactorClaim, IntelligenceRecord
from kentsoc.matrix import ranking
from kentsoc.matrix.models import RankHistory, Score, factor_levels
from kentsoc.matrix.services import (
    SCORE_FIELDS,
    claims_by_record_from_rows,
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


def _in_force(force_id: int | None, path: str = "") -> Q:
    """Rows of one force's lines or OCGs (`path` leads from the row to the subject), or every
    force's with no force named."""
    return Q() if force_id is None else Q(**{f"{path}division__force_id": force_id})


def _status_as_of(changes: Iterable[tuple[int, str]]) -> dict[int, str]:
    """The last status of each subject from changes ordered by effective date."""
    status: dict[int, str] = {}
    for subject_id, to_status in changes:
        status[subject_id] = to_status
    return status


def _lines(as_of: datetime.date, is_today: bool, force_id: int | None) -> list[_Subject]:
    rows = CountyLine.objects.filter(_in_force(force_id), nominated_on__lte=as_of).values_list(
        "id", "reference", "status", "division_id", "flexed_division_id", "ocg_id"
    )
    lines = [_Subject(*row) for row in rows]
    if is_today:
        return lines
    status = _status_as_of(
        CountyLineStatusChange.objects.filter(effective_on__lte=as_of)
        .filter(_in_force(force_id, "county_line__"))
        .order_by("county_line_id", "effective_on", "changed_at", "id")
        .values_list("county_line_id", "to_status")
    )
    flexed = dict(
        FlexPeriod.objects.filter(_in_force(force_id, "county_line__"), started_on__lte=as_of)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=as_of))
        .values_list("county_line_id", "division_id")
    )
    for line in lines:
        line.status = status.get(line.id, LineStatus.NOMINATED.value)
        line.flexed_division_id = flexed.get(line.id)
    return lines


def _ocgs(
    as_of: datetime.date, is_today: bool, force_id: int | None, only: Q | None = None
) -> list[_Subject]:
    """`only`: these OCGs (whichever force's) rather than a force's."""
    chosen = _in_force(force_id) if only is None else only
    rows = OCG.objects.filter(chosen, nominated_on__lte=as_of).values_list(
        "id", "reference", "status", "division_id", "managing_team__kind"
    )
    ocgs = [
        _Subject(id=i, reference=r, status=s, division_id=d, team_kind=k) for i, r, s, d, k in rows
    ]
    if is_today:
        return ocgs
    status = _status_as_of(
        OcgStatusChange.objects.filter(effective_on__lte=as_of)
        .filter(ocg__in=OCG.objects.filter(chosen).values("pk"))
        .order_by("ocg_id", "effective_on", "changed_at", "id")
        .values_list("ocg_id", "to_status")
    )
    for ocg in ocgs:
        ocg.status = status.get(ocg.id, OcgStatus.NOMINATED.value)
    return ocgs


_LINE_LINKS = IntelligenceRecord.county_lines.through
_OCG_LINKS = IntelligenceRecord.ocgs.through
_RECORD_FIELDS = (
    "intelligencerecord_id",
    "intelligencerecord__source_evaluation",
    "intelligencerecord__intelligence_assessment",
    "intelligencerecord__deleted_at",
    "intelligencerecord__information_date",
)


def _links(through, subject: str, as_of: datetime.date, force_id: int | None):
    """The (record, subject) links of `through` up to `as_of`, of one force's subjects or all."""
    return through.objects.filter(
        _in_force(force_id, f"{subject}__"), intelligencerecord__information_date__lte=as_of
    )


def _records_by_subject(
    through, subject: str, as_of: datetime.date, force_id: int | None
) -> dict[int, list]:
    by_subject: dict[int, list] = defaultdict(list)
    rows = _links(through, subject, as_of, force_id).values_list(f"{subject}_id", *_RECORD_FIELDS)
    for row in rows:
        by_subject[row[0]].append(row[1:])
    return by_subject


def _claims_by_record(as_of: datetime.date, force_id: int | None) -> dict[int, list[tuple]]:
    """Record id -> [(factor, level)] of every claim up to `as_of` (of one force's subjects)."""
    by_record: dict[int, list[tuple]] = {}
    claims = FactorClaim.objects.filter(record__information_date__lte=as_of)
    fields = ("record_id", "factor", "level")
    if force_id is None:
        rows = claims.values_list(*fields)
    else:
        # Through the force's subjects' links; UNION reads a record naming several of them once.
        rows = (
            claims.filter(record__county_lines__division__force_id=force_id)
            .values_list(*fields)
            .union(claims.filter(record__ocgs__division__force_id=force_id).values_list(*fields))
        )
    for record_id, factor, level in rows:
        if record_id in by_record:
            by_record[record_id].append((factor, level))
        else:
            by_record[record_id] = [(factor, level)]
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


_SCORE_COLUMNS = """matrix_version text, total int, threat int, risk int, harm int,
    breakdown jsonb, confidence text, tier int, newest_intelligence_on date"""


def _write_current_scores(results: list[tuple[str, int, ScoreResult]], as_of: datetime.date) -> int:
    """Retire the current scores that differ from `results` and add theirs, in two statements
    per kind whatever the number of subjects (the scores go over as one JSON document)."""
    if connection.vendor != "postgresql":
        return _write_current_scores_one_by_one(results, as_of)
    written = 0
    fields = ", ".join(SCORE_FIELDS)
    new = ", ".join(f"n.{name}" for name in SCORE_FIELDS)
    table = Score._meta.db_table
    with connection.cursor() as cursor:
        for kind in ("county_line", "ocg"):
            rows = [
                {"subject": subject_id, **{name: getattr(result, name) for name in SCORE_FIELDS}}
                for field, subject_id, result in results
                if field == kind
            ]
            if not rows:
                continue
            source = f"jsonb_to_recordset(%s::jsonb) AS n(subject bigint, {_SCORE_COLUMNS})"
            payload = json.dumps(rows, cls=DjangoJSONEncoder)
            # Table and column names come from model metadata; values are bound parameters.
            cursor.execute(
                f"""UPDATE {table} s SET is_current = FALSE FROM {source}
                    WHERE s.is_current AND s.{kind}_id = n.subject
                      AND ({", ".join(f"s.{name}" for name in SCORE_FIELDS)})
                          IS DISTINCT FROM ({new})""",  # noqa: S608
                [payload],
            )
            cursor.execute(
                f"""INSERT INTO {table} ({kind}_id, {fields}, as_of, is_current, computed_at)
                    SELECT n.subject, {new}, %s, TRUE, now() FROM {source}
                    WHERE NOT EXISTS (
                        SELECT 1 FROM {table} s WHERE s.is_current AND s.{kind}_id = n.subject
                    )""",  # noqa: S608
                [as_of, payload],
            )
            written += cursor.rowcount
    return written


def _write_current_scores_one_by_one(
    results: list[tuple[str, int, ScoreResult]], as_of: datetime.date
) -> int:
    """SQLite (the demo): the current scores compared in Python, the changed ones replaced."""
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


@contextlib.contextmanager
def _without_jit() -> Iterator[None]:
    """PostgreSQL's JIT compiles any statement its planner costs above `jit_above_cost`, and
    recompute_all's are all costed so (whole tables read, thousands of rows written) though each
    runs in a fraction of a second: compiling cost more than it saved (56 ms of the rank
    history's 785, EXPLAIN ANALYZE on the bench data). Off for this session's statements here,
    then back to what it was."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit')")
        (before,) = cursor.fetchone()
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        # A failed recompute inside a caller's transaction leaves it to roll back (the setting
        # with it); anything else gets the setting back.
        if not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('jit', %s, false)", [before])


def recompute_all(
    *,
    as_of: datetime.date | None = None,
    progress: Progress | None = None,
    force_id: int | None = None,
) -> RecomputeSummary:
    """Score every line and OCG as on `as_of` (default today) and rebuild that day's rankings;
    with `force_id`, one force's only (its rankings are its own).

    Today: writes changed scores, the current rankings, today's rank history and snapshot.
    A past date: writes only that day's rank history and snapshot.
    """
    with _without_jit():
        return _recompute_all(as_of=as_of, progress=progress, force_id=force_id)


def _recompute_all(
    *, as_of: datetime.date | None, progress: Progress | None, force_id: int | None
) -> RecomputeSummary:
    started = timezone.now()
    today = timezone.localdate()
    as_of = as_of or today
    if as_of > today:
        raise ValidationError({"as_of": f"Cannot score as of {as_of}: it is in the future."})
    is_today = as_of == today
    progress = progress or (lambda items: items)

    lines = _lines(as_of, is_today, force_id)
    ocgs = _ocgs(as_of, is_today, force_id)
    ocg_status = {o.id: o.status for o in ocgs}
    elsewhere = {line.ocg_id for line in lines if line.ocg_id and line.ocg_id not in ocg_status}
    if elsewhere:
        # One force's lines may run for another force's OCG: its status still sets ocg_link.
        linked = _ocgs(as_of, is_today, None, only=Q(pk__in=elsewhere))
        ocg_status.update((o.id, o.status) for o in linked)
    division_codes = dict(Division.objects.values_list("id", "code"))
    division_forces = dict(Division.objects.values_list("id", "force_id"))
    claims_by_record = _claims_by_record(as_of, force_id)
    line_records = _records_by_subject(_LINE_LINKS, "countyline", as_of, force_id)
    ocg_records = _records_by_subject(_OCG_LINKS, "ocg", as_of, force_id)
    runners = dict(
        LineNominal.objects.filter(
            _in_force(force_id, "county_line__"),
            Q(from_date__isnull=True) | Q(from_date__lte=as_of),
            Q(to_date__isnull=True) | Q(to_date__gte=as_of),
            role=LineRole.RUNNER,
        )
        .values("county_line_id")
        .annotate(n=Count("nominal", distinct=True))
        .values_list("county_line_id", "n")
    )
    criminality = dict(
        OCG.criminality.through.objects.filter(_in_force(force_id, "ocg__"))
        .values("ocg_id")
        .annotate(n=Count("criminalitytype_id"))
        .values_list("ocg_id", "n")
    )

    def claims_of(records: list[tuple]) -> tuple:
        return claims_by_record_from_rows(records, claims_by_record, as_of)

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
        ocg_force = division_forces[ocg.division_id]
        ocg_partitions[(FORCE_PARTITION, ocg_force)].append((ocg, result))
        ocg_partitions[(division_codes[ocg.division_id], ocg_force)].append((ocg, result))

    line_force = {line.id: division_forces[line.division_id] for line in scored_lines}
    line_totals = [(line_force[i], r.total) for kind, i, r in results if kind == "county_line"]
    ocg_figures = [(division_forces[o.division_id], o.status, o.team_kind) for o in ocgs]
    with transaction.atomic():
        # The rankings' locks before any row: a worker's rescore takes them before its subject's
        # row too, so neither can hold a row the other waits for while waiting for a lock.
        ranking.lock_everything()
        if is_today:
            written = _write_current_scores(results, as_of)
            ranked = ranking.rank_everything(today=as_of, force_id=force_id)
            for model in (CountyLine, OCG):
                model.objects.filter(_in_force(force_id), score_stale_since__lte=started).update(
                    score_stale_since=None
                )
        else:
            written = 0
            RankHistory.objects.filter(
                Q(county_line__in=[line.id for line in lines]) | Q(ocg__in=[o.id for o in ocgs])
                if force_id is not None
                else Q(),
                on=as_of,
            ).delete()
            rows = _history_rows(as_of, RankedSubject.COUNTY_LINE, line_partitions)
            rows += _history_rows(as_of, RankedSubject.OCG, ocg_partitions)
            RankHistory.objects.bulk_create(rows, batch_size=2000)
            ranked = len(rows)
        force_snapshots_save(on=as_of, line_totals=line_totals, ocgs=ocg_figures, force_id=force_id)
    return RecomputeSummary(as_of, len(scored_lines), len(scored_ocgs), written, ranked)

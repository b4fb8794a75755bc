"""Ranking in the database with window functions.

Lines rank within their effective division (the flex division while flexed); mapped and adopted
OCGs rank force-wide (partition FORCE, one ranking per force: every row names its force) and
within their division. Order (DOMAIN.md): total
descending, newest scorable intelligence date descending, reference ascending. The worker re-ranks
one partition per statement; `rank_everything` does every partition of a kind in one statement
(PARTITION BY). The SQL is plain enough for SQLite (the demo) as well as PostgreSQL.
"""

from __future__ import annotations

import datetime
import zlib
from collections.abc import Iterable
from functools import partial

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from countylines.choices import LineStatus
from countylines.models import CountyLine
from kentsoc.matrix.models import RankHistory, Ranking, Score
from kentsoc.org import batch
from kentsoc.org.models import Division
from kentsoc.trh.choices import FORCE_PARTITION, RankedSubject
from kentsoc.trh.factors import TOP_N
from ocg.choices import SCORED_OCG_STATUSES
from ocg.models import OCG

_ALL_PARTITIONS = "*"


def _locks_statement(*locks: tuple[str, bool]) -> list[batch.Statement]:
    """Take (name, shared) advisory locks in the order given, in one statement: PostgreSQL
    evaluates the select list left to right, so the order is the one every caller keeps."""
    if connection.vendor != "postgresql" or not locks:
        return []  # SQLite takes a database-wide write lock anyway
    calls = ", ".join(
        "pg_advisory_xact_lock_shared(%s)" if shared else "pg_advisory_xact_lock(%s)"
        for _, shared in locks
    )
    # Only the two function names above reach the SQL; the keys are bound.
    return [batch.sql(f"SELECT {calls}", [zlib.crc32(name.encode()) for name, _ in locks])]


def _advisory_locks(*locks: tuple[str, bool]) -> None:
    batch.run(_locks_statement(*locks))


def _partition_locks(
    subject_type: str, partitions: Iterable[str], force_id: int | None = None
) -> list[tuple[str, bool]]:
    """Serialise re-ranks of one partition: two workers re-ranking it at once would each delete
    and insert, and the second insert would collide with the first on the unique rank. A full
    rebuild takes the kind's lock exclusively; single partitions take it shared, then each
    partition's own, in sorted order (two rescores of a line moving between divisions take the
    same two in the same order)."""
    partitions = sorted(partitions)
    every = _ALL_PARTITIONS in partitions
    locks = [(f"matrix-rank:{subject_type}", not every)]
    if not every:
        # A division's code names one partition in the country (codes are unique), whichever
        # force's line ranks there: a line flexed into another force's division re-ranks it
        # under the same lock as that force's own lines. FORCE is one partition per force.
        locks += [
            (
                f"matrix-rank:{subject_type}:{partition}:"
                f"{force_id if partition == FORCE_PARTITION else ''}",
                False,
            )
            for partition in partitions
        ]
    return locks


def _lock(subject_type: str, partition: str, force_id: int | None = None) -> None:
    _advisory_locks(*_partition_locks(subject_type, [partition], force_id))


def lock_for_rescore_statement(subject_type: str) -> list[batch.Statement]:
    """`lock_for_rescore` as a statement (none on SQLite), to go first in the rescore's batch of
    reads."""
    return _locks_statement((f"matrix-rank:{subject_type}", True))


def lock_everything() -> None:
    """Both kinds' locks, exclusively: a full rebuild (recompute_all) takes them first, before
    any row it writes."""
    for subject_type in (RankedSubject.COUNTY_LINE, RankedSubject.OCG):
        _lock(subject_type, _ALL_PARTITIONS)


def lock_for_rescore(subject_type: str) -> None:
    """A worker's rescore takes its kind's lock (shared) before it locks its subject's row, the
    order recompute_all takes them in: a rescore holding a line's row while waiting for the lock
    recompute_all holds, itself waiting for that row, was a deadlock."""
    batch.run(lock_for_rescore_statement(subject_type))


_ORDER = (
    "s.total DESC, s.newest_intelligence_on DESC NULLS LAST, "
    "subj.reference ASC NULLS LAST, subj.id ASC"
)

_INSERT = """
INSERT INTO {ranking}
    (subject_type, county_line_id, ocg_id, partition, division_id, force_id, score_id, rank,
     top30, total, flexed, ranked_at)
SELECT %s, {line_id}, {ocg_id}, ranked.code, ranked.division_id, ranked.force_id, ranked.score_id,
       ranked.rn, ranked.rn <= %s, ranked.total, ranked.flexed, %s
FROM (
    SELECT subj.id AS subject_id, s.id AS score_id, s.total AS total, {flexed} AS flexed,
           {code} AS code, {division} AS division_id, d.force_id AS force_id,
           ROW_NUMBER() OVER ({partition_by} ORDER BY {order}) AS rn
    FROM {subjects} subj
    JOIN {score} s ON s.{score_fk} = subj.id AND s.is_current
    {join}
    WHERE subj.status IN ({statuses}) {where}
) ranked
"""


def _insert_sql(
    subject_type: str, partition: str, force_id: int | None, now: datetime.datetime | None = None
) -> tuple[str, list]:
    """With every partition (or FORCE) and a `force_id`: every partition of that force. `now`
    is the rows' ranked_at."""
    is_line = subject_type == RankedSubject.COUNTY_LINE
    force = partition == FORCE_PARTITION
    # FORCE with no force named: every force's FORCE ranking at once.
    every = partition == _ALL_PARTITIONS or (force and force_id is None)
    one_force_all = partition == _ALL_PARTITIONS and force_id is not None
    if is_line:
        statuses = [LineStatus.ACTIVE.value]
        join = (
            "JOIN {division_table} d ON d.id = COALESCE(subj.flexed_division_id, subj.division_id)"
        )
        flexed = "subj.flexed_division_id IS NOT NULL"
    else:
        statuses = sorted(s.value for s in SCORED_OCG_STATUSES)
        join = "JOIN {division_table} d ON d.id = subj.division_id"
        flexed = "FALSE"
    params: list = [subject_type, TOP_N, now or timezone.now(), *statuses]
    where = ""
    if (force and not every) or one_force_all:
        where = "AND d.force_id = %s"
        params.append(force_id)
    elif not every:
        where = "AND d.code = %s"
        params.append(partition)
    tables = {
        "ranking": Ranking._meta.db_table,
        "score": Score._meta.db_table,
        "division_table": Division._meta.db_table,
        "subjects": (CountyLine if is_line else OCG)._meta.db_table,
    }
    sql = _INSERT.format(
        line_id="ranked.subject_id" if is_line else "NULL",
        ocg_id="NULL" if is_line else "ranked.subject_id",
        flexed=flexed,
        code=f"'{FORCE_PARTITION}'" if force else "d.code",
        division="CAST(NULL AS BIGINT)" if force else "d.id",
        partition_by=("PARTITION BY d.force_id" if force else "PARTITION BY d.id") if every else "",
        order=_ORDER,
        score_fk="county_line_id" if is_line else "ocg_id",
        join=join.format(**tables),
        statuses=", ".join(["%s"] * len(statuses)),
        where=where,
        **tables,
    )
    return sql, params


def _rank_statements(
    subject_type: str,
    partition: str,
    today: datetime.date,
    force_id: int | None = None,
    now: datetime.datetime | None = None,
) -> tuple[list[batch.Statement], int]:
    """The statements that delete and rebuild the ranking rows of one partition (or all of a
    kind), and the day's rank history from them, to run inside the caller's transaction and
    lock; and how many of them, after the first, count ranked rows. The FORCE partition is one
    force's (`force_id`): each force ranks its own OCGs."""
    ranking = Ranking.objects.filter(subject_type=subject_type)
    history = RankHistory.objects.filter(on=today, subject_type=subject_type)
    # One force's rankings: its FORCE partition, or all of its partitions at once.
    one_force = force_id is not None and partition in (FORCE_PARTITION, _ALL_PARTITIONS)
    if partition != _ALL_PARTITIONS:
        ranking = ranking.filter(partition=partition)
        history = history.filter(partition=partition)
    if one_force:
        ranking = ranking.filter(force_id=force_id)
        # A division's code names one force's division; FORCE rows are the force's own OCGs'.
        mine = Q(partition=FORCE_PARTITION, ocg__division__force_id=force_id)
        if partition == _ALL_PARTITIONS:
            mine |= Q(partition__in=Division.objects.filter(force_id=force_id).values("code"))
        history = RankHistory.objects.filter(pk__in=history.filter(mine).values("pk"))
    parts = [partition]
    if subject_type == RankedSubject.OCG and partition == _ALL_PARTITIONS:
        parts.append(FORCE_PARTITION)
    inserts = [batch.sql(*_insert_sql(subject_type, part, force_id, now)) for part in parts]
    where = "" if partition == _ALL_PARTITIONS else "AND r.partition = %s"
    if one_force:
        where += " AND r.force_id = %s"
    history_insert = batch.sql(
        # Table names come from model metadata, values are bound parameters.
        f"""INSERT INTO {RankHistory._meta.db_table}
                ("on", subject_type, county_line_id, ocg_id, partition, rank, total, factors)
            SELECT %s, r.subject_type, r.county_line_id, r.ocg_id, r.partition, r.rank,
                   r.total, {_factor_levels_sql()}
            FROM {Ranking._meta.db_table} r
            JOIN {Score._meta.db_table} s ON s.id = r.score_id
            WHERE r.subject_type = %s {where}""",  # noqa: S608
        [today, subject_type]
        + ([] if partition == _ALL_PARTITIONS else [partition])
        + ([force_id] if one_force else []),
    )
    statements = [batch.delete_of(ranking), *inserts, batch.delete_of(history), history_insert]
    return statements, len(inserts)


def _ranked(results: list[int], ranking_inserts: int) -> int:
    """The rows ranked, from the results of `_rank_statements`' statements."""
    return sum(results[1 : 1 + ranking_inserts])


def _rank(
    subject_type: str, partition: str, today: datetime.date, force_id: int | None = None
) -> int:
    """Run `_rank_statements`: the number of rows ranked."""
    statements, ranking_inserts = _rank_statements(subject_type, partition, today, force_id)
    return _ranked(batch.run(statements), ranking_inserts)


def _factor_levels_sql() -> str:
    """The score's breakdown as `factor_levels` makes it (code -> [level, points]), in SQL so the
    day's history is still one INSERT ... SELECT however many subjects a partition holds."""
    if connection.vendor == "postgresql":
        return """COALESCE((SELECT jsonb_object_agg(e->>'factor', jsonb_build_array(
                        (e->>'level')::int, (e->>'points')::int))
                    FROM jsonb_array_elements(s.breakdown) e), '{}'::jsonb)"""
    return """COALESCE((SELECT json_group_object(json_extract(e.value, '$.factor'), json_array(
                    json_extract(e.value, '$.level'), json_extract(e.value, '$.points')))
                FROM json_each(s.breakdown) e), '{}')"""


def rerank_statements(
    subject_type: str,
    partitions: Iterable[str],
    *,
    force_id: int | None = None,
    today: datetime.date | None = None,
) -> list[batch.Statement]:
    """The statements rebuilding these partitions' rankings from current scores and today's rank
    history (a rescore's: the partitions its subject is and was in), their locks first, for the
    caller to run in its transaction after what they read (its score) is written. The FORCE
    partition needs the force (`force_id`) whose OCGs it ranks. Readers see the old ranking or
    the new one, never a mix: the delete and the insert commit together."""
    partitions = sorted(partitions)
    if not partitions:
        return []
    today = today or timezone.localdate()
    now = timezone.now()
    statements = _locks_statement(*_partition_locks(subject_type, partitions, force_id))
    for partition in partitions:
        # Compiled once per kind of partition (batch.compiled): a division's names no force, a
        # force's ranking names no division.
        if partition == FORCE_PARTITION:
            statements += batch.compiled(
                ("matrix.rerank", subject_type, FORCE_PARTITION),
                partial(_rerank_force, subject_type),
                force_id=force_id,
                today=today,
                now=now,
            )
        else:
            statements += batch.compiled(
                ("matrix.rerank", subject_type),
                partial(_rerank_division, subject_type),
                partition=partition,
                today=today,
                now=now,
            )
    return statements


def _rerank_force(
    subject_type: str, *, force_id: int | None, today: datetime.date, now: datetime.datetime
) -> list[batch.Statement]:
    return _rank_statements(subject_type, FORCE_PARTITION, today, force_id, now)[0]


def _rerank_division(
    subject_type: str, *, partition: str, today: datetime.date, now: datetime.datetime
) -> list[batch.Statement]:
    return _rank_statements(subject_type, partition, today, now=now)[0]


def rank_everything(*, today: datetime.date | None = None, force_id: int | None = None) -> int:
    """Re-rank every partition of every kind (of one force, with `force_id`), one statement per
    kind (recompute_all, the demo)."""
    today = today or timezone.localdate()
    ranked = 0
    with transaction.atomic():
        for subject_type in (RankedSubject.COUNTY_LINE, RankedSubject.OCG):
            _lock(subject_type, _ALL_PARTITIONS)
            ranked += _rank(subject_type, _ALL_PARTITIONS, today, force_id)
    return ranked


def line_partitions(status: str, code: str) -> set[str]:
    """Where a line ranks now (empty when it is not on the matrix): `code` is its effective
    division's (the flex division's while flexed)."""
    if status != LineStatus.ACTIVE:
        return set()
    return {code}


def ocg_partitions(status: str, code: str) -> set[str]:
    """Where an OCG ranks now: its division's code and its force's ranking."""
    if status not in SCORED_OCG_STATUSES:
        return set()
    return {code, FORCE_PARTITION}

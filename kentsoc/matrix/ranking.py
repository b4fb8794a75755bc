"""Ranking partitions in the database: one window-function statement per partition.

Lines rank within their effective division (the flex division while flexed); mapped and adopted
OCGs rank force-wide (partition FORCE) and within their division. Order (DOMAIN.md): total
descending, newest scorable intelligence date descending, reference ascending. The SQL is plain
enough for SQLite (the demo) as well as PostgreSQL.
"""

from __future__ import annotations

import datetime
import zlib

from django.db import connection, transaction
from django.utils import timezone

from countylines.choices import LineStatus
from countylines.models import CountyLine
from kentsoc.matrix.choices import FORCE_PARTITION, RankedSubject
from kentsoc.matrix.factors import TOP_N
from kentsoc.matrix.models import RankHistory, Ranking, Score
from kentsoc.org.models import Division
from ocg.choices import SCORED_OCG_STATUSES
from ocg.models import OCG


def _lock_partition(subject_type: str, partition: str) -> None:
    """Serialise re-ranks of one partition: two workers re-ranking it at once would each delete
    and insert, and the second insert would collide with the first on the unique rank."""
    if connection.vendor != "postgresql":
        return  # SQLite takes a database-wide write lock anyway
    key = zlib.crc32(f"matrix-rank:{subject_type}:{partition}".encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _sql_params() -> dict[str, str]:
    return {
        "ranking": Ranking._meta.db_table,
        "history": RankHistory._meta.db_table,
        "score": Score._meta.db_table,
        "line": CountyLine._meta.db_table,
        "ocg": OCG._meta.db_table,
    }


_ORDER = "s.total DESC, s.newest_intelligence_on DESC NULLS LAST, subj.reference ASC NULLS LAST, subj.id ASC"  # noqa: E501

_INSERT_LINES = """
INSERT INTO {ranking}
    (subject_type, county_line_id, ocg_id, partition, division_id, score_id, rank, top30, total,
     flexed, ranked_at)
SELECT %s, ranked.subject_id, NULL, %s, %s, ranked.score_id, ranked.rn, ranked.rn <= %s,
       ranked.total, ranked.flexed, %s
FROM (
    SELECT subj.id AS subject_id, s.id AS score_id, s.total AS total,
           subj.flexed_division_id IS NOT NULL AS flexed,
           ROW_NUMBER() OVER (ORDER BY {order}) AS rn
    FROM {line} subj
    JOIN {score} s ON s.county_line_id = subj.id AND s.is_current
    WHERE subj.status = %s AND COALESCE(subj.flexed_division_id, subj.division_id) = %s
) ranked
"""

_INSERT_OCGS = """
INSERT INTO {ranking}
    (subject_type, county_line_id, ocg_id, partition, division_id, score_id, rank, top30, total,
     flexed, ranked_at)
SELECT %s, NULL, ranked.subject_id, %s, %s, ranked.score_id, ranked.rn, ranked.rn <= %s,
       ranked.total, FALSE, %s
FROM (
    SELECT subj.id AS subject_id, s.id AS score_id, s.total AS total,
           ROW_NUMBER() OVER (ORDER BY {order}) AS rn
    FROM {ocg} subj
    JOIN {score} s ON s.ocg_id = subj.id AND s.is_current
    WHERE subj.status IN ({statuses}) {division_clause}
) ranked
"""

_HISTORY = """
INSERT INTO {history} ("on", subject_type, county_line_id, ocg_id, partition, rank, total)
SELECT %s, subject_type, county_line_id, ocg_id, partition, rank, total
FROM {ranking} WHERE subject_type = %s AND partition = %s
"""


def rank_partition(subject_type: str, partition: str, *, today: datetime.date | None = None) -> int:
    """Rebuild one partition's ranking from current scores and record today's rank history.

    Returns the number of ranked subjects. Runs in (or opens) a transaction holding the
    partition's lock, so readers see either the old ranking or the new one, never a mix.
    """
    today = today or timezone.localdate()
    names = _sql_params()
    now = timezone.now()
    with transaction.atomic():
        _lock_partition(subject_type, partition)
        Ranking.objects.filter(subject_type=subject_type, partition=partition).delete()
        with connection.cursor() as cursor:
            if subject_type == RankedSubject.COUNTY_LINE:
                division_id = (
                    Division.objects.filter(code=partition).values_list("pk", flat=True).first()
                )
                if division_id is None:
                    return 0
                sql = _INSERT_LINES.format(order=_ORDER, **names)
                params = [
                    subject_type,
                    partition,
                    division_id,
                    TOP_N,
                    now,
                    LineStatus.ACTIVE.value,
                    division_id,
                ]
            else:
                statuses = sorted(s.value for s in SCORED_OCG_STATUSES)
                params = [subject_type, partition]
                division_clause = ""
                if partition == FORCE_PARTITION:
                    params.append(None)
                else:
                    division_id = (
                        Division.objects.filter(code=partition).values_list("pk", flat=True).first()
                    )
                    if division_id is None:
                        return 0
                    params.append(division_id)
                    division_clause = "AND subj.division_id = %s"
                params += [TOP_N, now, *statuses]
                if division_clause:
                    params.append(division_id)
                sql = _INSERT_OCGS.format(
                    order=_ORDER,
                    statuses=", ".join(["%s"] * len(statuses)),
                    division_clause=division_clause,
                    **names,
                )
            cursor.execute(sql, params)
            ranked = cursor.rowcount
            RankHistory.objects.filter(
                on=today, subject_type=subject_type, partition=partition
            ).delete()
            cursor.execute(
                _HISTORY.format(**names),
                [today, subject_type, partition],
            )
    return ranked


def line_partitions(line: CountyLine) -> set[str]:
    """Where a line ranks now (empty when it is not on the matrix)."""
    if line.status != LineStatus.ACTIVE:
        return set()
    division_id = line.flexed_division_id or line.division_id
    return set(Division.objects.filter(pk=division_id).values_list("code", flat=True))


def ocg_partitions(ocg: OCG) -> set[str]:
    if ocg.status not in SCORED_OCG_STATUSES:
        return set()
    codes = set(Division.objects.filter(pk=ocg.division_id).values_list("code", flat=True))
    return codes | {FORCE_PARTITION}


def rank_everything(*, today: datetime.date | None = None) -> int:
    """Re-rank every partition (recompute_all, the demo)."""
    ranked = 0
    for code in Division.objects.values_list("code", flat=True):
        ranked += rank_partition(RankedSubject.COUNTY_LINE, code, today=today)
        ranked += rank_partition(RankedSubject.OCG, code, today=today)
    ranked += rank_partition(RankedSubject.OCG, FORCE_PARTITION, today=today)
    return ranked

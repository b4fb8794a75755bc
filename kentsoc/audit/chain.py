"""Walking the audit trail's hash chain (PostgreSQL; migration audit 0004 builds it).

Each event's `row_hash` is sha256 over its other columns, `prev_hash` included, computed by the SQL
function `audit_auditevent_digest`; each `prev_hash` is the `row_hash` of the event before it in
id order (empty for the first). The walk runs in PostgreSQL, a chunk of ids per query with a
window function comparing each event to the one before it, so a million events take seconds and
never travel to Python. The first event that fails is named: one whose content no longer matches
its hash (changed after it was written), or whose `prev_hash` is not the hash of the event before
it (an event before it was removed, changed, or slipped in).

Only the database owner can break the chain (the app's login cannot update, delete, truncate or
disable a trigger); for the owner it is evidence, not prevention. Removing the newest events
leaves a shorter intact chain: compare the head `audit_verify` prints with one recorded earlier.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, transaction

from kentsoc.audit.models import AuditEvent

CHUNK_SIZE = 50_000


@dataclass(frozen=True)
class BrokenEvent:
    id: int
    at: datetime.datetime
    action: str
    why: str


@dataclass(frozen=True)
class ChainReport:
    verified: int  # events found intact, in id order (before the first broken one)
    head_id: int | None = None  # the newest event, when the whole chain is intact
    head_hash: str = ""
    broken: BrokenEvent | None = None


def _table() -> str:
    return connection.ops.quote_name(AuditEvent._meta.db_table)


def _chunk_end(cursor, after: int, size: int) -> int | None:
    """The id ending the next chunk of `size` events after `after` (None: no events left)."""
    table = _table()
    cursor.execute(
        f"SELECT coalesce("  # noqa: S608  (the table name is the model's, not input)
        f"(SELECT id FROM {table} WHERE id > %s ORDER BY id OFFSET %s LIMIT 1), "
        f"(SELECT max(id) FROM {table} WHERE id > %s))",
        [after, size - 1, after],
    )
    return cursor.fetchone()[0]


def _first_failure_or_last(cursor, after: int, upto: int, previous: str) -> tuple:
    """The first event of (after, upto] that fails, else the last one; with the chunk's size."""
    table = _table()
    cursor.execute(
        f"""
        SELECT id, at, action, row_hash, altered, unlinked, events FROM (
            SELECT id, at, action, row_hash, altered,
                   prev_hash IS DISTINCT FROM
                       lag(row_hash, 1, %s::varchar) OVER (ORDER BY id) AS unlinked,
                   count(*) OVER () AS events
            FROM (
                -- Hash each row as it is read, then window over narrow rows (OFFSET 0 keeps
                -- the planner from merging the two levels).
                SELECT e.id, e.at, e.action, e.prev_hash, e.row_hash,
                       e.row_hash IS DISTINCT FROM audit_auditevent_digest(e) AS altered
                FROM {table} e
                WHERE e.id > %s AND e.id <= %s
                OFFSET 0
            ) hashed
        ) checked
        WHERE altered OR unlinked OR id = %s
        ORDER BY id
        LIMIT 1
        """,  # noqa: S608  (the table name is the model's, not input)
        [previous, after, upto, upto],
    )
    return cursor.fetchone()


def verify_chain(*, chunk_size: int = CHUNK_SIZE) -> ChainReport:
    if connection.vendor != "postgresql":
        raise NotImplementedError("the audit hash chain is kept on PostgreSQL only")
    verified, after, previous = 0, 0, ""
    with transaction.atomic(), connection.cursor() as cursor:
        # psycopg prepares a statement run five times; PostgreSQL's generic plan for it, blind to
        # the chunk's bounds, scans the whole table for every chunk. Plan each chunk for its ids.
        cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        while (upto := _chunk_end(cursor, after, chunk_size)) is not None:
            event_id, at, action, row_hash, altered, unlinked, events = _first_failure_or_last(
                cursor, after, upto, previous
            )
            if altered or unlinked:
                cursor.execute(
                    f"SELECT count(*) FROM {_table()} WHERE id > %s AND id < %s",  # noqa: S608
                    [after, event_id],
                )
                verified += cursor.fetchone()[0]
                why = (
                    "its content does not match its hash: it was changed after it was written"
                    if altered
                    else "its prev_hash is not the hash of the event before it: an earlier "
                    "event was removed, changed or inserted"
                )
                broken = BrokenEvent(id=event_id, at=at, action=action, why=why)
                return ChainReport(verified=verified, broken=broken)
            verified += events
            after, previous = upto, row_hash
    return ChainReport(verified=verified, head_id=after or None, head_hash=previous)
